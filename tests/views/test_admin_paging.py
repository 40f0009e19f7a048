"""The back office's changelists page by seeking (`ratings/admin/paging.py`): every row once,
in order, forwards and backwards, with ties on the first key and with filters; a constant
number of queries however deep the page; a cursor edited by hand gives the first page and says
so; an ordering that cannot be sought on pages by number as before. These run on whichever
database the suite runs on (SQLite and PostgreSQL in CI)."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.contrib import admin
from django.utils import timezone

from ratings.admin.paging import CURSOR_VAR
from ratings.choices import RegionLevel
from ratings.models import Event, RatingYear, Region, StarRating
from ratings.selectors.paging import MAX_NUMBERED_PAGE, Cursor
from tests import factories
from tests.helpers import BAYINTAOHAI, body, page_queries

pytestmark = pytest.mark.django_db

PER_PAGE = 7
REGIONS = "/admin/ratings/region/"
RATINGS = "/admin/ratings/starrating/"
EVENTS = "/admin/ratings/event/"
REFUSED = "翻页链接无效"


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    for model_admin in admin.site._registry.values():
        monkeypatch.setattr(model_admin, "list_per_page", PER_PAGE)


@pytest.fixture
def signed_in(client, admin_user):
    client.force_login(admin_user)
    return client


def _link(content: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}">', content)
    return html.unescape(found[1]) if found else None


def _get(client, url: str, query: str = ""):
    response = client.get(url + query)
    assert response.status_code == 200, (url + query, response.status_code)
    return response


def _rows(response) -> list:
    return [row.pk for row in response.context["cl"].result_list]


def walk_forwards(client, url: str, query: str = "") -> list:
    """From the first page, "next" after "next" to the end: the rows as shown."""
    response = _get(client, url, query)
    shown, numbers = [_rows(response)], [response.context["cl"].page_num]
    while (following := _link(body(response), "next")) is not None:
        response = _get(client, url, following)
        shown.append(_rows(response))
        numbers.append(response.context["cl"].page_num)
    assert numbers == list(range(1, len(shown) + 1)), numbers
    return [pk for page in shown for pk in page]


def walk_backwards(client, url: str, query: str = "") -> list:
    """From the last page, "previous" after "previous" to the first."""
    last = Cursor("last").token()
    joiner = "&" if query else "?"
    response = _get(client, url, f"{query}{joiner}{CURSOR_VAR}={last}")
    shown = [_rows(response)]
    while (preceding := _link(body(response), "prev")) is not None:
        response = _get(client, url, preceding)
        shown.append(_rows(response))
    assert response.context["cl"].page_num == 1
    return [pk for page in reversed(shown) for pk in page]


@pytest.fixture
def ratings_with_ties(admin_user) -> list[int]:
    """Two years of ratings for 60 communities: long runs equal on the first key (the year)."""
    towns = factories.communities(BAYINTAOHAI, 60)
    for number in (2031, 2032):
        year = RatingYear.objects.create(year=number, status="open")
        StarRating.objects.bulk_create(
            StarRating(community=c, year=year, updated_by=admin_user) for c in towns
        )
    return list(StarRating.objects.order_by("year_id", "community_id").values_list("pk", flat=True))


def test_every_rating_once_in_order_forwards_and_backwards(signed_in, ratings_with_ties):
    assert walk_forwards(signed_in, RATINGS) == ratings_with_ties
    assert walk_backwards(signed_in, RATINGS) == ratings_with_ties


def test_events_tied_on_their_time(signed_in, admin_user):
    """Events written in one transaction share their time: the id tells them apart."""
    moments = [timezone.now() - datetime.timedelta(minutes=n) for n in range(3)]
    Event.objects.bulk_create(Event(actor=admin_user, action="rating_started") for _ in range(45))
    for n, pk in enumerate(Event.objects.values_list("pk", flat=True)):
        Event.objects.filter(pk=pk).update(created_at=moments[n % 3])
    expected = list(Event.objects.order_by("created_at", "id").values_list("pk", flat=True))
    assert walk_forwards(signed_in, EVENTS) == expected
    assert walk_backwards(signed_in, EVENTS) == expected


def test_filters_and_search_with_the_cursor(signed_in, ratings_with_ties):
    StarRating.objects.filter(pk__in=ratings_with_ties[::3]).update(status="submitted")
    query = "?status__exact=submitted&year__year__exact=2032"
    expected = list(
        StarRating.objects.filter(status="submitted", year_id=2032)
        .order_by("community_id")
        .values_list("pk", flat=True)
    )
    assert walk_forwards(signed_in, RATINGS, query) == expected
    assert walk_backwards(signed_in, RATINGS, query) == expected
    # Search (by name) and a filter together, on the regions.
    query = "?level__exact=5&q=测试"
    expected = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, name__contains="测试")
        .order_by("code")
        .values_list("code", flat=True)
    )
    assert len(expected) == 60
    assert walk_forwards(signed_in, REGIONS, query) == expected
    assert walk_backwards(signed_in, REGIONS, query) == expected


def test_links_of_a_deep_page(signed_in, ratings_with_ties):
    """A page reached by cursor keeps its number; its filter, sort and search links drop the
    cursor; its page links lead to the first pages, its neighbours and the last."""
    response = _get(signed_in, RATINGS, "?p=3")
    assert _rows(response) == ratings_with_ties[14:21]
    following = _link(body(response), "next")
    assert following == "?p=4"  # numbered while the page is a numbered one
    url = "?p=" + str(MAX_NUMBERED_PAGE)
    response = _get(signed_in, RATINGS, url)  # past the end: the last page
    cl = response.context["cl"]
    assert cl.page_num == cl.paginator.num_pages == 18
    assert _rows(response) == ratings_with_ties[17 * PER_PAGE :]
    preceding = _link(body(response), "prev")
    assert preceding == "?p=17"
    # Step back page by page from the last: every page says its number.
    response = _get(signed_in, RATINGS, f"?{CURSOR_VAR}={Cursor('last').token()}")
    assert response.context["cl"].page_num == 18
    content = body(response)
    assert "120 星级评定" in content
    # Only the page links carry a cursor: filters, column headers and the search box do not.
    last_page = response.context["cl"].keyset_page
    deep = _get(signed_in, RATINGS, f"?{CURSOR_VAR}={last_page.previous_cursor}")
    assert deep.context["cl"].page_num == 17
    page = body(deep)
    paginator = re.search(r'<p class="paginator">.*?</p>', page, re.S)[0]
    assert CURSOR_VAR + "=" not in page.replace(paginator, "")
    assert f'name="{CURSOR_VAR}"' not in page


def test_page_numbers_beyond_the_numbered_ones(signed_in, monkeypatch):
    """Only the first pages open by number: a deeper number gives the last numbered page and
    says how to go on; "next" from there seeks."""
    factories.communities(BAYINTAOHAI, 60)
    for model_admin in admin.site._registry.values():
        monkeypatch.setattr(model_admin, "list_per_page", 1)
    codes = list(Region.objects.order_by("code").values_list("code", flat=True))
    response = _get(signed_in, REGIONS, f"?p={MAX_NUMBERED_PAGE + 5}")
    assert response.context["cl"].page_num == MAX_NUMBERED_PAGE
    assert _rows(response) == [codes[MAX_NUMBERED_PAGE - 1]]
    assert "下一页" in body(response) and f"前 {MAX_NUMBERED_PAGE} 页编号" in body(response)
    following = _link(body(response), "next")
    assert CURSOR_VAR in following
    response = _get(signed_in, REGIONS, following)
    assert response.context["cl"].page_num == MAX_NUMBERED_PAGE + 1
    assert _rows(response) == [codes[MAX_NUMBERED_PAGE]]


@pytest.mark.parametrize(
    "token",
    [
        "%%%",
        "bm90IGpzb24",
        Cursor("after", 2, ["1"]).token(),  # another list's keys
        Cursor("after", 2, ["abc", "x"]).token(),  # text for numbers
        Cursor("after", 2, [2031, 2**70]).token(),  # beyond any column
        Cursor("before", 2, [2031, 5]).token().replace("A", "B"),
        "长" * 700,
    ],
)
def test_a_tampered_cursor_gives_the_first_page(signed_in, ratings_with_ties, token):
    response = signed_in.get(RATINGS, {CURSOR_VAR: token})
    assert response.status_code == 200
    assert _rows(response) == ratings_with_ties[:PER_PAGE]
    if _rows(response) == ratings_with_ties[:PER_PAGE] and response.context["cl"].keyset_page:
        page = response.context["cl"].keyset_page
        if page.cursor_refused:
            assert REFUSED in body(response)


def test_a_text_value_for_a_time(signed_in, admin_user):
    Event.objects.bulk_create(Event(actor=admin_user, action="rating_started") for _ in range(9))
    naive = Cursor("after", 2, [datetime.datetime(2026, 1, 1), 1]).token()
    for token in (naive, Cursor("after", 2, ["yesterday", 1]).token()):
        response = signed_in.get(EVENTS, {CURSOR_VAR: token})
        assert response.status_code == 200 and REFUSED in body(response)


def test_deep_pages_cost_the_same_number_of_queries(signed_in, settings):
    """A numbered page, a page reached by cursor and the last page, with 30 communities and
    with ten times as many: the same number of queries each."""

    def costs() -> list[int]:
        first = _get(signed_in, REGIONS, "?level__exact=5")
        following = _link(body(first), "next")
        second = _get(signed_in, REGIONS, following)
        deeper = _link(body(second), "next")
        return [
            page_queries(signed_in, REGIONS, {"level__exact": "5"}),
            page_queries(signed_in, REGIONS + deeper),
            page_queries(signed_in, REGIONS, {CURSOR_VAR: Cursor("last").token()}),
        ]

    factories.communities(BAYINTAOHAI, 30)
    small = costs()
    factories.communities(BAYINTAOHAI, 270, start=300)
    assert costs() == small


def test_an_ordering_that_cannot_seek_pages_by_number(signed_in, ratings_with_ties):
    """Sorting by a column that may be empty (取消资格时间 is not shown; 更新时间 is never
    empty and seeks): the guidance cases' due date may be, so its column pages with OFFSET."""
    model_admin = admin.site._registry[StarRating]
    column = model_admin.list_display.index("updated_at")
    response = _get(signed_in, RATINGS, f"?o={column}")
    assert response.context["cl"].keyset_page is not None  # a column ending in a unique key
    expected = list(
        StarRating.objects.order_by("updated_at", "year_id", "community_id").values_list(
            "pk", flat=True
        )
    )
    assert walk_forwards(signed_in, RATINGS, f"?o={column}") == expected
    # Sorting by the parent region (which may be empty): Django's numbered pages, as before.
    region_admin = admin.site._registry[Region]
    column = region_admin.list_display.index("parent")
    response = _get(signed_in, REGIONS, f"?o={column}&p=2")
    cl = response.context["cl"]
    assert cl.keyset_page is None and cl.page_num == 2
    # A cursor given to such an ordering is refused, with the first page.
    response = _get(signed_in, REGIONS, f"?o={column}&{CURSOR_VAR}={Cursor('last').token()}")
    assert response.context["cl"].page_num == 1
    assert "无法使用翻页链接" in body(response)


