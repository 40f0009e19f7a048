"""Domain assessments (criterion by criterion), their review by the lead department, and
designations (命名) of the units that met the standard."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import coverage_counts, permissions
from ..choices import (
    REVIEW_TO_ACTION,
    REVIEW_TO_STATUS,
    AssessmentStatus,
    EventAction,
    ReviewDecision,
)
from ..models import (
    Assessment,
    AssessmentLine,
    Criterion,
    Designation,
    RatingYear,
    Unit,
    User,
)
from ..uploads import FileKind
from .common import (
    TransitionNotAllowed,
    conflict_error,
    local_time,
    lock_for_edit,
    record_event,
    require_open,
    save_new_version,
)
from .evidence import evidence_change, files_discarded_on_failure
from .notices import require_units_not_on_notice


@dataclass
class LineInput:
    """What the assessor's (or the unit's own) form says about one criterion."""

    criterion_id: int
    points: int | None
    note: str = ""
    uploads: list[tuple[UploadedFile, FileKind]] = field(default_factory=list)
    withdraw: list[int] = field(default_factory=list)
    # The same unit's evidence of last year's line of the same criterion to reuse (沿用), by id.
    reuse: list[int] = field(default_factory=list)
    # Reviewing a unit's self-assessment: why the district scores differently from the unit.
    reason: str = ""


def meets_standard(lines: list[AssessmentLine], threshold: int) -> bool:
    """The pass rule: enough points in total, and every veto criterion given full points."""
    total = sum(line.points or 0 for line in lines)
    return total >= threshold and not any(line.veto_failed for line in lines)


def _snapshot(line: AssessmentLine, criterion: Criterion) -> None:
    line.criterion_code = criterion.code
    line.criterion_text = criterion.text
    line.max_points = criterion.points
    line.is_veto = criterion.is_veto
    line.order = criterion.order


def _event(action: EventAction, user: User, assessment: Assessment, **fields) -> None:
    record_event(action, user, year=assessment.year, assessment=assessment, **fields)


def assessment_save(
    *,
    user: User,
    unit: Unit,
    year: RatingYear,
    expected_version: int,
    lines: list[LineInput],
) -> Assessment:
    """Save points, notes and files as a draft (the assessment is created on first save), or
    the district's review of a unit's filed self-assessment (a changed score needs a reason)."""
    with files_discarded_on_failure() as stored, transaction.atomic():
        year = RatingYear.objects.get(pk=year.pk)
        require_open(year)
        if not permissions.can_score(user) or not permissions.in_scope(user, unit.region):
            raise TransitionNotAllowed(_("该单位的测评不由您填写。"))
        started = Assessment.objects.filter(unit=unit, year=year).exists()
        if not started and permissions.unit_fills_itself(unit, year):
            raise TransitionNotAllowed(_("这份单位自评尚未提交，单位提交后才能审核。"))
        assessment = lock_for_edit(
            Assessment.objects.filter(unit=unit, year=year),
            expected_version=expected_version,
            start=lambda: assessment_start(unit=unit, year=year, user=user),
        )
        changed = save_lines(
            user=user, assessment=assessment, entries=lines, own=False, stored=stored
        )
        assessment.total_points = sum(line.points or 0 for line in assessment.lines.all())
        save_new_version(assessment, user, "total_points")
        if changed:
            _event(
                EventAction.ASSESSMENT_SAVE,
                user,
                assessment,
                detail=_("修改了 %(codes)s") % {"codes": "、".join(changed)},
            )
    return assessment


def save_lines(
    *,
    user: User,
    assessment: Assessment,
    entries: list[LineInput],
    own: bool,
    stored: list[str],
) -> list[str]:
    """Write the form's lines onto a locked assessment: the assessor's points and notes, or
    the unit's own (`own`); files withdrawn, uploaded and reused. Returns the changed codes."""
    criteria = {
        criterion.pk: criterion
        for criterion in Criterion.objects.filter(domain_id=assessment.unit.domain_id, active=True)
    }
    existing = {line.criterion_id: line for line in assessment.lines.select_for_update()}
    changed = []
    for entry in entries:
        criterion = criteria.get(entry.criterion_id)
        if criterion is None:
            raise TransitionNotAllowed(_("有标准条目已停用或不属于本领域，请重新加载页面。"))
        if entry.points is not None and not 0 <= entry.points <= criterion.points:
            raise TransitionNotAllowed(
                _("%(code)s 的得分应在 0 到 %(max)s 之间。")
                % {"code": criterion.code, "max": criterion.points}
            )
        line = existing.get(criterion.pk) or AssessmentLine(
            assessment=assessment, criterion=criterion
        )
        if own:
            before, after = (line.self_points, line.self_note), (entry.points, entry.note)
        else:
            reason = _review_reason(assessment, line, entry, criterion)
            before = (line.points, line.note, line.review_reason)
            after = (entry.points, entry.note, reason)
        differs = line.pk is None or before != after
        if differs:
            _snapshot(line, criterion)
            if own:
                line.self_points, line.self_note = after
            else:
                line.points, line.note, line.review_reason = after
            line.save()
        files_changed = evidence_change(
            user=user,
            active=line.evidence.filter(withdrawn_at__isnull=True),
            owner={"line": line},
            uploads=entry.uploads,
            withdraw=entry.withdraw,
            reuse=entry.reuse,
            label=criterion.code,
            events={"year": assessment.year, "assessment": assessment},
            stored=stored,
        )
        if differs or files_changed:
            changed.append(criterion.code)
    return changed


