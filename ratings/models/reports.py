"""Residents' reports (反映问题): a resident who scans a valid plaque reports a problem with the
community's safety, with the same fields and protections as an objection to a notice."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ReportStatus
from .base import RealNameCase
from .plaques import Plaque
from .regions import Region
from .stars import StarRating


def report_path(instance: ResidentReport, filename: str) -> str:
    # The stored name is random: nothing the resident chose reaches the file system.
    return f"reports/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}{instance.evidence_ext}"


class ResidentReport(RealNameCase):
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
    facts = models.TextField(_("反映的问题"), max_length=2000)
    evidence = models.FileField(_("证明材料"), upload_to=report_path, max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )

    class Meta:
        verbose_name = _("群众反映")
        verbose_name_plural = _("群众反映")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "community"], name="report_queue"),
            models.Index(fields=["submitted_at", "id"], name="report_list"),
        ]

    @property
    def is_found(self) -> bool:
        return self.status != ReportStatus.RECEIVED
