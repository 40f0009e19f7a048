"""Regions: the tree of statistical division codes, and ranges of codes for subtrees."""

from __future__ import annotations

import functools
import operator

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import (
    PREFIX_LENGTH,
    CodeSource,
    RegionKind,
    RegionLevel,
)


def code_range(prefix: str) -> tuple[str, str]:
    """The lowest and highest 12-digit codes that start with `prefix`.

    Codes have a fixed length and only digits, so every collation orders them like numbers, and a
    subtree is a plain range on an ordinary index: no LIKE, no recursive query, at any scale.
    """
    return prefix.ljust(12, "0"), prefix.ljust(12, "9")


def within_q(prefix: str, field: str = "code") -> Q:
    low, high = code_range(prefix)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


class RegionQuerySet(models.QuerySet):
    def within(self, region: Region) -> RegionQuerySet:
        """Regions inside `region`, itself included."""
        return self.filter(within_q(region.prefix))

    def villages(self) -> RegionQuerySet:
        return self.filter(level=RegionLevel.VILLAGE)


# Which kinds of region each level holds, as the statistical division codes use them. A
# development zone (开发区、园区) sits at town level in Wuhai and at county level in some cities.
KINDS_BY_LEVEL = {
    RegionLevel.PROVINCE: (RegionKind.PROVINCE,),
    RegionLevel.CITY: (RegionKind.CITY,),
    RegionLevel.COUNTY: (RegionKind.DISTRICT, RegionKind.COUNTY, RegionKind.ZONE),
    RegionLevel.TOWN: (RegionKind.STREET, RegionKind.TOWN, RegionKind.TOWNSHIP, RegionKind.ZONE),
    RegionLevel.VILLAGE: (RegionKind.COMMUNITY, RegionKind.VILLAGE, RegionKind.GACHA),
}
# The top of a tree: the portal serves one city (Wuhai) or a whole province.
ROOT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY)


class Region(models.Model):
    code = models.CharField(
        _("区划代码"),
        max_length=12,
        primary_key=True,
        validators=[RegexValidator(r"^\d{12}$", _("区划代码应为12位数字。"))],
    )
    name = models.CharField(_("名称"), max_length=60)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices)
    kind = models.CharField(_("类别"), max_length=12, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code_source = models.CharField(
        _("代码来源"), max_length=10, choices=CodeSource.choices, default=CodeSource.NBS
    )
    active = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{12}$"), name="region_code_12_digits"
            ),
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_,
                    (Q(level=level, kind__in=kinds) for level, kinds in KINDS_BY_LEVEL.items()),
                ),
                name="region_kind_fits_level",
                violation_error_message=_("区划的类别与层级不符。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The tree must stay a tree of codes: a region's code lies inside its parent's range,
        one level below it, and its kind fits its level; every range query relies on it."""
        super().clean()
        if self.level not in RegionLevel.values or not self.code:
            return  # the fields' own validation reports these
        level = RegionLevel(self.level)
        errors: dict[str, str] = {}
        if self.kind in RegionKind.values and self.kind not in KINDS_BY_LEVEL[level]:
            errors["kind"] = _("%(level)s区划的类别应为%(allowed)s，不能是%(kind)s。") % {
                "level": level.label,
                "allowed": "、".join(str(kind.label) for kind in KINDS_BY_LEVEL[level]),
                "kind": RegionKind(self.kind).label,
            }
        if self.code[PREFIX_LENGTH[level] :].strip("0"):
            errors["code"] = _(
                "%(level)s区划的代码只有前 %(digits)s 位有内容，其余各位应为 0（收到 %(code)s）。"
            ) % {"level": level.label, "digits": PREFIX_LENGTH[level], "code": self.code}
        parent = self.parent if self.parent_id else None
        if parent is None:
            if level not in ROOT_LEVELS:
                errors["parent"] = _("%(level)s区划必须有上级区划。") % {"level": level.label}
        elif parent.pk == self.code:
            errors["parent"] = _("区划不能以自己为上级。")
        elif parent.level != level - 1:
            errors["parent"] = _(
                "上级区划“%(parent)s”是%(parent_level)s，%(level)s区划的上级应为%(expected)s。"
            ) % {
                "parent": parent.name,
                "parent_level": RegionLevel(parent.level).label,
                "level": level.label,
                "expected": RegionLevel(level - 1).label if level > 1 else "—",
            }
        elif not parent.contains(self.code):
            errors.setdefault(
                "code",
                _("区划代码 %(code)s 不在上级区划“%(parent)s”的代码范围（%(prefix)s 开头）内。")
                % {"code": self.code, "parent": parent.name, "prefix": parent.prefix},
            )
        if not self._state.adding:  # a new region has no stored level (nor children)
            stored = Region.objects.filter(pk=self.pk).values_list("level", flat=True).first()
            if stored is not None and stored != level and self.children.exists():
                errors["level"] = _("这个区划已有下级区划，不能改变它的层级。")
        if errors:
            raise ValidationError(errors)

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)

    @property
    def is_village_level(self) -> bool:
        return self.level == RegionLevel.VILLAGE
