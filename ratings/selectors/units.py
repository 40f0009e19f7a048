"""Units of the creation domains in a user's scope."""

from __future__ import annotations

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404

from .. import permissions
from ..models import (
    Assessment,
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
    mine: bool = False,
) -> QuerySet[Unit]:
    """Units in scope, each with its assessment of `year` (if any); `mine`: only those whose
    self-assessment waits for the user (待我处理, as `assessment_count_awaiting` counts)."""
    units = (
        Unit.objects.filter(permissions.community_scope_q(user, "region_id"))
        .select_related("domain", "region__parent__parent")
        .order_by("region_id", "id")
    )
    if year is not None:
        # Looked up for the rows of the page only; a filter on them is a semi-join (see
        # `community_list_for_user`).
        assessments = Assessment.objects.filter(year=year, unit=OuterRef("pk"))
        units = units.annotate(
            assessment_status=Subquery(assessments.values("status")[:1]),
            assessment_total=Subquery(assessments.values("total_points")[:1]),
            assessment_meets=Subquery(assessments.values("meets_standard")[:1]),
        )
        if status == NOT_STARTED:
            units = units.exclude(Exists(assessments))
        elif status:
            units = units.filter(Exists(assessments.filter(status=status)))
        if mine:
            units = units.filter(
                Exists(assessments.filter(permissions.awaiting_assessments_q(user)))
            )
    if domain:
        units = units.filter(domain_id=domain)
    if region is not None:
        units = units.filter(within_q(region.prefix, "region_id"))
    if search:
        units = units.filter(Q(name__contains=search) | Q(credit_code=search.upper()))
    return units


def unit_get_for_user(*, user: User, pk: int) -> Unit:
    """One unit inside the user's scope (or a unit filer's own), with its domain and place, or
    404."""
    try:
        unit = Unit.objects.select_related("domain__lead_authority", "region__parent__parent").get(
            pk=pk
        )
    except Unit.DoesNotExist:
        raise Http404 from None
    if not permissions.can_see_unit(user, unit):
        raise Http404
    return unit
