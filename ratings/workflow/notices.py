"""Public notice (公示) of a proposed list, objections (异议) and their findings, and the rule
that nothing on a notice is named, published or given a plaque while the notice is still open
or an objection to it has no finding."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..choices import (
    AssessmentStatus,
    EventAction,
    NoticeKind,
    NoticePhase,
    ObjectionStatus,
    RatingStatus,
    YearStatus,
)
from ..models import (
    FAMILY_DOMAIN,
    STAR_COUNT,
    Assessment,
    Authority,
    Designation,
    Domain,
    Notice,
    NoticeEntry,
    Objection,
    RatingYear,
    StarRating,
    User,
    mask_household,
    new_receipt,
)
from ..uploads import FileKind, display_name
from ..workdays import CalendarMissing, window_end
from .common import TransitionNotAllowed, record_event


@dataclass(frozen=True)
class NoticeText:
    """What the administrator writes for a notice, and its window."""

    title: str
    body: str
    contact: str
    starts_on: date
    working_days: int = 5


def _window(text: NoticeText) -> date:
    if not text.title.strip() or not text.body.strip():
        raise TransitionNotAllowed(_("公示须填写标题和公示说明。"))
    if not 1 <= text.working_days <= 60:
        raise TransitionNotAllowed(_("公示期应为 1 至 60 个工作日。"))
    try:
        return window_end(text.starts_on, text.working_days)
    except CalendarMissing as missing:
        raise TransitionNotAllowed(missing.message) from missing


def _create(user: User, text: NoticeText, **fields) -> Notice:
    return Notice.objects.create(
        title=text.title.strip(),
        body=text.body.strip(),
        contact=text.contact.strip(),
        starts_on=text.starts_on,
        working_days=text.working_days,
        ends_on=_window(text),
        created_by=user,
        **fields,
    )


def _opened(user: User, notice: Notice, count: int) -> None:
    record_event(
        EventAction.NOTICE_OPEN,
        user,
        year=notice.year,
        notice=notice,
        detail=_("%(title)s：%(count)s 个，%(start)s 至 %(end)s")
        % {
            "title": notice.title,
            "count": count,
            "start": notice.starts_on.isoformat(),
            "end": notice.ends_on.isoformat(),
        },
    )


def notice_open_for_year(*, user: User, year: RatingYear, text: NoticeText) -> Notice:
    """Put a closed year's ten-star communities on notice as the proposed list (拟命名名单)."""
    with transaction.atomic():
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=year.pk)
        if year.status != YearStatus.CLOSED:
            raise TransitionNotAllowed(
                _("%(year)s年度当前为“%(status)s”，只有已截止、尚未公布的年度可以公示拟命名名单。")
                % {"year": year.year, "status": year.get_status_display()}
            )
        if year.notices.filter(kind=NoticeKind.TEN_STAR).exists():
            raise TransitionNotAllowed(
                _("%(year)s年度的十星拟命名名单已经公示过。") % {"year": year.year}
            )
        ratings = list(
            StarRating.objects.filter(year=year, status=RatingStatus.CERTIFIED, stars=STAR_COUNT)
            .select_related("community")
            .order_by("community_id")
        )
        if not ratings:
            raise TransitionNotAllowed(
                _("%(year)s年度没有认定为十星的社区(村)，无需公示。") % {"year": year.year}
            )
        notice = _create(user, text, kind=NoticeKind.TEN_STAR, year=year)
        NoticeEntry.objects.bulk_create(
            NoticeEntry(
                notice=notice,
                rating=rating,
                name=rating.community.name,
                region_id=rating.community_id,
            )
            for rating in ratings
        )
        _opened(user, notice, len(ratings))
    return notice


def naming_candidates(*, year: RatingYear, domain: Domain):
    """Assessments of a domain and year that may be proposed for naming: approved, meeting the
    standard, not named yet and not on another notice."""
    return (
        Assessment.objects.filter(
            year=year,
            unit__domain=domain,
            status=AssessmentStatus.APPROVED,
            meets_standard=True,
        )
        .exclude(
            Exists(
                Designation.objects.filter(
                    unit_id=OuterRef("unit_id"), year=year, revoked_at__isnull=True
                )
            )
        )
        .exclude(
            Exists(NoticeEntry.objects.filter(assessment=OuterRef("pk"), removed_at__isnull=True))
        )
        .select_related("unit")
        .order_by("unit__region_id", "unit_id")
    )


