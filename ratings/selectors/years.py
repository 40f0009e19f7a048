"""Rating years: the one people work in, one by number, all with their figures."""

from __future__ import annotations

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.http import Http404

from ..choices import (
    SETTLED_RATING_STATUSES,
    RatingStatus,
    YearStatus,
)
from ..models import (
    RatingYear,
)


def year_current() -> RatingYear | None:
    """The year people work in: the latest open one, else the latest of all."""
    years = RatingYear.objects.order_by("-year")
    return years.filter(status=YearStatus.OPEN).first() or years.first()


def year_get(*, year: int) -> RatingYear:
    """One rating year by number, or 404."""
    try:
        return RatingYear.objects.get(pk=year)
    except RatingYear.DoesNotExist:
        raise Http404 from None


def year_list_with_figures() -> QuerySet[RatingYear]:
    """Every year with how many of its ratings are in which state (one query)."""
    decided = SETTLED_RATING_STATUSES
    return RatingYear.objects.annotate(
        total=Count("ratings"),
        certified=Count("ratings", filter=Q(ratings__status=RatingStatus.CERTIFIED)),
        ten_star=Count(
            "ratings", filter=Q(ratings__status=RatingStatus.CERTIFIED, ratings__stars=10)
        ),
        revoked=Count("ratings", filter=Q(ratings__status=RatingStatus.REVOKED)),
        incomplete=Count("ratings", filter=Q(ratings__status=RatingStatus.INCOMPLETE)),
        undecided=Count("ratings", filter=~Q(ratings__status__in=decided)),
    ).order_by("-year")
