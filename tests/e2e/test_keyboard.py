"""The rating form and the certifier's queue completed with the keyboard alone: Tab to move,
Space to choose, Enter to press, and a visible focus ring at every stop."""

from __future__ import annotations

import pytest

from ratings import workflow
from ratings.choices import ItemStatus, RatingStatus
from ratings.models import Region, StarItem, StarRating
from tests import factories
from tests.e2e.conftest import DESKTOP, PHONE, log_in
from tests.helpers import HAINAN, SAIHANWUSU, submitted_rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """([selector, text]) => {
    const el = document.activeElement;
    return !!el && el.matches(selector) && (!text || el.textContent.includes(text));
}"""
FOCUS_RING = "() => getComputedStyle(document.activeElement).outlineStyle"


def tab_to(page, selector: str, text: str = "", *, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab) until `selector` (holding `text`) has the focus, and check that a
    sighted keyboard user can see where it is."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(150):
        page.keyboard.press(key)
        if page.evaluate(FOCUSED, [selector, text]):
            assert page.evaluate(FOCUS_RING) != "none", f"{selector} has no visible focus"
            return
    raise AssertionError(f"{selector} {text} cannot be reached with {key}")


def test_assessor_completes_and_submits_a_rating_by_keyboard(live_server, reference_data, browser):
    year = workflow.year_open(user=None, year=2026)
    factories.assessor(HAINAN, username="hainan")
    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, live_server.url, "hainan", factories.PASSWORD)
    page.goto(f"{live_server.url}/ratings/2026/{SAIHANWUSU}/edit/")

    # One item judged by hand (Space on its first answer), the rest by the shortcut.
    tab_to(page, "input[name='s1-met']")
    page.keyboard.press("Space")
    assert page.is_checked("input[name='s1-met'][value=yes]")
    tab_to(page, "textarea[name='s1-note']")
    page.keyboard.type("经入户走访核实，达标。")
    tab_to(page, "[data-all-met]")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('[data-decided]').textContent === '10'")
    tab_to(page, "button[name=then][value=submit]", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=确认提交")
    tab_to(page, "button", "确认提交")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=已提交，等待认定机关认定。")

    rating = StarRating.objects.get(year=year, community=SAIHANWUSU)
    assert rating.status == RatingStatus.SUBMITTED
    assert rating.items.get(standard=1).note == "经入户走访核实，达标。"
    assert not rating.items.exclude(status=ItemStatus.PENDING).exists()


def test_certifier_clears_the_queue_by_keyboard(live_server, reference_data, browser):
    year = workflow.year_open(user=None, year=2026)
    assessor = factories.assessor(HAINAN)
    for code in (SAIHANWUSU, "150303104702"):
        submitted_rating(assessor, Region.objects.get(pk=code), year)
    factories.certifier("gongan", username="gongan")
    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, live_server.url, "gongan", factories.PASSWORD)
    page.goto(f"{live_server.url}/queue/")

    tab_to(page, "input[name=decision][value=endorse]")
    page.keyboard.press("Space")
    tab_to(page, "input[data-check-all=items]")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]", "下一步：确认", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_selector("button:has-text('确认提交')")
    tab_to(page, "button", "确认提交")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=目前没有等待您认定的事项。")

    public_security = StarItem.objects.filter(rating__year=year, standard__authority="gongan")
    assert public_security.count() == 6
    assert not public_security.exclude(status=ItemStatus.ENDORSED).exists()
