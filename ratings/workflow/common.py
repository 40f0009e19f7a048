"""What every workflow function shares: its errors and the event it records."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from django.db import models, transaction
from django.db.models import F, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import counters
from ..choices import EventAction, YearStatus
from ..models import (
    Assessment,
    Event,
    GuidanceCase,
    PublicDataVersion,
    RatingYear,
    StarRating,
    User,
)


class WorkflowError(Exception):
    """A change that cannot be made; the message is shown to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(WorkflowError):
    pass


class Conflict(WorkflowError):
    """Someone else saved the same rating since the form was loaded."""


def record_event(
    action: EventAction,
    actor: User | None,
    *,
    rating: StarRating | None = None,
    year: RatingYear | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    detail: str = "",
    **targets,
) -> Event:
    """Append one line of history; `targets` names further objects it concerns (item=…, plaque=…).

    An action that changes what the public sees also moves the public data version, in the same
    transaction, so cached public statistics are never stale. Whatever reaches outside the
    database (notifications, e-mail, background jobs) listens to `event_committed`, which is
    sent only once the transaction has committed: a change rolled back sends nothing."""
    if action in PUBLIC_ACTIONS:
        bump_public_version()
    event = Event.objects.create(
        action=action,
        actor=actor,
        rating=rating,
        # The rating's year by its id: reading `rating.year` would cost a query a save.
        year_id=year.pk if year else (rating.year_id if rating else None),
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        detail=detail[:DETAIL_LENGTH],
        **targets,
    )
    transaction.on_commit(lambda: event_committed.send(sender=Event, event=event))
    return event


# Sent with `event` after the transaction that recorded it has committed.
event_committed = Signal()


def record_event_batch(action: EventAction, actor: User | None, events: Sequence[Event]) -> None:
    """`record_event` for a batch of unsaved events of one action, in one INSERT: the public
    version moves once a batch, and each event is still sent with `event_committed` after
    commit (read back then, in order, when anything listens)."""
    if not events:
        return
    if action in PUBLIC_ACTIONS:
        bump_public_version()
    for event in events:
        event.action, event.actor = action, actor
        event.detail = event.detail[:DETAIL_LENGTH]
    Event.objects.bulk_create(events)
    if event_committed.has_listeners(Event):
        # Only the ids wait for the commit, not the batch's objects.
        ids = [event.pk for event in events]
        transaction.on_commit(lambda: _send_committed(ids))


# Rows a set-based workflow step reads, writes and keeps in memory at a time.
BATCH_SIZE = 2000


def keyset_batches(rows: QuerySet, *, key: str, size: int | None = None) -> Iterator[list]:
    """`rows` (a values_list ordered by `key`, a unique column, given last) a batch at a time.
    Each batch is its own query from after the last key of the one before, so rows written
    between batches never disturb an open cursor, on PostgreSQL or SQLite, and a locking query
    locks one batch at a time."""
    size, after = size or BATCH_SIZE, None
    while True:
        page = rows if after is None else rows.filter(**{f"{key}__gt": after})
        batch = list(page[:size])
        if not batch:
            return
        yield batch
        after = batch[-1][-1]


def _send_committed(ids: list[int]) -> None:
    for event in Event.objects.filter(pk__in=ids).order_by("pk"):
        event_committed.send(sender=Event, event=event)


DETAIL_LENGTH = Event._meta.get_field("detail").max_length

# Registering or editing a unit is not among them: the public roll shows units as they were
# named (`Designation.unit_name`), and published figures are kept as they were published.
PUBLIC_ACTIONS = {
    EventAction.YEAR_PUBLISH,
    EventAction.ELIGIBILITY_REVOKE,
    EventAction.ELIGIBILITY_REINSTATE,
    EventAction.PLAQUE_ISSUE,
    EventAction.PLAQUE_REVOKE,
    EventAction.STAR_REMOVE,
    EventAction.DESIGNATE,
    EventAction.DESIGNATION_REVOKE,
}


def bump_public_version() -> None:
    """Move the public data version, in the caller's transaction, so public caches refresh."""
    updated = PublicDataVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        PublicDataVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def rating_status_set(rating: StarRating, status: str) -> None:
    """Move `rating` to `status` (the caller saves it in the same transaction) and count the
    move in the work lists' counters: every status change of a rating goes through here."""
    if rating.status != status:
        counters.rating_counts_move(
            year_id=rating.year_id, moves=[(rating.community_id, rating.status, status)]
        )
        rating.status = status


def save_new_version(edited: models.Model, user: User, *fields: str) -> None:
    """Save `fields` of a versioned object as its next version, by `user` (the version a later
    save is compared with, see `lock_for_edit`)."""
    edited.version += 1
    edited.updated_by = user
    edited.save(update_fields=[*fields, "version", "updated_by", "updated_at"])


def require_open(year: RatingYear) -> None:
    """Refuse any finding or decision in a year that is no longer open."""
    if year.status != YearStatus.OPEN:
        raise TransitionNotAllowed(
            _("%(year)s年度%(status)s，不再接受评定和认定。")
            % {"year": year.year, "status": year.get_status_display()}
        )


def _noun(model: type[models.Model]) -> str:
    """How a message names an object the user is editing."""
    nouns = {
        StarRating: _("这份评定"),
        Assessment: _("这份测评"),
        GuidanceCase: _("该督促指导"),
    }
    return str(nouns.get(model, model._meta.verbose_name))


def conflict_error(stored: models.Model) -> Conflict:
    """The refusal of a save made against an older version of `stored`: who saved since, and
    when, so that the user can reload and redo their change instead of overwriting it."""
    # Who saved is read afresh: the lock query never joins updated_by (see the package doc).
    who = type(stored).objects.filter(pk=stored.pk).values_list("updated_by", flat=True).first()
    return Conflict(
        _(
            "%(what)s已被 %(who)s 于 %(when)s 修改。为避免覆盖对方的内容，本次保存未生效，"
            "请重新加载后再修改。"
        )
        % {
            "what": _noun(type(stored)),
            "who": User.objects.filter(pk=who).first() or "—",
            "when": date_format(timezone.localtime(stored.updated_at), "Y-m-d H:i:s"),
        }
    )


M = TypeVar("M", bound=models.Model)


def lock_for_edit(
    draft: QuerySet[M],
    *,
    expected_version: int,
    start: Callable[[], M | None],
    editable: Callable[[M], bool] = lambda stored: stored.is_editable,
) -> M:
    """Lock the draft a form was loaded at (`draft` selects at most one row), for a save.

    A form of something not started yet carries version 0: the object is then created by
    `start`, which returns None when someone else created it a moment ago (a conflict, as when
    someone saved since the form was loaded). Refused too when the object left the draft stage
    (`editable` says which stage that is, for whom).
    """
    stored = draft.select_for_update(of=("self",)).first()
    if stored is None:
        if expected_version != 0:
            raise TransitionNotAllowed(
                _("%(what)s已不存在，请重新加载。") % {"what": _noun(draft.model)}
            )
        started = start()
        if started is None:
            raise conflict_error(draft.get())
        return started
    if stored.version != expected_version:
        raise conflict_error(stored)
    if not editable(stored):
        raise TransitionNotAllowed(
            _("%(what)s已提交（%(status)s），不能再修改。")
            % {"what": _noun(draft.model), "status": stored.get_status_display()}
        )
    return stored


def local_time(moment) -> str:
    """A moment as messages show it, in the portal's time zone."""
    return date_format(timezone.localtime(moment), "Y-m-d H:i")
