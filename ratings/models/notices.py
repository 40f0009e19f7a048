"""Public notice (公示) of a proposed list, objections (异议) to it, and the official calendar
of working days the notice window is counted on."""

from __future__ import annotations

import secrets
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import CalendarSource, NoticeKind, NoticePhase, ObjectionStatus
from .accounts import User
from .assessments import Assessment
from .base import RealNameCase
from .programme import Authority, Domain, RatingYear
from .regions import Region
from .stars import StarRating


class CalendarYear(models.Model):
    """A year whose holidays and swapped working days are entered; a notice window may only
    reach years listed here (an unlisted year would count its holidays as working days)."""

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=CalendarSource.choices, default=CalendarSource.ADMIN
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("节假日年份")
        verbose_name_plural = _("节假日年份")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class OfficialDay(models.Model):
    """A day that breaks the Monday-to-Friday rule: a statutory holiday on a weekday, or a
    weekend day worked in exchange (调休上班)."""

    date = models.DateField(_("日期"), primary_key=True)
    is_working_day = models.BooleanField(
        _("调休上班"), default=False, help_text=_("勾选：周末调休上班；不勾选：法定节假日休息。")
    )
    name = models.CharField(_("节日"), max_length=30)

    class Meta:
        verbose_name = _("法定节假日和调休")
        verbose_name_plural = _("法定节假日和调休")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Notice(models.Model):
    """公示: a proposed list shown to the public for a number of working days before naming."""

    kind = models.CharField(_("公示类型"), max_length=10, choices=NoticeKind.choices)
    year = models.ForeignKey(
        RatingYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="notices"
    )
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("创建领域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    title = models.CharField(_("公示标题"), max_length=100)
    body = models.TextField(_("公示说明"), max_length=4000)
    contact = models.CharField(_("异议受理联系方式"), max_length=200, blank=True)
    # The naming a batch proposes (empty for the ten-star list).
    naming_title = models.CharField(_("拟命名称号"), max_length=60, blank=True)
    naming_tier = models.CharField(_("等次"), max_length=30, blank=True)
    naming_batch = models.CharField(_("批次"), max_length=30, blank=True)
    starts_on = models.DateField(_("公示开始日期"))
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    # The last working day of the window, counted on the official calendar when the notice
    # was opened; stored so that a later edit of the calendar never moves a published window.
    ends_on = models.DateField(_("公示截止日期"))
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )
    # When the list was named (a batch) or published (a year's list) after the notice.
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(kind=NoticeKind.TEN_STAR),
                name="one_ten_star_notice_per_year",
            ),
            models.CheckConstraint(
                condition=Q(working_days__gte=1, working_days__lte=60),
                name="notice_window_1_60",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="notice_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["year", "kind"], name="notice_year_kind")]

    def __str__(self) -> str:
        return self.title

    def phase(self, today: date) -> NoticePhase:
        if today < self.starts_on:
            return NoticePhase.UPCOMING
        if today <= self.ends_on:
            return NoticePhase.OPEN
        return NoticePhase.CLOSED


class NoticeEntry(models.Model):
    """One line of a notice's list: a ten-star rating, or a unit's assessment proposed for naming."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="entries"
    )
    rating = models.ForeignKey(
        StarRating,
        verbose_name=_("星级评定"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice_entries",
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("测评"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice_entries",
    )
    # As the public sees it (a household masked), kept as it was put on notice.
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removed_reason = models.TextField(_("移出理由"), blank=True)

    class Meta:
        verbose_name = _("公示名单条目")
        verbose_name_plural = _("公示名单条目")
        ordering = ["notice_id", "region_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "rating"], name="one_entry_per_rating"),
            models.UniqueConstraint(
                fields=["notice", "assessment"], name="one_entry_per_assessment"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=False, assessment__isnull=True)
                | Q(rating__isnull=True, assessment__isnull=False),
                name="entry_has_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


# Receipts are read aloud and typed from paper: no 0/O, 1/I/L.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 10


def new_receipt(year: int, prefix: str = "YY") -> str:
    """A receipt number nobody can guess (31^10 ≈ 8×10^14), so that it alone shows the status:
    YY- for an objection (异议), FY- for a resident's report (反映)."""
    tail = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{prefix}-{year}-{tail}"


def objection_path(instance: Objection, filename: str) -> str:
    # The stored name is random: nothing the objector chose reaches the file system.
    return f"objections/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}{instance.evidence_ext}"


class Objection(RealNameCase):
    """异议: a real-name objection to one entry of a notice, and its recorded finding.

    The objector's name and phone are personal data: only staff pages show them."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        NoticeEntry, verbose_name=_("异议对象"), on_delete=models.PROTECT, related_name="objections"
    )
    facts = models.TextField(_("异议事实和理由"), max_length=2000)
    evidence = models.FileField(_("证明材料"), upload_to=objection_path, max_length=200, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.RECEIVED,
    )
    assigned_to = models.ForeignKey(
        Authority,
        verbose_name=_("核查单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
    )
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["notice", "status"], name="objection_notice_status"),
            models.Index(fields=["status", "submitted_at"], name="objection_queue"),
        ]

    @property
    def is_found(self) -> bool:
        return self.status in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED)
