"""Coverage of the ten creation domains: units registered, assessed, meeting the standard and
named, per domain and region, for one year. These are the figures the city reports ("60% of
hotels meet the standard").

Each figure is one grouped query on an indexed column (four in all, whatever the number of
units); a unit counts once per figure, since it has at most one assessment and one valid
designation a year.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Substr

from .choices import PREFIX_LENGTH, AssessmentStatus, RegionLevel
from .models import Assessment, Designation, Domain, RatingYear, Region, Unit, within_q

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


def grouped_counts(year: RatingYear, region: Region, length: int) -> dict[str, dict[tuple, int]]:
    """Counts keyed by (domain code, first `length` digits of the unit's region code)."""

    def group(queryset, domain_field: str, region_field: str) -> dict[tuple, int]:
        rows = (
            queryset.filter(within_q(region.prefix, region_field))
            .annotate(group=Substr(region_field, 1, length))
            .values(domain_field, "group")
            .annotate(n=Count("id"))
            .order_by()
        )
        return {(row[domain_field], row["group"]): row["n"] for row in rows}

    return {
        "registered": group(Unit.objects.filter(active=True), "domain_id", "region_id"),
        "assessed": group(
            Assessment.objects.filter(year=year, status__in=ASSESSED, unit__active=True),
            "unit__domain_id",
            "unit__region_id",
        ),
        "meeting": group(
            Assessment.objects.filter(
                year=year,
                status=AssessmentStatus.APPROVED,
                meets_standard=True,
                unit__active=True,
            ),
            "unit__domain_id",
            "unit__region_id",
        ),
        "named": group(
            Designation.objects.filter(year=year, revoked_at__isnull=True, unit__active=True),
            "unit__domain_id",
            "unit__region_id",
        ),
    }


def _row(domain: Domain, region: Region, counts: dict, key: tuple) -> CoverageRow:
    return CoverageRow(
        domain=domain,
        region=region,
        **{figure: counts[figure].get(key, 0) for figure in counts},
    )


def coverage_by_domain(*, year: RatingYear, region: Region) -> list[CoverageRow]:
    """One row per domain, for the whole of `region`."""
    length = PREFIX_LENGTH[region.level]
    counts = grouped_counts(year, region, length)
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
    length = PREFIX_LENGTH[children[0].level]
    counts = grouped_counts(year, region, length)
    return [_row(domain, child, counts, (domain.code, child.prefix)) for child in children]
