"""Every page of the public site and the main staff pages, at 360 and 1280 px, in Chinese and
in English: axe-core finds no WCAG 2.1 A/AA violation, and the page never scrolls sideways.

axe-core comes from the npm registry (`npm ci` installs the version pinned in package.json);
without it these tests are skipped, with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories
from tests.e2e.conftest import DESKTOP, PHONE, log_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
if not AXE.exists():
    pytestmark.append(pytest.mark.skip(reason=f"{AXE} missing: npm ci"))


def pages(world: World) -> dict[str | None, list[str]]:
    """The pages each person reads, by who signs in (None: the public)."""
    draft = [2026, world.draft.community_id]
    submitted = [2026, world.submitted.community_id]
    self_draft = [world.self_draft.pk, 2026]
    self_filed = [world.self_filed.pk, 2026]
    return {
        None: [
            reverse("home"),
            reverse("honours"),
            reverse("stats"),
            reverse("verify"),
            reverse("verify_number", args=[world.plaque.number]),
            reverse("commendation", args=[2025]),
            reverse("notice_list"),
            reverse("notice_detail", args=[world.notice.pk]),
            reverse("objection_status", args=[world.objection.receipt]),
            reverse("report_new", args=[world.plaque.number]),
            reverse("login"),
        ],
        "world-hainan": [
            reverse("work"),
            reverse("rating_detail", args=draft),
            reverse("rating_edit", args=draft),
            reverse("rating_submit", args=draft),
            reverse("evidence_view", args=[world.draft_file.pk]),
            reverse("guidance_list"),
            reverse("guidance_detail", args=[world.guidance.pk]),
            reverse("unit_list"),
            reverse("coverage"),
            reverse("account"),
            reverse("todo"),
            reverse("inbox"),
            reverse("rereview_work"),
            reverse("assessment_detail", args=self_filed),
            reverse("assessment_edit", args=self_filed),
            reverse("unit_assessment_return", args=self_filed),
        ],
        # A unit's own filer: its self-assessment, the form, the confirmation, its to-do.
        "world-unit-draft": [
            reverse("assessment_detail", args=self_draft),
            reverse("unit_assessment_edit", args=self_draft),
            reverse("unit_assessment_submit", args=self_draft),
            reverse("todo"),
            reverse("inbox"),
        ],
        "world-gongan": [
            reverse("queue"),
            reverse("item_decide", args=[*submitted, 1]),
        ],
        "world-admin": [
            reverse("manage_years"),
            reverse("year_plaques", args=[2025]),
            reverse("designation_list"),
            reverse("year_deadlines", args=[2026]),
            reverse("district_modes", args=[2026]),
            reverse("year_progress", args=[2026]),
            reverse("rereview_list"),
            reverse("rereview_open"),
            reverse("report_list"),
            reverse("manage_notices"),
            reverse("objection_list"),
            reverse("objection_detail", args=[world.objection.pk]),
        ],
    }


def check(page, url: str, width: int, shot=None) -> list[str]:
    """What is wrong with the page at `url`: axe's violations and a sideways scroll."""
    page.goto(url)
    if shot:
        shot(page)
    problems = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate(
            """(width) => Array.from(document.querySelectorAll('body *'))
                .filter(e => e.getBoundingClientRect().right > width + 1
                    && !e.closest('.table-wrap') && getComputedStyle(e).position !== 'fixed')
                .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 30))""",
            width,
        )
        problems.append(f"{url}: {scroll_width} px wide ({wide})")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    for violation in result["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        problems.append(
            f"{url}: {violation['id']} ({violation['impact']}, {len(violation['nodes'])}) {targets}"
        )
    return problems


@pytest.fixture
def world(reference_data) -> World:
    return build_world()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_pages_pass_axe_and_fit_the_screen(live_server, browser, screenshot, world, size, language):
    viewport = PHONE if size == "phone" else DESKTOP
    base = live_server.url
    problems = []
    for username, paths in pages(world).items():
        # The page's Content-Security-Policy would refuse the injected axe script.
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
        )
        page = context.new_page()
        if username:
            log_in(page, base, username, factories.PASSWORD)
        for path in paths:
            name = f"all-{size}-{language}-" + (path.strip("/").replace("/", "-") or "home")
            problems += check(
                page, base + path, viewport["width"], lambda page, name=name: screenshot(page, name)
            )
        context.close()
    assert not problems, "\n".join(problems)
