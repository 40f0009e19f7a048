"""Star counting and outcome bands."""

from __future__ import annotations

import pytest

from ratings import workflow
from ratings.choices import Decision, Outcome, RatingStatus
from ratings.models import outcome_for
from tests.helpers import decide_all, item, submitted_rating

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