def _review_reason(
    assessment: Assessment, line: AssessmentLine, entry: LineInput, criterion: Criterion
) -> str:
    """The reason kept with the district's points: required (and kept) only where they differ
    from the unit's own points in its self-assessment."""
    reason = entry.reason.strip()
    if not assessment.unit_led or entry.points is None or entry.points == line.self_points:
        return ""
    if not reason:
        raise TransitionNotAllowed(
            _("%(code)s 的得分与单位自评不同，请填写改分理由。") % {"code": criterion.code}
        )
    return reason


def assessment_start(
    *, unit: Unit, year: RatingYear, user: User, unit_led: bool = False
) -> Assessment | None:
    """A unit's assessment of a year, or None if someone else started it a moment ago."""
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                unit=unit, year=year, updated_by=user, version=0, unit_led=unit_led
            )
    except IntegrityError:
        return None


def assessment_submit(
    *, user: User, assessment: Assessment, expected_version: int | None = None
) -> Assessment:
    """Submit for review. The lines then keep the criteria as they read at this moment."""
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("year", "unit__domain")
            .get(pk=assessment.pk)
        )
        require_open(assessment.year)
        if not permissions.can_score(user):
            raise TransitionNotAllowed(_("只有评定员可以提交测评。"))
        if expected_version is not None and assessment.version != expected_version:
            raise conflict_error(assessment)
        if assessment.unit_led and not assessment.is_editable:
            raise TransitionNotAllowed(
                _("这份单位自评处于“%(status)s”阶段，单位提交后才能审核提交。")
                % {"status": assessment.get_status_display()}
            )
        if not assessment.is_editable:
            raise TransitionNotAllowed(
                _("这份测评已于 %(when)s 提交，无需重复提交。")
                % {"when": local_time(assessment.submitted_at)}
            )
        domain = assessment.unit.domain
        criteria = {
            criterion.pk: criterion
            for criterion in Criterion.objects.filter(domain=domain, active=True)
        }
        lines = list(assessment.lines.select_for_update())
        # A draft may hold criteria deactivated since; they are not part of what is submitted.
        stale = [line for line in lines if line.criterion_id not in criteria]
        if any(line.evidence.exists() for line in stale):
            raise TransitionNotAllowed(
                _("停用的标准条目 %(codes)s 上有证明材料，请先撤回后再提交。")
                % {"codes": "、".join(line.criterion_code for line in stale)}
            )
        AssessmentLine.objects.filter(pk__in=[line.pk for line in stale]).delete()
        lines = [line for line in lines if line.criterion_id in criteria]
        scored = {line.criterion_id for line in lines if line.points is not None}
        missing = [c.code for c in criteria.values() if c.pk not in scored]
        if missing:
            raise TransitionNotAllowed(
                _("%(codes)s 尚未评分，不能提交。") % {"codes": "、".join(sorted(missing))}
            )
        for line in lines:
            line.assessment = assessment
        unexplained = [
            line.criterion_code
            for line in lines
            if line.review_differs and not line.review_reason.strip()
        ]
        if unexplained:
            raise TransitionNotAllowed(
                _("%(codes)s 的得分与单位自评不同，请先填写改分理由。")
                % {"codes": "、".join(sorted(unexplained))}
            )
        for line in lines:
            _snapshot(line, criteria[line.criterion_id])
            line.save()
        before, met_before = assessment.status, assessment.meets_standard
        assessment.total_points = sum(line.points for line in lines)
        assessment.meets_standard = meets_standard(lines, domain.pass_threshold)
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at = timezone.now()
        assessment.decision_reason, assessment.decided_by, assessment.decided_at = "", None, None
        assessment.version += 1
        assessment.updated_by = user
        assessment.save()
        coverage_counts.assessment_moved(assessment, before, met_before)
        _event(
            EventAction.ASSESSMENT_SUBMIT,
            user,
            assessment,
            from_state=before,
            to_state=assessment.status,
            detail=_("总分 %(total)s，%(verdict)s")
            % {
                "total": assessment.total_points,
                "verdict": _("达到创建标准") if assessment.meets_standard else _("未达到创建标准"),
            },
        )
    return assessment


