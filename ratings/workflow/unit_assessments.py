"""A unit's self-assessment (单位自评), where the year allows it.

The unit's filer (a 填报员 of the unit) fills in the lines and files them with the district;
the district's assessor reviews them (the assessor's form and `assessment_save`, prefilled with
the unit's answers, each changed score needing a reason) and either returns the assessment to
the unit (one step back) or submits it to the lead department (`assessment_submit`), who decides
as for any other assessment.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..choices import AssessmentStatus, EventAction
from ..models import Assessment, AssessmentLine, Criterion, RatingYear, Unit, User
from .assessments import LineInput, assessment_start, save_lines
from .common import (
    TransitionNotAllowed,
    conflict_error,
    lock_for_edit,
    record_event,
    require_open,
    save_new_version,
)
from .evidence import files_discarded_on_failure


def unit_assessment_refusal(year: RatingYear, assessment: Assessment | None) -> str:
    """Why the unit may not fill in its self-assessment now (shown as it is)."""
    if not year.is_open:
        return _("%(year)s年度%(status)s，不再受理单位自评。") % {
            "year": year.year,
            "status": year.get_status_display(),
        }
    if assessment is None:
        return _("%(year)s年度未开放创建单位自评。") % {"year": year.year}
    if not assessment.unit_led:
        return _("这份测评由评定员填写，单位无需自评。")
    return _("这份单位自评处于“%(status)s”阶段，单位不能再修改。") % {
        "status": assessment.get_status_display()
    }


def unit_assessment_save(
    *,
    user: User,
    unit: Unit,
    year: RatingYear,
    expected_version: int,
    lines: list[LineInput],
) -> Assessment:
    """Save the unit's own points, notes and files as a draft (started on the first save).
    Versions and conflicts work as for the assessor's draft (`assessment_save`)."""
    with files_discarded_on_failure() as stored, transaction.atomic():
        year = RatingYear.objects.get(pk=year.pk)
        require_open(year)
        existing = Assessment.objects.filter(unit=unit, year=year).first()
        if not permissions.can_fill_unit_assessment(user, unit, year, existing):
            raise TransitionNotAllowed(unit_assessment_refusal(year, existing))
        assessment = lock_for_edit(
            Assessment.objects.filter(unit=unit, year=year),
            expected_version=expected_version,
            start=lambda: assessment_start(unit=unit, year=year, user=user, unit_led=True),
            editable=lambda stored_assessment: stored_assessment.is_self_editable,
        )
        changed = save_lines(
            user=user, assessment=assessment, entries=lines, own=True, stored=stored
        )
        save_new_version(assessment, user)
        if changed:
            record_event(
                EventAction.UNIT_SELF_SAVE,
                user,
                year=year,
                assessment=assessment,
                detail=_("修改了 %(codes)s") % {"codes": "、".join(changed)},
            )
    return assessment


def unit_assessment_submit(
    *, user: User, assessment: Assessment, expected_version: int | None = None
) -> Assessment:
    """File the unit's self-assessment with the district (first time, or after a return).

    The district's review starts from the unit's answers: they are copied into the lines'
    points and notes, so that the assessor changes only what they judge differently."""
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("year", "unit__domain")
            .get(pk=assessment.pk)
        )
        require_open(assessment.year)
        if expected_version is not None and assessment.version != expected_version:
            raise conflict_error(assessment)
        if not permissions.can_fill_unit_assessment(
            user, assessment.unit, assessment.year, assessment
        ):
            raise TransitionNotAllowed(unit_assessment_refusal(assessment.year, assessment))
        active = dict(
            Criterion.objects.filter(domain_id=assessment.unit.domain_id, active=True).values_list(
                "pk", "code"
            )
        )
        lines = [
            line
            for line in assessment.lines.select_for_update().order_by("order", "criterion_code")
            if line.criterion_id in active
        ]
        answered = {line.criterion_id for line in lines if line.self_points is not None}
        missing = sorted(code for pk, code in active.items() if pk not in answered)
        if missing:
            raise TransitionNotAllowed(
                _("%(codes)s 尚未自评打分，不能提交。") % {"codes": "、".join(missing)}
            )
        for line in lines:
            line.points, line.note, line.review_reason = line.self_points, line.self_note, ""
        AssessmentLine.objects.bulk_update(lines, ["points", "note", "review_reason"])
        before = assessment.status
        assessment.status = AssessmentStatus.UNIT_FILED
        assessment.total_points = sum(line.points for line in lines)
        assessment.decision_reason, assessment.decided_by, assessment.decided_at = "", None, None
        save_new_version(
            assessment,
            user,
            "status",
            "total_points",
            "decision_reason",
            "decided_by",
            "decided_at",
        )
        record_event(
            EventAction.UNIT_FILE,
            user,
            year=assessment.year,
            assessment=assessment,
            from_state=before,
            to_state=assessment.status,
            detail=_("自评总分 %(total)s") % {"total": assessment.total_points},
        )
    return assessment


def unit_assessment_return(*, user: User, assessment: Assessment, note: str) -> Assessment:
    """The district's assessor sends a filed self-assessment back to the unit, with a note."""
    note = note.strip()
    if not note:
        raise TransitionNotAllowed(_("退回单位时必须说明需要修改或补充什么。"))
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("year", "unit__region")
            .get(pk=assessment.pk)
        )
        require_open(assessment.year)
        if not permissions.in_scope(user, assessment.unit.region):
            raise TransitionNotAllowed(_("该单位不在您负责的区域内。"))
        if not permissions.can_return_to_unit(user, assessment):
            raise TransitionNotAllowed(
                _("这份测评处于“%(status)s”阶段，不能退回单位。")
                % {"status": assessment.get_status_display()}
            )
        before = assessment.status
        assessment.status = AssessmentStatus.UNIT_BACK
        # The note the unit reads on its page until it files again (who and when: the event).
        assessment.decision_reason = note
        save_new_version(assessment, user, "status", "decision_reason")
        record_event(
            EventAction.UNIT_RETURN,
            user,
            year=assessment.year,
            assessment=assessment,
            from_state=before,
            to_state=assessment.status,
            reason=note,
        )
    return assessment
