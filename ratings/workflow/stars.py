"""The ten-star rating: the assessor's findings and the certifying authorities' decisions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import counters, permissions
from ..choices import (
    DECISION_TO_ACTION,
    DECISION_TO_STATUS,
    Decision,
    EventAction,
    ItemStatus,
    Outcome,
    RatingStatus,
)
from ..models import (
    STAR_COUNT,
    RatingYear,
    Region,
    StarItem,
    StarRating,
    StarStandard,
    User,
    is_application_led,
)
from ..uploads import FileKind
from .common import (
    TransitionNotAllowed,
    conflict_error,
    lock_for_edit,
    rating_status_set,
    record_event,
    require_open,
)
from .evidence import evidence_change, files_discarded_on_failure
from .guidance import guidance_open


@dataclass
class Finding:
    """What the assessor's form says about one standard."""

    number: int
    met: bool | None
    note: str = ""
    uploads: list[tuple[UploadedFile, FileKind]] = field(default_factory=list)
    withdraw: list[int] = field(default_factory=list)
    # Last year's evidence of the same item to reuse (沿用), by id.
    reuse: list[int] = field(default_factory=list)
    # In the application-led chain: why the district judges differently from the community.
    reason: str = ""


def settle(rating: StarRating, items: list[StarItem]) -> None:
    """Derive the rating's status and stars from its items."""
    rating.stars = sum(1 for item in items if item.status == ItemStatus.ENDORSED)
    if all(item.is_final for item in items):
        rating_status_set(rating, RatingStatus.CERTIFIED)
        rating.certified_at = rating.certified_at or timezone.now()
    elif any(item.status == ItemStatus.RETURNED for item in items):
        rating_status_set(rating, RatingStatus.RETURNED)
    elif any(item.status == ItemStatus.DRAFT for item in items):
        rating_status_set(rating, RatingStatus.DRAFT)
    else:
        rating_status_set(rating, RatingStatus.SUBMITTED)


def _numbers(items: list[StarItem]) -> str:
    return "、".join(str(item.standard_id) for item in items)


# --------------------------------------------------------------------------------------------
# Assessor


def rating_save(
    *,
    user: User,
    community: Region,
    year: RatingYear,
    expected_version: int,
    findings: list[Finding],
) -> StarRating:
    """Save the assessor's findings as a draft (creating the rating on first save), or, in the
    application-led chain, the district's review of a forwarded application.

    `expected_version` is the version the form was loaded at (0 for a rating not yet started);
    if the rating has moved on since, nothing is written and `Conflict` says who changed it.
    """
    with files_discarded_on_failure() as stored, transaction.atomic():
        # The year is read afresh rather than trusting the caller's copy; it is not locked, so
        # that saves across the whole country do not queue behind one row.
        require_open(RatingYear.objects.get(pk=year.pk))
        require_not_barred(community, year)
        _refuse_assessor_before_review(user=user, community=community, year=year)
        rating = lock_for_edit(
            StarRating.objects.filter(community=community, year=year),
            expected_version=expected_version,
            start=lambda: rating_start(community=community, year=year, user=user, version=0),
        )
        items = {
            item.standard_id: item
            for item in rating.items.select_for_update(of=("self",)).select_related("standard")
        }
        changed = [
            items[finding.number]
            for finding in findings
            if _apply_finding(
                user=user, rating=rating, item=items[finding.number], finding=finding, stored=stored
            )
        ]
        draft_saved(
            rating=rating,
            user=user,
            changed=changed,
            action=EventAction.DRAFT_SAVE,
            detail=_("修改了第 %(numbers)s 项"),
        )
    return rating


def draft_saved(
    *, rating: StarRating, user: User, changed: list[StarItem], action: str, detail: str
) -> None:
    """After a draft's items were written: a new version, and an event naming the changed items
    (none when nothing changed). `detail` has a %(numbers)s placeholder."""
    rating.version += 1
    rating.updated_by = user
    rating.save(update_fields=["version", "updated_by", "updated_at"])
    if changed:
        record_event(
            action,
            user,
            rating=rating,
            from_state=rating.status,
            to_state=rating.status,
            detail=detail % {"numbers": _numbers(changed)},
        )


def _refuse_assessor_before_review(*, user: User, community: Region, year: RatingYear) -> None:
    """In an application-led district the assessor reviews what the town forwarded; the stages
    before belong to the community and the town."""
    rating = StarRating.objects.filter(community=community, year=year).first()
    application_led = (
        rating.application_led if rating else is_application_led(year=year, community=community)
    )
    if not application_led or (rating is not None and rating.is_editable):
        return
    if rating is None:
        raise TransitionNotAllowed(
            _("%(district)s本年度由社区(村)自评申报，评定员在街道/镇初审通过后复核。")
            % {"district": community.parent.parent.name if community.parent_id else ""}
        )
    raise TransitionNotAllowed(
        _("这份申报处于“%(status)s”阶段，待街道/镇初审通过后才能复核。")
        % {"status": rating.get_status_display()}
    )


