"""The history: one event per decision, with who, when, from which state to which."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import EventAction
from .accounts import User
from .assessments import Assessment
from .designations import Designation
from .guidance import GuidanceCase
from .notices import Notice, Objection
from .plaques import Plaque
from .programme import RatingYear
from .stars import StarItem, StarRating
from .units import Unit


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
    notice = models.ForeignKey(
        Notice, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    objection = models.ForeignKey(
        Objection, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"
