"""The demo data set: idempotent, refused with DEBUG off, and lived-in."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from ratings import selectors
from ratings.choices import RatingStatus, Role, YearStatus
from ratings.models import (
    Assessment,
    DeadlineExtension,
    Designation,
    DistrictMode,
    Event,
    EvidenceFile,
    GuidanceCase,
    Notice,
    Plaque,
    RatingYear,
    Region,
    Rereview,
    RereviewEntry,
    ResidentReport,
    StarItem,
    StarRating,
    SurveyResult,
    Unit,
    User,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "users": User.objects.count(),
        "ratings": StarRating.objects.count(),
        "events": Event.objects.count(),
        "years": RatingYear.objects.count(),
        "units": Unit.objects.count(),
        "assessments": Assessment.objects.count(),
        "designations": Designation.objects.count(),
        "plaques": Plaque.objects.count(),
        "guidance": GuidanceCase.objects.count(),
        "rereview_entries": RereviewEntry.objects.count(),
        "surveys": SurveyResult.objects.count(),
        "reports": ResidentReport.objects.count(),
    }


def test_refused_with_debug_off_then_forced_then_idempotent(settings):
    """One test, since each seed takes seconds: refusal, a forced run, a second identical run,
    and what the demo holds."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.filter(username="admin").exists()

    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    once = counts()
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == once
    assert_lived_in(out.getvalue())


