"""The daily digest (每日待办提醒): one row per user and day, so that sending twice sends once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import User
from .events import Event


class Reminder(models.Model):
    """One user's digest of one day: the inbox entry (an event) and when it was e-mailed."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="reminders"
    )
    day = models.DateField(_("日期"))
    event = models.OneToOneField(
        Event, verbose_name=_("通知"), on_delete=models.PROTECT, related_name="reminder"
    )
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("每日待办提醒")
        verbose_name_plural = _("每日待办提醒")
        ordering = ["-day", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_reminder_per_user_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
