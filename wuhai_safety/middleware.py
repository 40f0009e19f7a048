"""What every response needs, whoever serves it: health answers for the load balancer, headers
that keep browsers strict, and no caching of anything a signed-in person sees."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from .health import health_response

HEALTH_PATH = "/healthz"


def health_check_middleware(get_response: Callable) -> Callable:
    """Answer /healthz before anything else runs: a load balancer asks by the server's address
    (not one of ALLOWED_HOSTS) and over plain HTTP, and needs no session or language."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_PATH:
            return health_response()
        return get_response(request)

    return middleware


def security_headers_middleware(get_response: Callable) -> Callable:
    """Headers Django's SecurityMiddleware does not set, and `Cache-Control: no-store` on every
    response to a signed-in user: work lists, evidence and certificates must not stay in a
    shared computer's cache or a proxy."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware
