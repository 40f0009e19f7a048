"""/healthz for the load balancer, and the 503 page while the database is unreachable.

Most run the portal under gunicorn (production settings) against a database that answers and
one that does not (a closed loopback port), as a load balancer would meet them: they start a
server, so they are `services` tests (`make test-services`)."""

from __future__ import annotations

import time

import psycopg2
import psycopg2.errors
import pytest
from django.db import OperationalError

from tests.servers import PRODUCTION, gunicorn

pytestmark = pytest.mark.django_db

NOBODY_LISTENS = "postgres://postgres@127.0.0.1:9/pingan"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'health.sqlite3'}"


@pytest.mark.services
def test_healthy_instance_answers_ok_and_nothing_else(sqlite_url):
    with gunicorn({**PRODUCTION, "DATABASE_URL": sqlite_url}) as server:
        # Plain HTTP and the server's own address, as a load balancer asks: no redirect.
        answer = server.get("/healthz", headers={"X-Forwarded-Proto": "http", "Host": "10.0.0.7"})
    assert answer.status == 200
    assert answer.text == "ok\n"
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.services
def test_unreachable_database_is_503_within_two_seconds():
    with gunicorn({**PRODUCTION, "DATABASE_URL": NOBODY_LISTENS}) as server:
        # The first answer waits for the worker to load the portal (seconds on a busy
        # machine); a load balancer asks every few seconds, and it is the next ones that count.
        server.get("/healthz")
        started = time.monotonic()
        answer = server.get("/healthz")
        elapsed = time.monotonic() - started
        page = server.get("/")
    assert answer.status == 503 and answer.text == "unavailable\n"
    assert elapsed < 2.5
    # People get a page that says what to do, and no traceback or setting.
    assert page.status == 503
    assert "请半分钟后刷新页面重试" in page.text
    assert "Traceback" not in page.text and "postgres" not in page.text
    assert page.headers["Retry-After"] == "30"


@pytest.mark.services
def test_unreachable_redis_is_503(sqlite_url):
    env = {**PRODUCTION, "DATABASE_URL": sqlite_url, "CACHE_URL": "redis://127.0.0.1:9/1"}
    with gunicorn(env) as server:
        answer = server.get("/healthz")
    assert answer.status == 503


@pytest.mark.services
def test_redis_that_answers_is_healthy(sqlite_url):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    env = {**PRODUCTION, "DATABASE_URL": sqlite_url, "CACHE_URL": "redis://127.0.0.1:6379/9"}
    with gunicorn(env) as server:
        assert server.get("/healthz").status == 200


def _page_for(django_error, driver_error):
    """The error page for a request that met `django_error`, raised from `driver_error` as
    Django's database wrapper raises it."""
    from django.test import RequestFactory

    from wuhai_safety.health import server_error

    try:
        raise django_error from driver_error
    except Exception:
        return server_error(RequestFactory().get("/"))


def _server_error(statements: list[str]) -> psycopg2.Error:
    """What PostgreSQL itself answers to the last of `statements` (on a connection of its own)."""
    try:
        link = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    except psycopg2.OperationalError:
        pytest.skip("needs the PostgreSQL server on 127.0.0.1:5432")
    link.autocommit = True
    try:
        with link.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    except psycopg2.Error as error:
        return error
    finally:
        link.close()
    raise AssertionError("the server answered without an error")


def test_a_lost_database_is_503_whatever_the_wording():
    # The link broken mid-query, worded by the SSL layer: libpq's own error, no SQLSTATE.
    lost = psycopg2.OperationalError("SSL SYSCALL error: EOF detected")
    # The server ending the session under the request: 57P01 ("terminating connection…") when
    # its message arrives, else libpq's "server closed the connection unexpectedly".
    shutdown = _server_error(["SELECT pg_terminate_backend(pg_backend_pid())"])
    assert shutdown.pgcode in (None, "57P01")
    for driver_error in (lost, shutdown):
        page = _page_for(OperationalError(str(driver_error)), driver_error)
        assert page.status_code == 503 and page["Retry-After"] == "30", driver_error


def test_a_failing_query_on_a_live_database_is_500():
    """A statement the server refused (here cancelled by its time limit) is not an outage,
    though it is an OperationalError too."""
    cancelled = _server_error(["SET statement_timeout = 1", "SELECT pg_sleep(1)"])
    assert cancelled.pgcode == "57014"
    assert _page_for(OperationalError(str(cancelled)), cancelled).status_code == 500
