"""Helpers shared by the staff views."""

from __future__ import annotations

from django.http import HttpRequest

from .. import selectors
from ..choices import RegionLevel
from ..models import Region, User

PAGE_SIZE = 20


def region_cascade(user: User, code: str) -> dict:
    """The region filter as a cascade: the path down to the chosen region and its children,
    so that the choice stays short at any scale (one level at a time)."""
    root = selectors.scope_root(user)
    selected = selectors.get_region_for_user(user=user, code=code) if code else root
    if selected is None:
        return {"selected": None, "crumbs": [], "children": []}
    crumbs = [region for region in selectors.ancestors(selected) if region.level >= root.level]
    children = []
    if selected.level < RegionLevel.TOWN:
        children = list(
            Region.objects.filter(parent=selected, active=True).exclude(level=RegionLevel.VILLAGE)
        )
    return {"selected": selected, "crumbs": crumbs, "children": children, "root": root}


def query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