def barring_rating(community: Region, year: RatingYear) -> StarRating | None:
    """The revoked rating of an earlier year whose bar (不得参评) covers `year`, if any."""
    return (
        StarRating.objects.filter(
            community=community,
            status=RatingStatus.REVOKED,
            year_id__lt=year.pk,
            barred_until__gte=year.pk,
        )
        .order_by("-year_id")
        .first()
    )


def require_not_barred(community: Region, year: RatingYear) -> None:
    """Refuse a rating of `year` for a community whose eligibility an earlier year revoked
    (不得参评), saying which year, until when and why."""
    barring = barring_rating(community, year)
    if barring is not None:
        raise TransitionNotAllowed(
            _(
                "%(name)s 被取消%(revoked)s年度评星资格，%(start)s至%(until)s年度不得参评：%(reason)s"
            )
            % {
                "name": community.name,
                "revoked": barring.year_id,
                "start": barring.year_id + 1,
                "until": barring.barred_until,
                "reason": barring.revoked_reason,
            }
        )


def rating_start(
    *,
    community: Region,
    year: RatingYear,
    user: User,
    version: int = 1,
    application_led: bool = False,
) -> StarRating | None:
    """Create a community's rating of a year with its ten items, or None if someone else
    created it a moment ago (the unique constraint decides; the caller reads theirs)."""
    try:
        with transaction.atomic():
            rating = StarRating.objects.create(
                community=community,
                year=year,
                updated_by=user,
                version=version,
                application_led=application_led,
            )
            StarItem.objects.bulk_create(
                StarItem(rating=rating, standard=standard)
                for standard in StarStandard.objects.all()
            )
            counters.rating_counts_move(
                year_id=year.pk, moves=[(community.code, None, rating.status)]
            )
    except IntegrityError:
        return None
    return rating


def _apply_finding(
    *, user: User, rating: StarRating, item: StarItem, finding: Finding, stored: list[str]
) -> bool:
    """Write one finding onto its item; return whether anything changed."""
    reason = finding.reason.strip() if rating.application_led else ""
    if rating.application_led and finding.met is not None and finding.met != item.self_met:
        if not reason:
            raise TransitionNotAllowed(
                _("第 %(number)s 项与社区(村)自评结论不同，请填写改判理由。")
                % {"number": item.standard_id}
            )
    else:
        reason = ""
    differs = item.met != finding.met or item.note != finding.note or item.review_reason != reason
    if not item.is_editable:
        if differs or finding.uploads or finding.withdraw or finding.reuse:
            raise TransitionNotAllowed(
                _("第 %(number)s 项“%(name)s”已提交认定，不能再修改。")
                % {"number": item.standard_id, "name": item.standard.name}
            )
        return False
    if differs:
        item.met, item.note, item.review_reason = finding.met, finding.note, reason
        item.save(update_fields=["met", "note", "review_reason"])
    files_changed = evidence_change(
        user=user,
        active=item.evidence.filter(withdrawn_at__isnull=True),
        owner={"item": item},
        uploads=finding.uploads,
        withdraw=finding.withdraw,
        reuse=finding.reuse,
        label=_("第 %(number)s 项") % {"number": item.standard_id},
        events={"rating": rating, "item": item},
        stored=stored,
    )
    return differs or files_changed


def rating_submit(
    *, user: User, rating: StarRating, expected_version: int | None = None
) -> StarRating:
    """Send the findings to the certifying authorities (first time, or after a return).

    Items judged met wait for their authority; items judged not met earn no star and need no
    decision. Submitting twice records one event: the second call is refused.
    """
    with transaction.atomic():
        rating = (
            StarRating.objects.select_for_update(of=("self",))
            .select_related("year")
            .get(pk=rating.pk)
        )
        require_open(rating.year)
        if expected_version is not None and rating.version != expected_version:
            raise conflict_error(rating)
        if not rating.is_editable:
            raise TransitionNotAllowed(
                _("这份评定已于 %(when)s 提交，无需重复提交。")
                % {"when": date_format(timezone.localtime(rating.submitted_at), "Y-m-d H:i")}
            )
        items = list(
            rating.items.select_for_update(of=("self",))
            .select_related("standard")
            .order_by("standard")
        )
        if len(items) != STAR_COUNT:
            raise TransitionNotAllowed(_("这份评定缺少星级标准项，请联系管理员。"))
        editable = [item for item in items if item.is_editable]
        undecided = [item for item in editable if item.met is None]
        if undecided:
            raise TransitionNotAllowed(
                _("第 %(numbers)s 项尚未判定是否达标，不能提交。")
                % {"numbers": _numbers(undecided)}
            )
        unexplained = [
            item for item in editable if item.review_differs and not item.review_reason.strip()
        ]
        if unexplained:
            raise TransitionNotAllowed(
                _("第 %(numbers)s 项与社区(村)自评结论不同，请先填写改判理由。")
                % {"numbers": _numbers(unexplained)}
            )
        now = timezone.now()
        for item in editable:
            item.status = ItemStatus.PENDING if item.met else ItemStatus.NOT_MET
            item.decision_reason, item.decided_by, item.decided_at = "", None, None
            item.pending_since = now if item.met else None
            item.save(
                update_fields=[
                    "status",
                    "decision_reason",
                    "decided_by",
                    "decided_at",
                    "pending_since",
                ]
            )
        before = rating.status
        settle(rating, items)
        rating.submitted_at = timezone.now()
        rating.version += 1
        rating.updated_by = user
        rating.save(
            update_fields=[
                "status",
                "stars",
                "certified_at",
                "submitted_at",
                "version",
                "updated_by",
                "updated_at",
            ]
        )
        first = before in (RatingStatus.DRAFT, RatingStatus.FORWARDED)
        action = EventAction.SUBMIT if first else EventAction.RESUBMIT
        record_event(
            action,
            user,
            rating=rating,
            from_state=before,
            to_state=rating.status,
            detail=_("提交第 %(numbers)s 项") % {"numbers": _numbers(editable)},
        )
        if rating.status == RatingStatus.CERTIFIED:
            _record_certified(rating, user)
    return rating


