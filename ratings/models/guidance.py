"""Supervised guidance (督促指导) of communities certified at five stars or fewer."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ..choices import GuidanceStatus
from .accounts import User
from .stars import StarRating

# Cases without a due date come after every dated one (a key that is never null, for paging).
NO_DUE_DATE = date(9999, 12, 31)


def due_or_last() -> Coalesce:
    """A case's due date, undated cases last: the guidance list's order, after the status and
    before the id, as the back office's list and the `guidance_list_order` index have it."""
    return Coalesce("due_date", models.Value(NO_DUE_DATE))


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
        indexes = [
            models.Index(fields=["status", "due_date"], name="guidance_status_due"),
            # The guidance list's order (undated cases last), which its pages seek along.
            models.Index("status", due_or_last(), "id", name="guidance_list_order"),
        ]

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
