"""Plaques: of a year, of a rating, one by number, and ten-star ratings still waiting for one."""

from __future__ import annotations

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)
from django.http import Http404

from ..choices import (
    RatingStatus,
)
from ..models import (
    Plaque,
    PrintJob,
    RatingYear,
    StarRating,
)


def _valid_plaque() -> Exists:
    return Exists(Plaque.objects.filter(rating=OuterRef("pk"), revoked_at__isnull=True))


def rating_list_awaiting_plaque(*, year: RatingYear) -> QuerySet[StarRating]:
    """Ten-star ratings of `year` without a valid plaque, in code order."""
    return (
        StarRating.objects.filter(year=year, status=RatingStatus.CERTIFIED, stars=10)
        .exclude(_valid_plaque())
        .select_related("community__parent__parent")
        .order_by("community_id")
    )


def plaque_list_not_taken_back(*, year: int | None = None, search: str = "") -> QuerySet[Plaque]:
    """Revoked plaques not yet recorded as taken back (收回), oldest revocation first."""
    plaques = Plaque.objects.filter(revoked_at__isnull=False, taken_back_on__isnull=True)
    if year:
        plaques = plaques.filter(year_id=year)
    if search:
        plaques = plaques.filter(rating__community__name__contains=search)
    return plaques.select_related("rating__community__parent__parent").order_by("revoked_at", "id")


def plaque_list_for_year(*, year: RatingYear) -> QuerySet[Plaque]:
    """Every plaque of `year`, valid and revoked, with its community and who issued it."""
    return Plaque.objects.filter(year=year).select_related(
        "rating__community__parent__parent", "issued_by", "revoked_by"
    )


def plaque_get(*, number: str) -> Plaque:
    """One plaque by its number as printed, or 404."""
    try:
        return Plaque.objects.select_related(
            "rating__community__parent__parent", "rating__year", "issued_by"
        ).get(number=number)
    except Plaque.DoesNotExist:
        raise Http404 from None


def plaque_list_for_rating(*, rating: StarRating) -> list[Plaque]:
    """The plaques of a rating, oldest first (a revoked one and its replacement)."""
    return list(rating.plaques.select_related("revoked_by").order_by("issued_at"))


def print_job_list(*, year: RatingYear) -> QuerySet[PrintJob]:
    """The print jobs of a year, newest first."""
    return PrintJob.objects.filter(year=year).select_related("region", "requested_by")


def print_job_get(*, pk: int) -> PrintJob:
    """One print job, or 404."""
    try:
        return PrintJob.objects.select_related("year", "region", "requested_by").get(pk=pk)
    except PrintJob.DoesNotExist:
        raise Http404 from None
