"""Re-review (复查) of last year's ten-star communities: the draw, the scope, the finding and
the star removal a failed one leads to."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from ratings import selectors, workflow
from ratings.choices import EventAction, ItemStatus, RereviewStatus
from ratings.models import Authority, Event, Plaque, RatingYear, Region, RereviewEntry, User
from tests import factories
from tests.helpers import (
    HAINAN,
    WUDA,
    WUDA_COMMUNITY,
    body,
    built_once_per_module,
    decide_all,
    item,
    published_year_with,
)
from tests.helpers import submitted_rating as submitted

pytestmark = pytest.mark.django_db

HAINAN_TEN = ["150303102501", "150303102502", "150303104701", "150303104702"]


def _published() -> SimpleNamespace:
    """2025 published with five ten-star communities (four of 海南区, one of 乌达区) and a
    one-star one; 利民社区 (150303102502) holds a plaque."""
    assessor = factories.assessor(HAINAN, username="hainan-assessor")
    assessor_out = factories.assessor(WUDA, username="wuda-assessor")
    admin = factories.administrator(username="city-admin")
    certifiers = {
        code: factories.certifier(code, username=f"cert-{code}")
        for code in Authority.objects.values_list("code", flat=True)
    }
    year = workflow.year_open(user=None, year=2025)
    wuda = submitted(assessor_out, Region.objects.get(pk=WUDA_COMMUNITY), year)
    decide_all(wuda, certifiers)
    communities = [(Region.objects.get(pk=code), None) for code in HAINAN_TEN]
    communities.append((Region.objects.get(pk="150303104703"), set(range(2, 11))))
    published_year_with(assessor, certifiers, admin, year, communities)
    year.refresh_from_db()
    rating = year.ratings.get(community_id="150303102502")
    plaque = workflow.plaque_issue(user=admin, rating=rating)
    return SimpleNamespace(assessor=assessor, assessor_out=assessor_out, admin=admin, plaque=plaque)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, world_media) -> SimpleNamespace:
    """Built once for the module; each test's changes are rolled back."""
    yield from built_once_per_module(django_db_blocker, world_media, _published)


# The module's people, read afresh for each test.
@pytest.fixture
def assessor(built, db) -> User:
    return User.objects.get(pk=built.assessor.pk)


@pytest.fixture
def assessor_out(built, db) -> User:
    return User.objects.get(pk=built.assessor_out.pk)


@pytest.fixture
def admin_user(built, db) -> User:
    return User.objects.get(pk=built.admin.pk)


@pytest.fixture
def published(built, db) -> tuple[RatingYear, Plaque]:
    return RatingYear.objects.get(pk=2025), Plaque.objects.get(pk=built.plaque.pk)


def codes(rereview) -> list[str]:
    return list(rereview.entries.order_by("community_id").values_list("community_id", flat=True))


def test_the_sample_is_drawn_again_from_its_seed(published, admin_user):
    year, _plaque = published
    first = workflow.rereview_open(
        user=admin_user, year=year, title="抽查", size=2, seed="20261129"
    )
    again = workflow.rereview_open(
        user=admin_user, year=year, title="重抽", size=2, seed="20261129"
    )
    assert first.seed == "20261129" and first.sample_size == 2 and first.population == 5
    assert len(codes(first)) == 2 and codes(first) == codes(again)
    # The draw depends on the seed and the set of communities only, not on their order.
    population = [WUDA_COMMUNITY, *HAINAN_TEN]
    assert workflow.rereview_sample(population, size=2, seed="20261129") == codes(first)
    assert workflow.rereview_sample(population[::-1], size=2, seed="20261129") == codes(first)
    drawn = {tuple(workflow.rereview_sample(population, size=2, seed=str(s))) for s in range(40)}
    assert len(drawn) > 1  # other seeds draw other samples
    event = Event.objects.filter(action=EventAction.REREVIEW_OPEN).first()
    assert "随机种子 20261129" in event.detail


def test_a_seed_left_empty_is_made_and_recorded(published, admin_user):
    year, _plaque = published
    rereview = workflow.rereview_open(user=admin_user, year=year, title="抽查", size=3)
    assert len(rereview.seed) == 8
    assert codes(rereview) == workflow.rereview_sample(
        [WUDA_COMMUNITY, *HAINAN_TEN], size=3, seed=rereview.seed
    )


def test_all_ten_star_communities_and_nothing_else(published, admin_user):
    year, _plaque = published
    rereview = workflow.rereview_open(user=admin_user, year=year, title="全部复查")
    assert codes(rereview) == sorted([*HAINAN_TEN, WUDA_COMMUNITY])  # not the one-star village
    assert rereview.sample_size is None and rereview.seed == ""


