"""The application-led chain of the ten-star rating (自评申报 → 街道/镇初审 → 区复核 → 认定).

The community's filer fills in a self-assessment and applies; the town's reviewer forwards it
to the district or returns it to the community; the district's assessor reviews it (the same
form and `rating_save` as an assessor-led rating, prefilled with the community's answers, each
change needing a reason), returns it to the town or submits it to the certifying authorities
(`rating_submit`), who decide as in the assessor-led flow. Every return goes one step back.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..choices import EventAction, RatingMode, RatingStatus, RegionLevel
from ..models import (
    STAR_COUNT,
    DistrictMode,
    RatingYear,
    Region,
    StarItem,
    StarRating,
    User,
    is_application_led,
)
from .common import (
    TransitionNotAllowed,
    conflict_error,
    lock_for_edit,
    rating_status_set,
    record_event,
    require_open,
)
from .deadlines import require_apply_window
from .evidence import evidence_change, files_discarded_on_failure
from .stars import Finding, _numbers, draft_saved, rating_start, require_not_barred

# --------------------------------------------------------------------------------------------
# Administrator


def district_mode_set(
    *, user: User, district: Region, year: RatingYear, mode: RatingMode
) -> DistrictMode | None:
    """Set how a district runs a year. Ratings already started keep the path they began on;
    None when nothing changed (no event)."""
    mode = RatingMode(mode)
    if not permissions.can_set_modes(user):
        raise TransitionNotAllowed(_("只有管理员可以设置评星方式。"))
    if district.level != RegionLevel.COUNTY:
        raise TransitionNotAllowed(_("评星方式按区(县)设置。"))
    with transaction.atomic():
        require_open(RatingYear.objects.get(pk=year.pk))
        current = DistrictMode.objects.select_for_update().filter(district=district, year=year)
        stored = current.first()
        before = stored.mode if stored else RatingMode.ASSESSOR
        if before == mode:
            return None
        if stored is None:
            stored = DistrictMode.objects.create(
                district=district, year=year, mode=mode, updated_by=user
            )
        else:
            stored.mode, stored.updated_by = mode, user
            stored.save(update_fields=["mode", "updated_by", "updated_at"])
        record_event(
            EventAction.MODE_SET,
            user,
            year=year,
            from_state=before,
            to_state=mode,
            detail=_("%(district)s：%(mode)s") % {"district": district.name, "mode": mode.label},
        )
    return stored


def year_unit_self_assessment_set(*, user: User, year: RatingYear, allowed: bool) -> bool:
    """Allow (or stop) units of the creation domains assessing themselves in `year`. Returns
    whether anything changed (no event when not); self-assessments already started go on."""
    if not permissions.can_set_modes(user):
        raise TransitionNotAllowed(_("只有管理员可以设置评星方式。"))
    with transaction.atomic():
        year = RatingYear.objects.select_for_update().get(pk=year.pk)
        require_open(year)
        if year.unit_self_assessment == allowed:
            return False
        year.unit_self_assessment = allowed
        year.save(update_fields=["unit_self_assessment"])
        record_event(
            EventAction.MODE_SET,
            user,
            year=year,
            detail=_("创建单位自评：%(state)s") % {"state": _("允许") if allowed else _("不允许")},
        )
    return True


# --------------------------------------------------------------------------------------------
# Community


def application_save(
    *,
    user: User,
    community: Region,
    year: RatingYear,
    expected_version: int,
    answers: list[Finding],
) -> StarRating:
    """Save the community's self-assessment as a draft (starting its application on first save).

    Versions and conflicts work as for the assessor's draft (`rating_save`)."""
    with files_discarded_on_failure() as stored, transaction.atomic():
        year = RatingYear.objects.get(pk=year.pk)
        require_open(year)
        existing = StarRating.objects.filter(community=community, year=year).first()
        application_led = (
            existing.application_led
            if existing
            else is_application_led(year=year, community=community)
        )
        if not permissions.can_apply_for(user, year, existing, application_led=application_led):
            raise TransitionNotAllowed(_refusal(existing, application_led))
        if not permissions.in_scope(user, community):
            raise TransitionNotAllowed(_("只能填报本社区(村)的自评。"))
        require_not_barred(community, year)
        require_apply_window(year, community, existing)
        rating = lock_for_edit(
            StarRating.objects.filter(community=community, year=year),
            expected_version=expected_version,
            start=lambda: rating_start(
                community=community, year=year, user=user, version=0, application_led=True
            ),
            editable=lambda r: r.is_self_editable,
        )
        items = {
            item.standard_id: item
            for item in rating.items.select_for_update(of=("self",)).select_related("standard")
        }
        changed = []
        for answer in answers:
            item = items[answer.number]
            differs = item.self_met != answer.met or item.self_note != answer.note
            if differs:
                item.self_met, item.self_note = answer.met, answer.note
                item.save(update_fields=["self_met", "self_note"])
            files_changed = evidence_change(
                user=user,
                active=item.evidence.filter(withdrawn_at__isnull=True),
                owner={"item": item},
                uploads=answer.uploads,
                withdraw=answer.withdraw,
                reuse=answer.reuse,
                label=_("第 %(number)s 项") % {"number": item.standard_id},
                events={"rating": rating, "item": item},
                stored=stored,
            )
            if differs or files_changed:
                changed.append(item)
        draft_saved(
            rating=rating,
            user=user,
            changed=changed,
            action=EventAction.SELF_SAVE,
            detail=_("修改了第 %(numbers)s 项自评"),
        )
    return rating