def _record_certified(rating: StarRating, actor: User) -> None:
    """Note the certification and, at five stars or fewer, put the community under guidance."""
    record_event(
        EventAction.CERTIFY,
        actor,
        rating=rating,
        from_state=RatingStatus.SUBMITTED,
        to_state=RatingStatus.CERTIFIED,
        detail=_("共 %(stars)s 星：%(outcome)s")
        % {"stars": rating.stars, "outcome": rating.outcome.label},
    )
    if rating.outcome == Outcome.GUIDANCE:
        guidance_open(user=actor, rating=rating)


# --------------------------------------------------------------------------------------------
# Certifying authority


def item_decide(*, user: User, item: StarItem, decision: Decision, reason: str = "") -> StarItem:
    """Endorse, reject (reason required) or return (note required) one pending item."""
    reason = reason.strip()
    with transaction.atomic():
        rating = (
            StarRating.objects.select_for_update(of=("self",))
            .select_related("year")
            .get(pk=item.rating_id)
        )
        require_open(rating.year)
        items = list(rating.items.select_for_update(of=("self",)).select_related("standard"))
        item = next(candidate for candidate in items if candidate.pk == item.pk)
        if rating.status == RatingStatus.REVOKED:
            raise TransitionNotAllowed(_("该社区(村)已被取消当年评星资格，不再认定。"))
        if not permissions.can_decide_item(user, item):
            raise TransitionNotAllowed(_("该项不由您所在的认定机关认定。"))
        if item.status != ItemStatus.PENDING:
            raise TransitionNotAllowed(_already_decided(item))
        if decision != Decision.ENDORSE and not reason:
            raise TransitionNotAllowed(
                _("不予认可时必须填写理由。")
                if decision == Decision.REJECT
                else _("退回补充时必须说明需要补充什么。")
            )
        before = item.status
        item.status = DECISION_TO_STATUS[decision]
        item.decision_reason, item.decided_by, item.decided_at = reason, user, timezone.now()
        item.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
        record_event(
            DECISION_TO_ACTION[decision],
            user,
            rating=rating,
            item=item,
            from_state=before,
            to_state=item.status,
            reason=reason,
            detail=_("第 %(number)s 项“%(name)s”")
            % {"number": item.standard_id, "name": item.standard.name},
        )
        rating_before = rating.status
        settle(rating, items)
        rating.save(update_fields=["status", "stars", "certified_at"])
        if rating.status == RatingStatus.CERTIFIED and rating_before != RatingStatus.CERTIFIED:
            _record_certified(rating, user)
    return item


def _already_decided(item: StarItem) -> str:
    if item.decided_by is not None:
        return _("该项已由 %(who)s 于 %(when)s 处理为“%(status)s”，不能重复认定。") % {
            "who": item.decided_by,
            "when": date_format(timezone.localtime(item.decided_at), "Y-m-d H:i"),
            "status": item.get_status_display(),
        }
    return _("该项当前状态为“%(status)s”，不在待认定之列。") % {"status": item.get_status_display()}


@dataclass
class BulkResult:
    done: list[StarItem] = field(default_factory=list)
    refused: list[tuple[StarItem, str]] = field(default_factory=list)


def items_decide(
    *, user: User, items: list[StarItem], decision: Decision, reason: str = ""
) -> BulkResult:
    """Decide many items with one decision and one reason; each item is its own transaction, so
    an item a colleague decided a moment ago is reported, not overwritten."""
    if decision != Decision.ENDORSE and not reason.strip():
        raise TransitionNotAllowed(_("批量不予认可或退回时必须填写理由，该理由将用于所有选中项。"))
    result = BulkResult()
    for item in items:
        try:
            result.done.append(item_decide(user=user, item=item, decision=decision, reason=reason))
        except TransitionNotAllowed as error:
            result.refused.append((item, error.message))
    return result
