"""Domain assessments: one unit's, its lines, the criteria to score, the review queue."""

from __future__ import annotations

from django.db.models import (
    Prefetch,
    QuerySet,
)
from django.http import Http404

from .. import permissions
from ..choices import (
    AssessmentStatus,
    YearStatus,
)
from ..models import (
    Assessment,
    AssessmentLine,
    Criterion,
    EvidenceFile,
    RatingYear,
    Unit,
    User,
)
from .units import unit_get_for_user


def assessment_get_for_user(
    *, user: User, unit_pk: int, year: RatingYear
) -> tuple[Unit, Assessment | None]:
    """A unit and its assessment of `year`; the lead department sees it once submitted, others
    with a role see it inside their scope, everyone else gets 404."""
    unit = unit_get_for_user(user=user, pk=unit_pk)
    assessment = (
        Assessment.objects.filter(unit=unit, year=year)
        .select_related("updated_by", "decided_by", "year")
        .first()
    )
    if not permissions.can_see_assessment(user, unit, assessment):
        raise Http404
    return unit, assessment


def assessment_line_list(*, assessment: Assessment) -> list[AssessmentLine]:
    """The lines of an assessment with their criterion, work area and files (two queries)."""
    return list(
        assessment.lines.select_related("criterion__work_area").prefetch_related(
            Prefetch("evidence", queryset=EvidenceFile.objects.select_related("uploaded_by"))
        )
    )


def criterion_list_active(*, domain_id: str) -> list[Criterion]:
    """The active criteria of a domain in the order the form shows them."""
    return list(
        Criterion.objects.filter(domain_id=domain_id, active=True)
        .select_related("work_area")
        .order_by("work_area__order", "order", "code")
    )


def assessment_review_list_for_user(
    *, user: User, domain: str | None = None, search: str = ""
) -> QuerySet[Assessment]:
    """Submitted assessments of the domains the user's department leads, in its jurisdiction."""
    assessments = (
        Assessment.objects.filter(status=AssessmentStatus.SUBMITTED, year__status=YearStatus.OPEN)
        .filter(permissions.reviewable_assessments_q(user))
        .filter(permissions.community_scope_q(user, "unit__region_id"))
        .select_related("unit__domain", "unit__region__parent__parent", "year")
        .order_by("submitted_at", "id")
    )
    if domain:
        assessments = assessments.filter(unit__domain_id=domain)
    if search:
        assessments = assessments.filter(unit__name__contains=search)
    return assessments
