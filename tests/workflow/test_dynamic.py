"""Dynamic management (动态管理): taking a star away from a published ten-star community."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ratings import workflow
from ratings.choices import EventAction, ItemStatus
from ratings.models import Event, Plaque, RatingYear, Region, StarRating
from tests.helpers import (
    body,
    decide_all,
    item,
    published_year_with,
    save_rating,
    submitted_rating,
)

pytestmark = pytest.mark.django_db

LIMIN = "150303102502"


@pytest.fixture
def ten_star(assessor, certifiers, admin_user):
    """利民社区, ten stars in the published 2025, with its plaque."""
    year = workflow.year_open(user=None, year=2025)
    [rating] = published_year_with(
        assessor, certifiers, admin_user, year, [(Region.objects.get(pk=LIMIN), None)]
    )
    plaque = workflow.plaque_issue(user=admin_user, rating=rating)
    return rating, plaque


def remove(admin_user, rating: StarRating, number: int = 6):
    return workflow.star_remove(
        user=admin_user,
        item=item(rating, number),
        reason="辖区内查获吸毒人员，禁毒办提请摘星。",
        document_number="乌禁毒办〔2026〕5号",
    )


def test_star_removal_updates_stars_title_plaque_and_verify_page(client, ten_star, admin_user):
    rating, plaque = ten_star
    remove(admin_user, rating)
    rating.refresh_from_db()
    plaque.refresh_from_db()
    removed = item(rating, 6)
    assert removed.status == ItemStatus.REMOVED and removed.removed_document
    assert rating.stars == 9 and not rating.is_ten_star
    assert not plaque.is_valid and "摘除第 6 项" in plaque.revoked_reason
    actions = list(Event.objects.filter(rating=rating).values_list("action", flat=True))
    assert actions[-2:] == [EventAction.STAR_REMOVE, EventAction.PLAQUE_REVOKE]
    page = body(client.get(reverse("verify_number", args=[plaque.number])))
    assert "已撤销" in page and "摘除第 6 项“无毒害”星" in page and "现为 9 星" in page
    # The honour roll drops it at once.
    assert "利民社区" not in body(client.get(reverse("honours"), {"year": 2025}))


def test_a_second_star_does_not_revoke_twice(ten_star, admin_user):
    rating, _plaque = ten_star
    remove(admin_user, rating, 6)
    remove(admin_user, rating, 8)
    rating.refresh_from_db()
    assert rating.stars == 8
    assert Plaque.objects.filter(rating=rating, revoked_at__isnull=False).count() == 1


def test_refused_removal_changes_nothing(ten_star, admin_user):
    rating, plaque = ten_star
    remove(admin_user, rating, 6)
    events = Event.objects.count()
    with pytest.raises(workflow.TransitionNotAllowed, match="没有可摘的星"):
        remove(admin_user, rating, 6)
    with pytest.raises(workflow.TransitionNotAllowed, match="文号"):
        workflow.star_remove(user=admin_user, item=item(rating, 1), reason="x", document_number="")
    assert Event.objects.count() == events
    assert item(rating, 1).status == ItemStatus.ENDORSED


def test_removal_is_refused_before_publication(year, assessor, certifiers, admin_user):
    rating = submitted_rating(assessor, Region.objects.get(pk=LIMIN), year)
    decide_all(rating, certifiers)
    with pytest.raises(workflow.TransitionNotAllowed, match="尚未公布"):
        remove(admin_user, rating)


def test_star_removal_page(client, ten_star, admin_user):
    rating, plaque = ten_star
    client.force_login(admin_user)
    url = reverse("star_remove", args=[2025, LIMIN, 6])
    page = body(client.get(url))
    assert plaque.number in page and "不再是十星" in page
    refused = client.post(url, {"reason": "吸毒", "document_number": ""})
    assert refused.status_code == 200 and item(rating, 6).status == ItemStatus.ENDORSED
    client.post(url, {"reason": "吸毒", "document_number": "乌禁毒办〔2026〕5号"})
    assert item(rating, 6).status == ItemStatus.REMOVED
    detail = body(client.get(reverse("rating_detail", args=[2025, LIMIN])))
    assert "乌禁毒办〔2026〕5号" in detail


def test_revoked_plaque_taken_back_leaves_the_list(client, ten_star, admin_user, today):
    rating, plaque = ten_star
    with pytest.raises(workflow.TransitionNotAllowed, match="仍然有效"):
        workflow.plaque_take_back(
            user=admin_user, plaque=plaque, taken_back_on=date(2026, 11, 20), taken_back_by="李强"
        )
    remove(admin_user, rating)
    client.force_login(admin_user)
    listing = reverse("plaques_not_taken_back")
    assert plaque.number in body(client.get(listing))
    today(date(2099, 1, 1))
    with pytest.raises(workflow.TransitionNotAllowed, match="撤销日期"):
        workflow.plaque_take_back(
            user=admin_user, plaque=plaque, taken_back_on=date(2020, 1, 1), taken_back_by="李强"
        )
    client.post(
        reverse("plaque_take_back", args=[plaque.number]),
        {"taken_back_on": "2098-12-30", "taken_back_by": "海南区平安办 李强"},
    )
    plaque.refresh_from_db()
    assert (
        plaque.taken_back_on == date(2098, 12, 30) and plaque.taken_back_by == "海南区平安办 李强"
    )
    assert plaque.taken_back_recorded_by == admin_user
    assert Event.objects.filter(plaque=plaque, action=EventAction.PLAQUE_TAKE_BACK).exists()
    assert f"<code>{plaque.number}</code>" not in body(client.get(listing))
    with pytest.raises(workflow.TransitionNotAllowed, match="已于"):
        workflow.plaque_take_back(
            user=admin_user, plaque=plaque, taken_back_on=date(2098, 12, 31), taken_back_by="王"
        )


def test_bar_from_rating_is_enforced_in_the_following_years(client, ten_star, admin_user, assessor):
    rating, _plaque = ten_star
    community = rating.community
    workflow.eligibility_revoke(
        user=admin_user, community=community, year=rating.year, reason="群众口碑差", bar_years=2
    )
    for year_number in (2026, 2027):
        year = workflow.year_open(user=None, year=year_number)
        with pytest.raises(
            workflow.TransitionNotAllowed, match="2026至2027年度不得参评：群众口碑差"
        ):
            save_rating(assessor, community, year)
    client.force_login(assessor)
    page = body(client.get(reverse("work"), {"year": 2026, "q": community.name}))
    assert "不得参评" in page and "因2025年度被取消评星资格" in page
    # The bar ends when it says; reinstating the revoked year lifts it at once.
    assert save_rating(assessor, community, workflow.year_open(user=None, year=2028))
    workflow.eligibility_reinstate(user=admin_user, rating=rating, reason="复核后恢复")
    assert save_rating(assessor, community, RatingYear.objects.get(pk=2026))


def test_revoke_page_sets_the_bar(client, ten_star, admin_user):
    rating, _plaque = ten_star
    client.force_login(admin_user)
    url = reverse("eligibility_revoke", args=[2025, LIMIN])
    assert "此后不得参评的年数" in body(client.get(url))
    client.post(url, {"reason": "群众口碑差", "bar_years": "1"})
    rating.refresh_from_db()
    assert rating.is_revoked and rating.barred_until == 2026
