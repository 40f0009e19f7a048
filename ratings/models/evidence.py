"""Evidence files supporting a star finding or an assessment line."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .accounts import User
from .stars import StarItem


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    # The stored name is random: nothing the uploader chose reaches the file system.
    return f"evidence/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}{instance.extension}"


class EvidenceFile(models.Model):
    """A supporting document of a finding. Withdrawn files stay, with who withdrew them and when."""

    # Evidence supports either a star finding or one line of a domain assessment.
    item = models.ForeignKey(
        StarItem,
        verbose_name=_("评定项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    line = models.ForeignKey(
        "AssessmentLine",
        verbose_name=_("测评条目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    extension = models.CharField(_("扩展名"), max_length=8)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        User,
        verbose_name=_("撤回人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    # Last year's evidence reused for this year's item (沿用): a row of its own pointing at the
    # same stored file, so that withdrawing the reuse never touches last year's record.
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("沿用自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reuses",
    )

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, line__isnull=True)
                | Q(item__isnull=True, line__isnull=False),
                name="evidence_has_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def year(self) -> int:
        """The year of the rating or assessment the file supports (select `item__rating` or
        `line__assessment`)."""
        if self.item_id is not None:
            return self.item.rating.year_id
        return self.line.assessment.year_id

    @property
    def reused_year(self) -> int | None:
        """The year whose evidence this file reuses (select `reused_from__item__rating` or
        `reused_from__line__assessment`)."""
        return None if self.reused_from_id is None else self.reused_from.year