def _refusal(rating: StarRating | None, application_led: bool) -> str:
    if not application_led:
        return _("本区本年度由评定员评定，社区(村)无需自评申报。")
    if rating is not None:
        return _("这份申报处于“%(status)s”阶段，社区(村)不能再修改。") % {
            "status": rating.get_status_display()
        }
    return _("您没有填报该社区(村)自评的权限。")


def application_submit(
    *, user: User, rating: StarRating, expected_version: int | None = None
) -> StarRating:
    """File the self-assessment with the town (first time, or after the town returned it).

    The district's review starts from the community's answers: they are copied into the
    findings here, so that the reviewer changes only what they judge differently."""
    with transaction.atomic():
        rating = (
            StarRating.objects.select_for_update(of=("self",))
            .select_related("year", "community")
            .get(pk=rating.pk)
        )
        require_open(rating.year)
        if expected_version is not None and rating.version != expected_version:
            raise conflict_error(rating)
        if not permissions.can_apply_for(user, rating.year, rating, application_led=True):
            raise TransitionNotAllowed(_refusal(rating, rating.application_led))
        if not permissions.in_scope(user, rating.community):
            raise TransitionNotAllowed(_("只能申报本社区(村)。"))
        require_apply_window(rating.year, rating.community, rating)
        items = _locked_items(rating)
        unanswered = [item for item in items if item.self_met is None]
        if unanswered:
            raise TransitionNotAllowed(
                _("第 %(numbers)s 项尚未自评是否达标，不能申报。")
                % {"numbers": _numbers(unanswered)}
            )
        for item in items:
            item.met, item.note, item.review_reason = item.self_met, item.self_note, ""
            item.save(update_fields=["met", "note", "review_reason"])
        before = rating.status
        rating_status_set(rating, RatingStatus.APPLIED)
        rating.applied_at = timezone.now()
        _bump(rating, user, "status", "applied_at")
        record_event(
            EventAction.APPLY,
            user,
            rating=rating,
            from_state=before,
            to_state=rating.status,
            detail=_("自评达标 %(met)s 项") % {"met": sum(1 for i in items if i.self_met)},
        )
    return rating


# --------------------------------------------------------------------------------------------
# Town


def application_forward(*, user: User, rating: StarRating, note: str = "") -> StarRating:
    """The town's reviewer passes the application on to the district's review."""
    with transaction.atomic():
        rating, items = _lock_for_prereview(user, rating)
        before = rating.status
        for item in items:
            if item.town_note:
                item.town_note = ""
                item.save(update_fields=["town_note"])
        rating_status_set(rating, RatingStatus.FORWARDED)
        _bump(rating, user, "status")
        record_event(
            EventAction.TOWN_FORWARD,
            user,
            rating=rating,
            from_state=before,
            to_state=rating.status,
            reason=note.strip(),
        )
    return rating


