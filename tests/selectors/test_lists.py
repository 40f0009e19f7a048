"""List pages: filters, pagination, and a constant number of queries whatever the data size."""

from __future__ import annotations

import re
import urllib.parse
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ratings import selectors, workflow
from ratings.choices import RegionLevel
from ratings.models import (
    Assessment,
    Designation,
    GuidanceCase,
    GuidanceNote,
    Region,
    StarRating,
    Unit,
)
from tests import factories
from tests.helpers import (
    BAYINTAOHAI,
    HAINAN,
    body,
    decide_all,
    named_unit,
    page_queries,
    save_rating,
    submitted_rating,
)

pytestmark = pytest.mark.django_db


def rate_many(assessor, year, count: int) -> None:
    """`count` communities in 海南区, half of them with submitted ratings."""
    for n, community in enumerate(factories.communities(BAYINTAOHAI, count)):
        if n % 2:
            submitted_rating(assessor, community, year, met={3: False})


WORK_LIST_FILTERS = [
    {},
    {"status": "submitted"},
    {"q": "测试"},
    {"region": BAYINTAOHAI, "page": "2"},
    {"stars": "0"},
]


def test_work_list_queries_do_not_grow_with_communities(client, assessor, year):
    """Every filter of the work list, with 10 communities and then with 200."""
    client.force_login(assessor)
    rate_many(assessor, year, 10)
    small = [page_queries(client, reverse("work"), params) for params in WORK_LIST_FILTERS]
    for n, community in enumerate(factories.communities(BAYINTAOHAI, 190, start=300)):
        if n % 3 == 0:
            submitted_rating(assessor, community, year)
    assert [page_queries(client, reverse("work"), params) for params in WORK_LIST_FILTERS] == small


def test_queue_queries_do_not_grow_with_items(client, assessor, gongan, year):
    client.force_login(gongan)
    rate_many(assessor, year, 10)
    small = page_queries(client, reverse("queue"))
    rate_many(assessor, year, 0)
    for community in factories.communities(BAYINTAOHAI, 60, start=300)[::2]:
        submitted_rating(assessor, community, year)
    assert page_queries(client, reverse("queue")) == small


def test_rating_page_queries_do_not_grow_with_history(
    client, assessor, certifiers, community, year
):
    client.force_login(assessor)
    rating = submitted_rating(assessor, community, year)
    url = reverse("rating_detail", args=[year.year, community.code])
    before = page_queries(client, url)
    decide_all(rating, certifiers)
    assert page_queries(client, url) == before


def test_work_list_shows_status_stars_and_not_started(client, assessor, certifiers, year):
    client.force_login(assessor)
    saihan = Region.objects.get(name="赛汗乌素村")
    rating = submitted_rating(assessor, saihan, year, met={10: False})
    decide_all(rating, certifiers)
    save_rating(assessor, Region.objects.get(name="曙光村"), year)

    html = client.get(reverse("work")).content.decode()
    assert "赛汗乌素村" in html and "已认定" in html and "★★★★★★★★★" in html
    assert "曙光村" in html and "草稿" in html
    assert "羊路井村" in html and "未开始" in html
    # Only 海南区: nothing of 乌达区.
    assert "振华社区" not in html

    filtered = client.get(reverse("work"), {"status": "none"}).content.decode()
    assert "羊路井村" in filtered and "赛汗乌素村" not in filtered
    by_stars = client.get(reverse("work"), {"stars": "9"}).content.decode()
    assert "赛汗乌素村" in by_stars and "曙光村" not in by_stars
    by_name = client.get(reverse("work"), {"q": "曙光"}).content.decode()
    assert "曙光村" in by_name and "赛汗乌素村" not in by_name


def test_work_list_paginates(client, assessor, year):
    client.force_login(assessor)
    factories.communities(BAYINTAOHAI, 45)
    first = client.get(reverse("work")).content.decode()
    assert "第 1 / 3 页" in first
    third = client.get(reverse("work"), {"page": 3}).content.decode()
    assert "第 3 / 3 页" in third
    # A page number past the end shows the last page rather than an error.
    assert client.get(reverse("work"), {"page": 99}).status_code == 200


