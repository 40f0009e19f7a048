"""A unit's yearly assessment against its domain's criteria, line by line."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import AssessmentStatus
from .accounts import User
from .programme import Criterion, RatingYear
from .units import Unit


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
    # Started by the unit itself (its filer, in a year that allows it): the unit files it, the
    # district's assessor reviews it. Kept on the assessment, like a rating's application_led.
    unit_led = models.BooleanField(_("单位自评"), default=False)
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
            # The review queue, in the order it is read.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status=AssessmentStatus.SUBMITTED),
                name="assessment_review_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year_id}"

    @property
    def is_editable(self) -> bool:
        """Whether the assessor may change the lines: a draft or returned; for a unit's
        self-assessment, once the unit has filed it (the district's review) or it was returned."""
        if self.unit_led:
            return self.status in (AssessmentStatus.UNIT_FILED, AssessmentStatus.RETURNED)
        return self.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)

    @property
    def is_self_editable(self) -> bool:
        """Whether the unit may still change its self-assessment: before filing, or returned."""
        return self.unit_led and self.status in (AssessmentStatus.DRAFT, AssessmentStatus.UNIT_BACK)


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
    # A unit's self-assessment: its own points and note, and the district's reason for scoring
    # differently (required whenever the points differ).
    self_points = models.PositiveSmallIntegerField(_("自评得分"), null=True, blank=True)
    self_note = models.TextField(_("自评说明"), blank=True, max_length=2000)
    review_reason = models.TextField(_("审核改分理由"), blank=True, max_length=2000)

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
            models.CheckConstraint(
                condition=Q(self_points__isnull=True) | Q(self_points__lte=F("max_points")),
                name="line_self_points_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_code} {self.points}/{self.max_points}"

    @property
    def review_differs(self) -> bool:
        """Whether the district's points differ from the unit's own (a reason is needed)."""
        return (
            self.assessment.unit_led and self.points is not None and self.points != self.self_points
        )

    @property
    def veto_failed(self) -> bool:
        return self.is_veto and self.points is not None and self.points < self.max_points
