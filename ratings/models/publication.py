"""What the public site reads: figures kept as they were published, and the public data
version that public caches are keyed on."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .programme import STAR_COUNT, Domain, RatingYear
from .regions import Region


class StarSnapshot(models.Model):
    """How many communities of a region held each number of stars when a year was published:
    eleven rows (0–10 stars) for the top of the region tree and for each region below it.
    Written with the publication; a later revocation or reinstatement does not change it."""

    year = models.ForeignKey(
        RatingYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="star_snapshots"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    stars = models.PositiveSmallIntegerField(_("星数"))
    count = models.PositiveIntegerField(_("数量"))

    class Meta:
        verbose_name = _("公布时星级分布")
        verbose_name_plural = _("公布时星级分布")
        ordering = ["year", "region", "stars"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "stars"], name="one_star_count_per_region"
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=0, stars__lte=STAR_COUNT), name="snapshot_stars_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year_id} {self.region_id} {self.stars}★ {self.count}"


class CoverageCount(models.Model):
    """Coverage figures of one domain within one region, the region given by its code prefix at
    each level of the tree ("" is the whole country, then 2, 4, 6, 9 and 12 digits), so that a
    coverage table reads the rows of its own regions whatever their size (`coverage_counts`).

    A row without a year holds how many active units are registered (`registered`, the same
    for every year that is not published). A row of a year that is not published holds the
    year's `assessed`, `meeting` and `named` as they stand, by the unit's present domain and
    region; the workflow keeps them in the same transaction as every change that moves them.
    A row of a published year holds the figures as published: `registered`, `assessed` and
    `meeting` at publication (summed from `CoverageSnapshot`) and `named` as the `coverage`
    module tells; `rebuild_coverage_counts` recounts them all (`grouped_coverage`)."""

    year = models.ForeignKey(
        RatingYear, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=12, blank=True)
    registered = models.PositiveIntegerField(default=0)
    assessed = models.PositiveIntegerField(default=0)
    meeting = models.PositiveIntegerField(default=0)
    named = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("创建覆盖计数")
        verbose_name_plural = _("创建覆盖计数")
        # The prefix first: a table reads a few regions' rows, of one year and of none.
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "domain", "year"],
                condition=Q(year__isnull=False),
                name="coverage_count_unique",
            ),
            models.UniqueConstraint(
                fields=["prefix", "domain"],
                condition=Q(year__isnull=True),
                name="coverage_count_registered_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year_id or '-'} {self.domain_id} {self.prefix or '*'}"


class CoverageSnapshot(models.Model):
    """Units of one domain in one region when a year was published: registered, assessed and
    meeting the standard. One row per domain and region where units are registered (a town or a
    community); larger regions add them up. Written with the publication, so registering,
    moving or deactivating units later leaves the published figures as they were.

    How many were named is not kept here: designations keep what they named themselves (see
    `coverage`)."""

    year = models.ForeignKey(
        RatingYear,
        verbose_name=_("年度"),
        on_delete=models.PROTECT,
        related_name="coverage_snapshots",
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("创建领域"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    registered = models.PositiveIntegerField(_("登记"), default=0)
    assessed = models.PositiveIntegerField(_("已测评"), default=0)
    meeting = models.PositiveIntegerField(_("达标"), default=0)

    class Meta:
        verbose_name = _("公布时创建覆盖")
        verbose_name_plural = _("公布时创建覆盖")
        ordering = ["year", "domain", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "domain", "region"], name="one_coverage_row_per_region"
            ),
            models.CheckConstraint(
                condition=Q(assessed__lte=F("registered"), meeting__lte=F("assessed")),
                name="coverage_figures_nested",
            ),
        ]
        # A region's figures are a range of region codes within a year.
        indexes = [models.Index(fields=["year", "region"], name="coverage_snapshot_region")]

    def __str__(self) -> str:
        return f"{self.year_id} {self.domain_id} {self.region_id}"


class PublicDataVersion(models.Model):
    """One row counting changes to what the public site shows (publication, revocations,
    plaques, designations). Public statistics are cached under this number, so every web
    worker sees a change at once, whatever cache it has."""

    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("公开数据版本")
        verbose_name_plural = _("公开数据版本")

    def __str__(self) -> str:
        return str(self.version)
