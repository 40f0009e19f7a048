"""The programme's reference data: authorities, domains, work areas, criteria, the ten
star standards and the rating years."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..choices import AssessmentStatus, YearStatus
from .regions import Region

STAR_COUNT = 10


class EnglishNamed:
    """Reference data named in Chinese with an English name beside it: `label` is the name in
    the interface's language (the Chinese one when no English name is set)."""

    def _in_language(self, field: str) -> str:
        english = getattr(self, f"{field}_en", "")
        if english and (get_language() or "").startswith("en"):
            return english
        return getattr(self, field)

    @property
    def label(self) -> str:
        return self._in_language("name")


class Authority(EnglishNamed, models.Model):
    """A certifying authority (认定机关), and the lead department (牵头单位) of creation domains."""

    code = models.SlugField(_("代码"), max_length=30, primary_key=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    short_name = models.CharField(_("简称"), max_length=20)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    short_name_en = models.CharField(_("英文简称"), max_length=40, blank=True)
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

    @property
    def short_label(self) -> str:
        return self._in_language("short_name")


class Domain(EnglishNamed, models.Model):
    """One of the ten creation domains of 十小平安."""

    code = models.SlugField(_("代码"), max_length=20, primary_key=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
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


class WorkArea(EnglishNamed, models.Model):
    """One of the seven kinds of key work that group the criteria."""

    code = models.SlugField(_("代码"), max_length=20, primary_key=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
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


class StarStandard(EnglishNamed, models.Model):
    """One of the ten standards of the ten-star rating, and the authority that certifies it."""

    number = models.PositiveSmallIntegerField(
        _("序号"),
        primary_key=True,
        validators=[MinValueValidator(1), MaxValueValidator(STAR_COUNT)],
    )
    name = models.CharField(_("标准"), max_length=30, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    description = models.TextField(_("说明"), blank=True)
    description_en = models.TextField(_("英文说明"), blank=True)
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

    @property
    def description_label(self) -> str:
        return self._in_language("description")


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
    # The last day of each stage (inclusive); none set means no deadline for that stage.
    apply_due = models.DateField(_("自评申报截止日期"), null=True, blank=True)
    prereview_due = models.DateField(_("街道/镇初审截止日期"), null=True, blank=True)
    review_due = models.DateField(_("区复核截止日期"), null=True, blank=True)
    certify_due = models.DateField(_("认定截止日期"), null=True, blank=True)
    # When the administrator closed the apply stage (applications not filed then lapsed).
    apply_closed_at = models.DateTimeField(_("申报截止操作时间"), null=True, blank=True)
    # Units of the creation domains may assess themselves this year: the unit's filer fills in
    # the assessment, the district's assessor reviews it before the lead department decides.
    unit_self_assessment = models.BooleanField(_("允许创建单位自评"), default=False)

    class Meta:
        verbose_name = _("评星年度")
        verbose_name_plural = _("评星年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return _("%(year)s年度") % {"year": self.year}

    @property
    def is_open(self) -> bool:
        return self.status == YearStatus.OPEN

    def due(self, stage: str) -> date | None:
        """The last day of `stage` (a `Stage` value), or None when no deadline is set."""
        return getattr(self, f"{stage}_due")
