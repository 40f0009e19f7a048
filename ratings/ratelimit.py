"""A per-address request limit for pages reached by scanning, kept in the shared cache.

Fixed one-minute windows: `cache.add` starts a window's counter and `cache.incr` counts in it,
both atomic in Redis and in Django's local-memory cache. Production uses Redis (CACHE_URL) so
that all web workers count together.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or the header a trusted reverse proxy sets."""
    header = settings.CLIENT_ADDRESS_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limited(scope: str) -> Callable:
    """Allow each address settings.RATE_LIMITS[scope] requests a minute; answer the rest with
    a 429 page that says when to try again."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            limit = settings.RATE_LIMITS[scope]
            now = time.time()
            window = int(now // 60)
            key = f"ratelimit:{scope}:{client_address(request)}:{window}"
            cache.add(key, 0, timeout=120)
            try:
                count = cache.incr(key)
            except ValueError:  # the key expired between add and incr
                count = 1
            if count > limit:
                retry = 60 - int(now % 60)
                response = render(request, "429.html", {"retry": retry}, status=429)
                response["Retry-After"] = str(retry)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
