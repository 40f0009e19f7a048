"""Portal accounts: a role decides what a user may do, a region or authority where."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import RegionLevel, Role
from .programme import Authority
from .regions import Region


class User(AbstractUser):
    """A portal account. Its role decides what it may do, its region or authority where."""

    display_name = models.CharField(_("姓名"), max_length=40, blank=True)
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("负责区域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessors",
        help_text=_(
            "评定员只能处理该区域内的社区(村)；填报员指定本社区(村)，初审员指定本街道(镇)。"
        ),
    )
    # A filer of a creation-domain unit (its contact) instead of a community: exactly one of
    # `region` and `unit` is set for a filer.
    unit = models.ForeignKey(
        "ratings.Unit",
        verbose_name=_("所属创建单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        help_text=_("创建单位的填报员指定本单位，不指定负责区域。"),
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("所属认定机关"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    # The daily digest (每日待办提醒) always goes to the inbox; by e-mail unless turned off.
    reminder_email = models.BooleanField(
        _("接收每日提醒邮件"),
        default=True,
        help_text=_("每天把待办事项和三天内到期的截止日期发到邮箱；通知栏始终可见。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.ASSESSOR) | Q(region__isnull=False),
                name="assessor_has_region",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.PREREVIEWER) | Q(region__isnull=False),
                name="prereviewer_has_region",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.FILER)
                | Q(region__isnull=False, unit__isnull=True)
                | Q(region__isnull=True, unit__isnull=False),
                name="filer_has_region_or_unit",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(role=Role.FILER),
                name="only_filers_have_unit",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.CERTIFIER) | Q(authority__isnull=False),
                name="certifier_has_authority",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.ASSESSOR and self.region_id is None:
            raise ValidationError({"region": _("评定员必须指定负责区域。")})
        if self.role == Role.FILER and self.region_id is not None and self.unit_id is not None:
            raise ValidationError(
                {"unit": _("填报员只能指定一个社区(村)或一个创建单位，不能同时指定。")}
            )
        if (
            self.role == Role.FILER
            and self.unit_id is None
            and (self.region is None or not self.region.is_village_level)
        ):
            raise ValidationError({"region": _("填报员必须指定一个社区(村)或一个创建单位。")})
        if self.role != Role.FILER and self.unit_id is not None:
            raise ValidationError({"unit": _("只有填报员可以指定创建单位。")})
        if self.role == Role.PREREVIEWER and (
            self.region is None or self.region.level != RegionLevel.TOWN
        ):
            raise ValidationError({"region": _("初审员必须指定一个街道(镇)。")})
        if self.role == Role.CERTIFIER and self.authority_id is None:
            raise ValidationError({"authority": _("认定机关人员必须指定所属认定机关。")})

    @property
    def portal_role(self) -> str:
        """The role the portal treats the user as: an administrator (a superuser too) holds the
        admin role and no other, whatever else the account says. The views' guards
        (`permissions.holds_role`) and the properties below all ask this."""
        return Role.ADMIN if self.is_portal_admin else self.role

    @property
    def is_assessor(self) -> bool:
        return self.portal_role == Role.ASSESSOR

    @property
    def is_filer(self) -> bool:
        """社区(村)填报员: fills in and files its own community's self-assessment."""
        return self.portal_role == Role.FILER and self.unit_id is None

    @property
    def role_label(self) -> str:
        """The role as people say it: a filer of a unit is the unit's, not a community's."""
        if self.is_unit_filer:
            return _("创建单位填报员")
        return self.get_role_display()

    @property
    def is_unit_filer(self) -> bool:
        """创建单位填报员: fills in and files its own unit's self-assessment."""
        return self.portal_role == Role.FILER and self.unit_id is not None

    @property
    def is_prereviewer(self) -> bool:
        """街道/镇初审员: checks its town's applications first."""
        return self.portal_role == Role.PREREVIEWER

    @property
    def is_applicant_side(self) -> bool:
        """The community and town roles of the application-led chain."""
        return self.is_filer or self.is_prereviewer

    @property
    def is_certifier(self) -> bool:
        return self.portal_role == Role.CERTIFIER

    @property
    def is_portal_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser
