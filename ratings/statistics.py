"""What the public site shows: published results only, aggregated once per change.

Only published years count, and within them only certified ratings and valid designations: a
draft, an undecided or rejected item, a revoked rating or designation never reaches a public
page, whatever the query string.

The statistics of a published year are the figures kept when it was published (`StarSnapshot`,
`CoverageSnapshot`): they are a record of that date, like a printed bulletin, so registering or
deactivating units, or revoking a community's eligibility, changes the honour rolls but not them.

Statistics, and the rendered public pages, are cached under the public data version
(`PublicDataVersion`), which every action that changes public data moves in its own
transaction; a page costs one small query to read the version and, on a cache hit, nothing
else. `public_cache_key` is the one place that names such an entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Substr

from .choices import PREFIX_LENGTH, RatingStatus, RegionLevel, YearStatus
from .coverage import CoverageRow, counted
from .models import (
    FAMILY_DOMAIN,
    STAR_COUNT,
    CoverageSnapshot,
    Designation,
    Domain,
    PublicDataVersion,
    RatingYear,
    Region,
    StarRating,
    StarSnapshot,
    within_q,
)
from .selectors.designations import designation_order

CACHE_SECONDS = 24 * 60 * 60

T = TypeVar("T")


def published_years() -> list[RatingYear]:
    """Published years, newest first: the only years the public site knows."""
    return list(RatingYear.objects.filter(status=YearStatus.PUBLISHED).order_by("-year"))


def public_version() -> int:
    """The current public data version, under which public figures are cached."""
    return PublicDataVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def public_cache_key(name: str, *parts: object) -> str:
    """The cache key of public output `name` for `parts` (a year, a query string, a language…)
    under the current public data version: any change to public data makes every key new."""
    # Hashed: a query string may be long or hold characters a cache key may not.
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"public:{name}:{public_version()}:{digest[:40]}"


def public_cached(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`'s result, from the cache while nothing public has changed since."""
    key = public_cache_key(name, *parts)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


# --------------------------------------------------------------------------------------------
# Honour rolls


def ten_star_roll(
    *, year: RatingYear | None, region: Region | None = None, search: str = ""
) -> QuerySet[StarRating]:
    """Ten-star communities of published years."""
    ratings = (
        StarRating.objects.filter(
            year__status=YearStatus.PUBLISHED, status=RatingStatus.CERTIFIED, stars=STAR_COUNT
        )
        .select_related("community__parent__parent")
        .order_by("-year_id", "community_id")
    )
    if year is not None:
        # One year: the order is the index's (year, stars, community), one range per page.
        ratings = ratings.filter(year=year).order_by("community_id")
    if region is not None:
        ratings = ratings.filter(within_q(region.prefix, "community_id"))
    if search:
        ratings = ratings.filter(community__name__contains=search)
    return ratings


def designation_roll(
    *,
    year: RatingYear | None,
    domain: str = "",
    tier: str = "",
    batch: str = "",
    region: Region | None = None,
    search: str = "",
) -> QuerySet[Designation]:
    """Valid designations of published years, each unit with the name and region it was named
    under (a later rename or move changes the register, not the roll). A household is searched
    by nothing but its region: its head's name is personal data."""
    designations = (
        Designation.objects.filter(year__status=YearStatus.PUBLISHED, revoked_at__isnull=True)
        .select_related("unit__domain", "unit_region__parent__parent")
        .order_by(*designation_order(year=year, domain=domain))
    )
    if year is not None:
        designations = designations.filter(year=year)
    if domain:
        designations = designations.filter(unit__domain_id=domain)
    if tier:
        designations = designations.filter(tier=tier)
    if batch:
        designations = designations.filter(batch=batch)
    if region is not None:
        designations = designations.filter(within_q(region.prefix, "unit_region_id"))
    if search:
        designations = designations.filter(unit_name__contains=search).exclude(
            unit__domain_id=FAMILY_DOMAIN
        )
    return designations


