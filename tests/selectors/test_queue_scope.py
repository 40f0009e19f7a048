"""The certifier's queue read through the item's own community code (issue 11): the same rows
in the same order as the join on the rating gave, for an authority at every level of the tree,
and the same number of queries at every level. That every item carries its code, however it
is made: tests/models/test_stars.py."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from ratings import selectors, workflow
from ratings.choices import CodeSource, ItemStatus, RegionKind, RegionLevel, YearStatus
from ratings.models import Authority, RatingYear, Region, StarItem, StarRating, User, within_q
from tests import factories
from tests.helpers import (
    BAYINTAOHAI,
    HAINAN,
    SAIHANWUSU,
    WUDA,
    WUDA_COMMUNITY,
    built_once_per_module,
    page_queries,
    submitted_rating,
)

pytestmark = pytest.mark.django_db

INNER_MONGOLIA = "150000000000"
WUHAI = "150300000000"
# A community of another province, in a tree of its own.
BEIJING_CHAIN = [
    ("110000000000", RegionLevel.PROVINCE, RegionKind.PROVINCE),
    ("110100000000", RegionLevel.CITY, RegionKind.CITY),
    ("110101000000", RegionLevel.COUNTY, RegionKind.DISTRICT),
    ("110101001000", RegionLevel.TOWN, RegionKind.STREET),
    ("110101001001", RegionLevel.VILLAGE, RegionKind.COMMUNITY),
]


def _region(code: str, level, kind, parent) -> Region:
    region, _ = Region.objects.update_or_create(
        code=code,
        defaults=dict(
            name=f"区划{code}", level=level, kind=kind, parent=parent, code_source=CodeSource.DEMO
        ),
    )
    return region


def _country() -> None:
    """Wuhai under 内蒙古, and a Beijing community: provinces to tell apart."""
    province = _region(INNER_MONGOLIA, RegionLevel.PROVINCE, RegionKind.PROVINCE, None)
    Region.objects.filter(pk=WUHAI).update(parent=province)
    parent = None
    for code, level, kind in BEIJING_CHAIN:
        parent = _region(code, level, kind, parent)


def _waiting() -> SimpleNamespace:
    """Pending items in several towns, districts and both provinces, entered in an order
    unrelated to their codes, with ties on `pending_since`; a pending item of a closed year and
    items already decided, which the queue leaves out. The certifier of 公安 who reads them."""
    _country()
    year = workflow.year_open(user=None, year=2026)
    admin = factories.administrator()
    beijing = factories.assessor("110000000000", username="beijing-assessor")
    assessor, assessor_out = factories.assessor(HAINAN), factories.assessor(WUDA)
    places = [
        (assessor, Region.objects.get(pk=SAIHANWUSU)),
        (assessor_out, Region.objects.get(pk=WUDA_COMMUNITY)),
        (beijing, Region.objects.get(pk="110101001001")),
        *((assessor, c) for c in factories.communities(BAYINTAOHAI, 4)),
        *((assessor_out, c) for c in factories.communities(WUDA_COMMUNITY[:9] + "000", 3)),
    ]
    for who, community in places:
        submitted_rating(who, community, year, met={5: False})
    moments = [timezone.now() - datetime.timedelta(minutes=n) for n in (7, 3, 11)]
    for n, item in enumerate(StarItem.objects.filter(status=ItemStatus.PENDING).order_by("-id")):
        StarItem.objects.filter(pk=item.pk).update(pending_since=moments[n % 3])
    # A closed year's item still marked pending, and another community's decided items.
    old = RatingYear.objects.create(year=2019, status=YearStatus.CLOSED)
    rating = StarRating.objects.create(
        community_id=SAIHANWUSU, year=old, updated_by=admin, status="submitted"
    )
    StarItem.objects.create(
        rating=rating, standard_id=1, status=ItemStatus.PENDING, pending_since=moments[0]
    )
    return SimpleNamespace(
        items=list(StarItem.objects.filter(status=ItemStatus.PENDING)),
        gongan=factories.certifier("gongan"),
    )


@pytest.fixture(scope="module")
def queue_data(django_db_setup, django_db_blocker, world_media) -> SimpleNamespace:
    """Built once for the module (each test's changes are rolled back)."""
    yield from built_once_per_module(django_db_blocker, world_media, _waiting)


@pytest.fixture
def waiting(queue_data, db) -> list[StarItem]:
    return queue_data.items


@pytest.fixture
def gongan(queue_data, db) -> User:
    """Read afresh: tests move the authority's region (in their own transaction)."""
    return User.objects.select_related("authority").get(pk=queue_data.gongan.pk)


def queue_as_before(user, region=None, standard=None, search="") -> list[int]:
    """The queue as it was read before the item carried its community: through the rating."""
    scope = user.authority.region
    items = StarItem.objects.filter(
        status=ItemStatus.PENDING,
        rating__year__status=YearStatus.OPEN,
        standard__authority_id=user.authority_id,
    ).filter(within_q(scope.prefix, "rating__community_id"))
    if region is not None:
        items = items.filter(within_q(region.prefix, "rating__community_id"))
    if standard:
        items = items.filter(standard_id=standard)
    if search:
        items = items.filter(rating__community__name__contains=search)
    return list(items.order_by("pending_since", "id").values_list("pk", flat=True))


SCOPES = [
    pytest.param(INNER_MONGOLIA, id="province"),
    pytest.param(WUHAI, id="city"),
    pytest.param(HAINAN, id="county"),
    pytest.param(BAYINTAOHAI, id="town"),
    pytest.param(SAIHANWUSU, id="community"),
    pytest.param("110000000000", id="another-province"),
]


@pytest.mark.parametrize("scope", SCOPES)
def test_queue_shows_the_same_rows_in_the_same_order_at_every_level(waiting, gongan, scope):
    Authority.objects.filter(pk="gongan").update(region_id=scope)
    gongan.refresh_from_db()
    gongan.authority.refresh_from_db()
    shown = [item.pk for item in selectors.item_list_for_user(user=gongan)]
    assert shown == queue_as_before(gongan)
    assert shown, "every scope has items of its own"


@pytest.mark.parametrize(
    "region, standard, search",
    [
        (HAINAN, None, ""),
        (BAYINTAOHAI, 2, ""),
        (SAIHANWUSU, None, ""),
        (WUDA, None, ""),
        (WUHAI, 8, ""),  # the scope itself
        ("110101000000", None, ""),  # outside the scope: nothing
        (None, None, "赛汗"),
        (None, 1, ""),
    ],
)
def test_queue_filters_keep_the_same_rows(waiting, gongan, region, standard, search):
    Authority.objects.filter(pk="gongan").update(region_id=WUHAI)
    gongan.authority.refresh_from_db()
    chosen = Region.objects.get(pk=region) if region else None
    shown = selectors.item_list_for_user(
        user=gongan, region=chosen, standard=standard, search=search
    )
    assert [item.pk for item in shown] == queue_as_before(gongan, chosen, standard, search)
    assert shown.count() == len(queue_as_before(gongan, chosen, standard, search))


def test_a_town_authority_sees_nothing_of_a_region_chosen_above_it(waiting, gongan):
    """A region containing the scope: the scope still bounds the rows."""
    Authority.objects.filter(pk="gongan").update(region_id=BAYINTAOHAI)
    gongan.authority.refresh_from_db()
    shown = selectors.item_list_for_user(user=gongan, region=Region.objects.get(pk=HAINAN))
    assert [item.pk for item in shown] == queue_as_before(gongan)


def test_queue_page_costs_the_same_at_every_level(client, waiting, gongan):
    """One page of the queue, its count and its filters, for an authority of a town, a county,
    the city and the province: the same number of queries."""
    client.force_login(gongan)
    costs = {}
    for scope in (BAYINTAOHAI, HAINAN, WUHAI, INNER_MONGOLIA):
        Authority.objects.filter(pk="gongan").update(region_id=scope)
        costs[scope] = (
            page_queries(client, reverse("queue")),
            page_queries(client, reverse("queue"), {"region": BAYINTAOHAI}),
            page_queries(client, reverse("queue"), {"standard": "2"}),
        )
    # The region cascade lists the children of the region shown, and a town's (communities)
    # are not offered: one query fewer for a town's pages (its own region chosen is its own
    # page), nothing to do with the queue.
    cascade = {scope: int(scope != BAYINTAOHAI) for scope in costs}
    assert len({tuple(n - cascade[s] for n in cost) for s, cost in costs.items()}) == 1, costs


def test_all_matching_decides_what_the_queue_shows(client, waiting, gongan):
    """The bulk decision of every matching item takes the rows the list shows, no more."""
    Authority.objects.filter(pk="gongan").update(region_id=WUHAI)
    gongan.authority.refresh_from_db()
    client.force_login(gongan)
    region = Region.objects.get(pk=HAINAN)
    expected = queue_as_before(gongan, region)
    assert expected
    form = {"region": HAINAN, "all_matching": "on", "decision": "endorse", "reason": ""}
    confirm = client.post(reverse("queue_decide"), form)
    assert confirm.status_code == 200
    assert confirm.context["count"] == len(expected)
    as_of = confirm.context["as_of"]
    client.post(reverse("queue_decide"), {**form, "confirm": "yes", "as_of": as_of.isoformat()})
    assert set(StarItem.objects.filter(pk__in=expected).values_list("status", flat=True)) == {
        ItemStatus.ENDORSED
    }
    assert queue_as_before(gongan, region) == []
    assert queue_as_before(gongan), "items elsewhere in the city are left"