def assessment_decide(
    *, user: User, assessment: Assessment, decision: ReviewDecision, reason: str = ""
) -> Assessment:
    """The lead department approves, rejects (reason required) or returns (note required)."""
    reason = reason.strip()
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("year", "unit__domain")
            .get(pk=assessment.pk)
        )
        require_open(assessment.year)
        if not permissions.can_review_assessment(user, assessment):
            raise TransitionNotAllowed(_("该领域的测评不由您所在的部门审核。"))
        if assessment.status != AssessmentStatus.SUBMITTED:
            raise TransitionNotAllowed(
                _("这份测评当前为“%(status)s”，不在待审核之列。")
                % {"status": assessment.get_status_display()}
            )
        if decision != ReviewDecision.APPROVE and not reason:
            raise TransitionNotAllowed(
                _("审核不通过时必须填写理由。")
                if decision == ReviewDecision.REJECT
                else _("退回补充时必须说明需要补充什么。")
            )
        before = assessment.status
        assessment.status = REVIEW_TO_STATUS[decision]
        assessment.decision_reason, assessment.decided_by = reason, user
        assessment.decided_at = timezone.now()
        assessment.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
        coverage_counts.assessment_moved(assessment, before, assessment.meets_standard)
        _event(
            REVIEW_TO_ACTION[decision],
            user,
            assessment,
            from_state=before,
            to_state=assessment.status,
            reason=reason,
        )
    return assessment


# --------------------------------------------------------------------------------------------
# Designations


@dataclass(frozen=True)
class Naming:
    """The particulars of one naming document."""

    title: str
    tier: str
    batch: str
    document_number: str
    designated_on: date


def _naming_basis(unit: Unit, year: RatingYear) -> tuple[Assessment | None, str]:
    """The approved, meeting assessment a designation rests on, or why there is none."""
    assessment = Assessment.objects.filter(unit=unit, year=year).first()
    if assessment is None or assessment.status != AssessmentStatus.APPROVED:
        return None, _("%(name)s 在%(year)s年度没有审核通过的测评，不能命名。") % {
            "name": unit.name,
            "year": year.year,
        }
    if not assessment.meets_standard:
        return None, _("%(name)s 在%(year)s年度的测评未达到创建标准，不能命名。") % {
            "name": unit.name,
            "year": year.year,
        }
    if unit.designations.filter(year=year, revoked_at__isnull=True).exists():
        return None, _("%(name)s 已获%(year)s年度命名，不能重复命名。") % {
            "name": unit.name,
            "year": year.year,
        }
    return assessment, ""


def designations_create(
    *, user: User, units: list[Unit], year: RatingYear, naming: Naming
) -> list[Designation]:
    """Name units in one document: all of them, or (if any cannot be named) none."""
    if not naming.title.strip() or not naming.document_number.strip():
        raise TransitionNotAllowed(_("命名须填写称号和文号。"))
    with transaction.atomic():
        locked = list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units]))
        bases, refusals = [], []
        for unit in sorted(locked, key=lambda u: u.pk):
            assessment, refusal = _naming_basis(unit, year)
            if refusal:
                refusals.append(refusal)
            bases.append((unit, assessment))
        if refusals:
            raise TransitionNotAllowed(" ".join(refusals))
        require_units_not_on_notice([assessment.pk for _unit, assessment in bases])
        made = []
        for unit, assessment in bases:
            designation = Designation.objects.create(
                unit=unit,
                # Read under the unit's lock: the roll shows the unit as it is named now.
                unit_name=unit.name,
                unit_region_id=unit.region_id,
                unit_address=unit.address,
                year=year,
                assessment=assessment,
                title=naming.title.strip(),
                tier=naming.tier.strip(),
                batch=naming.batch.strip(),
                document_number=naming.document_number.strip(),
                designated_on=naming.designated_on,
                created_by=user,
            )
            coverage_counts.designation_granted(designation, year)
            record_event(
                EventAction.DESIGNATE,
                user,
                year=year,
                assessment=assessment,
                designation=designation,
                detail=f"{unit.name}：{designation.title} {designation.tier} {designation.batch}"
                f"（{designation.document_number}）",
            )
            made.append(designation)
    return made


def designation_revoke(*, user: User, designation: Designation, reason: str) -> Designation:
    """Revoke a naming (reason required); the public roll drops it at once."""
    reason = reason.strip()
    if not reason:
        raise TransitionNotAllowed(_("撤销命名必须填写理由。"))
    with transaction.atomic():
        designation = (
            Designation.objects.select_for_update(of=("self",))
            .select_related("unit", "year")
            .get(pk=designation.pk)
        )
        if not designation.is_valid:
            raise TransitionNotAllowed(
                _("该命名已于 %(when)s 撤销。") % {"when": local_time(designation.revoked_at)}
            )
        designation.revoked_at, designation.revoked_by = timezone.now(), user
        designation.revoked_reason = reason
        designation.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        coverage_counts.designation_revoked(designation, designation.year)
        record_event(
            EventAction.DESIGNATION_REVOKE,
            user,
            year=designation.year,
            assessment_id=designation.assessment_id,
            designation=designation,
            reason=reason,
            detail=f"{designation.unit_name}：{designation.title}",
        )
    return designation
