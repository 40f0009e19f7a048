"""A per-address request limit for pages reached by scanning, kept in the shared cache.

Fixed one-minute windows: `cache.add` starts a window's counter and `cache.incr` counts in it,
both atomic in Redis and in Django's local-memory cache. Production uses Redis (CACHE_URL) so
that all web workers count together.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str | None:
    """The visitor's address: REMOTE_ADDR, or what the trusted reverse proxies say; None when
    neither holds an IP address. django-axes counts sign-in failures by it, too.

    In `X-Forwarded-For: <written by the client>, …, <added by our proxy>` only the entries
    our own proxies added can be believed; with N trusted proxies that is the N-th from the
    right. Taking the left-most would let anyone choose their address, and so their limit."""
    header = settings.CLIENT_ADDRESS_HEADER
    chain = [part.strip() for part in request.META.get(header, "").split(",") if part.strip()]
    if header and chain:
        address = chain[-min(settings.TRUSTED_PROXY_COUNT, len(chain))]
    else:
        address = request.META.get("REMOTE_ADDR", "")
    # Whatever is stored or counted must be an address (axes keeps it in an inet column).
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def rate_limited(scope: str, *, only_post: bool = False, template: str = "429.html") -> Callable:
    """Allow each address settings.RATE_LIMITS[scope] requests a minute (POSTs only, with
    `only_post`); answer the rest with a 429 page (`template`) that says when to try again."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if only_post and request.method != "POST":
                return view(request, *args, **kwargs)
            limit = settings.RATE_LIMITS[scope]
            now = time.time()
            window = int(now // 60)
            key = f"ratelimit:{scope}:{client_address(request) or 'unknown'}:{window}"
            cache.add(key, 0, timeout=120)
            try:
                count = cache.incr(key)
            except ValueError:  # the key expired between add and incr
                count = 1
            if count > limit:
                retry = 60 - int(now % 60)
                response = render(request, template, {"retry": retry}, status=429)
                response["Retry-After"] = str(retry)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
