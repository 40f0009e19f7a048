"""Helpers shared by the staff views."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from .. import selectors
from ..choices import RegionLevel
from ..models import Region, User

PAGE_SIZE = 20


def region_cascade(user: User | None, code: str) -> dict:
    """The region filter as a cascade: the path down to the chosen region and its children,
    so that the choice stays short at any scale (one level at a time). Without a user (the
    public site) it starts at the top of the tree."""
    code = code[:12]
    if user is None:
        root = Region.objects.filter(parent__isnull=True).order_by("code").first()
        selected = root
        if code:
            selected = Region.objects.filter(pk=code).first()
            if selected is None:
                raise Http404
    else:
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
