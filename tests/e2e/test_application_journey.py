"""The application-led story in a browser: a village applies from a phone, its town and the
district review it on phones, the authorities certify it."""

from __future__ import annotations

import pytest

from ratings import workflow
from ratings.models import Authority, Region, StarRating
from tests import factories
from tests.e2e.conftest import DESKTOP, PHONE, log_in
from tests.helpers import BAYINTAOHAI, HAINAN, SAIHANWUSU

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_village_applies_town_forwards_district_reviews_authorities_certify(
    live_server, reference_data, browser, screenshot, tmp_path
):
    year = workflow.year_open(user=None, year=2026)
    admin = factories.administrator(username="admin")
    workflow.district_mode_set(
        user=admin, district=Region.objects.get(pk=HAINAN), year=year, mode="application"
    )
    factories.filer(SAIHANWUSU, username="saihanwusu", display_name="赛汗乌素村填报员")
    factories.prereviewer(BAYINTAOHAI, username="bayintaohai", display_name="巴音陶亥镇初审员")
    factories.assessor(HAINAN, username="hainan", display_name="海南区评定员")
    for authority in Authority.objects.all():
        factories.certifier(authority.code, username=authority.code)
    evidence = tmp_path / "自评材料.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    base = live_server.url
    detail = f"{base}/ratings/2026/{SAIHANWUSU}/"

    # The village's filer, on a phone: self-assessment, item 9 judged not met, then apply.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, base, "saihanwusu", factories.PASSWORD)
    page.click("text=我的工作")
    page.click("main a:has-text('赛汗乌素村')")
    page.click("text=开始自评")
    for number in range(1, 11):
        page.check(f"input[name=s{number}-met][value={'no' if number == 9 else 'yes'}]")
        page.fill(f"textarea[name=s{number}-note]", f"第{number}项自评说明")
    page.set_input_files("input[name=s1-files]", str(evidence))
    screenshot(page, "application-edit-phone")
    page.click("text=保存并申报…")
    page.wait_for_selector("button:has-text('确认申报')")
    screenshot(page, "application-submit-confirm-phone")
    page.click("button:has-text('确认申报')")
    page.wait_for_selector("text=已申报，等待街道/镇初审。")
    context.close()

    # The town's reviewer, on a phone, returns it with a note on item 1; the filer re-applies.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, base, "bayintaohai", factories.PASSWORD)
    # The town sees it waiting: the header counts it, 待办 leads to the filtered work list.
    assert page.text_content(".todo-link .count") == "1"
    page.click(".todo-link")
    screenshot(page, "todo-phone")
    page.click("text=待我处理的星级评定")
    screenshot(page, "work-mine-phone")
    page.click("main a:has-text('赛汗乌素村')")
    page.click("text=初审…")
    page.fill("textarea[name=item_1]", "请补充派出所出具的证明")
    page.check("input[name=decision][value=return]")
    screenshot(page, "application-prereview-phone")
    page.click("button:has-text('提交初审结果')")
    page.wait_for_selector("text=已退回社区(村)修改。")
    context.close()

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, base, "saihanwusu", factories.PASSWORD)
    page.goto(detail)
    page.click("text=修改自评")
    assert page.is_visible("text=请补充派出所出具的证明")
    page.click("text=保存并申报…")
    page.click("button:has-text('确认申报')")
    page.wait_for_selector("text=已申报，等待街道/镇初审。")
    context.close()

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, base, "bayintaohai", factories.PASSWORD)
    page.goto(detail)
    page.click("text=初审…")
    page.check("input[name=decision][value=forward]")
    page.click("button:has-text('提交初审结果')")
    page.wait_for_selector("text=已报区复核。")
    context.close()

    # The district's assessor, on a phone: the community's answer beside the form; judging
    # item 9 met needs a reason.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, base, "hainan", factories.PASSWORD)
    page.goto(detail)
    page.click("a:has-text('复核')")
    page.check("input[name=s9-met][value=yes]")
    page.click("text=保存并提交认定…")
    page.wait_for_selector("text=请填写改判理由")
    page.fill("textarea[name=s9-reason]", "经核实，相关案件当事人非本村青少年")
    screenshot(page, "application-review-phone")
    page.click("text=保存并提交认定…")
    page.click("button:has-text('确认提交')")
    page.wait_for_selector("text=已提交，等待认定机关认定。")
    context.close()

    # The authorities endorse from their queues.
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
        context.close()

    rating = StarRating.objects.get(community_id=SAIHANWUSU)
    assert (rating.status, rating.stars) == ("certified", 10)

    # The village sees the outcome and the whole chain on its phone.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, base, "saihanwusu", factories.PASSWORD)
    page.goto(detail)
    assert "十星平安社区(村)" in page.text_content(".outcome")
    timeline = page.text_content(".timeline")
    for step in ("自评申报", "初审退回社区", "初审通过，报区复核", "提交认定", "认定完成"):
        assert step in timeline
    assert page.is_visible("text=经核实，相关案件当事人非本村青少年")
    screenshot(page, "application-certified-phone")
    context.close()