# --------------------------------------------------------------------------------------------
# Statistics


@dataclass
class DistrictStars:
    region: Region
    counts: list[int] = field(default_factory=lambda: [0] * (STAR_COUNT + 1))
    # 未完成评定: ratings the year closed on undecided; neither stars nor a revocation, so
    # counted apart from the distribution (given only before publication, so they stay put).
    incomplete: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def ten_star(self) -> int:
        return self.counts[STAR_COUNT]

    @property
    def ten_star_share(self) -> float | None:
        return self.ten_star / self.total if self.total else None


@dataclass
class YearStatistics:
    year: int
    districts: list[DistrictStars]
    city: DistrictStars
    coverage: list[tuple[Domain, CoverageRow, list[CoverageRow]]]  # city row, district rows


def _root() -> Region | None:
    return Region.objects.filter(parent__isnull=True).order_by("code").first()


def star_snapshot_rows(year: RatingYear) -> list[StarSnapshot]:
    """The star distribution of the year's certified ratings as it stands, for the top of the
    region tree and each active region below it, every count from 0 to 10 stars (zeros
    included, so the regions shown are kept too): what `year_publish` keeps."""
    root = _root()
    if root is None:
        return []
    districts = list(
        Region.objects.filter(parent=root, active=True).exclude(level=RegionLevel.VILLAGE)
    )
    length = PREFIX_LENGTH[districts[0].level] if districts else 12
    by_code = {d.prefix: DistrictStars(region=d) for d in districts}
    city = DistrictStars(region=root)
    rows = (
        StarRating.objects.filter(year=year, status=RatingStatus.CERTIFIED)
        .filter(within_q(root.prefix, "community_id"))
        .annotate(district=Substr("community_id", 1, length))
        .values("district", "stars")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        city.counts[row["stars"]] += row["n"]
        if row["district"] in by_code:
            by_code[row["district"]].counts[row["stars"]] += row["n"]
    return [
        StarSnapshot(year=year, region=place.region, stars=stars, count=count)
        for place in [city, *by_code.values()]
        for stars, count in enumerate(place.counts)
    ]


def _compute(year: RatingYear) -> YearStatistics:
    """The figures of a published year as they were published (five queries)."""
    places: dict[str, DistrictStars] = {}
    kept = StarSnapshot.objects.filter(year=year).select_related("region").order_by("region_id")
    for row in kept:
        places.setdefault(row.region_id, DistrictStars(region=row.region)).counts[row.stars] = (
            row.count
        )
    if not places:
        raise LookupError(f"no figures were kept when {year.year} was published")
    # The top of the tree, then the regions below it in code order.
    city, *districts = sorted(places.values(), key=lambda d: (d.region.level, d.region.code))
    root = city.region
    length = PREFIX_LENGTH[districts[0].region.level] if districts else 12

    incomplete = (
        StarRating.objects.filter(year=year, status=RatingStatus.INCOMPLETE)
        .filter(within_q(root.prefix, "community_id"))
        .annotate(district=Substr("community_id", 1, length))
        .values("district")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_prefix = {d.region.prefix: d for d in districts}
    for row in incomplete:
        city.incomplete += row["n"]
        if row["district"] in by_prefix:
            by_prefix[row["district"]].incomplete += row["n"]

    city_counts = counted(year, [root.prefix])
    district_counts = counted(year, [d.region.prefix for d in districts])
    coverage = []
    for domain in Domain.objects.all():
        city_row = CoverageRow(
            domain=domain,
            region=root,
            **{k: v.get((domain.code, root.prefix), 0) for k, v in city_counts.items()},
        )
        district_rows = [
            CoverageRow(
                domain=domain,
                region=d.region,
                **{k: v.get((domain.code, d.region.prefix), 0) for k, v in district_counts.items()},
            )
            for d in districts
        ]
        coverage.append((domain, city_row, district_rows))
    return YearStatistics(year=year.year, districts=districts, city=city, coverage=coverage)


def year_statistics(year: RatingYear) -> YearStatistics:
    """The statistics of a published year as published, from the cache when nothing public has
    changed since (a later naming adds to them, see `coverage`)."""
    if year.status != YearStatus.PUBLISHED:
        raise ValueError("only published years have public statistics")
    return public_cached("stats", (year.year,), lambda: _compute(year))


@dataclass
class Trend:
    """The published years side by side, oldest first: each place's star distribution and each
    domain's coverage of the whole tree (registered and meeting), as kept at publication. A
    place or a domain missing from a year has an empty entry for it (no share, not zero)."""

    years: list[int]
    places: list[list[DistrictStars]]  # the top of the tree first, then the regions below it
    coverage: list[tuple[Domain, list[CoverageRow]]]


def _compute_trend(years: list[RatingYear]) -> Trend:
    """Every published year's figures in three queries, whatever the number of years and
    regions: the kept star counts, the kept coverage added up per year and domain, the
    domains."""
    numbers = sorted(year.year for year in years)
    index = {number: i for i, number in enumerate(numbers)}
    places: dict[str, list[DistrictStars]] = {}
    kept = StarSnapshot.objects.filter(year__in=numbers).select_related("region")
    for row in kept:
        if row.region_id not in places:
            places[row.region_id] = [DistrictStars(region=row.region) for _n in numbers]
        places[row.region_id][index[row.year_id]].counts[row.stars] = row.count
    ordered = sorted(places.values(), key=lambda p: (p[0].region.level, p[0].region.code))
    if not ordered:
        return Trend(years=numbers, places=[], coverage=[])
    root = ordered[0][0].region
    sums = (
        CoverageSnapshot.objects.filter(year__in=numbers)
        .filter(within_q(root.prefix, "region_id"))
        .values("year_id", "domain_id")
        .annotate(registered=Sum("registered"), meeting=Sum("meeting"))
        .order_by()
    )
    figures = {(row["year_id"], row["domain_id"]): row for row in sums}
    coverage = []
    for domain in Domain.objects.all():
        rows = []
        for number in numbers:
            row = figures.get((number, domain.code), {})
            rows.append(
                CoverageRow(
                    domain=domain,
                    region=root,
                    registered=row.get("registered", 0),
                    meeting=row.get("meeting", 0),
                )
            )
        coverage.append((domain, rows))
    return Trend(years=numbers, places=ordered, coverage=coverage)


def trend(years: list[RatingYear]) -> Trend:
    """The figures of the given published years as published, from the cache when nothing
    public has changed since."""
    if any(year.status != YearStatus.PUBLISHED for year in years):
        raise ValueError("only published years have public statistics")
    numbers = "-".join(str(year.year) for year in sorted(years, key=lambda y: y.year))
    return public_cached("trend", (numbers,), lambda: _compute_trend(years))


def headline(year: RatingYear) -> dict:
    """The few figures of the home page."""
    statistics = year_statistics(year)
    named = sum(city.named for _domain, city, _rows in statistics.coverage)
    return {
        "year": year.year,
        "rated": statistics.city.total,
        "ten_star": statistics.city.ten_star,
        "ten_star_share": statistics.city.ten_star_share,
        "named": named,
    }


def designation_facets(year: RatingYear | None) -> dict[str, list[str]]:
    """The tiers and batches that exist among public designations (for the filters)."""
    designations = Designation.objects.filter(
        year__status=YearStatus.PUBLISHED, revoked_at__isnull=True
    )
    if year is not None:
        designations = designations.filter(year=year)
    values = designations.values_list("tier", "batch").distinct().order_by()
    tiers = sorted({tier for tier, _batch in values if tier})
    batches = sorted({batch for _tier, batch in values if batch})
    return {"tiers": tiers, "batches": batches}