def notice_open_for_batch(
    *,
    user: User,
    year: RatingYear,
    domain: Domain,
    naming_title: str,
    naming_tier: str = "",
    naming_batch: str = "",
    text: NoticeText,
) -> Notice:
    """Put a naming batch on notice: every unit of the domain that may be named this year."""
    if not naming_title.strip():
        raise TransitionNotAllowed(_("请填写拟命名的称号。"))
    with transaction.atomic():
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=year.pk)
        assessments = list(naming_candidates(year=year, domain=domain))
        if not assessments:
            raise TransitionNotAllowed(
                _(
                    "%(domain)s %(year)s年度没有可以拟命名的单位（审核通过、达到标准、尚未命名或公示）。"
                )
                % {"domain": domain.name, "year": year.year}
            )
        notice = _create(
            user,
            text,
            kind=NoticeKind.NAMING,
            year=year,
            domain=domain,
            naming_title=naming_title.strip(),
            naming_tier=naming_tier.strip(),
            naming_batch=naming_batch.strip(),
        )
        NoticeEntry.objects.bulk_create(
            NoticeEntry(
                notice=notice,
                assessment=assessment,
                name=mask_household(assessment.unit.name)
                if domain.code == FAMILY_DOMAIN
                else assessment.unit.name,
                region_id=assessment.unit.region_id,
            )
            for assessment in assessments
        )
        _opened(user, notice, len(assessments))
    return notice


# --------------------------------------------------------------------------------------------
# Objections


@dataclass(frozen=True)
class ObjectionInput:
    """What an objector sends (validated by the form)."""

    facts: str
    name: str
    phone: str
    evidence: tuple[UploadedFile, FileKind] | None = None


def objection_submit(
    *, notice: Notice, entry: NoticeEntry, objection: ObjectionInput, today: date | None = None
) -> Objection:
    """Receive an objection during the window; refused before or after it, with the dates."""
    today = today or timezone.localdate()
    phase = notice.phase(today)
    if phase != NoticePhase.OPEN:
        window = {"start": notice.starts_on.isoformat(), "end": notice.ends_on.isoformat()}
        raise TransitionNotAllowed(
            _("公示期为 %(start)s 至 %(end)s，公示期届满后不再受理异议。") % window
            if phase == NoticePhase.CLOSED
            else _("公示期为 %(start)s 至 %(end)s，尚未开始受理异议。") % window
        )
    if entry.notice_id != notice.pk or entry.is_removed:
        raise TransitionNotAllowed(_("所选对象不在本次公示名单中。"))
    stored = None
    try:
        with transaction.atomic():
            made = Objection(
                notice=notice,
                entry=entry,
                facts=objection.facts.strip(),
                name=objection.name.strip(),
                phone=objection.phone,
            )
            stored = store_evidence(made, objection.evidence)
            made.receipt = save_with_receipt(made, notice.year_id)
            # Nothing of the objector goes into the history: it is read by more people.
            record_event(
                EventAction.OBJECTION_RECEIVE,
                None,
                year=notice.year,
                notice=notice,
                objection=made,
                to_state=made.status,
                detail=_("对“%(name)s”的异议，回执 %(receipt)s")
                % {"name": entry.name, "receipt": made.receipt},
            )
    except BaseException:
        if stored:
            Objection.evidence.field.storage.delete(stored)
        raise
    return made


def store_evidence(made, evidence: tuple[UploadedFile, FileKind] | None) -> str | None:
    """Store the optional evidence of a real-name submission (an objection, a resident's
    report) under a random name, with its digest; the stored name, for a rollback to delete."""
    if evidence is None:
        return None
    upload, kind = evidence
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    made.evidence_name = display_name(upload.name, kind)
    made.evidence_type, made.evidence_ext = kind.content_type, kind.extension
    made.evidence_sha256 = digest.hexdigest()
    made.evidence.save(upload.name, upload, save=False)
    return made.evidence.name


