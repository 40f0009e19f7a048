"""Coverage of the ten creation domains: units registered, assessed, meeting the standard and
named, per domain and region, for one year. These are the figures the city reports ("60% of
hotels meet the standard").

The tables read them from counters kept per domain and region at every level
(`CoverageCount`, see `coverage_counts`): one query for the rows of the regions shown, the same
for a town and for the country. `coverage_counts.grouped_coverage` counts them afresh (what the
counters must equal, and what `rebuild_coverage_counts` writes); a unit counts once per figure,
since it has at most one assessment and one valid designation a year.

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

from django.db.models import Count, FilteredRelation, Q

from . import coverage_counts
from .choices import AssessmentStatus, RegionLevel
from .coverage_counts import ASSESSED, FIGURES, KEPT_FIGURES, insert_from
from .models import (
    CoverageSnapshot,
    Domain,
    RatingYear,
    Region,
    Unit,
)


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


def counted(
    year: RatingYear, prefixes: list[str], domain: str | None = None
) -> dict[str, dict[tuple, int]]:
    """The figures of the regions `prefixes` (of one domain, or all): {figure: {(domain code,
    prefix): n}}, read from the counters kept per region (`coverage_counts`): one query,
    whatever the regions' size."""
    rows = coverage_counts.coverage_rows(year, prefixes, domain)
    return {figure: {key: row[figure] for key, row in rows.items()} for figure in FIGURES}


def keep_snapshot(year: RatingYear) -> int:
    """Keep the year's registered, assessed and meeting figures as they stand, one row per
    domain and region where units are registered (what `year_publish` keeps); how many rows.

    One INSERT … SELECT of the grouped units, each joined to its assessment of the year (at
    most one), without passing through Python."""
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
        .values_list("domain_id", "region_id", *KEPT_FIGURES)
        .order_by()
    )
    columns = ("year_id", "domain_id", "region_id", *KEPT_FIGURES)
    return insert_from(CoverageSnapshot, columns, grouped, year.pk)


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
