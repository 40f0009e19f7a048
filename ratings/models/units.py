"""Units of the ten creation domains: schools, hotels, households…"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .accounts import User
from .programme import Domain
from .regions import Region

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def validate_credit_code(value: str) -> None:
    """A unified social credit code (统一社会信用代码, GB 32100-2015) with its check character."""
    if len(value) != 18 or any(ch not in CREDIT_CODE_CHARS for ch in value):
        raise ValidationError(
            _("统一社会信用代码应为18位数字或大写字母（不含 I、O、Z、S、V）。"), code="format"
        )
    weighted = zip(value[:17], CREDIT_CODE_WEIGHTS, strict=True)
    total = sum(CREDIT_CODE_CHARS.index(ch) * w for ch, w in weighted)
    if CREDIT_CODE_CHARS[(31 - total % 31) % 31] != value[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对是否输错。"), code="check")


class Unit(models.Model):
    """A school, hotel, household… registered in one domain, in one region."""

    domain = models.ForeignKey(
        Domain, verbose_name=_("创建领域"), on_delete=models.PROTECT, related_name="units"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(
        _("名称"), max_length=100, help_text=_("家庭户填写户主姓名，对外公示时隐去姓名。")
    )
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("单位填写；家庭户不填。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("创建单位")
        verbose_name_plural = _("创建单位")
        ordering = ["domain__order", "region_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="unique_credit_code"
            ),
        ]
        # Lists read units in region order within a domain (or across domains): both indexes
        # hand rows over already sorted, so a page never sorts the whole register.
        indexes = [
            models.Index(fields=["domain", "region", "id"], name="unit_domain_region"),
            models.Index(fields=["region", "id"], name="unit_region"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_household(self) -> bool:
        return self.domain_id == FAMILY_DOMAIN

    @property
    def public_name(self) -> str:
        """The name anyone may see: a household shows only its family name (张**家)."""
        return mask_household(self.name) if self.is_household else self.name


FAMILY_DOMAIN = "family"


def mask_household(name: str) -> str:
    name = name.strip()
    return f"{name[:1]}**家" if name else "**家"
