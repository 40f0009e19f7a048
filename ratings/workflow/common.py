"""What every workflow function shares: its errors and the event it records."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..choices import EventAction, YearStatus
from ..models import Event, PublicDataVersion, RatingYear, StarRating, User


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
    transaction, so cached public statistics are never stale."""
    if action in PUBLIC_ACTIONS:
        bump_public_version()
    return Event.objects.create(
        action=action,
        actor=actor,
        rating=rating,
        year=year or (rating.year if rating else None),
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        detail=detail[:DETAIL_LENGTH],
        **targets,
    )


DETAIL_LENGTH = Event._meta.get_field("detail").max_length

# Registering or editing a unit is not among them: the public roll shows units as they were
# named (`Designation.unit_name`), and published figures are kept as they were published.
PUBLIC_ACTIONS = {
    EventAction.YEAR_PUBLISH,
    EventAction.ELIGIBILITY_REVOKE,
    EventAction.ELIGIBILITY_REINSTATE,
    EventAction.PLAQUE_ISSUE,
    EventAction.PLAQUE_REVOKE,
    EventAction.DESIGNATE,
    EventAction.DESIGNATION_REVOKE,
}


def bump_public_version() -> None:
    updated = PublicDataVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        PublicDataVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def require_open(year: RatingYear) -> None:
    if year.status != YearStatus.OPEN:
        raise TransitionNotAllowed(
            _("%(year)s年度%(status)s，不再接受评定和认定。")
            % {"year": year.year, "status": year.get_status_display()}
        )


def conflict_error(rating: StarRating) -> Conflict:
    return Conflict(
        _(
            "这份评定已被 %(who)s 于 %(when)s 修改。为避免覆盖对方的内容，本次保存未生效，请重新加载后再修改。"
        )
        % {
            "who": rating.updated_by,
            "when": date_format(timezone.localtime(rating.updated_at), "Y-m-d H:i:s"),
        }
    )


def local_time(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")
