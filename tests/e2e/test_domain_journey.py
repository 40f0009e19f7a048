"""A school, a hotel and a household: registered, assessed, approved and named in a browser."""

from __future__ import annotations

import pytest

from ratings import workflow
from ratings.models import Designation, Unit
from tests import factories
from tests.e2e.conftest import DESKTOP, log_in
from tests.helpers import HAINAN, SAIHANWUSU

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNITS = [
    # domain, name, region, credit code, lead department
    ("school", "海南区第一小学", "150303104000", "91330100799655058B", "jiaoyu"),
    ("hotel", "黄河宾馆", "150303104000", "91440300708461136T", "wenlv"),
    ("family", "张建国", SAIHANWUSU, "", "fulian"),
]


def test_units_assessed_approved_and_named(live_server, reference_data, browser, screenshot):
    workflow.year_open(user=None, year=2026)
    factories.assessor(HAINAN, username="hainan")
    factories.administrator(username="cityadmin", is_superuser=True)
    for *_, lead in UNITS:
        factories.certifier(lead, username=lead)
    base = live_server.url

    def signed_in(username: str):
        page = browser.new_context(viewport=DESKTOP).new_page()
        log_in(page, base, username, factories.PASSWORD)
        return page

    page = signed_in("hainan")
    for domain, name, region, code, _lead in UNITS:
        page.goto(f"{base}/units/new/")
        page.select_option("#id_domain", domain)
        page.fill("#id_name", name)
        page.select_option("#id_region_code", region)
        if code:
            page.fill("#id_credit_code", code)
        page.click("main form button[type=submit]")
        page.wait_for_selector(f"text=已保存：{name}。")
        page.click("text=2026年度测评")
        page.click("text=开始测评")
        # The submit button ends the form: once it is there, every points field is too
        # (locator.all() does not wait, and a field missed stays unscored).
        page.wait_for_selector("text=保存并提交审核…")
        for field in page.locator("input[name$='-points']").all():
            field.fill(field.get_attribute("max"))
        if domain == "hotel":
            screenshot(page, "assessment-edit-desktop")
        page.click("text=保存并提交审核…")
        page.click("button:has-text('确认提交')")
        page.wait_for_selector("text=测评已提交，等待牵头单位审核。")
    page.context.close()

    for _domain, name, _region, _code, lead in UNITS:
        page = signed_in(lead)
        page.goto(f"{base}/reviews/")
        page.click("tbody >> text=审核")
        page.check("input[name=decision][value=approve]")
        page.click("text=提交审核结果")
        page.wait_for_selector(f"text=已审核：{name}。")
        page.context.close()

    page = signed_in("cityadmin")
    page.goto(f"{base}/designations/new/?year=2026")
    page.check("input[data-check-all=units]")
    page.fill("#id_title", "平安单位(家庭)")
    page.fill("#id_batch", "首批")
    page.fill("#id_document_number", "乌平安办发〔2026〕8号")
    page.fill("#id_designated_on", "2026-12-20")
    page.click("text=下一步：确认")
    page.click("button:has-text('确认命名')")
    page.wait_for_selector("text=已命名 3 个单位。")
    screenshot(page, "designations-desktop")
    assert set(Designation.objects.values_list("unit__name", flat=True)) == {
        name for _, name, *_ in UNITS
    }

    page.goto(f"{base}/coverage/?year=2026&domain=hotel")
    table = page.text_content("table")
    assert "平安学校" in table and "100.0%" in table
    screenshot(page, "coverage-desktop")
    page.context.close()
    assert Unit.objects.get(name="张建国").public_name == "张**家"
