"""Deadlines of a year's stages, extensions for named communities, and closing the apply stage
(applications not filed by then lapse to 逾期未申报: withdrawn, nothing deleted)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..choices import EventAction, RatingMode, RatingStatus, RegionLevel, Stage
from ..models import (
    DeadlineExtension,
    DistrictMode,
    RatingYear,
    Region,
    StarRating,
    User,
    extended_q,
    within_q,
)
from .common import TransitionNotAllowed, rating_status_set, record_event, require_open
from .stars import barring_rating, rating_start


def _require_admin(user: User) -> None:
    if not permissions.can_set_deadlines(user):
        raise TransitionNotAllowed(_("只有管理员可以设置截止日期。"))


def year_deadlines_set(
    *, user: User, year: RatingYear, dues: dict[str, date | None]
) -> RatingYear | None:
    """Set the last day of each stage (`dues` maps a `Stage` value to a date or None); None
    when nothing changed (no event). Later stages may not end before earlier ones."""
    _require_admin(user)
    set_dates = [(Stage(stage), dues.get(stage)) for stage in Stage]
    known = [(stage, day) for stage, day in set_dates if day is not None]
    for (before, first), (after, second) in zip(known, known[1:], strict=False):
        if second < first:
            raise TransitionNotAllowed(
                _("%(after)s的截止日期不能早于%(before)s的截止日期。")
                % {"after": after.label, "before": before.label}
            )
    with transaction.atomic():
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=year.pk)
        require_open(year)
        changes = []
        for stage, day in set_dates:
            old = year.due(stage)
            if old != day:
                setattr(year, f"{stage}_due", day)
                changes.append(
                    _("%(stage)s：%(old)s → %(new)s")
                    % {"stage": stage.label, "old": old or "—", "new": day or "—"}
                )
        if not changes:
            return None
        year.save(update_fields=[f"{stage}_due" for stage in Stage])
        record_event(EventAction.DEADLINES_SET, user, year=year, detail="；".join(changes))
    return year


def deadline_extend(
    *, user: User, year: RatingYear, community: Region, until: date, reason: str
) -> DeadlineExtension:
    """Extend the apply deadline of one community to `until`, with a reason (again: the date
    moves, with another event). Refused once the community has filed or lapsed."""
    _require_admin(user)
    reason = reason.strip()
    if not reason:
        raise TransitionNotAllowed(_("延长申报期限必须说明理由。"))
    if community.level != RegionLevel.VILLAGE:
        raise TransitionNotAllowed(_("申报期限按社区(村)延长。"))
    with transaction.atomic():
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=year.pk)
        require_open(year)
        if year.apply_due is None:
            raise TransitionNotAllowed(_("本年度尚未设置自评申报截止日期，无需延期。"))
        if until <= year.apply_due:
            raise TransitionNotAllowed(
                _("延长后的日期须晚于自评申报截止日期（%(due)s）。") % {"due": year.apply_due}
            )
        if until < timezone.localdate():
            raise TransitionNotAllowed(_("延长后的日期不能早于今天。"))
        rating = StarRating.objects.filter(year=year, community=community).first()
        if rating is not None and rating.status == RatingStatus.LAPSED:
            raise TransitionNotAllowed(
                _("%(name)s 已记为逾期未申报，不能再延期。") % {"name": community.name}
            )
        if rating is not None and rating.applied_at is not None:
            raise TransitionNotAllowed(
                _("%(name)s 已经申报，无需延期。") % {"name": community.name}
            )
        extension = DeadlineExtension.objects.select_for_update().filter(
            year=year, community=community
        )
        stored = extension.first()
        before = str(stored.until) if stored else str(year.apply_due)
        if stored is None:
            stored = DeadlineExtension.objects.create(
                year=year, community=community, until=until, reason=reason, created_by=user
            )
        else:
            stored.until, stored.reason, stored.created_by = until, reason, user
            stored.save(update_fields=["until", "reason", "created_by", "created_at"])
        record_event(
            EventAction.DEADLINE_EXTEND,
            user,
            year=year,
            rating=rating,
            from_state=before,
            to_state=str(until),
            reason=reason,
            detail=_("%(name)s：申报期限延长至 %(until)s")
            % {"name": community.name, "until": until},
        )
    return stored


def extension_for(*, year: RatingYear, community: Region, today: date | None = None):
    """The community's extension still running on `today`, or None."""
    today = today or timezone.localdate()
    return DeadlineExtension.objects.filter(
        year=year, community=community, until__gte=today
    ).first()


