"""What several aggregates share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import User


class Revocable(models.Model):
    """Something valid until revoked, with who revoked it, when and why (plaques, namings)."""

    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("撤销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_reason = models.TextField(_("撤销理由"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class RealNameCase(models.Model):
    """A real-name submission from the public (an objection, a resident's report): its receipt,
    the person's name and phone (personal data: only staff pages show them), an optional file,
    and the finding recorded on it. Each kind adds what it concerns, its facts and its status,
    and its own `evidence` file field (each stores under a folder of its own)."""

    receipt = models.CharField(_("回执编号"), max_length=20, unique=True)
    name = models.CharField(_("姓名"), max_length=30)
    phone = models.CharField(_("联系电话"), max_length=20)
    evidence_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    evidence_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    evidence_ext = models.CharField(_("扩展名"), max_length=8, blank=True)
    evidence_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
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
        abstract = True

    def __str__(self) -> str:
        return self.receipt
