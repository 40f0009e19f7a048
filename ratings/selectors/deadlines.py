"""Deadlines as the pages show them: the stages a user works in with their last days, the
overdue marks of a page of the work list, and the extensions of a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from .. import permissions
from ..choices import RatingMode, Stage
from ..models import (
    DeadlineExtension,
    DistrictMode,
    RatingYear,
    Region,
    User,
    district_code_of,
    stage_of,
)


@dataclass
class Deadline:
    """One stage's last day as a page shows it (extended for one community, if so)."""

    stage: Stage
    due: date | None
    extended_until: date | None = None

    @property
    def last_day(self) -> date | None:
        return self.extended_until or self.due

    @property
    def passed(self) -> bool:
        return self.last_day is not None and self.last_day < timezone.localdate()


def deadline_list(
    *, year: RatingYear, stages: list[Stage], community: Region | None = None
) -> list[Deadline]:
    """The deadlines of `stages` in `year` that are set; the apply deadline with the
    community's extension when one is given (a query then)."""
    deadlines = [Deadline(stage, year.due(stage)) for stage in stages if year.due(stage)]
    if community is not None and any(d.stage == Stage.APPLY for d in deadlines):
        extension = DeadlineExtension.objects.filter(year=year, community=community).first()
        for deadline in deadlines:
            if deadline.stage == Stage.APPLY and extension is not None:
                deadline.extended_until = extension.until
    return deadlines


def deadline_list_for_user(*, user: User, year: RatingYear) -> list[Deadline]:
    """The deadlines of the stages the user works in; a filer's with its community's
    extension."""
    return deadline_list(
        year=year,
        stages=permissions.deadline_stages(user),
        community=permissions.filing_community(user),
    )


def mark_overdue(*, year: RatingYear, rows) -> None:
    """Set `overdue` (and `due`) on each community of a page of the work list (annotated with
    its rating's status and `rating_application_led`): whether the stage it is in ended before
    today. Two queries, whatever the page."""
    rows = list(rows)
    today = timezone.localdate()
    if not rows or not any(year.due(stage) for stage in Stage) or not year.is_open:
        for row in rows:
            row.overdue, row.due = False, None
        return
    led = set(
        DistrictMode.objects.filter(year=year, mode=RatingMode.APPLICATION).values_list(
            "district_id", flat=True
        )
    )
    extended = dict(
        DeadlineExtension.objects.filter(
            year=year, community_id__in=[row.code for row in rows]
        ).values_list("community_id", "until")
    )
    for row in rows:
        application_led = (
            row.rating_application_led if row.rating_status else district_code_of(row.code) in led
        )
        stage = stage_of(row.rating_status, application_led)
        due = year.due(stage) if stage else None
        if stage == Stage.APPLY and row.code in extended:
            due = max(due, extended[row.code]) if due else extended[row.code]
        if getattr(row, "barred_by", None) and not row.rating_status:
            due = None  # barred from the year: nothing is due
        row.due, row.overdue = due, due is not None and due < today


def extension_list(*, year: RatingYear) -> QuerySet[DeadlineExtension]:
    """The extensions of a year, by community."""
    return (
        DeadlineExtension.objects.filter(year=year)
        .select_related("community__parent__parent", "created_by")
        .order_by("community_id")
    )