def require_apply_window(year: RatingYear, community: Region, rating: StarRating | None) -> None:
    """Once the apply stage is closed, a community that never filed may apply only under a
    running extension (a community the town returned has filed in time and may file again)."""
    if year.apply_closed_at is None or (rating is not None and rating.applied_at is not None):
        return
    if extension_for(year=year, community=community) is None:
        raise TransitionNotAllowed(
            _("%(year)s年度自评申报已截止（%(due)s），未申报的社区(村)记为逾期未申报。")
            % {"year": year.year, "due": year.apply_due or "—"}
        )


def apply_stage_close(*, user: User, year: RatingYear, today: date | None = None) -> int:
    """Close the apply stage of an open year whose apply deadline has passed: every community
    of an application-led district that has not filed, and whose deadline is not extended to
    today or later, is recorded as 逾期未申报 (a rating is started for one that never began, so
    that the lapse is on record). How many lapsed. Running it again lapses those whose
    extension has run out since; nothing is deleted."""
    _require_admin(user)
    today = today or timezone.localdate()
    with transaction.atomic():
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=year.pk)
        require_open(year)
        if year.apply_due is None:
            raise TransitionNotAllowed(_("本年度尚未设置自评申报截止日期。"))
        if today <= year.apply_due:
            raise TransitionNotAllowed(
                _("自评申报截止日期（%(due)s）尚未过去，不能截止申报。") % {"due": year.apply_due}
            )
        lapsed = 0
        for community in _never_started(year, today):
            if barring_rating(community, year) is not None:
                continue  # barred from the year: not an application that failed to come
            rating = rating_start(
                community=community, year=year, user=user, version=0, application_led=True
            )
            if rating is not None:
                lapsed += _lapse(rating, user, year)
        unfiled = (
            StarRating.objects.select_for_update(of=("self",))
            .filter(year=year, application_led=True, status=RatingStatus.DRAFT)
            .exclude(extended_q(year=year, today=today))
            .order_by("community_id")
        )
        for rating in unfiled:
            lapsed += _lapse(rating, user, year)
        first = year.apply_closed_at is None
        if first:
            year.apply_closed_at = timezone.now()
            year.save(update_fields=["apply_closed_at"])
        record_event(
            EventAction.APPLY_CLOSE,
            user,
            year=year,
            detail=_("截止日期 %(due)s，%(count)s 个社区(村)逾期未申报")
            % {"due": year.apply_due, "count": lapsed},
        )
    return lapsed


def _never_started(year: RatingYear, today: date) -> list[Region]:
    """Active communities of the year's application-led districts with no rating and no running
    extension."""
    districts = DistrictMode.objects.filter(year=year, mode=RatingMode.APPLICATION).values_list(
        "district_id", flat=True
    )
    communities = []
    for district in districts:
        communities += list(
            Region.objects.villages()
            .filter(active=True)
            .filter(within_q(district[:6], "code"))
            .exclude(Exists(StarRating.objects.filter(year=year, community=OuterRef("code"))))
            .exclude(extended_q(year=year, today=today, community_field="code"))
            .order_by("code")
        )
    return communities


def _lapse(rating: StarRating, user: User, year: RatingYear) -> int:
    before = rating.status
    rating_status_set(rating, RatingStatus.LAPSED)
    rating.version += 1
    rating.updated_by = user
    rating.save(update_fields=["status", "version", "updated_by", "updated_at"])
    record_event(
        EventAction.APPLY_LAPSE,
        user,
        rating=rating,
        year=year,
        from_state=before,
        to_state=rating.status,
        reason=_("%(due)s前未申报") % {"due": year.apply_due},
    )
    return 1
