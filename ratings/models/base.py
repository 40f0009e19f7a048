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
