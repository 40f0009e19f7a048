"""/healthz: whether this instance can serve, for a load balancer. It says nothing else."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def health_response() -> HttpResponse:
    """200 when the database (and the shared cache, when it is Redis) answers; 503 otherwise,
    within the connect timeouts of the settings (two seconds)."""
    healthy = _database_answers() and _cache_answers()
    response = HttpResponse(
        "ok\n" if healthy else "unavailable\n",
        status=200 if healthy else 503,
        content_type="text/plain; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        # A dead persistent connection is dropped, so the next request connects afresh.
        connection.close_if_unusable_or_obsolete()
        return False


def _cache_answers() -> bool:
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        return True
    try:
        cache.set("healthz", 1, timeout=5)
        return cache.get("healthz") == 1
    except Exception:  # the client raises its own connection and timeout errors
        return False


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, or a 503 that asks to retry while the database cannot be reached. The
    next request reconnects by itself (CONN_HEALTH_CHECKS): nothing needs restarting."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError) and _is_connection_failure(error):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
    else:
        response = HttpResponse(render_to_string("500.html"), status=500)
    response["Cache-Control"] = "no-store"
    return response


# PostgreSQL's classes of error for a lost or refused link: connection exceptions (08…) and the
# server going away (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
CONNECTION_LOST_CODES = ("08", "57P01", "57P02", "57P03")


def _is_connection_failure(error: DatabaseError) -> bool:
    """An error of reaching the server (refused, reset, closed), not of a query."""
    from django.db import InterfaceError, OperationalError

    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    driver_error = error.__cause__
    if hasattr(driver_error, "pgcode"):  # psycopg's own error, which Django's wraps
        if driver_error.pgcode is not None:
            return driver_error.pgcode.startswith(CONNECTION_LOST_CODES)
        # No SQLSTATE: the server never answered. The link broke on our side (refused, reset,
        # an end of stream mid-query), however the socket or the SSL layer worded it.
        return type(driver_error).__name__ == "OperationalError"
    text = str(error).lower()
    signs = ("connection", "could not connect", "server closed", "terminating", "shutting down")
    return any(sign in text for sign in signs)
