"""Star counting and outcome bands, and the community code every item carries (the queue reads
it: tests/selectors/test_queue_scope.py)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from ratings import workflow
from ratings.choices import Decision, ItemStatus, Outcome, RatingStatus
from ratings.models import Region, StarItem, StarRating, outcome_for
from ratings.workflow.stars import rating_start
from tests import factories
from tests.helpers import (
    BAYINTAOHAI,
    SAIHANWUSU,
    WUDA_COMMUNITY,
    decide_all,
    item,
    submitted_rating,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stars", "outcome"),
    [
        (10, Outcome.TEN_STARS),
        (9, Outcome.SIX_TO_NINE),
        (6, Outcome.SIX_TO_NINE),
        (5, Outcome.GUIDANCE),
        (0, Outcome.GUIDANCE),
    ],
)
def test_outcome_bands(stars, outcome):
    assert outcome_for(stars) == outcome


def test_stars_are_endorsed_items_not_met_and_rejected_earn_none(
    assessor, gongan, certifiers, community, year
):
    rating = submitted_rating(assessor, community, year, met={3: False, 4: False})
    workflow.item_decide(
        user=gongan, item=item(rating, 2), decision=Decision.REJECT, reason="有案件"
    )
    decide_all(rating, certifiers)
    rating.refresh_from_db()
    assert rating.status == RatingStatus.CERTIFIED
    assert rating.stars == 7
    assert rating.outcome == Outcome.SIX_TO_NINE


def test_five_or_fewer_is_supervised_guidance(assessor, certifiers, community, year):
    rating = submitted_rating(assessor, community, year, met={n: n <= 5 for n in range(1, 11)})
    decide_all(rating, certifiers)
    rating.refresh_from_db()
    assert (rating.stars, rating.outcome) == (5, Outcome.GUIDANCE)


def test_no_outcome_until_every_item_is_decided(assessor, gongan, community, year):
    rating = submitted_rating(assessor, community, year)
    workflow.item_decide(user=gongan, item=item(rating, 1), decision=Decision.ENDORSE)
    rating.refresh_from_db()
    assert rating.stars == 1
    assert rating.outcome is None


def test_detail_page_shows_the_band_and_the_timeline(client, assessor, certifiers, community, year):
    rating = submitted_rating(assessor, community, year)
    decide_all(rating, certifiers)
    client.force_login(assessor)
    html = client.get(f"/ratings/2026/{community.code}/").content.decode()
    assert "认定完成：10 星，十星平安社区(村)" in html
    assert "提交认定" in html and "认可" in html and "认定完成" in html
    assert html.count('class="timeline"') == 1


def test_database_refuses_more_than_ten_stars(assessor, community, year):
    from django.db import IntegrityError, transaction

    from ratings.models import StarRating

    rating = submitted_rating(assessor, community, year)
    with pytest.raises(IntegrityError), transaction.atomic():
        StarRating.objects.filter(pk=rating.pk).update(stars=11)


# --------------------------------------------------------------------------------------------
# The community code on every item, however made


def _all_right() -> None:
    """Every item's code is its rating's community."""
    wrong = StarItem.objects.exclude(community_code=F("rating__community_id"))
    assert not wrong.exists(), list(wrong.values_list("pk", "community_code")[:5])


def test_items_of_the_workflow_carry_their_community(assessor, year, community):
    submitted_rating(assessor, community, year)
    rating = rating_start(community=Region.objects.get(pk=WUDA_COMMUNITY), year=year, user=assessor)
    assert rating.items.count() == 10
    assert set(rating.items.values_list("community_code", flat=True)) == {WUDA_COMMUNITY}
    _all_right()


def test_items_made_in_bulk_or_one_by_one_carry_their_community(year, admin_user):
    made = factories.communities(BAYINTAOHAI, 3)
    ratings = StarRating.objects.bulk_create(
        StarRating(community=c, year=year, updated_by=admin_user) for c in made
    )
    # With the rating, with its id only, and saved one at a time.
    StarItem.objects.bulk_create(StarItem(rating=ratings[0], standard_id=n) for n in (1, 2))
    StarItem.objects.bulk_create(StarItem(rating_id=ratings[1].pk, standard_id=n) for n in (1, 2))
    StarItem.objects.create(rating_id=ratings[2].pk, standard_id=1)
    StarItem(rating=ratings[2], standard_id=2).save()
    assert StarItem.objects.count() == 6
    _all_right()


def test_an_item_without_its_community_is_refused(year, admin_user):
    rating = StarRating.objects.create(community_id=SAIHANWUSU, year=year, updated_by=admin_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        StarItem.objects.filter(pk=StarItem.objects.create(rating=rating, standard_id=1).pk).update(
            community_code=""
        )


def test_the_benchmark_data_set_carries_its_communities():
    """`bench/run.py` inserts its items in bulk, with the code."""
    from bench import run

    assert run.build(1, 1, 1, 1, 0)
    assert StarItem.objects.filter(status=ItemStatus.PENDING).exists()
    _all_right()


# The benchmark's build opens os.devnull for a command's output and leaves it to the collector.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_publication_benchmark_carries_its_communities():
    """So does `bench/publish.py`."""
    from bench import publish

    assert publish.build(12)
    assert StarItem.objects.exists()
    _all_right()