def assert_lived_in(out: str) -> None:
    for username in ("admin", "haibowan", "hainan", "wuda", "gongan", "jindu"):
        user = User.objects.get(username=username)
        assert user.check_password("pingan2026")
        assert username in out
    assert User.objects.get(username="hainan").role == Role.ASSESSOR
    # The application-led chain of 海南区: the filer of 赛汗乌素村, the reviewer of its town.
    for username, role, region in (
        ("saihanwusu", Role.FILER, "150303104707"),
        ("bayintaohai", Role.PREREVIEWER, "150303104000"),
    ):
        user = User.objects.get(username=username)
        assert (user.role, user.region_id) == (role, region)
        assert user.check_password("pingan2026") and username in out
    assert DistrictMode.objects.get(year=2026).district_id == "150303000000"
    assert StarRating.objects.get(year=2026, community="150303104707").status == "draft"
    assert StarRating.objects.filter(
        year=2026, community__parent="150303104000", status__in=["applied", "dist_back"]
    ).exists()
    assert User.objects.filter(role=Role.CERTIFIER).count() == 17
    # Every item carries its rating's community, which the queue reads (issue 11).
    assert StarItem.objects.filter(rating__year=2026).exists()
    assert not StarItem.objects.exclude(community_code=F("rating__community_id")).exists()
    # 沿用: the open year's checklists link last year's files rather than copies of them.
    reused = EvidenceFile.objects.filter(item__rating__year=2026, reused_from__isnull=False)
    assert reused.exists()
    assert all(e.file.name == e.reused_from.file.name for e in reused.select_related("reused_from"))

    # Lists paginate (20 a page) in every district.
    for district in ("150302", "150303", "150304"):
        assert Region.objects.villages().filter(active=True, code__startswith=district).count() > 20

    assert RatingYear.objects.get(pk=2025).status == YearStatus.PUBLISHED
    assert RatingYear.objects.get(pk=2026).status == YearStatus.OPEN
    past = StarRating.objects.filter(year=2025)
    assert past.exists()
    assert set(past.values_list("status", flat=True)) == {
        RatingStatus.CERTIFIED,
        RatingStatus.REVOKED,
        RatingStatus.INCOMPLETE,  # one rating still undecided when the year closed
    }

    # Plaques of the past year: most valid, one revoked on its own, one with its eligibility,
    # one with a star removed (摘星).
    plaques = Plaque.objects.filter(year=2025)
    assert plaques.filter(revoked_at__isnull=True).count() >= 3
    revoked = plaques.filter(revoked_at__isnull=False)
    assert revoked.count() == 3
    barred = revoked.get(rating__status=RatingStatus.REVOKED).rating
    assert barred.barred_until == 2026  # 不得参评 in the open year, and not rated in it
    assert not StarRating.objects.filter(year=2026, community=barred.community).exists()
    removed = revoked.get(rating__stars=9, rating__items__status="removed")
    assert removed.taken_back_on is not None  # 收回
    assert revoked.filter(taken_back_on__isnull=True).count() == 2

    # Public notices: the past year's list (closed, an objection upheld and one not, both
    # found) before publication; a naming batch of the open year with an objection waiting.
    past_notice = Notice.objects.get(year=2025, kind="ten_star")
    assert sorted(past_notice.objections.values_list("status", flat=True)) == [
        "dismissed",
        "upheld",
    ]
    removed = past_notice.entries.get(removed_at__isnull=False)
    assert removed.rating.status == RatingStatus.REVOKED
    # (Late in December the window reaches a year the calendar has no holidays for yet.)
    if "No open notice in the demo" not in out:
        batch = Notice.objects.get(year=2026, kind="naming")
        assert batch.phase(timezone.localdate()) == "open"
        assert batch.objections.get().status == "received"

    # Re-review: four of the past year's ten-star communities drawn with a recorded seed, one
    # found; satisfaction results of 2025 (some below the threshold); a report waiting.
    rereview = Rereview.objects.get(year=2025)
    assert rereview.seed == "20261101" and rereview.entries.count() == 4
    assert sorted(rereview.entries.values_list("status", flat=True)) == [
        "passed",
        "pending",
        "pending",
        "pending",
    ]
    assert SurveyResult.objects.filter(year=2025).count() == past.count()
    assert selectors.survey_list_below(year=2025, threshold=80).exists()
    assert ResidentReport.objects.get().status == "received"

    # Guidance cases: opened by certification, one overdue, one closed.
    today = timezone.localdate()
    cases = GuidanceCase.objects.all()
    assert cases.filter(status="open", due_date__lt=today).exists()
    assert cases.filter(status="closed").exists()
    assert not cases.filter(rating__stars__gt=5).exclude(rating__status="revoked").exists()
    current_states = set(StarRating.objects.filter(year=2026).values_list("status", flat=True))
    # Filing is not closed in the demo (an administrator decides that), so nothing has lapsed.
    assert current_states == set(RatingStatus.values) - {
        RatingStatus.REVOKED,
        RatingStatus.INCOMPLETE,
        RatingStatus.LAPSED,
    }
    year = RatingYear.objects.get(pk=2026)
    assert year.apply_due < today < year.prereview_due
    assert DeadlineExtension.objects.get(year=year).community_id == "150303104707"
    current_stars = set(
        StarRating.objects.filter(year=2026, status=RatingStatus.CERTIFIED).values_list(
            "stars", flat=True
        )
    )
    assert {10, 8, 5, 3} <= current_stars

    # The creation domains: units in every domain, a published year with approved assessments
    # and designations, and the open year with assessments in every state.
    assert set(Unit.objects.values_list("domain", flat=True).distinct()) == {
        "community",
        "traffic",
        "school",
        "hospital",
        "family",
        "market",
        "bank",
        "enterprise",
        "hotel",
        "scenic",
    }
    assert Designation.objects.filter(year=2025).exists()
    assert set(Assessment.objects.filter(year=2026).values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "approved",
        "unit_filed",
    }
    # A unit of 海南区 assesses itself: its filer's self-assessment waits for the district.
    unit_filer = User.objects.get(username="huanghebinguan")
    assert unit_filer.is_unit_filer and unit_filer.unit.region_id.startswith("150303")
    filed = Assessment.objects.get(unit=unit_filer.unit, year=2026)
    assert filed.unit_led and filed.status == "unit_filed"
    assert RatingYear.objects.get(pk=2026).unit_self_assessment
