"""Public pages served from the cache: under the public data version, the query string and the
language; a change to public data shows at once, and nobody's header reaches anyone else."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ratings import statistics, workflow
from ratings.imports import import_bytes
from ratings.models import Plaque, RatingYear
from ratings.plaques import plaque_number
from ratings.resources import RegionResource
from tests import factories
from tests.conftest import SignedInClient
from tests.helpers import BAYINTAOHAI, body, published_year_with

pytestmark = pytest.mark.django_db

PAGES = ["/", "/stats/", "/honours/", "/honours/?year=2025&region=150303000000"]


@pytest.fixture(autouse=True)
def _real_cache(settings):
    """A real cache backend, whatever the test settings say, emptied for each test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "public-pages",
        }
    }
    cache.clear()


@pytest.fixture
def world(assessor, certifiers, admin_user) -> dict:
    """2025 published with two ten-star communities (甲 and 乙), each with its plaque."""
    year = workflow.year_open(user=None, year=2025)
    first, second = factories.communities(BAYINTAOHAI, 2, name="缓存")
    published_year_with(assessor, certifiers, admin_user, year, [(first, None), (second, None)])
    plaques = workflow.plaques_issue_for_year(user=admin_user, year=year)
    return {"year": year, "communities": (first, second), "plaques": plaques}


def main(client, url: str) -> str:
    """The page's content, without the layout (whose form tokens differ on every request)."""
    return body(client.get(url)).split("<main", 1)[1].split("</main>", 1)[0]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_a_cached_page_costs_one_query(client, world):
    """The version read, and nothing else; the page is the same as the one first built."""
    plaque = world["plaques"][0]
    for url in [*PAGES, f"/verify/{plaque.number}/"]:
        first = main(client, url)
        assert queries(client, url) == 1, url
        assert main(client, url) == first


def test_each_query_string_and_page_is_its_own_entry(client, world):
    both = body(client.get("/honours/?year=2025"))
    only_first = body(client.get("/honours/?year=2025&q=缓存1"))
    assert "缓存1社区" in both and "缓存2社区" in both
    assert "缓存1社区" in only_first and "缓存2社区" not in only_first


def test_a_revoked_plaque_shows_as_revoked_at_once(client, world, admin_user):
    plaque = world["plaques"][0]
    url = f"/verify/{plaque.number}/"
    assert "有效牌匾" in body(client.get(url))
    assert queries(client, url) == 1  # served from the cache
    workflow.plaque_revoke(user=admin_user, plaque=plaque, reason="损毁")
    page = body(client.get(url))
    assert "已撤销" in page and "有效牌匾" not in page


def test_the_honour_roll_follows_revocation_and_reinstatement_at_once(client, world, admin_user):
    first, second = world["communities"]
    year = world["year"]
    urls = ["/honours/", "/honours/?year=2025", "/honours/?year=2025&region=150303104000"]
    for url in urls:
        page = body(client.get(url))
        assert first.name in page and second.name in page
    rating = workflow.eligibility_revoke(
        user=admin_user, community=first, year=year, reason="口碑差"
    )
    for url in urls:
        page = body(client.get(url))
        assert first.name not in page and second.name in page, url
    # The plaque went with the eligibility: its page says so at once too.
    revoked = Plaque.objects.get(rating=rating)
    assert "已撤销" in body(client.get(f"/verify/{revoked.number}/"))

    workflow.eligibility_reinstate(user=admin_user, rating=rating, reason="复核后恢复")
    for url in urls:
        assert first.name in body(client.get(url)), url


def test_publication_and_a_new_plaque_show_at_once(client, assessor, certifiers, admin_user):
    year = workflow.year_open(user=None, year=2025)
    [place] = factories.communities(BAYINTAOHAI, 1, name="新公布")
    assert "尚无已公布的评定结果" in body(client.get("/honours/"))
    home = body(client.get("/"))
    published_year_with(assessor, certifiers, admin_user, year, [(place, None)])
    assert place.name in body(client.get("/honours/"))
    assert body(client.get("/")) != home  # the year's figures are on the home page now

    [plaque] = workflow.plaques_issue_for_year(user=admin_user, year=RatingYear.objects.get())
    assert "有效牌匾" in body(client.get(f"/verify/{plaque.number}/"))


