"""Closing out a year a batch at a time: 未完成评定, publishing and issuing every plaque give the
same rows as the row-by-row code did (kept here as the reference), in a number of queries that
does not grow with the number of ratings."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from ratings import workflow
from ratings.choices import (
    AssessmentStatus,
    EventAction,
    RatingStatus,
)
from ratings.counters import grouped_counts, rebuild_rating_counts, stored_counts
from ratings.coverage_counts import KEPT_FIGURES, assessment_figures
from ratings.models import (
    Assessment,
    CoverageSnapshot,
    Event,
    Plaque,
    RatingStatusCount,
    RatingYear,
    StarRating,
    StarSnapshot,
    Unit,
)
from ratings.workflow.common import record_event
from tests import factories
from tests.helpers import BAYINTAOHAI, WUDA_COMMUNITY

pytestmark = pytest.mark.django_db

REASON = "认定机关未按期完成"
# What each community's rating is when the year closes, by its position; (status, stars).
MIX = [
    (RatingStatus.CERTIFIED, 10),
    (RatingStatus.SUBMITTED, 0),  # undecided: 未完成评定
    (RatingStatus.CERTIFIED, 10),  # issued a plaque alone, kept: skipped by the bulk issue
    (RatingStatus.CERTIFIED, 9),
    (RatingStatus.RETURNED, 7),  # undecided, with stars so far
    (RatingStatus.CERTIFIED, 10),  # eligibility revoked before publication: no plaque
    (RatingStatus.CERTIFIED, 10),  # issued alone, then revoked: issued again in bulk
    (RatingStatus.DRAFT, 0),  # undecided
    (RatingStatus.CERTIFIED, 10),
    (RatingStatus.CERTIFIED, 3),
]


def rate(year: RatingYear, communities, admin) -> list[StarRating]:
    """The year's ratings as the mix says, written directly (the steps under test only read
    statuses and stars), and counted as `rebuild_rating_counts` counts such ratings."""
    made = [
        StarRating.objects.create(
            community=community,
            year=year,
            status=MIX[n % len(MIX)][0],
            stars=MIX[n % len(MIX)][1],
            updated_by=admin,
        )
        for n, community in enumerate(communities)
    ]
    rebuild_rating_counts()
    return made


@pytest.fixture
def units(admin_user, year):
    """Units of three domains in two communities, one inactive; assessments of the year in each
    state, and of another year (which must not count)."""
    other = RatingYear.objects.create(year=2025, status="published")
    made = []
    for n, (domain, region, active) in enumerate(
        [
            ("hotel", BAYINTAOHAI, True),
            ("hotel", BAYINTAOHAI, True),
            ("hotel", BAYINTAOHAI, False),
            ("family", WUDA_COMMUNITY, True),
            ("family", WUDA_COMMUNITY, True),
            ("school", WUDA_COMMUNITY, True),
        ]
    ):
        made.append(
            Unit.objects.create(domain_id=domain, region_id=region, name=f"单位{n}", active=active)
        )
    states = [
        (AssessmentStatus.APPROVED, True),
        (AssessmentStatus.APPROVED, False),
        (AssessmentStatus.APPROVED, True),  # an inactive unit: not counted
        (AssessmentStatus.SUBMITTED, None),
        (AssessmentStatus.DRAFT, None),
    ]
    for unit, (status, meets) in zip(made, states, strict=False):
        Assessment.objects.create(
            unit=unit, year=year, status=status, meets_standard=meets, updated_by=admin_user
        )
    for unit in made:
        Assessment.objects.create(
            unit=unit,
            year=other,
            status=AssessmentStatus.APPROVED,
            meets_standard=True,
            updated_by=admin_user,
        )
    return made


# -- the row-by-row code as it was, the reference ---------------------------------------------


def mark_incomplete_one_by_one(*, user, year, reason) -> int:
    with transaction.atomic():
        ratings = list(
            StarRating.objects.filter(year=year)
            .exclude(status__in=workflow.years.DECIDED)
            .order_by("community_id")
        )
        for rating in ratings:
            before = rating.status
            rating.status, rating.stars = RatingStatus.INCOMPLETE, 0
            rating.incomplete_reason = reason
            rating.version += 1
            rating.updated_by = user
            rating.save(
                update_fields=[
                    "status",
                    "stars",
                    "incomplete_reason",
                    "version",
                    "updated_by",
                    "updated_at",
                ]
            )
            record_event(
                EventAction.RATING_INCOMPLETE,
                user,
                rating=rating,
                year=year,
                from_state=before,
                to_state=rating.status,
                reason=reason,
            )
    return len(ratings)


def issue_one_by_one(*, user, year) -> list[Plaque]:
    waiting = (
        StarRating.objects.filter(year=year, status=RatingStatus.CERTIFIED, stars=10)
        .exclude(Exists(Plaque.objects.filter(rating=OuterRef("pk"), revoked_at__isnull=True)))
        .order_by("community_id")
    )
    return [workflow.plaque_issue(user=user, rating=rating) for rating in waiting]


def coverage_rows_one_by_one(year) -> list[tuple]:
    """What publication keeps of the coverage figures, counted unit by unit: per domain and
    region, the active units and the figures their assessment of the year counts in."""
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for unit in Unit.objects.filter(active=True):
        counted = counts[(unit.domain_id, unit.region_id)]
        counted["registered"] += 1
        for assessment in unit.assessments.filter(year=year):
            for figure in assessment_figures(assessment.status, assessment.meets_standard):
                counted[figure] += 1
    return [
        (domain, region, *(counted[figure] for figure in KEPT_FIGURES))
        for (domain, region), counted in sorted(counts.items())
    ]


# -- what is compared --------------------------------------------------------------------------


def kept(year) -> dict[str, list[tuple]]:
    """Every row the three steps write or change, without ids and times."""
    return {
        "ratings": list(
            StarRating.objects.filter(year=year)
            .order_by("community_id")
            .values_list(
                "community_id",
                "status",
                "stars",
                "incomplete_reason",
                "version",
                "updated_by",
                "commended",
            )
        ),
        "plaques": [
            (*row, revoked_at is None)
            for *row, revoked_at in Plaque.objects.filter(year=year)
            .order_by("sequence")
            .values_list("number", "sequence", "rating__community_id", "issued_by", "revoked_at")
        ],
        "events": list(
            Event.objects.filter(year=year)
            .order_by("id")
            .values_list(
                "action",
                "actor",
                "rating__community_id",
                "plaque__number",
                "from_state",
                "to_state",
                "reason",
                "detail",
            )
        ),
        "stars": list(
            StarSnapshot.objects.filter(year=year)
            .order_by("region_id", "stars")
            .values_list("region_id", "stars", "count")
        ),
        "coverage": list(
            CoverageSnapshot.objects.filter(year=year)
            .order_by("domain_id", "region_id")
            .values_list("domain_id", "region_id", *KEPT_FIGURES)
        ),
    }


def close_out(*, admin, year, ratings, one_by_one: bool) -> dict[str, list[tuple]]:
    """Revoke one eligibility, give 未完成评定, publish, issue two plaques alone (revoking one),
    issue the rest; what was kept."""
    workflow.eligibility_revoke(
        user=admin, community=ratings[5].community, year=year, reason="口碑差"
    )
    mark = mark_incomplete_one_by_one if one_by_one else workflow.ratings_mark_incomplete
    assert mark(user=admin, year=year, reason=REASON) == 3
    workflow.year_publish(user=admin, year=year)
    workflow.plaque_issue(user=admin, rating=ratings[2])
    alone = workflow.plaque_issue(user=admin, rating=ratings[6])
    workflow.plaque_revoke(user=admin, plaque=alone, reason="牌匾损毁")
    issue = issue_one_by_one if one_by_one else workflow.plaques_issue_for_year
    issued = list(issue(user=admin, year=year))
    assert [p.rating_id for p in issued] == [ratings[0].pk, ratings[6].pk, ratings[8].pk]
    return kept(year)


def test_batches_keep_the_same_rows_as_one_by_one(admin_user, year, units):
    year = workflow.year_close(user=admin_user, year=year)
    ratings = rate(year, factories.communities(BAYINTAOHAI, len(MIX)), admin_user)
    with transaction.atomic():
        before = close_out(admin=admin_user, year=year, ratings=ratings, one_by_one=True)
        transaction.set_rollback(True)
    year.refresh_from_db()
    after = close_out(admin=admin_user, year=year, ratings=ratings, one_by_one=False)

    assert after == before
    # The mix reached every case: each state, the plaques kept, revoked and issued again.
    statuses = {row[1] for row in after["ratings"]}
    assert statuses == {RatingStatus.CERTIFIED, RatingStatus.INCOMPLETE, RatingStatus.REVOKED}
    assert [row[1] for row in after["plaques"]] == [1, 2, 3, 4, 5]
    assert [row[4] for row in after["plaques"]] == [True, False, True, True, True]
    assert [row[2] for row in after["plaques"]][2:] == [
        ratings[0].community_id,
        ratings[6].community_id,
        ratings[8].community_id,
    ]
    incomplete = [row for row in after["events"] if row[0] == EventAction.RATING_INCOMPLETE]
    assert [(row[4], row[5]) for row in incomplete] == [
        (RatingStatus.SUBMITTED, RatingStatus.INCOMPLETE),
        (RatingStatus.RETURNED, RatingStatus.INCOMPLETE),
        (RatingStatus.DRAFT, RatingStatus.INCOMPLETE),
    ]
    # The figures kept are the live figures at publication, as the row-by-row code kept them.
    assert after["coverage"] == coverage_rows_one_by_one(year)
    assert after["coverage"] == [
        ("family", WUDA_COMMUNITY, 2, 1, 0),
        ("hotel", BAYINTAOHAI, 2, 2, 1),
        ("school", WUDA_COMMUNITY, 1, 0, 0),
    ]


def test_each_event_is_still_sent_after_commit(
    admin_user, year, django_capture_on_commit_callbacks
):
    year = workflow.year_close(user=admin_user, year=year)
    rate(year, factories.communities(BAYINTAOHAI, len(MIX)), admin_user)
    received = []
    earlier = Event.objects.count()

    def receiver(sender, event, **kwargs):
        received.append((event.action, event.rating_id))

    workflow.event_committed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            workflow.ratings_mark_incomplete(user=admin_user, year=year, reason=REASON)
            workflow.year_publish(user=admin_user, year=year)
            workflow.plaques_issue_for_year(user=admin_user, year=year)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        workflow.event_committed.disconnect(receiver)
    expected = list(Event.objects.order_by("id").values_list("action", "rating_id"))[earlier:]
    assert received == expected
    assert [action for action, _rating in received].count(EventAction.PLAQUE_ISSUE) == 5


def close_out_counting(admin, year) -> list[int]:
    counts = []
    for step in (
        lambda: workflow.ratings_mark_incomplete(user=admin, year=year, reason=REASON),
        lambda: workflow.year_publish(user=admin, year=year),
        lambda: workflow.plaques_issue_for_year(user=admin, year=year).count(),
    ):
        with CaptureQueriesContext(connection) as queries:
            step()
        counts.append(len(queries))
    return counts


def test_queries_do_not_grow_with_the_ratings(admin_user, units):
    communities = factories.communities(BAYINTAOHAI, 50)
    counts = {}
    for number, size in ((2027, 5), (2028, 50)):
        year = RatingYear.objects.create(year=number, status="closed")
        rate(year, communities[:size], admin_user)
        counts[size] = close_out_counting(admin_user, year)
        ten = StarRating.objects.filter(year=year, status=RatingStatus.CERTIFIED, stars=10)
        assert Plaque.objects.filter(year=year).count() == ten.count() > 0
    assert counts[5] == counts[50]


def test_more_than_a_batch(admin_user, monkeypatch):
    """Batches follow each other in code order, numbering on from the one before."""
    monkeypatch.setattr(workflow.common, "BATCH_SIZE", 3)
    communities = factories.communities(BAYINTAOHAI, 40)
    year = RatingYear.objects.create(year=2027, status="closed")
    ratings = rate(year, communities, admin_user)
    assert workflow.ratings_mark_incomplete(user=admin_user, year=year, reason=REASON) == 12
    workflow.year_publish(user=admin_user, year=year)
    issued = list(workflow.plaques_issue_for_year(user=admin_user, year=year))
    ten = [r.community_id for r in ratings if r.stars == 10 and r.status == RatingStatus.CERTIFIED]
    assert [p.rating.community_id for p in issued] == ten
    assert [p.sequence for p in issued] == list(range(1, len(ten) + 1))
    assert StarRating.objects.filter(year=year, status=RatingStatus.INCOMPLETE).count() == 12
    # Each batch counted its moves: the work lists' counters are what the ratings say.
    assert stored_counts(RatingStatusCount) == grouped_counts(StarRating)


def test_nothing_is_issued_before_publication(admin_user, year):
    year = workflow.year_close(user=admin_user, year=year)
    rate(year, factories.communities(BAYINTAOHAI, 3), admin_user)
    with pytest.raises(workflow.TransitionNotAllowed, match="尚未公布"):
        workflow.plaques_issue_for_year(user=admin_user, year=year)
    assert not Plaque.objects.exists()
    assert not Event.objects.filter(action=EventAction.PLAQUE_ISSUE).exists()
