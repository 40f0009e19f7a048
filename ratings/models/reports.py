"""Residents' reports (反映问题): a resident who scans a valid plaque reports a problem with the
community's safety, with the same fields and protections as an objection to a notice."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ReportStatus
from .accounts import User
from .plaques import Plaque
from .regions import Region
from .stars import StarRating


def report_path(instance: ResidentReport, filename: str) -> str:
    # The stored name is random: nothing the resident chose reaches the file system.
    return f"reports/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}{instance.evidence_ext}"


class ResidentReport(models.Model):
    """反映问题: a real-name report about a ten-star community, and its recorded finding.

    The reporter's name and phone are personal data: only staff pages show them."""

    plaque = models.ForeignKey(
        Plaque, verbose_name=_("牌匾"), on_delete=models.PROTECT, related_name="reports"
    )
    rating = models.ForeignKey(
        StarRating, verbose_name=_("星级评定"), on_delete=models.PROTECT, related_name="reports"
    )
    # The rating's community, kept here so that a district's cases are one range on an index.
    community = models.ForeignKey(
        Region, verbose_name=_("社区(村)"), on_delete=models.PROTECT, related_name="+"
    )
    receipt = models.CharField(_("回执编号"), max_length=20, unique=True)
    facts = models.TextField(_("反映的问题"), max_length=2000)
    name = models.CharField(_("姓名"), max_length=30)
    phone = models.CharField(_("联系电话"), max_length=20)
    evidence = models.FileField(_("证明材料"), upload_to=report_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    evidence_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    evidence_ext = models.CharField(_("扩展名"), max_length=8, blank=True)
    evidence_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    finding = models.TextField(_("认定理由"), blank=True, max_length=2000)
    found_by = models.ForeignKey(
        User,
        verbose_name=_("认定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    found_at = models.DateTimeField(_("认定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("群众反映")
        verbose_name_plural = _("群众反映")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "community"], name="report_queue"),
            models.Index(fields=["submitted_at", "id"], name="report_list"),
        ]

    def __str__(self) -> str:
        return self.receipt

    @property
    def is_found(self) -> bool:
        return self.status != ReportStatus.RECEIVED