def application_return(
    *, user: User, rating: StarRating, note: str = "", item_notes: dict[int, str] | None = None
) -> StarRating:
    """The town's reviewer sends the application back to the community, with a note on the
    whole and/or on single items (at least one)."""
    note = note.strip()
    item_notes = {n: text.strip() for n, text in (item_notes or {}).items() if text.strip()}
    if not note and not item_notes:
        raise TransitionNotAllowed(_("退回时必须说明需要社区(村)修改或补充什么（整体或逐项）。"))
    with transaction.atomic():
        rating, items = _lock_for_prereview(user, rating)
        before = rating.status
        for item in items:
            item.town_note = item_notes.get(item.standard_id, "")
            item.save(update_fields=["town_note"])
        rating_status_set(rating, RatingStatus.TOWN_BACK)
        _bump(rating, user, "status")
        lines = [note] if note else []
        lines += [
            _("第 %(number)s 项：%(note)s") % {"number": number, "note": text}
            for number, text in sorted(item_notes.items())
        ]
        record_event(
            EventAction.TOWN_RETURN,
            user,
            rating=rating,
            from_state=before,
            to_state=rating.status,
            reason="\n".join(lines),
            detail=(
                _("逐项意见：第 %(numbers)s 项") % {"numbers": "、".join(map(str, item_notes))}
                if item_notes
                else ""
            ),
        )
    return rating


def _lock_for_prereview(user: User, rating: StarRating) -> tuple[StarRating, list[StarItem]]:
    rating = (
        StarRating.objects.select_for_update(of=("self",))
        .select_related("year", "community")
        .get(pk=rating.pk)
    )
    require_open(rating.year)
    if not permissions.in_scope(user, rating.community) or not permissions.prereviews_applications(
        user
    ):
        raise TransitionNotAllowed(_("该申报不由您所在的街道(镇)初审。"))
    if not permissions.can_prereview(user, rating):
        raise TransitionNotAllowed(
            _("这份申报处于“%(status)s”阶段，不在待初审之列。")
            % {"status": rating.get_status_display()}
        )
    return rating, _locked_items(rating)


# --------------------------------------------------------------------------------------------
# District


def application_review_return(*, user: User, rating: StarRating, note: str) -> StarRating:
    """The district's assessor sends a forwarded application back to the town (one step)."""
    note = note.strip()
    if not note:
        raise TransitionNotAllowed(_("退回街道/镇时必须说明原因。"))
    with transaction.atomic():
        rating = (
            StarRating.objects.select_for_update(of=("self",))
            .select_related("year", "community")
            .get(pk=rating.pk)
        )
        require_open(rating.year)
        if not permissions.in_scope(user, rating.community):
            raise TransitionNotAllowed(_("该申报不在您负责的区域内。"))
        if not permissions.can_return_to_town(user, rating):
            raise TransitionNotAllowed(
                _("这份申报处于“%(status)s”阶段，不能退回街道/镇。")
                % {"status": rating.get_status_display()}
            )
        before = rating.status
        rating_status_set(rating, RatingStatus.DIST_BACK)
        _bump(rating, user, "status")
        record_event(
            EventAction.DIST_RETURN,
            user,
            rating=rating,
            from_state=before,
            to_state=rating.status,
            reason=note,
        )
    return rating


# --------------------------------------------------------------------------------------------


def _locked_items(rating: StarRating) -> list[StarItem]:
    items = list(
        rating.items.select_for_update(of=("self",)).select_related("standard").order_by("standard")
    )
    if len(items) != STAR_COUNT:
        raise TransitionNotAllowed(_("这份评定缺少星级标准项，请联系管理员。"))
    return items


def _bump(rating: StarRating, user: User, *fields: str) -> None:
    rating.version += 1
    rating.updated_by = user
    rating.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
