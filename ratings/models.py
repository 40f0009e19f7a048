"""The data of the programme: reference data, users with their scope, ten-star ratings and events.

State changes live in `ratings.workflow`; models hold data, constraints and small derived values.
"""

from __future__ import annotations

import functools
import operator
import secrets
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    PREFIX_LENGTH,
    AssessmentStatus,
    CodeSource,
    EventAction,
    GuidanceStatus,
    ItemStatus,
    Outcome,
    RatingStatus,
    RegionKind,
    RegionLevel,
    Role,
    YearStatus,
)

STAR_COUNT = 10


# --------------------------------------------------------------------------------------------
# Regions


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
        if self.pk:
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


# --------------------------------------------------------------------------------------------
# Reference data of the programme


class Authority(models.Model):
    """A certifying authority (认定机关), and the lead department (牵头单位) of creation domains."""

    code = models.SlugField(_("代码"), max_length=30, primary_key=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    short_name = models.CharField(_("简称"), max_length=20)
    region = models.ForeignKey(
        Region,
        verbose_name=_("辖区"),
        on_delete=models.PROTECT,
        related_name="authorities",
        help_text=_("本机关认定的社区(村)范围。"),
    )
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("认定机关")
        verbose_name_plural = _("认定机关")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    """One of the ten creation domains of 十小平安."""

    code = models.SlugField(_("代码"), max_length=20, primary_key=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    unit_noun = models.CharField(_("创建对象"), max_length=60)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    pass_threshold = models.PositiveSmallIntegerField(
        _("达标分数线"),
        default=90,
        validators=[MaxValueValidator(100)],
        help_text=_("总分达到此分数且一票否决项全部满足，即为达到创建标准。"),
    )
    lead_authority = models.ForeignKey(
        Authority,
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_domains",
        help_text=_("审核本领域测评的部门。"),
    )

    class Meta:
        verbose_name = _("创建领域")
        verbose_name_plural = _("创建领域")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class WorkArea(models.Model):
    """One of the seven kinds of key work that group the criteria."""

    code = models.SlugField(_("代码"), max_length=20, primary_key=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("重点工作")
        verbose_name_plural = _("重点工作")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One line of a domain's creation standard. A new version of a criterion is a new code."""

    code = models.SlugField(_("编号"), max_length=30, unique=True)
    domain = models.ForeignKey(
        Domain, verbose_name=_("创建领域"), on_delete=models.PROTECT, related_name="criteria"
    )
    work_area = models.ForeignKey(
        WorkArea, verbose_name=_("重点工作"), on_delete=models.PROTECT, related_name="criteria"
    )
    text = models.TextField(_("标准内容"))
    points = models.PositiveSmallIntegerField(
        _("分值"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_veto = models.BooleanField(
        _("一票否决"), default=False, help_text=_("未得满分即不达标，无论总分多少。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    is_sample = models.BooleanField(
        _("示例标准"),
        default=False,
        help_text=_("随系统提供的示例条目；导入正式标准后应停用。"),
    )

    class Meta:
        verbose_name = _("创建标准条目")
        verbose_name_plural = _("创建标准条目")
        ordering = ["domain__order", "order", "code"]
        indexes = [
            models.Index(fields=["domain", "active", "order"], name="criterion_domain_order")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=1, points__lte=100), name="criterion_points_1_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"

    # What a submitted assessment relies on; only `active` and `order` may change once used.
    LOCKED_FIELDS = ("code", "domain_id", "work_area_id", "text", "points", "is_veto")

    def is_in_use(self) -> bool:
        """Whether an assessment that left the draft stage scored against this criterion."""
        return (
            self.pk is not None
            and self.lines.exclude(assessment__status=AssessmentStatus.DRAFT).exists()
        )

    def clean(self) -> None:
        super().clean()
        if self.pk is None or not self.is_in_use():
            return
        stored = Criterion.objects.filter(pk=self.pk).values(*self.LOCKED_FIELDS).first()
        changed = [
            name for name in self.LOCKED_FIELDS if stored and stored[name] != getattr(self, name)
        ]
        if changed:
            labels = "、".join(
                str(self._meta.get_field(name.removesuffix("_id")).verbose_name) for name in changed
            )
            raise ValidationError(
                _(
                    "标准条目 %(code)s 已被提交的测评使用，不能修改%(fields)s；"
                    "如需修订，请停用本条并以新编号新增一条。"
                )
                % {"code": stored["code"], "fields": labels}
            )


class StarStandard(models.Model):
    """One of the ten standards of the ten-star rating, and the authority that certifies it."""

    number = models.PositiveSmallIntegerField(
        _("序号"),
        primary_key=True,
        validators=[MinValueValidator(1), MaxValueValidator(STAR_COUNT)],
    )
    name = models.CharField(_("标准"), max_length=30, unique=True)
    description = models.TextField(_("说明"), blank=True)
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("认定机关"),
        on_delete=models.PROTECT,
        related_name="standards",
    )

    class Meta:
        verbose_name = _("星级标准")
        verbose_name_plural = _("星级标准")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=STAR_COUNT), name="standard_number_1_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class RatingYear(models.Model):
    year = models.PositiveSmallIntegerField(
        _("年度"), primary_key=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=YearStatus.choices, default=YearStatus.OPEN
    )
    opened_at = models.DateTimeField(_("开启时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评星年度")
        verbose_name_plural = _("评星年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return _("%(year)s年度") % {"year": self.year}

    @property
    def is_open(self) -> bool:
        return self.status == YearStatus.OPEN


# --------------------------------------------------------------------------------------------
# People


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
        help_text=_("评定员只能处理该区域内的社区(村)。"),
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("所属认定机关"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
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
        if self.role == Role.CERTIFIER and self.authority_id is None:
            raise ValidationError({"authority": _("认定机关人员必须指定所属认定机关。")})

    @property
    def is_assessor(self) -> bool:
        return self.role == Role.ASSESSOR

    @property
    def is_certifier(self) -> bool:
        return self.role == Role.CERTIFIER

    @property
    def is_portal_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


# --------------------------------------------------------------------------------------------
# Ten-star ratings


class StarRating(models.Model):
    """One community's rating for one year: ten items, one per standard."""

    community = models.ForeignKey(
        Region, verbose_name=_("社区(村)"), on_delete=models.PROTECT, related_name="star_ratings"
    )
    year = models.ForeignKey(
        RatingYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="ratings"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RatingStatus.choices, default=RatingStatus.DRAFT
    )
    # Endorsed items so far; final once the rating is certified. Stored so that lists and
    # statistics never count items row by row.
    stars = models.PositiveSmallIntegerField(_("星数"), default=0)
    # Bumped by every write; a form carries the version it was read at, and a save against an
    # older version is refused instead of overwriting someone else's work.
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        User, verbose_name=_("最后修改人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    certified_at = models.DateTimeField(_("认定完成时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("取消资格时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("取消资格操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_reason = models.TextField(_("取消资格理由"), blank=True)
    # On the commendation list (通报表扬) as it was published with the year: set once, at
    # publication, and never cleared, so a later revocation annotates the list, not shortens it.
    commended = models.BooleanField(_("列入通报表扬"), default=False)

    class Meta:
        verbose_name = _("星级评定")
        verbose_name_plural = _("星级评定")
        ordering = ["community_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "community"], name="one_rating_per_year"),
            models.CheckConstraint(
                condition=Q(stars__gte=0, stars__lte=STAR_COUNT), name="rating_stars_0_10"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "status", "community"], name="rating_year_status"),
            models.Index(fields=["year", "stars", "community"], name="rating_year_stars"),
            models.Index(
                fields=["year", "community"],
                condition=Q(commended=True),
                name="rating_commended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year_id}"

    @property
    def is_certified(self) -> bool:
        return self.status == RatingStatus.CERTIFIED

    @property
    def is_revoked(self) -> bool:
        return self.status == RatingStatus.REVOKED

    @property
    def is_ten_star(self) -> bool:
        return self.is_certified and self.stars == STAR_COUNT

    @property
    def is_editable(self) -> bool:
        """Whether the assessor may still change findings: a draft, or returned for more."""
        return self.status in (RatingStatus.DRAFT, RatingStatus.RETURNED)

    @property
    def outcome(self) -> Outcome | None:
        """The band a certified rating falls in; None while decisions are outstanding."""
        if not self.is_certified:
            return None
        return outcome_for(self.stars)


def outcome_for(stars: int) -> Outcome:
    if stars == STAR_COUNT:
        return Outcome.TEN_STARS
    if stars >= 6:
        return Outcome.SIX_TO_NINE
    return Outcome.GUIDANCE


class StarItem(models.Model):
    """The finding for one standard of one rating, and the authority's decision on it."""

    rating = models.ForeignKey(
        StarRating, verbose_name=_("星级评定"), on_delete=models.PROTECT, related_name="items"
    )
    standard = models.ForeignKey(
        StarStandard, verbose_name=_("标准"), on_delete=models.PROTECT, related_name="items"
    )
    met = models.BooleanField(_("是否达标"), null=True, blank=True)
    note = models.TextField(_("评定说明"), blank=True, max_length=2000)
    status = models.CharField(
        _("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.DRAFT
    )
    decision_reason = models.TextField(_("认定意见"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("认定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    # When the item last entered an authority's queue; the queue is read in this order.
    pending_since = models.DateTimeField(_("提交认定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("星级评定项")
        verbose_name_plural = _("星级评定项")
        ordering = ["rating_id", "standard_id"]
        constraints = [
            models.UniqueConstraint(fields=["rating", "standard"], name="one_item_per_standard"),
        ]
        indexes = [
            models.Index(fields=["standard", "status", "pending_since"], name="item_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.rating} · {self.standard}"

    @property
    def is_editable(self) -> bool:
        """Whether the assessor may still change the finding."""
        return self.status in (ItemStatus.DRAFT, ItemStatus.RETURNED)

    @property
    def is_final(self) -> bool:
        return self.status in (ItemStatus.ENDORSED, ItemStatus.REJECTED, ItemStatus.NOT_MET)


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


class GuidanceCase(models.Model):
    """Supervised guidance (督促指导) of a community certified at five stars or fewer."""

    rating = models.OneToOneField(
        StarRating, verbose_name=_("星级评定"), on_delete=models.PROTECT, related_name="guidance"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=GuidanceStatus.choices, default=GuidanceStatus.OPEN
    )
    measures = models.TextField(_("整改措施"), blank=True, max_length=4000)
    responsible_person = models.CharField(_("责任人"), max_length=60, blank=True)
    due_date = models.DateField(_("整改期限"), null=True, blank=True)
    outcome = models.TextField(_("结案情况"), blank=True, max_length=4000)
    version = models.PositiveIntegerField(_("版本"), default=1)
    opened_at = models.DateTimeField(_("列入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        User, verbose_name=_("最后修改人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User,
        verbose_name=_("结案人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("督促指导")
        verbose_name_plural = _("督促指导")
        ordering = ["status", "due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="guidance_status_due")]

    def __str__(self) -> str:
        return str(self.rating)

    def is_overdue(self, today: date) -> bool:
        return (
            self.status == GuidanceStatus.OPEN
            and self.due_date is not None
            and self.due_date < today
        )


class GuidanceNote(models.Model):
    """A follow-up note on a guidance case; notes are only ever added."""

    case = models.ForeignKey(
        GuidanceCase, verbose_name=_("督促指导"), on_delete=models.PROTECT, related_name="notes"
    )
    text = models.TextField(_("跟进情况"), max_length=4000)
    author = models.ForeignKey(
        User, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督促指导跟进记录")
        verbose_name_plural = _("督促指导跟进记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


# --------------------------------------------------------------------------------------------
# The ten creation domains: units, assessments, designations

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


class Assessment(models.Model):
    """A unit's yearly assessment against its domain's criteria, and the lead department's review."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("创建单位"), on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.ForeignKey(
        RatingYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    total_points = models.PositiveSmallIntegerField(_("总分"), default=0)
    meets_standard = models.BooleanField(_("达到创建标准"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        User, verbose_name=_("最后修改人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("创建测评")
        verbose_name_plural = _("创建测评")
        ordering = ["-year", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_assessment_per_year"),
        ]
        indexes = [
            models.Index(fields=["year", "status"], name="assessment_year_status"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year_id}"

    @property
    def is_editable(self) -> bool:
        return self.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


class AssessmentLine(models.Model):
    """Points for one criterion. The criterion's code, wording, points and veto flag are copied
    in, so later edits of the criteria never change an assessment that was submitted."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("创建测评"), on_delete=models.PROTECT, related_name="lines"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("标准条目"), on_delete=models.PROTECT, related_name="lines"
    )
    criterion_code = models.CharField(_("编号"), max_length=30)
    criterion_text = models.TextField(_("标准内容"))
    max_points = models.PositiveSmallIntegerField(_("分值"))
    is_veto = models.BooleanField(_("一票否决"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    points = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("测评条目")
        verbose_name_plural = _("测评条目")
        ordering = ["assessment_id", "order", "criterion_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_line_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0, points__lte=F("max_points")),
                name="line_points_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_code} {self.points}/{self.max_points}"

    @property
    def veto_failed(self) -> bool:
        return self.is_veto and self.points is not None and self.points < self.max_points


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


class Event(models.Model):
    """One line of history: who did what, when, from which state to which, and why."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=30, choices=EventAction.choices)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    # Long enough for a unit's changed fields, each before and after.
    detail = models.CharField(_("摘要"), max_length=1000, blank=True)
    year = models.ForeignKey(
        RatingYear, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    rating = models.ForeignKey(
        StarRating, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    item = models.ForeignKey(
        StarItem, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    plaque = models.ForeignKey(
        Plaque, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    guidance = models.ForeignKey(
        GuidanceCase, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    designation = models.ForeignKey(
        Designation, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


# --------------------------------------------------------------------------------------------
# Figures kept as they were published


class StarSnapshot(models.Model):
    """How many communities of a region held each number of stars when a year was published:
    eleven rows (0–10 stars) for the top of the region tree and for each region below it.
    Written with the publication; a later revocation or reinstatement does not change it."""

    year = models.ForeignKey(
        RatingYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="star_snapshots"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    stars = models.PositiveSmallIntegerField(_("星数"))
    count = models.PositiveIntegerField(_("数量"))

    class Meta:
        verbose_name = _("公布时星级分布")
        verbose_name_plural = _("公布时星级分布")
        ordering = ["year", "region", "stars"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "stars"], name="one_star_count_per_region"
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=0, stars__lte=STAR_COUNT), name="snapshot_stars_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year_id} {self.region_id} {self.stars}★ {self.count}"


class CoverageSnapshot(models.Model):
    """Units of one domain in one region when a year was published: registered, assessed and
    meeting the standard. One row per domain and region where units are registered (a town or a
    community); larger regions add them up. Written with the publication, so registering,
    moving or deactivating units later leaves the published figures as they were.

    How many were named is not kept here: designations keep what they named themselves (see
    `coverage.grouped_counts`)."""

    year = models.ForeignKey(
        RatingYear,
        verbose_name=_("年度"),
        on_delete=models.PROTECT,
        related_name="coverage_snapshots",
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("创建领域"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    registered = models.PositiveIntegerField(_("登记"), default=0)
    assessed = models.PositiveIntegerField(_("已测评"), default=0)
    meeting = models.PositiveIntegerField(_("达标"), default=0)

    class Meta:
        verbose_name = _("公布时创建覆盖")
        verbose_name_plural = _("公布时创建覆盖")
        ordering = ["year", "domain", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "domain", "region"], name="one_coverage_row_per_region"
            ),
            models.CheckConstraint(
                condition=Q(assessed__lte=F("registered"), meeting__lte=F("assessed")),
                name="coverage_figures_nested",
            ),
        ]
        # A region's figures are a range of region codes within a year.
        indexes = [models.Index(fields=["year", "region"], name="coverage_snapshot_region")]

    def __str__(self) -> str:
        return f"{self.year_id} {self.domain_id} {self.region_id}"


class PublicDataVersion(models.Model):
    """One row counting changes to what the public site shows (publication, revocations,
    plaques, designations). Public statistics are cached under this number, so every web
    worker sees a change at once, whatever cache it has."""

    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("公开数据版本")
        verbose_name_plural = _("公开数据版本")

    def __str__(self) -> str:
        return str(self.version)
