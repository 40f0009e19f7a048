"""Supervised guidance (督促指导) of communities certified at five stars or fewer."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import EventAction, GuidanceStatus
from ..models import GuidanceCase, GuidanceNote, StarRating, User
from .common import TransitionNotAllowed, conflict_error, local_time, record_event


def guidance_open(*, user: User | None, rating: StarRating) -> GuidanceCase:
    """Open the guidance case of a rating (once; opening again returns the existing case)."""
    with transaction.atomic():
        case, created = GuidanceCase.objects.get_or_create(
            rating=rating, defaults={"updated_by": user}
        )
        if created:
            record_event(
                EventAction.GUIDANCE_OPEN,
                user,
                rating=rating,
                guidance=case,
                to_state=GuidanceStatus.OPEN,
                detail=_("%(stars)s 星，列入督促指导") % {"stars": rating.stars},
            )
    return case


def _lock_open_case(case: GuidanceCase) -> GuidanceCase:
    case = (
        GuidanceCase.objects.select_for_update(of=("self",))
        .select_related("rating__year")
        .get(pk=case.pk)
    )
    if case.status != GuidanceStatus.OPEN:
        raise TransitionNotAllowed(
            _("该督促指导已于 %(when)s 结案，不能再修改。") % {"when": local_time(case.closed_at)}
        )
    return case


def guidance_update(
    *,
    user: User,
    case: GuidanceCase,
    expected_version: int,
    measures: str,
    responsible_person: str,
    due_date: date | None,
) -> GuidanceCase:
    """Set the measures, the responsible person and the due date; a stale form is a conflict."""
    with transaction.atomic():
        case = _lock_open_case(case)
        if case.version != expected_version:
            raise conflict_error(case)
        new = {"measures": measures, "responsible_person": responsible_person, "due_date": due_date}
        changed = [name for name, value in new.items() if getattr(case, name) != value]
        if not changed:
            return case
        for name in changed:
            setattr(case, name, new[name])
        case.version += 1
        case.updated_by = user
        case.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
        labels = {name: str(GuidanceCase._meta.get_field(name).verbose_name) for name in changed}
        record_event(
            EventAction.GUIDANCE_UPDATE,
            user,
            rating=case.rating,
            guidance=case,
            detail=_("修改了%(fields)s") % {"fields": "、".join(labels.values())},
        )
    return case


def guidance_note_add(*, user: User, case: GuidanceCase, text: str) -> GuidanceNote:
    """Add a follow-up note to an open case; notes are only ever added."""
    text = text.strip()
    if not text:
        raise TransitionNotAllowed(_("请填写跟进情况。"))
    with transaction.atomic():
        case = _lock_open_case(case)
        note = GuidanceNote.objects.create(case=case, text=text, author=user)
        record_event(
            EventAction.GUIDANCE_NOTE, user, rating=case.rating, guidance=case, detail=text[:120]
        )
    return note


def guidance_close(*, user: User, case: GuidanceCase, outcome: str) -> GuidanceCase:
    """Close a case with what came of it."""
    outcome = outcome.strip()
    if not outcome:
        raise TransitionNotAllowed(_("结案时必须填写整改结果。"))
    with transaction.atomic():
        case = _lock_open_case(case)
        case.status, case.outcome = GuidanceStatus.CLOSED, outcome
        case.closed_at, case.closed_by = timezone.now(), user
        case.version += 1
        case.updated_by = user
        case.save(
            update_fields=[
                "status",
                "outcome",
                "closed_at",
                "closed_by",
                "version",
                "updated_by",
                "updated_at",
            ]
        )
        record_event(
            EventAction.GUIDANCE_CLOSE,
            user,
            rating=case.rating,
            guidance=case,
            from_state=GuidanceStatus.OPEN,
            to_state=GuidanceStatus.CLOSED,
            reason=outcome,
        )
    return case