def test_a_plaque_page_not_found_then_issued(client, assessor, certifiers, admin_user):
    """A number looked up before its plaque is issued (a 404, cached as such) is found after."""
    year = workflow.year_open(user=None, year=2025)
    [place] = factories.communities(BAYINTAOHAI, 1, name="后授牌")
    published_year_with(assessor, certifiers, admin_user, year, [(place, None)])
    number = plaque_number(2025, 1)
    assert client.get(f"/verify/{number}/").status_code == 404
    workflow.plaques_issue_for_year(user=admin_user, year=year)
    assert client.get(f"/verify/{number}/").status_code == 200


def test_each_language_has_its_own_entry(client, world):
    for url in PAGES:
        chinese = main(client, url)
        client.cookies["django_language"] = "en"
        english = main(client, url)
        del client.cookies["django_language"]
        assert english != chinese, url
        assert main(client, url) == chinese, url


def test_nobody_is_served_someone_elses_header(world, admin_user):
    """The cached part is the same for all; the header around it is each visitor's own."""
    signed_in = SignedInClient()
    visitor = factories.assessor(BAYINTAOHAI, username="cache-visitor", display_name="缓存访客")
    signed_in.force_login(visitor)
    plaque = world["plaques"][0]
    for url in [*PAGES, f"/verify/{plaque.number}/"]:
        cache.clear()
        own = body(signed_in.get(url))  # fills the cache
        assert "缓存访客" in own, url
        anonymous = body(Client().get(url))
        assert "缓存访客" not in anonymous and "退出" not in anonymous, url
        assert "/accounts/login/" in anonymous or "登录" in anonymous, url
        cache.clear()
        body(Client().get(url))  # an anonymous visitor fills it this time
        again = body(signed_in.get(url))
        assert "缓存访客" in again and "退出" in again, url


def test_the_greeting_on_the_home_page_is_each_visitors_own(world, certifiers):
    certifier = SignedInClient()
    certifier.force_login(certifiers["gongan"])
    body(Client().get("/"))  # an anonymous visitor fills the cache
    page = body(certifier.get("/"))
    assert "进入待认定事项" in page and "工作人员登录" not in page


def test_a_name_imported_shows_at_once_and_a_preview_changes_nothing(client, world):
    """Names are on the public pages: an import moves the version like a workflow change."""
    first, _second = world["communities"]
    header = ["区划代码", "名称", "层级", "类别", "上级区划代码", "代码来源", "有效", "备注"]
    row = [first.code, "改名社区", "村级", "社区", BAYINTAOHAI, "demo", "是", ""]
    data = "\n".join(",".join(line) for line in (header, row)).encode()
    assert first.name in body(client.get("/honours/"))
    version = statistics.public_version()
    assert import_bytes(RegionResource, data, "r.csv", dry_run=True).ok
    assert statistics.public_version() == version
    assert first.name in body(client.get("/honours/"))
    report = import_bytes(RegionResource, data, "r.csv", dry_run=False)
    assert report.ok, report.errors
    page = body(client.get("/honours/"))
    assert "改名社区" in page and first.name not in page


def test_a_name_edited_in_the_back_office_shows_at_once(client, world, admin_user):
    first, _second = world["communities"]
    assert first.name in body(client.get("/honours/"))
    editor = SignedInClient()
    editor.force_login(admin_user)
    response = editor.post(
        f"/admin/ratings/region/{first.code}/change/",
        {
            "code": first.code,
            "name": "后台改名社区",
            "level": "5",
            "kind": "community",
            "parent": BAYINTAOHAI,
            "code_source": "demo",
            "active": "on",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = body(client.get("/honours/"))
    assert "后台改名社区" in page and first.name not in page
