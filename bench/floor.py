"""The floors the benchmark measures pages against, served by the portal's own server only
while the benchmark runs (`bench.settings` adds them; production settings never do).

A floor is what any page of this stack costs at least: the same middleware (sessions, sign-in,
security headers), one indexed query and a minimal template. A page served at 0.5 × its floor
spends as much on its own work as the stack spends on a request.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from ratings.models import Plaque, StarRating

RATINGS = engines["django"].from_string(
    "<!doctype html><title>floor</title><table>{% for r in rows %}"
    "<tr><td>{{ r.community.code }}</td><td>{{ r.community.name }}</td><td>{{ r.stars }}</td>"
    "</tr>{% endfor %}</table>"
)
PLAQUE = engines["django"].from_string(
    "<!doctype html><title>floor</title><p>{{ p.number }} {{ p.year_id }} {{ p.issued_at }}</p>"
)


def ratings_floor(request: HttpRequest) -> HttpResponse:
    """Fifty ratings of a year with their community, by an index, in a minimal template."""
    rows = (
        StarRating.objects.filter(year_id=request.GET.get("year", 2025))
        .select_related("community")
        .order_by("year_id", "community_id")[:50]
    )
    return HttpResponse(RATINGS.render({"rows": rows}))


def plaque_floor(request: HttpRequest, number: str) -> HttpResponse:
    """One plaque by its number."""
    plaque = Plaque.objects.filter(number=number).first()
    if plaque is None:
        raise Http404
    return HttpResponse(PLAQUE.render({"p": plaque}))


urlpatterns = [
    path("__floor__/ratings/", ratings_floor),
    path("__floor__/plaque/<str:number>/", plaque_floor),
    path("", include("wuhai_safety.urls")),
]

handler500 = "wuhai_safety.health.server_error"
