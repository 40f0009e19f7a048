"""Deadlines: which stage a rating is in, whose deadline that is, and the administrator's
extensions of the apply deadline for named communities."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from ..choices import RatingStatus, Stage
from .accounts import User
from .programme import RatingYear
from .regions import Region


class DeadlineExtension(models.Model):
    """The apply deadline extended for one community of one year, with the reason. Extending
    again moves the date (each time an event); the row is never deleted."""

    year = models.ForeignKey(
        RatingYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="extensions"
    )
    community = models.ForeignKey(
        Region, verbose_name=_("社区(村)"), on_delete=models.PROTECT, related_name="extensions"
    )
    until = models.DateField(_("延长至"))
    reason = models.TextField(_("延期理由"), max_length=2000)
    created_at = models.DateTimeField(_("设置时间"), auto_now=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("申报延期")
        verbose_name_plural = _("申报延期")
        ordering = ["year", "community"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "community"], name="one_extension_per_community_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year_id} → {self.until}"


def stage_of(status: str | None, application_led: bool) -> Stage | None:
    """The stage a rating in `status` is in (whose deadline applies), or None when it is past
    them all. A rating not started (None) is in the apply stage in an application-led district,
    else in the district's (the assessor fills it in)."""
    if status in (None, RatingStatus.DRAFT):
        return Stage.APPLY if application_led else Stage.REVIEW
    return STAGE_OF_STATUS.get(status)


STAGE_OF_STATUS = {
    RatingStatus.TOWN_BACK: Stage.APPLY,
    RatingStatus.APPLIED: Stage.PREREVIEW,
    RatingStatus.DIST_BACK: Stage.PREREVIEW,
    RatingStatus.FORWARDED: Stage.REVIEW,
    RatingStatus.RETURNED: Stage.REVIEW,
    RatingStatus.SUBMITTED: Stage.CERTIFY,
}


def stage_q(stage: Stage, prefix: str = "") -> Q:
    """Ratings in `stage` (a filter on StarRating, or on a relation named by `prefix`)."""

    def q(**lookups) -> Q:
        return Q(**{prefix + name: value for name, value in lookups.items()})

    statuses = [status for status, its in STAGE_OF_STATUS.items() if its == stage]
    held = q(status__in=statuses)
    if stage == Stage.APPLY:
        held |= q(status=RatingStatus.DRAFT, application_led=True)
    elif stage == Stage.REVIEW:
        held |= q(status=RatingStatus.DRAFT, application_led=False)
    return held


def extended_q(*, year: RatingYear, today: date, community_field: str = "community_id") -> Q:
    """Communities whose apply deadline is extended to `today` or later (a filter on a model
    whose `community_field`, or an outer reference, names the community)."""
    return Q(
        Exists(
            DeadlineExtension.objects.filter(
                year=year, community_id=OuterRef(community_field), until__gte=today
            )
        )
    )


def overdue_q(*, year: RatingYear, today: date, prefix: str = "") -> Q:
    """Ratings of `year` whose stage's deadline passed before `today` (a filter on StarRating,
    or on a relation named by `prefix`); an extended community is not overdue to apply."""
    overdue = Q(pk__in=[])
    for stage in Stage:
        due = year.due(stage)
        if due is None or due >= today:
            continue
        late = stage_q(stage, prefix)
        if stage == Stage.APPLY:
            late &= ~extended_q(year=year, today=today, community_field=prefix + "community_id")
        overdue |= late
    return overdue
