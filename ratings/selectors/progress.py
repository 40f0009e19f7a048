"""The administrators' progress of a year: per district, town and certifying authority, how
many ratings are at each stage, overdue and returned. A fixed number of grouped queries,
whatever the number of communities."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from ..choices import ItemStatus, RatingStatus, Stage
from ..models import Authority, RatingYear, Region, StarItem, StarRating, overdue_q, stage_q

RETURNED = [RatingStatus.TOWN_BACK, RatingStatus.DIST_BACK, RatingStatus.RETURNED]


@dataclass
class ProgressRow:
    """One district or town: its communities and how far their ratings of the year got."""

    code: str
    name: str
    communities: int = 0
    started: int = 0
    stages: dict[str, int] = field(default_factory=dict)  # Stage value → ratings in it
    overdue: int = 0
    returned: int = 0
    certified: int = 0
    lapsed: int = 0
    other: int = 0  # revoked or incomplete

    @property
    def not_started(self) -> int:
        return max(self.communities - self.started, 0)

    def stage_counts(self) -> list[int]:
        return [self.stages.get(stage, 0) for stage in Stage]


@dataclass
class AuthorityRow:
    """One certifying authority: the items before it and what it decided."""

    code: str
    name: str
    pending: int = 0
    overdue: int = 0
    returned: int = 0
    endorsed: int = 0
    rejected: int = 0


@dataclass
class Progress:
    year: RatingYear
    districts: list[ProgressRow]
    towns: list[ProgressRow]
    authorities: list[AuthorityRow]


def _rating_counts(year: RatingYear, today: date) -> dict:
    counts = {f"stage_{stage}": Count("id", filter=stage_q(stage)) for stage in Stage}
    counts.update(
        started=Count("id"),
        overdue=Count("id", filter=overdue_q(year=year, today=today)),
        returned=Count("id", filter=Q(status__in=RETURNED)),
        certified=Count("id", filter=Q(status=RatingStatus.CERTIFIED)),
        lapsed=Count("id", filter=Q(status=RatingStatus.LAPSED)),
        other=Count("id", filter=Q(status__in=[RatingStatus.REVOKED, RatingStatus.INCOMPLETE])),
    )
    return counts


def _fill(row: ProgressRow, figures: dict) -> None:
    row.started = figures["started"]
    row.stages = {stage: figures[f"stage_{stage}"] for stage in Stage}
    for name in ("overdue", "returned", "certified", "lapsed", "other"):
        setattr(row, name, figures[name])


def year_progress(*, year: RatingYear, today: date | None = None) -> Progress:
    """The progress of `year` by district, town and authority: six queries."""
    today = today or timezone.localdate()
    ratings = StarRating.objects.filter(year=year, community__active=True).order_by()
    villages = Region.objects.villages().filter(active=True).order_by()
    by_district = ratings.annotate(key=Substr("community_id", 1, 6)).values("key")
    by_town = ratings.annotate(key=Substr("community_id", 1, 9)).values("key")
    rating_figures = {
        "district": {r["key"]: r for r in by_district.annotate(**_rating_counts(year, today))},
        "town": {r["key"]: r for r in by_town.annotate(**_rating_counts(year, today))},
    }
    community_counts = {
        "district": dict(
            villages.annotate(key=Substr("code", 1, 6))
            .values("key")
            .annotate(n=Count("code"))
            .values_list("key", "n")
        ),
        "town": dict(
            villages.annotate(key=Substr("code", 1, 9))
            .values("key")
            .annotate(n=Count("code"))
            .values_list("key", "n")
        ),
    }
    prefixes = set(community_counts["district"]) | set(community_counts["town"])
    codes = [prefix.ljust(12, "0") for prefix in prefixes]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    levels = {}
    for level in ("district", "town"):
        rows = []
        for prefix in sorted(set(community_counts[level]) | set(rating_figures[level])):
            code = prefix.ljust(12, "0")
            row = ProgressRow(
                code=code,
                name=names.get(code, code),
                communities=community_counts[level].get(prefix, 0),
            )
            if prefix in rating_figures[level]:
                _fill(row, rating_figures[level][prefix])
            rows.append(row)
        levels[level] = rows
    return Progress(
        year=year,
        districts=levels["district"],
        towns=levels["town"],
        authorities=_authority_rows(year, today),
    )


def _authority_rows(year: RatingYear, today: date) -> list[AuthorityRow]:
    late = year.certify_due is not None and year.certify_due < today
    figures = {
        row["standard__authority_id"]: row
        for row in StarItem.objects.filter(rating__year=year)
        .order_by()
        .values("standard__authority_id")
        .annotate(
            pending=Count("id", filter=Q(status=ItemStatus.PENDING)),
            returned=Count("id", filter=Q(status=ItemStatus.RETURNED)),
            endorsed=Count("id", filter=Q(status=ItemStatus.ENDORSED)),
            rejected=Count("id", filter=Q(status=ItemStatus.REJECTED)),
        )
    }
    rows = []
    for authority in Authority.objects.filter(standards__isnull=False).distinct().order_by("code"):
        row = AuthorityRow(code=authority.code, name=authority.short_label)
        counted = figures.get(authority.code)
        if counted:
            row.pending, row.returned = counted["pending"], counted["returned"]
            row.endorsed, row.rejected = counted["endorsed"], counted["rejected"]
            row.overdue = row.pending if late else 0
        rows.append(row)
    return rows
