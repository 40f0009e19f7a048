"""How a district runs a year's ten-star rating: assessor-led (the default) or application-led."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import RatingMode
from .accounts import User
from .programme import RatingYear
from .regions import Region


class DistrictMode(models.Model):
    """The administrator's choice for one district and year; no row means assessor-led."""

    district = models.ForeignKey(
        Region, verbose_name=_("区(县)"), on_delete=models.PROTECT, related_name="rating_modes"
    )
    year = models.ForeignKey(
        RatingYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="modes"
    )
    mode = models.CharField(
        _("评星方式"), max_length=12, choices=RatingMode.choices, default=RatingMode.ASSESSOR
    )
    updated_at = models.DateTimeField(_("设置时间"), auto_now=True)
    updated_by = models.ForeignKey(
        User, verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("区年度评星方式")
        verbose_name_plural = _("区年度评星方式")
        ordering = ["year", "district"]
        constraints = [
            models.UniqueConstraint(fields=["year", "district"], name="one_mode_per_district_year"),
            models.CheckConstraint(
                condition=Q(mode__in=RatingMode.values), name="district_mode_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year_id} {self.get_mode_display()}"


def district_code_of(code: str) -> str:
    """The district (county-level) code above a region code."""
    return code[:6] + "000000"


def is_application_led(*, year: RatingYear, community: Region) -> bool:
    """Whether the community's district runs `year` application-led."""
    return DistrictMode.objects.filter(
        year=year, district_id=district_code_of(community.code), mode=RatingMode.APPLICATION
    ).exists()
