"""Designations (命名): candidates, the list, one by id."""

from __future__ import annotations

from django.db.models import (
    Exists,
    F,
    OuterRef,
    QuerySet,
)
from django.http import Http404

from ..choices import (
    AssessmentStatus,
)
from ..models import (
    Designation,
    RatingYear,
    Region,
    Unit,
    within_q,
)


def designation_candidate_list(
    *, year: RatingYear, domain: str | None, region: Region | None, search: str = ""
) -> QuerySet[Unit]:
    """Units whose assessment of `year` was approved and meets the standard, not yet named."""
    units = (
        Unit.objects.filter(
            assessments__year=year,
            assessments__status=AssessmentStatus.APPROVED,
            assessments__meets_standard=True,
        )
        .exclude(
            Exists(
                Designation.objects.filter(unit=OuterRef("pk"), year=year, revoked_at__isnull=True)
            )
        )
        .select_related("domain", "region__parent__parent")
        .annotate(total=F("assessments__total_points"))
        .order_by("domain__order", "region_id", "id")
    )
    if domain:
        units = units.filter(domain_id=domain)
    if region is not None:
        units = units.filter(within_q(region.prefix, "region_id"))
    if search:
        units = units.filter(name__contains=search)
    return units


def designation_order(
    *, year: RatingYear | None, domain: str | None, place: str = "unit_region_id"
) -> list[str]:
    """Newest year first, then by domain, place and id; a chosen year or domain is the same on
    every row, so it is left out and the order is the index's."""
    keys = ["-year_id"] if year is None else []
    keys += [] if domain else ["unit__domain__order"]
    return [*keys, place, "id"]


def designation_list(
    *, year: RatingYear | None, domain: str | None, region: Region | None, search: str = ""
) -> QuerySet[Designation]:
    """Designations (valid and revoked), filtered like the other staff lists, newest year first."""
    designations = Designation.objects.select_related(
        "unit__domain", "unit__region__parent__parent", "revoked_by"
    ).order_by(*designation_order(year=year, domain=domain, place="unit__region_id"))
    if year is not None:
        designations = designations.filter(year=year)
    if domain:
        designations = designations.filter(unit__domain_id=domain)
    if region is not None:
        designations = designations.filter(within_q(region.prefix, "unit__region_id"))
    if search:
        designations = designations.filter(unit__name__contains=search)
    return designations


def designation_get(*, pk: int) -> Designation:
    """One designation by id, or 404."""
    try:
        return Designation.objects.select_related("unit__domain", "unit__region", "year").get(pk=pk)
    except Designation.DoesNotExist:
        raise Http404 from None
