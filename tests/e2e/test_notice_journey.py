"""A year from its proposed list to publication through a public notice: the administrator puts
the list on notice, a resident objects from a phone, the objection is found upheld, and once the
window has closed the year is published without the community objected to."""

from __future__ import annotations

from datetime import date

import pytest

from ratings import workflow
from ratings.models import Objection, Region, StarRating
from tests import factories
from tests.e2e.conftest import DESKTOP, PHONE, log_in
from tests.helpers import HAINAN, decide_all, submitted_rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIMIN, SAIHANWUSU = "150303102502", "150303104707"


def test_year_named_through_a_notice_with_an_objection(
    live_server, reference_data, browser, screenshot, today
):
    assessor = factories.assessor(HAINAN, username="hainan")
    admin = factories.administrator(username="cityadmin")
    certifiers = {
        code: factories.certifier(code, username=code)
        for code in ("gongan", "fanxiejiao", "saohei", "yingji", "jindu", "xinfang")
        + ("jiancha", "tuanshiwei")
    }
    year = workflow.year_open(user=None, year=2026)
    for code in (LIMIN, SAIHANWUSU):
        decide_all(submitted_rating(assessor, Region.objects.get(pk=code), year), certifiers)
    workflow.year_close(user=admin, year=year)
    today(date(2026, 12, 1))  # a Tuesday: the window runs 1–7 December
    base = live_server.url

    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, base, "cityadmin", factories.PASSWORD)
    page.goto(f"{base}/manage/notices/")
    page.click("text=公示2026年度十星拟命名名单…")
    page.fill("#id_body", "经评定认定，以下社区(村)拟命名为2026年度十星平安社区(村)。")
    page.fill("#id_contact", "市平安办 0473-3998110")
    page.fill("#id_starts_on", "2026-12-01")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=公示已发布，公示期至 2026-12-07。")
    notice_url = page.url
    page.context.close()

    resident = browser.new_context(viewport=PHONE).new_page()
    resident.goto(notice_url)
    resident.select_option("#id_entry", label="赛汗乌素村")
    resident.fill(
        "#id_facts", "该村今年9月发生一起青少年被侵害案件，派出所已立案，与十星标准不符。"
    )
    resident.fill("#id_name", "刘海军")
    resident.fill("#id_phone", "138 4731 2345")
    screenshot(resident, "notice-objection-phone")
    resident.click("text=提交异议")
    resident.wait_for_selector("text=异议已受理")
    receipt = Objection.objects.get().receipt
    assert receipt in resident.content()
    screenshot(resident, "objection-receipt-phone")
    resident.context.close()

    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, base, "cityadmin", factories.PASSWORD)
    page.goto(f"{base}/manage/years/")
    page.click("text=公布…")
    page.wait_for_selector("text=尚未期满")
    assert page.locator("button:has-text('确认公布')").count() == 0
    page.goto(f"{base}/objections/")
    page.click(f"text={receipt}")
    assert "刘海军" in page.content() and "13847312345" in page.content()
    page.click("text=作出认定…")
    page.check("input[value=upheld]")
    page.fill("#id_reason", "经公安机关核实，案件属实，对应标准不应认可。")
    screenshot(page, "objection-finding-desktop")
    page.click("button:has-text('确认认定')")
    page.wait_for_selector("text=已认定：异议成立。")

    today(date(2026, 12, 8))
    page.goto(f"{base}/manage/years/")
    page.click("text=公布…")
    page.click("button:has-text('确认')")
    page.wait_for_selector("text=2026年度评定结果已公布。")
    assert StarRating.objects.get(community_id=SAIHANWUSU).status == "revoked"
    page.goto(notice_url)
    assert "公示期内共收到异议 1 件：成立 1 件" in page.content()
    assert "刘海军" not in page.content()
    screenshot(page, "notice-outcome-desktop")
    page.goto(f"{base}/years/2026/commendation/")
    assert "利民社区" in page.content() and "赛汗乌素村" not in page.content()