def test_refusals_change_nothing(published, admin_user, year):
    past, _plaque = published
    with pytest.raises(workflow.TransitionNotAllowed, match="只能复查已公布年度"):
        workflow.rereview_open(user=admin_user, year=year, title="x")
    with pytest.raises(workflow.TransitionNotAllowed, match="抽查数量应为 1 至 5"):
        workflow.rereview_open(user=admin_user, year=past, title="x", size=6)
    assert not RereviewEntry.objects.exists()


def test_only_the_districts_assessors_record_the_finding(
    published, admin_user, assessor, assessor_out
):
    year, _plaque = published
    rereview = workflow.rereview_open(user=admin_user, year=year, title="全部复查")
    hainan = rereview.entries.get(community_id="150303102501")
    mine = selectors.rereview_entry_list_for_user(user=assessor)
    assert sorted(e.community_id for e in mine) == HAINAN_TEN
    assert [e.community_id for e in selectors.rereview_entry_list_for_user(user=assessor_out)] == [
        WUDA_COMMUNITY
    ]
    assert selectors.rereview_count_awaiting(user=assessor) == 4
    for outsider in (assessor_out, admin_user):
        with pytest.raises(workflow.TransitionNotAllowed, match="所在区的评定员"):
            workflow.rereview_find(user=outsider, entry=hainan, passed=True, reason="核实无问题")
    workflow.rereview_find(user=assessor, entry=hainan, passed=True, reason="走访核实，无变化")
    hainan.refresh_from_db()
    assert hainan.status == RereviewStatus.PASSED and hainan.found_by == assessor
    assert selectors.rereview_count_awaiting(user=assessor) == 3
    with pytest.raises(workflow.TransitionNotAllowed, match="不能再更改"):
        workflow.rereview_find(
            user=assessor, entry=hainan, passed=False, reason="x", failed_standards=[6]
        )


def test_a_failed_rereview_leads_to_star_removal(client, published, admin_user, assessor):
    year, plaque = published
    rereview = workflow.rereview_open(user=admin_user, year=year, title="2025年度复查")
    entry = rereview.entries.get(community_id="150303102502")
    with pytest.raises(workflow.TransitionNotAllowed, match="请选择不再达标的标准"):
        workflow.rereview_find(user=assessor, entry=entry, passed=False, reason="查获吸毒人员")
    workflow.rereview_find(
        user=assessor, entry=entry, passed=False, reason="辖区查获吸毒人员", failed_standards=[6]
    )
    entry.refresh_from_db()
    assert entry.awaits_star_removal and selectors.rereview_count_to_remove() == 1
    assert item(entry.rating, 6).status == ItemStatus.ENDORSED  # the administrator decides
    removed = workflow.rereview_remove_stars(
        user=admin_user, entry=entry, document_number="乌禁毒办〔2026〕9号"
    )
    assert removed == 1
    entry.rating.refresh_from_db()
    plaque.refresh_from_db()
    assert entry.rating.stars == 9 and item(entry.rating, 6).status == ItemStatus.REMOVED
    assert item(entry.rating, 6).removed_document == "乌禁毒办〔2026〕9号"
    assert not plaque.is_valid and "复查未通过（2025年度复查）" in plaque.revoked_reason
    actions = list(Event.objects.filter(rating=entry.rating).values_list("action", flat=True))
    assert actions[-3:] == [
        EventAction.REREVIEW_FAIL,
        EventAction.STAR_REMOVE,
        EventAction.PLAQUE_REVOKE,
    ]
    page = body(client.get(reverse("verify_number", args=[plaque.number])))
    assert "已撤销" in page and "现为 9 星" in page
    with pytest.raises(workflow.TransitionNotAllowed, match="已于"):
        workflow.rereview_remove_stars(user=admin_user, entry=entry, document_number="又一号")
    assert Plaque.objects.filter(revoked_at__isnull=False).count() == 1


def test_a_failed_standard_must_hold_a_star(published, admin_user, assessor):
    year, _plaque = published
    rereview = workflow.rereview_open(user=admin_user, year=year, title="复查")
    entry = rereview.entries.get(community_id="150303102501")
    workflow.star_remove(
        user=admin_user, item=item(entry.rating, 6), reason="另案摘星", document_number="1号"
    )
    with pytest.raises(workflow.TransitionNotAllowed, match="第 6 项目前没有已认可的星"):
        workflow.rereview_find(
            user=assessor, entry=entry, passed=False, reason="不达标", failed_standards=[6]
        )
    entry.refresh_from_db()
    assert entry.status == RereviewStatus.PENDING
