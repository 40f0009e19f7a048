"""Plaques of ten-star communities."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import PrintJobStatus
from .accounts import User
from .base import Revocable
from .programme import RatingYear
from .regions import Region
from .stars import StarRating


class Plaque(Revocable):
    """The plaque (牌匾) of a ten-star community: a public number, printed as a QR code."""

    number = models.CharField(_("牌匾编号"), max_length=24, unique=True)
    year = models.ForeignKey(
        RatingYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="plaques"
    )
    sequence = models.PositiveIntegerField(_("年度序号"))
    rating = models.ForeignKey(
        StarRating, verbose_name=_("星级评定"), on_delete=models.PROTECT, related_name="plaques"
    )
    issued_at = models.DateTimeField(_("授牌时间"))
    issued_by = models.ForeignKey(
        User, verbose_name=_("授牌操作人"), on_delete=models.PROTECT, related_name="+"
    )
    # 收回: a revoked plaque is physically taken down and collected; when, by whom (the person
    # who collected it, named as they signed), and who recorded it.
    taken_back_on = models.DateField(_("收回日期"), null=True, blank=True)
    taken_back_by = models.CharField(_("收回人"), max_length=60, blank=True)
    taken_back_recorded_by = models.ForeignKey(
        User,
        verbose_name=_("收回登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("牌匾")
        verbose_name_plural = _("牌匾")
        ordering = ["year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="plaque_sequence_per_year"),
            # A rating may be given a new plaque after one was revoked, never two valid ones.
            models.UniqueConstraint(
                fields=["rating"],
                condition=Q(revoked_at__isnull=True),
                name="one_valid_plaque_per_rating",
            ),
        ]
        indexes = [
            # The list of revoked plaques still hanging somewhere.
            models.Index(
                fields=["year", "sequence"],
                condition=Q(revoked_at__isnull=False, taken_back_on__isnull=True),
                name="plaque_not_taken_back",
            ),
        ]

    def __str__(self) -> str:
        return self.number


def print_path(instance: PrintJob, filename: str) -> str:
    return f"prints/{secrets.token_urlsafe(24)}.pdf"


class PrintJob(models.Model):
    """All certificates of a published year (or of one district or town of it) as one PDF for
    the print shop, made in the background; the file is kept for download."""

    year = models.ForeignKey(
        RatingYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="print_jobs"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("范围"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("不选为全市。"),
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=PrintJobStatus.choices, default=PrintJobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("证书数"), default=0)
    done = models.PositiveIntegerField(_("已生成"), default=0)
    file = models.FileField(_("文件"), upload_to=print_path, max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("证书批量打印")
        verbose_name_plural = _("证书批量打印")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")), name="print_done_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year_id} {self.region or ''}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100