def test_large_lists_show_about_n_in_the_admin(signed_in, monkeypatch):
    from django.db import connection

    from ratings.selectors import counting

    factories.communities(BAYINTAOHAI, 40)
    monkeypatch.setattr(counting, "ESTIMATE_ABOVE", 10)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ratings_region")
    content = body(_get(signed_in, REGIONS))
    estimated = connection.vendor == "postgresql"
    assert ("约 " in content) == estimated
    if estimated:
        # The last page of an estimated list is reached without a number, then stepped back.
        assert "末页" in content


LARGE_TABLES = [
    "Region",
    "StarRating",
    "Unit",
    "Assessment",
    "Designation",
    "Plaque",
    "GuidanceCase",
    "SurveyResult",
    "CoverageSnapshot",
    "StarSnapshot",
    "Event",
    "User",
]


@pytest.mark.parametrize("name", LARGE_TABLES)
def test_the_large_tables_seek_in_their_default_order(rf, admin_user, name):
    """Each table that grows with the country is listed in an order a cursor can seek on."""
    from django.apps import apps
    from django.contrib.messages.storage.fallback import FallbackStorage

    from ratings.selectors.paging import seekable_keys

    model_admin = admin.site._registry[apps.get_model("ratings", name)]
    request = rf.get("/")
    request.user, request.session = admin_user, {}
    request._messages = FallbackStorage(request)
    changelist = model_admin.get_changelist_instance(request)
    keys, _kinds = seekable_keys(changelist.queryset)
    # One direction: a single row comparison, one range of the index.
    assert len({descending for _name, descending in keys}) == 1, keys


def test_guidance_cases_undated_last(signed_in, ratings_with_ties, admin_user):
    """The guidance cases seek on their status, due date (undated last) and id."""
    from ratings.models import GuidanceCase
    from ratings.models.guidance import NO_DUE_DATE

    day = datetime.date(2032, 3, 1)
    GuidanceCase.objects.bulk_create(
        GuidanceCase(
            rating_id=pk,
            status="open" if n % 4 else "closed",
            due_date=[None, day, day + datetime.timedelta(days=1)][n % 3],
        )
        for n, pk in enumerate(ratings_with_ties[:40])
    )
    expected = sorted(
        GuidanceCase.objects.all(), key=lambda c: (c.status, c.due_date or NO_DUE_DATE, c.pk)
    )
    expected = [case.pk for case in expected]
    assert walk_forwards(signed_in, "/admin/ratings/guidancecase/") == expected
    assert walk_backwards(signed_in, "/admin/ratings/guidancecase/") == expected