def test_region_cascade_offers_children_of_the_scope(client, assessor, year):
    client.force_login(assessor)
    html = client.get(reverse("work")).content.decode()
    assert "巴音陶亥镇" in html and "拉僧庙镇" in html
    assert "新华街道" not in html  # a street of 海勃湾区
    narrowed = client.get(reverse("work"), {"region": "150303102000"}).content.decode()
    assert "建设社区" in narrowed and "赛汗乌素村" not in narrowed


def test_empty_state_without_years(client, admin_user):
    client.force_login(admin_user)
    assert "尚未设立评星年度" in client.get(reverse("work")).content.decode()


def test_admin_sees_every_district(client, admin_user, year):
    client.force_login(admin_user)
    html = client.get(reverse("work")).content.decode()
    assert "海勃湾区" in html and "乌达区" in html
    assert HAINAN in client.get(reverse("work"), {"region": HAINAN}).content.decode()


def test_public_pages_cost_the_same_with_more_data(client, assessor, certifiers, admin_user):
    cache.clear()
    past = workflow.year_open(user=None, year=2025)
    places = factories.communities(BAYINTAOHAI, 40)
    people = dict(assessor=assessor, lead=certifiers["wenlv"], admin=admin_user)
    for place in places[:2]:
        decide_all(submitted_rating(assessor, place, past), certifiers)
    named_unit("宾馆0", "hotel", BAYINTAOHAI, year=past, **people)
    household = {**people, "lead": certifiers["fulian"]}
    named_unit("王某", "family", places[0].code, year=past, **household)
    workflow.year_close(user=admin_user, year=past)
    workflow.year_publish(user=admin_user, year=past)
    urls = [
        "/",
        "/honours/",
        "/honours/?kind=domains",
        "/honours/?kind=domains&region=150303000000",
        "/stats/",
        "/verify/",
        "/years/2025/commendation/",
    ]
    for url in urls:
        client.get(url)  # warm the statistics cache
    small = [page_queries(client, url) for url in urls]

    more = workflow.year_open(user=None, year=2026)
    for place in places[2:30]:
        decide_all(submitted_rating(assessor, place, more), certifiers)
    for n, place in enumerate(places[2:12]):
        named_unit(f"宾馆{n + 1}", "hotel", place.code, year=more, **people)
    workflow.year_close(user=admin_user, year=more)
    workflow.year_publish(user=admin_user, year=more)
    for url in urls:
        client.get(url)
    assert [page_queries(client, url) for url in urls] == small


# -- every list: the same number of queries on its first page, on a page reached by cursor and
# with ten times the rows ----------------------------------------------------------------------


def next_link(client, url: str, params: dict) -> dict:
    """The query of the page after the first, as its "next" link has it."""
    html = body(client.get(url, params))
    match = re.search(r'href="\?([^"]*cursor=[^"&]*)" rel="next"', html)
    assert match, f"no next link on {url}"
    return dict(urllib.parse.parse_qsl(match.group(1).replace("&amp;", "&")))


def costs(client, url: str, params: dict) -> tuple[int, int]:
    return page_queries(client, url, params), page_queries(
        client, url, next_link(client, url, params)
    )


def _units(count: int, start: int = 0) -> None:
    places = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=HAINAN[:6])
    codes = list(places.values_list("code", flat=True)[:5])
    Unit.objects.bulk_create(
        Unit(domain_id="hotel", region_id=codes[n % len(codes)], name=f"宾馆{start + n}")
        for n in range(count)
    )


def _designations(admin, year, count: int, start: int = 0) -> None:
    _units(count, start)
    units = Unit.objects.filter(name__in=[f"宾馆{start + n}" for n in range(count)])
    for unit in units:
        assessment = Assessment.objects.create(
            unit=unit, year=year, status="approved", meets_standard=True, updated_by=admin
        )
        Designation.objects.create(
            unit=unit,
            year=year,
            assessment=assessment,
            unit_name=unit.name,
            unit_region_id=unit.region_id,
            title="平安宾馆",
            document_number="乌平安办发〔2026〕1号",
            designated_on=date(2026, 1, 10),
            created_by=admin,
        )


