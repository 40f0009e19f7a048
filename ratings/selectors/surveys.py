"""Satisfaction survey results (群众安全感满意度): communities below the threshold, and the
district and city rates."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, ExpressionWrapper, F, FloatField, QuerySet, Sum
from django.db.models.functions import Substr

from ..models import Rate, Region, SurveyResult

DISTRICT_PREFIX = 6  # a district's code is its first six digits


def survey_list_below(*, year: int, threshold: float) -> QuerySet[SurveyResult]:
    """The year's survey results whose rate is below `threshold` per cent (群众口碑), lowest
    share first."""
    floor = ExpressionWrapper(F("sample_size") * (threshold / 100), output_field=FloatField())
    return (
        SurveyResult.objects.filter(year=year)
        .annotate(floor=floor)
        .filter(satisfied__lt=F("floor"))
        .select_related("community__parent__parent")
        .order_by("community_id")
    )


@dataclass(frozen=True)
class AreaRate:
    """One district's (or the city's) rate: every community surveyed in it, pooled."""

    region: Region | None
    communities: int
    rate: Rate


def survey_rates(*, year: int) -> tuple[list[AreaRate], AreaRate | None]:
    """Each district's pooled rate for `year` and the city's (two queries), or ([], None)."""
    rows = list(
        SurveyResult.objects.filter(year=year)
        .annotate(district=Substr("community_id", 1, DISTRICT_PREFIX))
        .values("district")
        .annotate(n=Sum("sample_size"), yes=Sum("satisfied"), communities=Count("id"))
        .order_by("district")
    )
    if not rows:
        return [], None
    codes = [row["district"] + "0" * 6 for row in rows]
    regions = Region.objects.in_bulk(codes)
    districts = [
        AreaRate(regions.get(code), row["communities"], Rate(row["yes"], row["n"]))
        for code, row in zip(codes, rows, strict=True)
    ]
    city = AreaRate(
        None,
        sum(d.communities for d in districts),
        Rate(sum(d.rate.satisfied for d in districts), sum(d.rate.sample for d in districts)),
    )
    return districts, city
