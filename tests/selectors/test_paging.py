"""Keyset paging (`views.common.paginate`): every row once, in order, forwards and backwards,
with ties on the first key; numbered first pages; a cursor from elsewhere starts over. These run
on whichever database the suite runs on (SQLite and PostgreSQL in CI)."""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from ratings.choices import RegionKind, RegionLevel
from ratings.models import Region, StarItem, StarRating, User
from ratings.selectors.paging import Cursor, EstimatedPaginator
from ratings.views.common import CURSOR_PARAM, paginate
from tests import factories
from tests.helpers import BAYINTAOHAI

pytestmark = pytest.mark.django_db

PER_PAGE = 7


def _page(rows, **params):
    request = RequestFactory().get("/", params)
    return paginate(request, rows, PER_PAGE)


def walk_forwards(rows) -> list:
    page = _page(rows)
    seen = [page.number]
    pages = [list(page)]
    while page.has_next:
        page = _page(rows, **{CURSOR_PARAM: page.next_cursor})
        pages.append(list(page))
        seen.append(page.number)
    assert seen == list(range(1, len(pages) + 1))
    return [row for rows_of_page in pages for row in rows_of_page]


def walk_backwards(rows) -> list:
    page = _page(rows, **{CURSOR_PARAM: Cursor("last").token()})
    pages = [list(page)]
    while page.has_previous:
        page = _page(rows, **{CURSOR_PARAM: page.previous_cursor})
        pages.append(list(page))
    assert page.number == 1
    return [row for rows_of_page in reversed(pages) for row in rows_of_page]


@pytest.fixture
def tied_items(admin_user) -> list[int]:
    """30 ratings whose ten items all entered the queue at one of three moments: long runs of
    rows equal on the first key of the order."""
    year = factories_year()
    moments = [timezone.now() - datetime.timedelta(hours=n) for n in range(3)]
    ratings = StarRating.objects.bulk_create(
        StarRating(community=c, year=year, updated_by=admin_user, status="submitted")
        for c in factories.communities(BAYINTAOHAI, 30)
    )
    StarItem.objects.bulk_create(
        StarItem(rating=r, standard_id=n, status="pending", met=True, pending_since=moments[i % 3])
        for i, r in enumerate(ratings)
        for n in range(1, 11)
    )
    return list(StarItem.objects.order_by("pending_since", "id").values_list("id", flat=True))


def factories_year():
    from ratings.models import RatingYear

    return RatingYear.objects.create(year=2031, status="open")


def test_every_row_once_in_order_with_ties(tied_items):
    rows = StarItem.objects.filter(status="pending").order_by("pending_since", "id")
    assert [item.pk for item in walk_forwards(rows)] == tied_items
    assert [item.pk for item in walk_backwards(rows)] == tied_items


def test_descending_and_mixed_orders(tied_items):
    rows = StarItem.objects.filter(status="pending").order_by("-pending_since", "-id")
    assert [item.pk for item in walk_forwards(rows)] == tied_items[::-1]
    mixed = StarItem.objects.filter(status="pending").order_by("-pending_since", "id")
    expected = list(mixed.values_list("id", flat=True))
    assert [item.pk for item in walk_forwards(mixed)] == expected
    assert [item.pk for item in walk_backwards(mixed)] == expected


def test_ordering_through_a_relation(tied_items):
    rows = StarItem.objects.select_related("rating").order_by("rating__community_id", "id")
    expected = list(rows.values_list("id", flat=True))
    assert [item.pk for item in walk_forwards(rows)] == expected


def test_region_codes_and_the_last_page():
    factories.communities(BAYINTAOHAI, 40)
    rows = Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code")
    codes = list(rows.values_list("code", flat=True))
    assert [r.code for r in walk_forwards(rows)] == codes
    last = _page(rows, **{CURSOR_PARAM: Cursor("last").token()})
    # The last page holds what numbering leaves for it, so its neighbours line up.
    assert last.number == last.num_pages and len(last) == len(codes) - (last.num_pages - 1) * 7
    assert [r.code for r in last] == codes[(last.num_pages - 1) * PER_PAGE :]


def test_numbered_pages_and_nonsense():
    factories.communities(BAYINTAOHAI, 40)
    rows = Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code")
    codes = list(rows.values_list("code", flat=True))
    third = _page(rows, page="3")
    assert third.number == 3 and [r.code for r in third] == codes[14:21]
    following = _page(rows, **{CURSOR_PARAM: third.next_cursor})
    assert following.number == 4 and [r.code for r in following] == codes[21:28]
    # Past the end: the last page. Not a number, or a cursor that is not one: the first.
    assert _page(rows, page="999").number == third.num_pages
    for junk in ("abc", "-1", ""):
        assert [r.code for r in _page(rows, page=junk)] == codes[:7]
    for junk in ("%%%", "bm90IGpzb24", Cursor("after", 2, ["1", "2"]).token()):
        assert [r.code for r in _page(rows, **{CURSOR_PARAM: junk})] == codes[:7]


def test_a_row_added_between_pages_is_neither_skipped_nor_repeated():
    town = Region.objects.get(pk=BAYINTAOHAI)
    factories.communities(BAYINTAOHAI, 20)
    rows = Region.objects.filter(level=RegionLevel.VILLAGE, parent=town).order_by("code")
    first = _page(rows)
    shown = [r.code for r in first]
    # A new community sorting before the page already read (OFFSET paging would repeat a row).
    Region.objects.create(
        code=str(int(shown[0]) - 1),
        name="新设社区",
        level=RegionLevel.VILLAGE,
        kind=RegionKind.COMMUNITY,
        parent=town,
    )
    second = _page(rows, **{CURSOR_PARAM: first.next_cursor})
    assert not set(shown) & {r.code for r in second}
    assert [r.code for r in second] == list(
        rows.filter(code__gt=shown[-1]).values_list("code", flat=True)[:PER_PAGE]
    )


def test_users_are_not_needed(django_user_model):
    # `paginate` takes any ordered queryset: a list of accounts pages the same way.
    for n in range(10):
        User.objects.create(username=f"u{n:02d}")
    rows = User.objects.order_by("username", "id")
    assert [u.username for u in walk_forwards(rows)] == list(
        rows.values_list("username", flat=True)
    )


def test_large_lists_show_an_estimate_on_postgresql(monkeypatch, client, admin_user, year):
    """Above the threshold PostgreSQL's planner estimate is shown as 约 N (no COUNT of every
    row); SQLite, and any list below it, counts exactly. The admin's lists use the same count."""
    from django.db import connection

    from ratings.selectors import counting

    factories.communities(BAYINTAOHAI, 40)
    monkeypatch.setattr(counting, "ESTIMATE_ABOVE", 10)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ratings_region")
    rows = Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code")
    total, estimated = counting.count_rows(rows)
    assert estimated == (connection.vendor == "postgresql")
    if not estimated:
        assert total == rows.count()
    assert EstimatedPaginator(rows, 20).count == total
    client.force_login(admin_user)
    html = client.get("/work/").content.decode()
    assert ("约 " in html) == estimated
    assert client.get("/admin/ratings/region/").status_code == 200