def _guidance(admin, year, count: int, start: int = 100) -> None:
    places = factories.communities(BAYINTAOHAI, count, start=start)
    ratings = StarRating.objects.bulk_create(
        StarRating(community=c, year=year, status="certified", stars=3, updated_by=admin)
        for c in places
    )
    GuidanceCase.objects.bulk_create(
        GuidanceCase(rating=r, due_date=date(2026, 1, 1 + n % 28)) for n, r in enumerate(ratings)
    )


def test_units_and_designations_cost_the_same_at_any_size_and_depth(client, admin_user, year):
    client.force_login(admin_user)
    _designations(admin_user, year, 25)
    lists = [
        (reverse("unit_list"), {}),
        (reverse("unit_list"), {"domain": "hotel", "status": "approved"}),
        (reverse("designation_list"), {"year": year.year}),
        (reverse("designation_list"), {"year": year.year, "domain": "hotel"}),
    ]
    small = [costs(client, url, params) for url, params in lists]
    assert all(first == following for first, following in small)
    _designations(admin_user, year, 250, start=100)
    assert [costs(client, url, params) for url, params in lists] == small


def test_guidance_costs_the_same_at_any_size_and_depth(client, admin_user, year):
    client.force_login(admin_user)
    _guidance(admin_user, year, 25)
    lists = [(reverse("guidance_list"), {}), (reverse("guidance_list"), {"state": "all"})]
    small = [costs(client, url, params) for url, params in lists]
    assert all(first == following for first, following in small)
    _guidance(admin_user, year, 250, start=400)
    assert [costs(client, url, params) for url, params in lists] == small


def test_guidance_shows_each_cases_follow_ups_and_undated_cases_last(client, admin_user, year):
    _guidance(admin_user, year, 3)
    first, undated = GuidanceCase.objects.order_by("due_date")[:2]
    GuidanceCase.objects.filter(pk=undated.pk).update(due_date=None)
    GuidanceNote.objects.bulk_create(
        GuidanceNote(case=first, text=f"第{n}次走访", author=admin_user) for n in range(3)
    )
    client.force_login(admin_user)
    page = body(client.get(reverse("guidance_list")))
    assert page.count("3 条跟进") == 1 and "条跟进" not in page.split("3 条跟进")[1]
    cases = list(selectors.guidance_list_for_user(user=admin_user))
    assert cases[0] == first and cases[0].note_count == 3
    assert cases[-1] == GuidanceCase.objects.get(pk=undated.pk) and cases[-1].note_count == 0


def test_work_and_queue_cost_the_same_on_a_page_reached_by_cursor(client, assessor, gongan, year):
    rate_many(assessor, year, 50)
    client.force_login(assessor)
    first, following = costs(client, reverse("work"), {})
    assert first == following
    client.force_login(gongan)
    first, following = costs(client, reverse("queue"), {})
    assert first == following


def _submitted_assessments(admin, year, count: int, start: int = 0) -> None:
    _units(count, start)
    units = Unit.objects.filter(name__in=[f"宾馆{start + n}" for n in range(count)])
    Assessment.objects.bulk_create(
        Assessment(
            unit=unit,
            year=year,
            status="submitted",
            submitted_at=timezone.now() - timedelta(minutes=n % 3),
            updated_by=admin,
        )
        for n, unit in enumerate(units)
    )


def test_review_queue_costs_the_same_at_any_size_and_depth(client, admin_user, certifiers, year):
    client.force_login(certifiers["wenlv"])
    _submitted_assessments(admin_user, year, 25)
    url = reverse("review_queue")
    small = costs(client, url, {})
    assert small[0] == small[1]
    _submitted_assessments(admin_user, year, 250, start=100)
    assert costs(client, url, {}) == small
