"""The ten-star story in a browser: score, submit, endorse, ten stars."""

from __future__ import annotations

import pytest

from ratings import workflow
from ratings.models import Authority, StarRating
from tests import factories
from tests.e2e.conftest import DESKTOP, PHONE, log_in
from tests.helpers import HAINAN, SAIHANWUSU

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
