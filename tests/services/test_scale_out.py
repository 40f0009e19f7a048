"""Two app servers behind one balancer, one PostgreSQL and one Redis: what one earns or saves
holds on the other (rate limits, sign-in lock-outs, sessions, ratings).

Runs on the suite's PostgreSQL database (skipped on SQLite) and Redis on loopback."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from ratings import workflow
from ratings.models import StarRating
from tests import factories
from tests.helpers import HAINAN, SAIHANWUSU
from tests.servers import PRODUCTION, Browser, collected_static, gunicorn

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REDIS = "redis://127.0.0.1:6379/13"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    return collected_static(tmp_path_factory.mktemp("static"))


@pytest.fixture
def two_servers(reference_data, static_root):
    if connection.vendor != "postgresql":
        pytest.skip("two servers share one PostgreSQL; run with DATABASE_URL=postgres://…")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    params = connection.settings_dict
    env = {
        **PRODUCTION,
        "DATABASE_URL": f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{params['NAME']}",
        "CACHE_URL": REDIS,
        "STATIC_ROOT": str(static_root),
        "VERIFY_RATE_LIMIT": "3",
    }
    with gunicorn(env) as first, gunicorn(env) as second:
        yield first, second


def test_a_rate_limit_earned_on_one_server_holds_on_the_other(two_servers):
    first, second = two_servers
    url = "/verify/WH-2025-0001-7/"
    # The limit counts in fixed one-minute windows: four requests must fall in one of them.
    if time.time() % 60 > 50:
        time.sleep(60 - time.time() % 60)
    assert [first.get(url).status for _ in range(3)] == [404, 404, 404]
    refused = second.get(url)
    assert refused.status == 429 and "Retry-After" in refused.headers


def test_a_session_and_a_rating_saved_on_one_server_are_seen_on_the_other(two_servers):
    first, second = two_servers
    workflow.year_open(user=None, year=2026)
    person = factories.assessor(HAINAN, username="scale-assessor")
    # The servers hash passwords as production does, not with the tests' fast hasher.
    person.password = PBKDF2PasswordHasher().encode(factories.PASSWORD, "scale-out-salt", 1000)
    person.save(update_fields=["password"])
    browser = Browser(first)
    signed_in = browser.post(
        "/accounts/login/", {"username": "scale-assessor", "password": factories.PASSWORD}
    )
    assert signed_in.status == 302, signed_in.text[:500]
    saved = browser.post(
        f"/ratings/2026/{SAIHANWUSU}/edit/",
        {"version": "0", **{f"s{n}-met": "yes" for n in range(1, 11)}, "s3-note": "两台服务器"},
    )
    assert saved.status == 302, saved.text[:1000]
    page = browser.use(second).get(f"/ratings/2026/{SAIHANWUSU}/")
    assert page.status == 200
    assert "两台服务器" in page.text
    assert re.search(r"scale-assessor|测试用户", page.text)
    assert StarRating.objects.filter(community_id=SAIHANWUSU).exists()


def test_a_lock_out_earned_on_one_server_holds_on_the_other(two_servers):
    first, second = two_servers
    person = factories.assessor(HAINAN, username="locked-assessor")
    person.password = PBKDF2PasswordHasher().encode(factories.PASSWORD, "scale-out-salt", 1000)
    person.save(update_fields=["password"])
    browser = Browser(first)
    wrong = [
        browser.post("/accounts/login/", {"username": "locked-assessor", "password": "wrong"})
        for _ in range(5)
    ]
    assert wrong[-1].status == 429
    right = browser.use(second).post(
        "/accounts/login/", {"username": "locked-assessor", "password": factories.PASSWORD}
    )
    assert right.status == 429 and "登录已暂时锁定" in right.text
    assert "sessionid" not in browser.cookies