def save_with_receipt(made, year: int, prefix: str = "YY") -> str:
    """Save a real-name submission under a new receipt number (a clash is tried again)."""
    for _attempt in range(5):
        made.receipt = new_receipt(year, prefix)
        try:
            with transaction.atomic():
                made.save()
            return made.receipt
        except IntegrityError:
            continue
    raise TransitionNotAllowed(_("暂时无法生成回执编号，请稍后再试。"))


def _lock_objection(objection: Objection) -> Objection:
    return (
        Objection.objects.select_for_update(of=("self",))
        .select_related("notice__year", "entry")
        .get(pk=objection.pk)
    )


def _refuse_found(objection: Objection) -> None:
    if objection.is_found:
        raise TransitionNotAllowed(
            _("回执 %(receipt)s 的异议已于 %(when)s 认定为“%(status)s”，不能再更改。")
            % {
                "receipt": objection.receipt,
                "when": timezone.localtime(objection.found_at).strftime("%Y-%m-%d %H:%M"),
                "status": objection.get_status_display(),
            }
        )


def objection_assign(*, user: User, objection: Objection, authority: Authority) -> Objection:
    """Hand an objection to the certifying authority or lead department concerned to check."""
    with transaction.atomic():
        objection = _lock_objection(objection)
        _refuse_found(objection)
        before = objection.status
        objection.status, objection.assigned_to = ObjectionStatus.ASSIGNED, authority
        objection.assigned_at = timezone.now()
        objection.save(update_fields=["status", "assigned_to", "assigned_at"])
        record_event(
            EventAction.OBJECTION_ASSIGN,
            user,
            year=objection.notice.year,
            notice=objection.notice,
            objection=objection,
            from_state=before,
            to_state=objection.status,
            detail=_("交 %(authority)s 核查（回执 %(receipt)s）")
            % {"authority": authority.name, "receipt": objection.receipt},
        )
    return objection


def objection_find(*, user: User, objection: Objection, upheld: bool, reason: str) -> Objection:
    """Record the finding (成立 / 不成立, reason required). An upheld objection takes its entry
    off the list, and the entry is reconsidered through the existing workflow: a ten-star
    rating loses that year's eligibility (its plaque with it); a unit already named loses the
    naming; a unit proposed in a batch is simply not named."""
    from .assessments import designation_revoke
    from .plaques import eligibility_revoke

    reason = reason.strip()
    if not reason:
        raise TransitionNotAllowed(_("认定异议必须填写理由。"))
    with transaction.atomic():
        objection = _lock_objection(objection)
        if not permissions.can_find_objection(user, objection):
            raise TransitionNotAllowed(_("该异议未交由您所在的单位核查。"))
        _refuse_found(objection)
        before = objection.status
        objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        objection.finding, objection.found_by, objection.found_at = reason, user, timezone.now()
        objection.save(update_fields=["status", "finding", "found_by", "found_at"])
        notice = objection.notice
        record_event(
            EventAction.OBJECTION_UPHOLD if upheld else EventAction.OBJECTION_DISMISS,
            user,
            year=notice.year,
            notice=notice,
            objection=objection,
            from_state=before,
            to_state=objection.status,
            reason=reason,
            detail=_("对“%(name)s”的异议，回执 %(receipt)s")
            % {"name": objection.entry.name, "receipt": objection.receipt},
        )
        if not upheld:
            return objection
        entry = NoticeEntry.objects.select_for_update().get(pk=objection.entry_id)
        grounds = _("公示异议成立（回执 %(receipt)s）：%(reason)s") % {
            "receipt": objection.receipt,
            "reason": reason,
        }
        if not entry.is_removed:
            entry.removed_at, entry.removed_reason = timezone.now(), grounds
            entry.save(update_fields=["removed_at", "removed_reason"])
            record_event(
                EventAction.NOTICE_ENTRY_REMOVE,
                user,
                year=notice.year,
                notice=notice,
                objection=objection,
                rating_id=entry.rating_id,
                assessment_id=entry.assessment_id,
                reason=grounds,
                detail=entry.name,
            )
        if entry.rating_id is not None:
            rating = StarRating.objects.select_related("community", "year").get(pk=entry.rating_id)
            if rating.status != RatingStatus.REVOKED:
                eligibility_revoke(
                    user=user, community=rating.community, year=rating.year, reason=grounds
                )
        else:
            named = Designation.objects.filter(
                assessment_id=entry.assessment_id, revoked_at__isnull=True
            )
            for designation in named:
                designation_revoke(user=user, designation=designation, reason=grounds)
    return objection


