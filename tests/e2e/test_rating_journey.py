"""The ten-star story in a browser: score, submit, endorse, ten stars."""

from __future__ import annotations

import pytest

from ratings import workflow
from ratings.models import Authority, Region, StarItem, StarRating
from tests import factories
from tests.e2e.conftest import DESKTOP, PHONE, log_in
from tests.helpers import BAYINTAOHAI, HAINAN, SAIHANWUSU, findings, submitted_rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_assessor_scores_certifiers_endorse_ten_stars(
    live_server, reference_data, browser, screenshot, tmp_path
):
    workflow.year_open(user=None, year=2026)
    factories.assessor(HAINAN, username="hainan", display_name="海南区评定员")
    for authority in Authority.objects.all():
        factories.certifier(
            authority.code, username=authority.code, display_name=f"{authority.short_name}认定员"
        )
    evidence = tmp_path / "治安情况核查表.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    base = live_server.url

    # The assessor of 海南区, on a phone.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, base, "hainan", factories.PASSWORD)
    page.click("text=我的工作")
    page.fill("input[name=q]", "赛汗乌素")
    page.click("form[role=search] button[type=submit]")
    page.click("text=赛汗乌素村")
    page.click("text=开始评定")
    for number in range(1, 11):
        page.check(f"input[name=s{number}-met][value=yes]")
        page.fill(f"textarea[name=s{number}-note]", f"第{number}项经核实达标")
    page.set_input_files("input[name=s1-files]", str(evidence))
    screenshot(page, "rating-edit-phone")
    page.click("text=保存并提交认定…")
    page.wait_for_selector("text=确认提交")
    screenshot(page, "rating-submit-confirm-phone")
    page.click("button:has-text('确认提交')")
    page.wait_for_selector("text=已提交，等待认定机关认定。")
    context.close()

    # Each certifying authority endorses what it certifies, from its queue.
    for authority in Authority.objects.filter(standards__isnull=False).distinct():
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        log_in(page, base, authority.code, factories.PASSWORD)
        page.goto(f"{base}/queue/")
        page.check("input[data-check-all=items]")
        page.check("input[name=decision][value=endorse]")
        page.click("text=下一步：确认")
        page.click("button:has-text('确认提交')")
        page.wait_for_selector("text=目前没有等待您认定的事项。")
        if authority.code == "gongan":
            screenshot(page, "queue-after-endorse-desktop")
        context.close()

    rating = StarRating.objects.get(community_id=SAIHANWUSU)
    assert (rating.status, rating.stars) == ("certified", 10)

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, base, "hainan", factories.PASSWORD)
    page.goto(f"{base}/ratings/2026/{SAIHANWUSU}/")
    outcome = page.text_content(".outcome")
    assert "10 星" in outcome and "十星平安社区(村)" in outcome
    timeline = page.text_content(".timeline")
    assert "提交认定" in timeline and "认定完成" in timeline and timeline.count("认可") >= 10
    assert page.is_visible("text=治安情况核查表.pdf")
    screenshot(page, "rating-ten-stars-desktop")
    context.close()


