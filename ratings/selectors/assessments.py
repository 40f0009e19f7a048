"""Domain assessments: one unit's, its lines, the criteria to score, the review queue."""

from __future__ import annotations

from django.db.models import (
    Prefetch,
    QuerySet,
    Subquery,
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
            Prefetch(
                "evidence",
                queryset=EvidenceFile.objects.select_related(
                    "uploaded_by", "reused_from__line__assessment", "reused_from__item__rating"
                ),
            )
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


def assessment_reusable(
    *, unit_id: int, year_id: int
) -> tuple[dict[int, AssessmentLine], dict[int, list[EvidenceFile]]]:
    """The same unit's lines of its latest earlier assessment, by criterion, and their files not
    withdrawn, which this year's lines may reuse (沿用; two queries)."""
    previous = (
        Assessment.objects.filter(unit_id=unit_id, year_id__lt=year_id)
        .order_by("-year_id")
        .values("pk")[:1]
    )
    lines = {
        line.criterion_id: line
        for line in AssessmentLine.objects.filter(assessment=Subquery(previous)).select_related(
            "assessment"
        )
    }
    files: dict[int, list[EvidenceFile]] = {}
    for evidence in (
        EvidenceFile.objects.filter(line__assessment=Subquery(previous), withdrawn_at__isnull=True)
        .select_related("line__assessment")
        .order_by("uploaded_at", "id")
    ):
        files.setdefault(evidence.line.criterion_id, []).append(evidence)
    return lines, files


def assessment_count_awaiting(*, user: User) -> int:
    """How many units' self-assessments of open years wait for the user (one query)."""
    return (
        Assessment.objects.filter(year__status=YearStatus.OPEN)
        .filter(permissions.awaiting_assessments_q(user))
        .count()
    )


def assessment_list_awaiting(*, user: User) -> QuerySet[Assessment]:
    """Units' self-assessments of open years waiting for the user, oldest filing first."""
    return (
        Assessment.objects.filter(year__status=YearStatus.OPEN)
        .filter(permissions.awaiting_assessments_q(user))
        .select_related("unit__domain", "unit__region__parent__parent", "year")
        .order_by("submitted_at", "updated_at", "id")
    )