# --------------------------------------------------------------------------------------------
# What an open notice holds back


def notice_holds(notice: Notice, *, today: date | None = None) -> str:
    """Why what `notice` proposes cannot be named yet, or "" when it may be."""
    today = today or timezone.localdate()
    phase = notice.phase(today)
    if phase != NoticePhase.CLOSED:
        return _("“%(title)s”公示期为 %(start)s 至 %(end)s，尚未期满。") % {
            "title": notice.title,
            "start": notice.starts_on.isoformat(),
            "end": notice.ends_on.isoformat(),
        }
    unfound = list(
        notice.objections.exclude(
            status__in=[ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED]
        ).values_list("receipt", flat=True)[:11]
    )
    if unfound:
        shown = "、".join(unfound[:10]) + ("…" if len(unfound) > 10 else "")
        return _("“%(title)s”还有异议尚未作出认定（回执 %(receipts)s）。") % {
            "title": notice.title,
            "receipts": shown,
        }
    return ""


def require_ten_star_notice_settled(year: RatingYear, *, action: str) -> None:
    """Refuse `action` (publishing the year, issuing its plaques) while its notice holds it."""
    notice = year.notices.filter(kind=NoticeKind.TEN_STAR).first()
    held = notice_holds(notice) if notice else ""
    if held:
        raise TransitionNotAllowed(
            _("%(held)s %(action)s须待公示期满且全部异议作出认定后进行。")
            % {"held": held, "action": action}
        )


def require_units_not_on_notice(assessment_ids: list[int]) -> None:
    """Refuse naming a unit while a notice it is on holds it."""
    entries = (
        NoticeEntry.objects.filter(assessment_id__in=assessment_ids, removed_at__isnull=True)
        .select_related("notice")
        .order_by("notice_id")
    )
    for entry in entries:
        held = notice_holds(entry.notice)
        if held:
            raise TransitionNotAllowed(
                _("%(name)s 在公示名单中。%(held)s 命名须待公示期满且全部异议作出认定后进行。")
                % {"name": entry.name, "held": held}
            )


def notice_name_batch(
    *, user: User, notice: Notice, document_number: str, designated_on: date
) -> list[Designation]:
    """Name what is left of a naming batch once its notice has run its course: the units whose
    entries no upheld objection removed, in one document."""
    from .assessments import Naming, designations_create

    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("year").get(pk=notice.pk)
        if notice.kind != NoticeKind.NAMING:
            raise TransitionNotAllowed(_("十星拟命名名单随年度结果公布，无需单独命名。"))
        if notice.concluded_at is not None:
            raise TransitionNotAllowed(
                _("该批次已于 %(when)s 命名。")
                % {"when": timezone.localtime(notice.concluded_at).strftime("%Y-%m-%d %H:%M")}
            )
        held = notice_holds(notice)
        if held:
            raise TransitionNotAllowed(
                _("%(held)s 命名须待公示期满且全部异议作出认定后进行。") % {"held": held}
            )
        entries = notice.entries.filter(removed_at__isnull=True).select_related("assessment__unit")
        units = [entry.assessment.unit for entry in entries]
        if not units:
            raise TransitionNotAllowed(
                _("公示名单中的单位已全部因异议成立移出，没有可命名的单位。")
            )
        made = designations_create(
            user=user,
            units=units,
            year=notice.year,
            naming=Naming(
                title=notice.naming_title,
                tier=notice.naming_tier,
                batch=notice.naming_batch,
                document_number=document_number,
                designated_on=designated_on,
            ),
        )
        notice.concluded_at = timezone.now()
        notice.save(update_fields=["concluded_at"])
    return made
