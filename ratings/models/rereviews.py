"""Re-review (复查) of a published year's ten-star communities: all of them, or a random sample
drawn with a recorded seed (双随机) so that anyone can draw it again and get the same list."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import RereviewStatus
from .accounts import User
from .programme import RatingYear, StarStandard
from .regions import Region
from .stars import StarRating


class Rereview(models.Model):
    """One re-review opened by an administrator: the year it checks and how it was drawn."""

    year = models.ForeignKey(
        RatingYear, verbose_name=_("复查年度"), on_delete=models.PROTECT, related_name="rereviews"
    )
    title = models.CharField(_("复查名称"), max_length=100)
    # None: every ten-star community of the year; otherwise how many were drawn.
    sample_size = models.PositiveIntegerField(_("抽查数量"), null=True, blank=True)
    # The seed of the draw (双随机): the same seed over the same list draws the same sample.
    seed = models.CharField(_("随机种子"), max_length=40, blank=True)
    population = models.PositiveIntegerField(_("十星社区(村)总数"))
    opened_at = models.DateTimeField(_("开展时间"), auto_now_add=True)
    opened_by = models.ForeignKey(
        User, verbose_name=_("开展人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("复查")
        verbose_name_plural = _("复查")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sample_size__isnull=True) | Q(sample_size__gte=1),
                name="rereview_sample_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_sample(self) -> bool:
        return self.sample_size is not None


class RereviewEntry(models.Model):
    """One community of a re-review and the finding of its district's assessors."""

    rereview = models.ForeignKey(
        Rereview, verbose_name=_("复查"), on_delete=models.PROTECT, related_name="entries"
    )
    rating = models.ForeignKey(
        StarRating,
        verbose_name=_("星级评定"),
        on_delete=models.PROTECT,
        related_name="rereview_entries",
    )
    # The rating's community, kept here so that an assessor's list is one range on an index.
    community = models.ForeignKey(
        Region, verbose_name=_("社区(村)"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("复查结论"),
        max_length=10,
        choices=RereviewStatus.choices,
        default=RereviewStatus.PENDING,
    )
    finding = models.TextField(_("复查意见"), blank=True, max_length=2000)
    failed_standards = models.ManyToManyField(
        StarStandard, verbose_name=_("不再达标的标准"), blank=True, related_name="+"
    )
    found_by = models.ForeignKey(
        User,
        verbose_name=_("复查人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    found_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    # When the administrator took the failed standards' stars away (摘星) after the finding.
    stars_removed_at = models.DateTimeField(_("摘星时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("复查对象")
        verbose_name_plural = _("复查对象")
        ordering = ["rereview_id", "community_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rereview", "rating"], name="one_entry_per_rereview"),
        ]
        indexes = [
            models.Index(fields=["status", "community"], name="rereview_entry_queue"),
            models.Index(fields=["rereview", "status", "community"], name="rereview_entry_list"),
        ]

    def __str__(self) -> str:
        return f"{self.rereview} · {self.community_id}"

    @property
    def is_found(self) -> bool:
        return self.status != RereviewStatus.PENDING

    @property
    def awaits_star_removal(self) -> bool:
        return self.status == RereviewStatus.FAILED and self.stars_removed_at is None
