"""命名: units that met their domain's standard, named on the honour roll."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .accounts import User
from .assessments import Assessment
from .base import Revocable
from .programme import RatingYear
from .regions import Region
from .units import FAMILY_DOMAIN, Unit, mask_household


class Designation(Revocable):
    """命名: a unit that met its domain's standard named on the honour roll."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("创建单位"), on_delete=models.PROTECT, related_name="designations"
    )
    year = models.ForeignKey(
        RatingYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="designations"
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("依据测评"),
        on_delete=models.PROTECT,
        related_name="designations",
    )
    # The unit as it was named: the honour roll is a public record, so renaming or moving the
    # unit later changes the register, not what was published.
    unit_name = models.CharField(_("命名时名称"), max_length=100)
    unit_region = models.ForeignKey(
        Region,
        verbose_name=_("命名时所在区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_address = models.CharField(_("命名时地址"), max_length=200, blank=True)
    title = models.CharField(_("称号"), max_length=60)
    tier = models.CharField(_("等次"), max_length=30, blank=True)
    batch = models.CharField(_("批次"), max_length=30, blank=True)
    document_number = models.CharField(_("文号"), max_length=60)
    designated_on = models.DateField(_("命名日期"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("命名")
        verbose_name_plural = _("命名")
        ordering = ["-year", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=Q(revoked_at__isnull=True),
                name="one_valid_designation_per_year",
            ),
            models.CheckConstraint(condition=~Q(unit_name=""), name="designation_keeps_unit_name"),
        ]
        indexes = [
            models.Index(fields=["year", "revoked_at"], name="designation_year"),
            # The public roll filters by the region a unit was named in, and orders by it.
            models.Index(fields=["unit_region", "id"], name="designation_named_region"),
            # The roll of one year, in its order (region, id), valid designations only.
            models.Index(
                fields=["year", "unit_region", "id"],
                condition=Q(revoked_at__isnull=True),
                name="designation_roll_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.title}"

    @property
    def public_name(self) -> str:
        """The name as named, as anyone may see it: a household shows only its family name.
        (A unit's domain cannot change once it has been assessed, so it is the unit's.)"""
        if self.unit.domain_id == FAMILY_DOMAIN:
            return mask_household(self.unit_name)
        return self.unit_name