PNG_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def test_assessor_rates_with_one_thumb_on_a_phone(
    live_server, reference_data, browser, screenshot, tmp_path
):
    """The save and submit buttons are always on screen; "全部达标" answers what is left;
    answered items fold to one line; a photo shows as a thumbnail before it is uploaded."""
    year = workflow.year_open(user=None, year=2026)
    assessor = factories.assessor(HAINAN, username="hainan")
    community = Region.objects.get(pk=SAIHANWUSU)
    workflow.rating_save(
        user=assessor,
        community=community,
        year=year,
        expected_version=0,
        findings=findings(met={2: False, **{n: None for n in range(3, 11)}}),
    )
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG_PIXEL)
    base = live_server.url
    edit = f"{base}/ratings/2026/{SAIHANWUSU}/edit/"

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, base, "hainan", factories.PASSWORD)
    page.goto(edit)
    bar = page.locator(".form-bar")
    assert page.text_content("[data-decided]") == "2"
    # Items 1 and 2 are answered: folded to their title line.
    assert not page.is_visible("textarea[name=s1-note]")
    for scroll in (0, 1500, 3000):
        page.evaluate(f"window.scrollTo(0, {scroll})")
        box = bar.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] + 1
    page.evaluate("window.scrollTo(0, 0)")
    page.set_input_files("input#id_s3-files_camera", str(photo))
    page.wait_for_selector("[data-picker-thumbs] img")
    assert "现场照片.png" in page.text_content("#item-3 [data-picker-names]")
    screenshot(page, "rating-form-phone-before")
    page.click("[data-all-met]")
    assert page.text_content("[data-decided]") == "10"
    assert page.is_checked("input[name=s2-met][value=no]")  # an answer is never overwritten
    page.click("#item-1 summary")  # a folded item opens on a tap
    assert page.is_visible("textarea[name=s1-note]")
    screenshot(page, "rating-form-phone-all-met")
    with page.expect_navigation():
        page.click(".form-bar button:has-text('保存草稿')")
    rating = StarRating.objects.get(community=community)
    met = dict(rating.items.values_list("standard_id", "met"))
    assert met[2] is False and all(met[n] for n in (1, *range(3, 11)))
    assert rating.items.get(standard_id=3).evidence.count() == 1

    page.goto(edit)
    page.click("header .lang-form button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Decided" in page.text_content(".form-bar")
    screenshot(page, "rating-form-phone-en")
    context.close()

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, base, "hainan", factories.PASSWORD)
    page.goto(f"{base}/ratings/2026/{SAIHANWUSU}/submit/")
    assert "8 项请再核对" in page.text_content(".notice")
    screenshot(page, "rating-submit-warnings-desktop")
    page.goto(edit)
    page.click("#item-3 summary")
    screenshot(page, "rating-form-desktop")
    context.close()


def test_certifier_clears_every_matching_item_in_one_confirmed_action(
    live_server, reference_data, browser, screenshot
):
    year = workflow.year_open(user=None, year=2026)
    assessor = factories.assessor(HAINAN, username="hainan")
    factories.certifier("gongan", username="gongan")
    for community in factories.communities(BAYINTAOHAI, 12):
        submitted_rating(assessor, community, year)  # 36 items for 公安 (standards 1, 2, 8)
    base = live_server.url

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, base, "gongan", factories.PASSWORD)
    page.goto(f"{base}/queue/")
    assert not page.is_checked("input[name=decision][value=endorse]")
    second_row = page.locator("tr[data-select-row]").nth(1)
    second_row.locator("td").nth(2).click()  # a tap on the row, away from the checkbox
    assert second_row.locator("input[name=items]").is_checked()
    assert page.text_content("[data-selected-count]") == "1"
    page.evaluate("window.scrollTo(0, 1200)")
    assert page.locator(".bulk-bar").bounding_box()["y"] >= 0  # still in view: sticky
    box = page.locator("input[name=items]").first.bounding_box()
    label = page.locator("label.row-check").first.bounding_box()
    assert label["width"] >= 44 and label["height"] >= 44 and box["width"] >= 20
    page.evaluate("window.scrollTo(0, 0)")
    page.check("[data-all-matching]")
    page.check("input[name=decision][value=endorse]")
    screenshot(page, "queue-all-matching-phone")
    page.click("text=下一步：确认")
    assert "确认将以下 36 项处理为“认可”" in page.text_content("h1")
    screenshot(page, "queue-confirm-all-phone")
    page.click("button:has-text('确认提交')")
    page.wait_for_selector("text=已将 36 项处理为“认可”。")
    context.close()
    assert StarItem.objects.filter(standard__authority="gongan", status="endorsed").count() == 36
