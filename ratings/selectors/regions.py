"""Regions as a user sees them: the path down the tree, the top of their scope, one region."""

from __future__ import annotations

from django.db.models import (
    QuerySet,
)
from django.http import Http404

from .. import permissions
from ..choices import (
    PREFIX_LENGTH,
    RegionLevel,
)
from ..models import (
    Region,
    User,
)


def region_ancestors(*, region: Region) -> list[Region]:
    """The chain from the top of the tree down to `region`, in one query."""
    codes = [
        region.code[:length].ljust(12, "0")
        for level, length in PREFIX_LENGTH.items()
        if level <= region.level
    ]
    return list(Region.objects.filter(code__in=codes).order_by("level"))


def region_scope_root(*, user: User) -> Region | None:
    """The region at the top of a user's view; for administrators, the top of the tree."""
    region = permissions.scope_region(user)
    if region is None:
        region = Region.objects.filter(parent__isnull=True).order_by("code").first()
    return region


def region_get_for_user(*, user: User, code: str) -> Region:
    """One region inside the user's scope, or 404 (outside the scope it does not exist)."""
    try:
        region = Region.objects.get(pk=code)
    except Region.DoesNotExist:
        raise Http404 from None
    if not permissions.in_scope(user, region):
        raise Http404
    return region


def community_get_for_user(*, user: User, code: str) -> Region:
    """One community or village inside the user's scope, or 404."""
    region = region_get_for_user(user=user, code=code)
    if region.level != RegionLevel.VILLAGE:
        raise Http404
    return region


def unit_region_list_for_user(*, user: User) -> QuerySet[Region]:
    """The towns and communities in a user's scope where units can be registered."""
    return (
        Region.objects.filter(level__in=[RegionLevel.TOWN, RegionLevel.VILLAGE], active=True)
        .filter(permissions.community_scope_q(user))
        .select_related("parent")
        .order_by("code")
    )
