"""Helpers shared by tests: well-known region codes, short ways to move a rating along, and
signing in through the pages, data built once for a module."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ratings import workflow
from ratings.choices import Decision, ItemStatus, ReviewDecision
from ratings.models import Criterion, RatingYear, Region, StarItem, StarRating, Unit, User

HAINAN = "150303000000"
WUDA = "150304000000"
BAYINTAOHAI = "150303104000"  # a town of 海南区
SAIHANWUSU = "150303104707"  # 赛汗乌素村, 巴音陶亥镇, 海南区
WUDA_COMMUNITY = "150304011011"  # 振华社区, 乌达区
# A naming decision (命名) of the municipal office, for tests that name units.
NAMING = workflow.Naming(
    title="平安宾馆",
    tier="",
    batch="首批",
    document_number="乌平安办发〔2026〕1号",
    designated_on=date(2026, 12, 1),
)


def findings(met: dict[int, bool | None] | None = None, **kwargs) -> list[workflow.Finding]:
    """Ten findings, all met unless `met` says otherwise."""
    met = met or {}
    return [
        workflow.Finding(number=n, met=met.get(n, True), note=f"第{n}项说明", **kwargs)
        for n in range(1, 11)
    ]


def save_rating(user: User, community: Region, year: RatingYear, met=None) -> StarRating:
    current = StarRating.objects.filter(community=community, year=year).first()
    return workflow.rating_save(
        user=user,
        community=community,
        year=year,
        expected_version=current.version if current else 0,
        findings=findings(met),
    )


def submitted_rating(user: User, community: Region, year: RatingYear, met=None) -> StarRating:
    rating = save_rating(user, community, year, met)
    return workflow.rating_submit(user=user, rating=rating)


def decide_all(
    rating: StarRating, certifiers: dict[str, User], decision=Decision.ENDORSE, reason=""
) -> None:
    for item in StarItem.objects.filter(rating=rating, status=ItemStatus.PENDING).select_related(
        "standard"
    ):
        workflow.item_decide(
            user=certifiers[item.standard.authority_id], item=item, decision=decision, reason=reason
        )


def item(rating: StarRating, number: int) -> StarItem:
    return StarItem.objects.select_related("standard").get(rating=rating, standard_id=number)


def published_year_with(assessor, certifiers, admin, year, communities) -> list[StarRating]:
    """Certify each (community, not-met findings) pair, then close and publish the year."""
    ratings = []
    for community, not_met in communities:
        rating = submitted_rating(
            assessor, community, year, met={n: False for n in (not_met or {})}
        )
        decide_all(rating, certifiers)
        rating.refresh_from_db()
        ratings.append(rating)
    workflow.year_close(user=admin, year=year)
    workflow.year_publish(user=admin, year=year)
    return ratings


# -- signing in through the pages ------------------------------------------------------------


def password_step(client: Client, username: str, password: str, **extra):
    """POST the login form (extra: REMOTE_ADDR=…, HTTP_X_FORWARDED_FOR=…)."""
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def code_step(client: Client, code: str, **extra):
    return client.post(reverse("login_code"), {"code": code}, **extra)


def sign_in(client: Client, user: User, password: str | None = None):
    """Both steps, as a person would: the password, then (if asked) the app's current code.
    A user who must have a second factor gets an authenticator app first."""
    from ratings import permissions
    from ratings.services.second_factor import current_code
    from tests import factories

    if permissions.must_use_second_factor(user):
        factories.totp_device(user)
    response = password_step(client, user.username, password or factories.PASSWORD)
    if response.status_code == 302 and response["Location"].startswith(reverse("login_code")):
        device = factories.totp_device(user)
        response = code_step(client, current_code(device))
    return response


# -- named units -------------------------------------------------------------------------------


def full_scores(domain: str) -> list:
    return [
        workflow.LineInput(criterion_id=c.pk, points=c.points)
        for c in Criterion.objects.filter(domain_id=domain, active=True)
    ]


def named_unit(name: str, domain: str, region: str, *, assessor, lead, admin, year, revoke=False):
    unit = Unit.objects.create(domain_id=domain, region_id=region, name=name)
    assessment = workflow.assessment_save(
        user=assessor, unit=unit, year=year, expected_version=0, lines=full_scores(domain)
    )
    assessment = workflow.assessment_submit(user=assessor, assessment=assessment)
    workflow.assessment_decide(user=lead, assessment=assessment, decision=ReviewDecision.APPROVE)
    [designation] = workflow.designations_create(
        user=admin,
        units=[unit],
        year=year,
        naming=workflow.Naming(
            title="平安家庭" if domain == "family" else "平安宾馆",
            tier="示范户" if domain == "family" else "",
            batch="首批",
            document_number="乌平安办发〔2026〕1号",
            designated_on=date(2026, 1, 10),
        ),
    )
    if revoke:
        workflow.designation_revoke(user=admin, designation=designation, reason="撤销")
    return unit


# -- responses and data built once ---------------------------------------------------------------


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def page_queries(client, url: str, params: dict | None = None, *, fresh: bool = True) -> int:
    """How many queries one page costs. `fresh`: as its first view, with nothing kept in the
    cache by earlier requests (the header's 待办 count, cached public pages), so that two
    pages compare by their own work."""
    if fresh:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        body(response)
    assert response.status_code == 200, url
    return len(captured)


def built_once_per_module(django_db_blocker, media: Path, build):
    """Run `build()` once for a module (or a class) inside a transaction that is rolled back
    after its last test; each test (through `db`) runs in a savepoint of its own inside it.
    A generator for a module- or class-scoped fixture to `yield from`."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        built = build()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# -- the application-led chain ------------------------------------------------------------------


def answers(met: dict[int, bool | None] | None = None, **kwargs) -> list[workflow.Finding]:
    """A community's ten self-assessment answers, all met unless `met` says otherwise."""
    met = met or {}
    return [
        workflow.Finding(number=n, met=met.get(n, True), note=f"第{n}项自评", **kwargs)
        for n in range(1, 11)
    ]


def application_led(admin: User, year: RatingYear, district: str = HAINAN) -> None:
    workflow.district_mode_set(
        user=admin, district=Region.objects.get(pk=district), year=year, mode="application"
    )


def applied_rating(filer: User, community: Region, year: RatingYear, met=None) -> StarRating:
    """A community's self-assessment, saved and filed with its town."""
    current = StarRating.objects.filter(community=community, year=year).first()
    rating = workflow.application_save(
        user=filer,
        community=community,
        year=year,
        expected_version=current.version if current else 0,
        answers=answers(met),
    )
    return workflow.application_submit(user=filer, rating=rating)
