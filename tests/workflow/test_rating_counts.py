"""The work lists' counters of ratings per year, region and status: after every status change
they equal a fresh grouped count of the ratings, and a summary reads them in one query
whatever the user's scope."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction

from ratings import counters, selectors, workflow
from ratings.choices import Decision, RatingStatus
from ratings.models import RatingStatusCount, Region, StarRating, Unit, within_q
from tests import factories
from tests.helpers import (
    BAYINTAOHAI,
    HAINAN,
    WUDA,
    WUDA_COMMUNITY,
    application_led,
    applied_rating,
    decide_all,
    item,
    save_rating,
    submitted_rating,
)

pytestmark = pytest.mark.django_db


def assert_counted() -> None:
    """The stored counters are exactly what counting the ratings gives, at every level."""
    assert counters.stored_counts(RatingStatusCount) == counters.grouped_counts(StarRating)


def summary(user, year) -> dict[str, int]:
    return selectors.rating_status_counts_for_user(user=user, year=year)


def test_every_transition_of_both_chains_keeps_the_counters_equal_to_the_ratings(
    year, assessor, certifiers, admin_user, community, today
):
    # The assessor-led chain in 乌达区: draft, submitted, returned, resubmitted, certified,
    # revoked, reinstated.
    wuda = Region.objects.get(pk=WUDA_COMMUNITY)
    wuda_assessor = factories.assessor(WUDA, username="wuda-counting")
    rating = save_rating(wuda_assessor, wuda, year)
    assert_counted()
    rating = workflow.rating_submit(user=wuda_assessor, rating=rating)
    assert_counted()
    workflow.item_decide(
        user=certifiers["gongan"], item=item(rating, 1), decision=Decision.RETURN, reason="补充"
    )
    assert StarRating.objects.get(pk=rating.pk).status == RatingStatus.RETURNED
    assert_counted()
    rating = save_rating(wuda_assessor, wuda, year)
    rating = workflow.rating_submit(user=wuda_assessor, rating=rating)
    assert_counted()
    decide_all(rating, certifiers)
    assert StarRating.objects.get(pk=rating.pk).status == RatingStatus.CERTIFIED
    assert_counted()
    revoked = workflow.eligibility_revoke(
        user=admin_user, community=wuda, year=year, reason="口碑差"
    )
    assert revoked.status == RatingStatus.REVOKED
    assert_counted()
    workflow.eligibility_reinstate(user=admin_user, rating=revoked, reason="复核后恢复")
    assert_counted()

    # The application-led chain in 海南区: applied, returned by the town, forwarded, returned
    # by the district, forwarded, submitted; the communities that never filed lapse.
    application_led(admin_user, year)
    workflow.year_deadlines_set(user=admin_user, year=year, dues={"apply": date(2026, 6, 30)})
    year.refresh_from_db()
    filer = factories.filer(community.code, username="counting-filer")
    town = factories.prereviewer(BAYINTAOHAI, username="counting-town")
    rating = applied_rating(filer, community, year)
    assert_counted()
    rating = workflow.application_return(user=town, rating=rating, note="请补充")
    assert_counted()
    rating = applied_rating(filer, community, year)
    assert_counted()
    rating = workflow.application_forward(user=town, rating=rating)
    assert_counted()
    rating = workflow.application_review_return(user=assessor, rating=rating, note="材料不全")
    assert_counted()
    rating = workflow.application_forward(user=town, rating=rating)
    assert_counted()
    rating = workflow.rating_submit(user=assessor, rating=rating)
    assert_counted()
    today(date(2026, 7, 1))
    lapsed = workflow.apply_stage_close(user=admin_user, year=year)
    assert lapsed > 0
    assert_counted()

    # The year closes with ratings undecided: they become incomplete.
    workflow.year_close(user=admin_user, year=year)
    assert workflow.ratings_mark_incomplete(user=admin_user, year=year, reason="未按时完成")
    assert_counted()
    statuses = StarRating.objects.filter(year=year).values_list("status", flat=True)
    assert summary(admin_user, year) == {s: list(statuses).count(s) for s in set(statuses)}


def test_a_summary_is_what_a_grouped_count_of_the_scope_gives(
    year, assessor, assessor_out, certifiers, admin_user, community
):
    places = factories.communities(BAYINTAOHAI, 3, name="计数")
    decide_all(submitted_rating(assessor, places[0], year), certifiers)
    submitted_rating(assessor, places[1], year)
    save_rating(assessor, places[2], year)
    save_rating(assessor, community, year)
    save_rating(assessor_out, Region.objects.get(pk=WUDA_COMMUNITY), year)
    town = factories.assessor(BAYINTAOHAI, username="counting-town-assessor")
    for user, prefix in ((admin_user, ""), (assessor, HAINAN[:6]), (town, BAYINTAOHAI[:9])):
        ratings = StarRating.objects.filter(year=year).filter(within_q(prefix, "community_id"))
        expected = {}
        for status in ratings.values_list("status", flat=True):
            expected[status] = expected.get(status, 0) + 1
        assert summary(user, year) == expected
    assert summary(admin_user, year) == {"certified": 1, "submitted": 1, "draft": 3}
    assert summary(assessor_out, year) == {"draft": 1}
    # Someone without a role sees no ratings, and counts none; nor does a unit's filer, who
    # has no region (not the whole country's).
    assert summary(factories.UserFactory(username="nobody"), year) == {}
    hotel = Unit.objects.create(domain_id="hotel", region_id=BAYINTAOHAI, name="计数宾馆")
    assert summary(factories.unit_filer(hotel, username="hotel-filer"), year) == {}


def test_the_summary_costs_one_query_whatever_the_scope(
    year, assessor, certifiers, admin_user, django_assert_num_queries
):
    places = factories.communities(BAYINTAOHAI, 12, name="规模")
    for place in places:
        save_rating(assessor, place, year)
    town = factories.assessor(BAYINTAOHAI, username="counting-town-scope")
    city = factories.assessor("150300000000", username="counting-city")
    for user in (town, assessor, city, admin_user):
        user = type(user).objects.select_related("region").get(pk=user.pk)
        with django_assert_num_queries(1):
            counted = summary(user, year)
        assert counted == {"draft": 12}


def test_a_change_rolled_back_leaves_the_counters_as_they_were(year, assessor, community):
    rating = save_rating(assessor, community, year)
    before = counters.stored_counts(RatingStatusCount)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.rating_submit(user=assessor, rating=rating)
        assert counters.stored_counts(RatingStatusCount) != before
        raise RuntimeError("the request failed after the change")
    assert counters.stored_counts(RatingStatusCount) == before
    assert_counted()


def test_the_command_rebuilds_counters_from_the_ratings(year, assessor, community):
    save_rating(assessor, community, year)
    RatingStatusCount.objects.all().delete()
    RatingStatusCount.objects.create(year=year, prefix="", status="certified", count=7)
    call_command("rebuild_rating_counts", stdout=io.StringIO())
    assert_counted()
    assert counters.rating_counts_for(year_id=year.pk, prefix="") == {"draft": 1}


def test_a_batch_larger_than_a_statement_counts_each_change_once(
    year, assessor, admin_user, monkeypatch, django_assert_max_num_queries
):
    """未完成评定 of ratings in two towns, with counters changed three at a time: every pair of
    a prefix and a status is changed once (a prefix is never split between statements, so what
    a statement locks beyond its own pairs is never another's), and the statements are few."""
    monkeypatch.setattr(counters, "BATCH", 3)
    places = factories.communities(BAYINTAOHAI, 3, name="批量") + factories.communities(
        "150303103000", 2, name="批量"
    )
    for place in places[:3]:
        save_rating(assessor, place, year)
    for place in places[3:]:
        submitted_rating(assessor, place, year)
    workflow.year_close(user=admin_user, year=year)
    with django_assert_max_num_queries(40):
        assert workflow.ratings_mark_incomplete(user=admin_user, year=year, reason="未按时完成")
    assert_counted()
    assert summary(admin_user, year) == {"incomplete": 5}


@pytest.mark.parametrize(
    "amounts, statements",
    [
        ({"": 1, "15": 1, "1503": -1}, 2),  # one record's change: +1 and −1, two plain UPDATEs
        ({"": -3, "15": 2, "1503": 5}, 1),  # a batch's: one UPDATE with a CASE
    ],
)
def test_counters_get_each_their_own_amount(year, amounts, statements, django_assert_num_queries):
    rows = {
        prefix: RatingStatusCount.objects.create(year=year, prefix=prefix, status="draft", count=10)
        for prefix in amounts
    }
    with django_assert_num_queries(statements):
        counters.add_by_pk(
            RatingStatusCount.objects,
            {rows[prefix].pk: {"count": n} for prefix, n in amounts.items()},
        )
    stored = dict(RatingStatusCount.objects.values_list("prefix", "count"))
    assert stored == {prefix: 10 + n for prefix, n in amounts.items()}
