"""Units of the creation domains in a user's scope."""

from __future__ import annotations

from django.db.models import (
    F,
    FilteredRelation,
    Q,
    QuerySet,
)
from django.http import Http404

from .. import permissions
from ..models import (
    RatingYear,
    Region,
    Unit,
    User,
    within_q,
)
from .ratings import NOT_STARTED


def unit_list_for_user(
    *,
    user: User,
    year: RatingYear | None,
    domain: str | None = None,
    region: Region | None = None,
    search: str = "",
    status: str | None = None,
) -> QuerySet[Unit]:
    """Units in scope, each with its assessment of `year` (if any)."""
    units = (
        Unit.objects.filter(permissions.community_scope_q(user, "region_id"))
        .select_related("domain", "region__parent__parent")
        .order_by("region_id", "id")
    )
    if year is not None:
        units = units.annotate(
            this_year=FilteredRelation("assessments", condition=Q(assessments__year=year))
        ).annotate(
            assessment_status=F("this_year__status"),
            assessment_total=F("this_year__total_points"),
            assessment_meets=F("this_year__meets_standard"),
        )
        if status == NOT_STARTED:
            units = units.filter(assessment_status__isnull=True)
        elif status:
            units = units.filter(assessment_status=status)
    if domain:
        units = units.filter(domain_id=domain)
    if region is not None:
        units = units.filter(within_q(region.prefix, "region_id"))
    if search:
        units = units.filter(Q(name__contains=search) | Q(credit_code=search.upper()))
    return units


def unit_get_for_user(*, user: User, pk: int) -> Unit:
    """One unit inside the user's scope, with its domain and place, or 404."""
    try:
        unit = Unit.objects.select_related("domain__lead_authority", "region__parent__parent").get(
            pk=pk
        )
    except Unit.DoesNotExist:
        raise Http404 from None
    if not permissions.in_scope(user, unit.region):
        raise Http404
    return unit
