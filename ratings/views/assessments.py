"""A unit's yearly assessment: filling it in, submitting it, and the lead department's review."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions, selectors, workflow
from ..choices import ReviewDecision
from ..forms import AssessmentEditForm, DomainListFilterForm, ReviewForm, clean_version
from ..models import Assessment, Domain, RatingYear, Unit
from ..permissions import assessment_roles_required, certifier_required, staff_required
from .common import confirm_then_act, list_context, paginate, read_filters, save_draft


def assessment_url(unit_pk: int, year: int) -> str:
    """The page of a unit's assessment of a year."""
    return reverse("assessment_detail", args=[unit_pk, year])


def _assessment(request: HttpRequest, pk: int, year: int) -> tuple:
    """The year, the unit and its assessment of the year (None if not started), or 404."""
    rating_year = selectors.year_get(year=year)
    unit, assessment = selectors.assessment_get_for_user(
        user=request.user, unit_pk=pk, year=rating_year
    )
    return rating_year, unit, assessment


@assessment_roles_required
def assessment_detail(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """A unit's assessment of a year: lines, files, history, and what the user may do (the
    unit's own filer included)."""
    rating_year, unit, assessment = _assessment(request, pk, year)
    user = request.user
    return render(
        request,
        "domains/assessment_detail.html",
        {
            "unit": unit,
            "year": rating_year,
            "assessment": assessment,
            "lines": selectors.assessment_line_list(assessment=assessment) if assessment else [],
            "events": assessment.events.select_related("actor").order_by("created_at", "id")
            if assessment
            else [],
            "can_edit": permissions.can_edit_assessment(user, rating_year, assessment, unit),
            "can_review": permissions.can_review_assessment_now(user, assessment),
            "can_fill": permissions.can_fill_unit_assessment(user, unit, rating_year, assessment),
            "can_return_to_unit": permissions.in_scope(user, unit.region)
            and permissions.can_return_to_unit(user, assessment),
        },
    )


@staff_required
def assessment_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The assessor's form: points, notes and files per criterion, saved as a draft."""
    rating_year, unit, assessment = _assessment(request, pk, year)
    if not permissions.can_score(request.user):
        raise PermissionDenied
    if not permissions.can_edit_assessment(request.user, rating_year, assessment, unit):
        waiting_for_unit = rating_year.is_open and (
            assessment.is_self_editable
            if assessment is not None
            else permissions.unit_fills_itself(unit, rating_year)
        )
        messages.error(
            request,
            _("这份单位自评尚未提交，单位提交后才能审核。")
            if waiting_for_unit
            else _("这份测评现在不能修改。"),
        )
        return redirect(assessment_url(pk, year))
    return assessment_form_page(
        request,
        unit=unit,
        year=rating_year,
        assessment=assessment,
        save=lambda form: workflow.assessment_save(
            user=request.user,
            unit=unit,
            year=rating_year,
            expected_version=form.version,
            lines=form.line_inputs(),
        ),
        saved=_("测评草稿已保存。"),
        then=assessment_url(pk, year),
        then_submit=reverse("assessment_submit", args=[pk, year]),
        unit_led=bool(assessment and assessment.unit_led),
        threshold=unit.domain.pass_threshold,
    )


def assessment_form_page(
    request: HttpRequest,
    *,
    unit: Unit,
    year: RatingYear,
    assessment: Assessment | None,
    save: Callable[[AssessmentEditForm], Assessment],
    saved: str,
    then: str,
    then_submit: str,
    own: bool = False,
    unit_led: bool = False,
    threshold: int | None = None,
) -> HttpResponse:
    """The form of a unit's assessment of a year, the assessor's or (`own`) the unit's: saved
    as a draft through `save(form)`, or shown again with its errors or a conflict."""
    lines = selectors.assessment_line_list(assessment=assessment) if assessment else []
    form = AssessmentEditForm(
        request.POST or None,
        request.FILES or None,
        criteria=selectors.criterion_list_active(domain_id=unit.domain_id),
        lines={line.criterion_id: line for line in lines},
        version=assessment.version if assessment else 0,
        raw_names=request.upload_raw_names,
        own=own,
        unit_led=unit_led,
        reusable=selectors.assessment_reusable(unit_id=unit.pk, year_id=year.year),
    )
    draft = save_draft(
        request, form, lambda: save(form), saved=saved, then=then, then_submit=then_submit
    )
    if draft.response:
        return draft.response
    return render(
        request,
        "domains/assessment_edit.html",
        {
            "unit": unit,
            "year": year,
            "assessment": assessment,
            "form": form,
            "conflict": draft.conflict,
            "own": own,
            "threshold": threshold,
        },
        status=409 if draft.conflict else 200,
    )


@staff_required
def assessment_submit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """GET: what will be submitted and whether it meets the standard. POST: submit."""
    rating_year, unit, assessment = _assessment(request, pk, year)
    if not permissions.can_score(request.user):
        raise PermissionDenied
    if assessment is None:
        messages.error(request, _("请先填写并保存测评，再提交。"))
        return redirect("assessment_edit", pk, year)

    def context() -> dict:
        lines = selectors.assessment_line_list(assessment=assessment)
        criteria = selectors.criterion_list_active(domain_id=unit.domain_id)
        scored = {line.criterion_id for line in lines if line.points is not None}
        active = [line for line in lines if line.criterion.active]
        return {
            "unit": unit,
            "year": rating_year,
            "assessment": assessment,
            "missing": [c for c in criteria if c.pk not in scored],
            "lines": lines,
            "meets": workflow.meets_standard(active, unit.domain.pass_threshold),
        }

    return confirm_then_act(
        request,
        template="domains/assessment_submit.html",
        context=context,
        action=lambda data: workflow.assessment_submit(
            user=request.user,
            assessment=assessment,
            expected_version=clean_version(request.POST),
        ),
        success=_("测评已提交，等待牵头单位审核。"),
        then=assessment_url(pk, year),
    )


@staff_required
def assessment_review(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The lead department approves, rejects or returns a submitted assessment."""
    rating_year, unit, assessment = _assessment(request, pk, year)
    if assessment is None or not permissions.can_review_assessment(request.user, assessment):
        raise PermissionDenied
    return confirm_then_act(
        request,
        template="domains/assessment_review.html",
        context=lambda: {
            "unit": unit,
            "year": rating_year,
            "assessment": assessment,
            "lines": selectors.assessment_line_list(assessment=assessment),
        },
        form=ReviewForm(request.POST or None),
        action=lambda data: workflow.assessment_decide(
            user=request.user,
            assessment=assessment,
            decision=ReviewDecision(data["decision"]),
            reason=data["reason"],
        ),
        success=_("已审核：%(name)s。") % {"name": unit.name},
        then=reverse("review_queue"),
    )


@certifier_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted assessments of the domains the user's department leads."""
    domains = Domain.objects.filter(permissions.led_domains_q(request.user))
    form = read_filters(request, DomainListFilterForm, domains=domains)
    filters = form.filters
    assessments = selectors.assessment_review_list_for_user(
        user=request.user, domain=filters.get("domain") or None, search=filters.get("q", "")
    )
    return render(
        request,
        "domains/review_queue.html",
        {
            **list_context(request, form),
            "page": paginate(request, assessments),
            "domains": domains,
            "domain": filters.get("domain", ""),
            "q": filters.get("q", ""),
        },
    )
