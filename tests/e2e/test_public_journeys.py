"""The public site in a browser at phone and desktop widths, and the whole year's journey from
scoring to a revoked plaque."""

from __future__ import annotations

import pytest

from ratings import workflow
from ratings.models import Authority, Plaque, Region, StarRating
from tests import factories
from tests.e2e.conftest import DESKTOP, PHONE, log_in
from tests.helpers import HAINAN, SAIHANWUSU, decide_all, submitted_rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published_plaque(reference_data) -> Plaque:
    assessor = factories.assessor(HAINAN)
    admin = factories.administrator()
    certifiers = {a.code: factories.certifier(a.code) for a in Authority.objects.all()}
    year = workflow.year_open(user=None, year=2025)
    for code in (SAIHANWUSU, "150303104702", "150303102501"):
        decide_all(submitted_rating(assessor, Region.objects.get(pk=code), year), certifiers)
    workflow.year_close(user=admin, year=year)
    workflow.year_publish(user=admin, year=year)
    rating = StarRating.objects.get(community_id=SAIHANWUSU)
    return workflow.plaque_issue(user=admin, rating=rating)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_public_pages(live_server, browser, screenshot, published_plaque, size):
    viewport = PHONE if size == "phone" else DESKTOP
    page = browser.new_context(viewport=viewport).new_page()
    base = live_server.url

    page.goto(f"{base}/")
    assert "3" in page.text_content(".figures")  # three communities rated
    assert page.title().startswith("首页")
    screenshot(page, f"home-{size}")

    page.goto(f"{base}/honours/")
    page.select_option("#h-year", "2025")
    page.fill("#h-q", "赛汗")
    page.click("form[role=search] button[type=submit]")
    # The click returns once the filtered page starts arriving; count its rows once it is there.
    page.wait_for_url("**/honours/?*q=*")
    page.wait_for_load_state()
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and "赛汗乌素村" in rows.first.text_content()
    screenshot(page, f"honours-filtered-{size}")

    page.goto(f"{base}/verify/")
    page.fill("#verify-number", published_plaque.number.lower())
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/verify/{published_plaque.number}/")
    assert "有效牌匾" in page.text_content(".verify-result")
    screenshot(page, f"verify-typed-{size}")

    # The address a certificate's QR code holds.
    page.goto(f"{base}/verify/{published_plaque.number}/")
    assert "赛汗乌素村" in page.text_content(".verify-result")
    screenshot(page, f"verify-qr-{size}")

    page.goto(f"{base}/stats/")
    # Districts compared, coverage by domain, the ten-star trend and one small chart a domain.
    assert page.locator("svg.chart[role=img]").count() >= 4
    assert "海南区" in page.text_content("table")
    screenshot(page, f"stats-{size}")

    # Nothing is wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"] + 1
    page.context.close()


def test_whole_year_journey(live_server, reference_data, browser, screenshot):
    """Assessor scores and submits, certifiers endorse, the administrator publishes and issues
    the plaque, the public verifies it; the administrator revokes eligibility and the public
    verification page then says the plaque is revoked."""
    workflow.year_open(user=None, year=2026)
    factories.assessor(HAINAN, username="hainan")
    factories.administrator(username="cityadmin", is_superuser=True)
    for authority in Authority.objects.filter(standards__isnull=False).distinct():
        factories.certifier(authority.code, username=authority.code)
    base = live_server.url

    def signed_in(username: str, viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        log_in(page, base, username, factories.PASSWORD)
        return page

    page = signed_in("hainan", PHONE)
    page.goto(f"{base}/ratings/2026/{SAIHANWUSU}/edit/")
    for number in range(1, 11):
        page.check(f"input[name=s{number}-met][value=yes]")
    page.click("text=保存并提交认定…")
    page.click("button:has-text('确认提交')")
    page.wait_for_selector("text=已提交，等待认定机关认定。")
    page.context.close()

    for authority in Authority.objects.filter(standards__isnull=False).distinct():
        page = signed_in(authority.code)
        page.goto(f"{base}/queue/")
        page.check("input[data-check-all=items]")
        page.check("input[name=decision][value=endorse]")  # nothing is preselected
        page.click("text=下一步：确认")
        page.click("button:has-text('确认提交')")
        page.wait_for_selector("text=目前没有等待您认定的事项。")
        page.context.close()

    page = signed_in("cityadmin")
    page.goto(f"{base}/manage/years/")
    page.click("text=截止…")
    page.click("button:has-text('确认截止')")
    page.click("text=公布…")
    page.click("button:has-text('确认公布')")
    page.wait_for_selector("text=2026年度评定结果已公布。")
    page.get_by_role("link", name="牌匾", exact=True).click()
    page.click("text=个十星社区(村)授牌…")
    page.click("button:has-text('确认授牌')")
    page.wait_for_selector("text=已授牌 1 块。")
    screenshot(page, "admin-plaques-desktop")
    number = Plaque.objects.get().number
    certificate = page.request.get(f"{base}/plaques/{number}/certificate.pdf")
    assert certificate.ok and certificate.headers["content-type"] == "application/pdf"

    public = browser.new_context(viewport=PHONE).new_page()
    public.goto(f"{base}/verify/{number}/")
    assert "有效牌匾" in public.text_content(".verify-result")

    page.goto(f"{base}/ratings/2026/{SAIHANWUSU}/")
    page.click("text=取消当年评星资格…")
    page.fill("textarea[name=reason]", "群众口碑较差，经研究取消当年评星资格。")
    page.click("button:has-text('确认取消资格')")
    page.wait_for_selector("text=已取消赛汗乌素村 2026年度评星资格。")
    page.context.close()

    public.reload()
    result = public.text_content(".verify-result")
    assert "已撤销" in result and "此牌匾已于" in result
    screenshot(public, "verify-revoked-phone")
    public.goto(f"{base}/honours/?year=2026")
    assert "赛汗乌素村" not in public.text_content("main")
    public.context.close()
