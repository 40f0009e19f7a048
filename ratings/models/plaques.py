"""Plaques of ten-star communities."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .accounts import User
from .base import Revocable
from .programme import RatingYear
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

    def __str__(self) -> str:
        return self.number
