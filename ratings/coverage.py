"""Coverage of the ten creation domains: units registered, assessed, meeting the standard and
named, per domain and region, for one year. These are the figures the city reports ("60% of
hotels meet the standard").

The tables read them from counters kept per domain and region at every level
(`CoverageCount`, see `coverage_counts`): one query for the rows of the regions shown, the same
for a town and for the country. `live_counts` and `published_counts` count them afresh, one
grouped query per figure (what the counters must equal, and what `rebuild_coverage_counts`
writes); a unit counts once per figure, since it has at most one assessment and one valid
designation a year.

A published year's figures are the ones published: registered, assessed and meeting are read
from the rows kept at publication (`CoverageSnapshot`), so registering, moving or deactivating a
unit later changes nothing. Named is read from the designations themselves, which keep the unit's
region as named; it counts every naming of the year that had not been revoked when the year was
published. A naming made after publication is a public act of its own (a numbered document and an
event), usually how a year's namings come, so it adds to the figure; a naming revoked after
publication stays counted (a unit named again after that counts once), since the figure says how
many were named for that year, not how many still hold the title. Nor is it annotated as revoked:
the figures are a record of the publication, like a printed bulletin; the live honour roll is
where a revocation shows, at once, and every revocation is an event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, FilteredRelation, Q, Sum
from django.db.models.functions import Substr

from . import coverage_counts
from .choices import AssessmentStatus, RegionLevel, YearStatus
from .models import (
    Assessment,
    CoverageSnapshot,
    Designation,
    Domain,
    RatingYear,
    Region,
    Unit,
    within_q,
)

ASSESSED = [
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.RETURNED,
    AssessmentStatus.APPROVED,
    AssessmentStatus.REJECTED,
]


@dataclass
class CoverageRow:
    domain: Domain
    region: Region
    registered: int = 0
    assessed: int = 0
    meeting: int = 0
    named: int = 0

    def _rate(self, count: int) -> float | None:
        # A region without units has no rate rather than a division by zero.
        return count / self.registered if self.registered else None

    @property
    def assessed_rate(self) -> float | None:
        return self._rate(self.assessed)

    @property
    def meeting_rate(self) -> float | None:
        return self._rate(self.meeting)

    @property
    def named_rate(self) -> float | None:
        return self._rate(self.named)


FIGURES = ("registered", "assessed", "meeting", "named")
KEPT_FIGURES = ("registered", "assessed", "meeting")


def _group(queryset, domain_field: str, region_field: str, region: Region | None, length: int):
    if region is not None:
        queryset = queryset.filter(within_q(region.prefix, region_field))
    return (
        queryset.annotate(group=Substr(region_field, 1, length))
        .values(domain_field, "group")
        .order_by()
    )


def _counts(
    queryset, domain_field: str, region_field: str, region, length, counted: str = "id"
) -> dict[tuple, int]:
    rows = _group(queryset, domain_field, region_field, region, length).annotate(
        n=Count(counted, distinct=counted != "id")
    )
    return {(row[domain_field], row["group"]): row["n"] for row in rows}


def live_counts(
    year: RatingYear, region: Region | None, length: int
) -> dict[str, dict[tuple, int]]:
    """The figures as they stand now, keyed by (domain code, first `length` digits of the unit's
    region code); `region` None counts everywhere."""

    def unit_counts(queryset, prefix: str = "unit__") -> dict[tuple, int]:
        return _counts(queryset, f"{prefix}domain_id", f"{prefix}region_id", region, length)

    return {
        "registered": unit_counts(Unit.objects.filter(active=True), prefix=""),
        "assessed": unit_counts(
            Assessment.objects.filter(year=year, status__in=ASSESSED, unit__active=True)
        ),
        "meeting": unit_counts(
            Assessment.objects.filter(
                year=year,
                status=AssessmentStatus.APPROVED,
                meets_standard=True,
                unit__active=True,
            )
        ),
        "named": unit_counts(
            Designation.objects.filter(year=year, revoked_at__isnull=True, unit__active=True)
        ),
    }


def published_counts(year: RatingYear, region: Region, length: int) -> dict[str, dict[tuple, int]]:
    """The figures of a published year, keyed like `live_counts`: two queries."""
    kept = _group(
        CoverageSnapshot.objects.filter(year=year), "domain_id", "region_id", region, length
    ).annotate(**{figure: Sum(figure) for figure in KEPT_FIGURES})
    counts: dict[str, dict[tuple, int]] = {figure: {} for figure in FIGURES}
    for row in kept:
        for figure in KEPT_FIGURES:
            counts[figure][(row["domain_id"], row["group"])] = row[figure]
    named = Designation.objects.filter(year=year).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gt=year.published_at)
    )
    # A unit whose naming was revoked after publication and that was named again counts once.
    counts["named"] = _counts(
        named, "unit__domain_id", "unit_region_id", region, length, counted="unit_id"
    )
    return counts


def grouped_counts(year: RatingYear, region: Region, length: int) -> dict[str, dict[tuple, int]]:
    """Counts keyed by (domain code, first `length` digits of the unit's region code), counted
    afresh: as published for a published year, as they stand for any other. The pages read the
    counters instead (`counted`); this is what they must equal."""
    if year.status == YearStatus.PUBLISHED:
        return published_counts(year, region, length)
    return live_counts(year, region, length)


def counted(
    year: RatingYear, prefixes: list[str], domain: str | None = None
) -> dict[str, dict[tuple, int]]:
    """The figures of the regions `prefixes` (of one domain, or all), keyed like
    `grouped_counts`, read from the counters kept per region (`coverage_counts`): one query,
    whatever the regions' size."""
    rows = coverage_counts.coverage_rows(year, prefixes, domain)
    return {figure: {key: row[figure] for key, row in rows.items()} for figure in FIGURES}


def keep_snapshot(year: RatingYear) -> int:
    """Keep the year's registered, assessed and meeting figures as they stand, one row per
    domain and region where units are registered (what `year_publish` keeps); how many rows.

    One INSERT … SELECT of the grouped units, each joined to its assessment of the year (at
    most one): the figures `live_counts` gives per community, without passing through Python."""
    this_year = FilteredRelation("assessments", condition=Q(assessments__year=year))
    grouped = (
        Unit.objects.filter(active=True)
        .annotate(this_year=this_year)
        .values("domain_id", "region_id")
        .annotate(
            registered=Count("pk"),
            assessed=Count("this_year__pk", filter=Q(this_year__status__in=ASSESSED)),
            meeting=Count(
                "this_year__pk",
                filter=Q(
                    this_year__status=AssessmentStatus.APPROVED, this_year__meets_standard=True
                ),
            ),
        )
        .order_by()
    )
    select, params = grouped.query.sql_with_params()
    columns = ("domain_id", "region_id", *KEPT_FIGURES)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(CoverageSnapshot._meta.db_table)} "
            f"({connection.ops.quote_name('year_id')}, {quoted}) "
            f"SELECT %s, {quoted} FROM ({select}) kept",
            (year.pk, *params),
        )
        return cursor.rowcount


def _row(domain: Domain, region: Region, counts: dict, key: tuple) -> CoverageRow:
    return CoverageRow(
        domain=domain,
        region=region,
        **{figure: counts[figure].get(key, 0) for figure in counts},
    )


def coverage_by_domain(*, year: RatingYear, region: Region) -> list[CoverageRow]:
    """One row per domain, for the whole of `region`."""
    counts = counted(year, [region.prefix])
    return [
        _row(domain, region, counts, (domain.code, region.prefix))
        for domain in Domain.objects.all()
    ]


def child_regions(region: Region) -> list[Region]:
    """The regions a coverage table drills down into: districts, then towns."""
    if region.level >= RegionLevel.TOWN:
        return []
    return list(
        Region.objects.filter(parent=region, active=True)
        .exclude(level=RegionLevel.VILLAGE)
        .order_by("code")
    )


def coverage_by_child(*, year: RatingYear, region: Region, domain: Domain) -> list[CoverageRow]:
    """One row per child region of `region`, for one domain."""
    children = child_regions(region)
    if not children:
        return []
    counts = counted(year, [child.prefix for child in children], domain.code)
    return [_row(domain, child, counts, (domain.code, child.prefix)) for child in children]
