"""A unit's self-assessment (单位自评): the unit's filer fills it in and files it; the district's
assessor returns it to the unit or reviews it on the assessor's own form
(`views.assessments.assessment_edit`) and submits it to the lead department."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions, selectors, workflow
from ..forms import ReasonForm, clean_version
from ..permissions import assessment_roles_required, staff_required
from .assessments import assessment_form_page, assessment_url
from .common import confirm_then_act


def _own_assessment(request: HttpRequest, pk: int, year: int) -> tuple:
    """The year, the unit and its assessment, for the unit's own filer: 404 outside the user's
    reach, 403 for anyone else who may see it."""
    rating_year = selectors.year_get(year=year)
    unit, assessment = selectors.assessment_get_for_user(
        user=request.user, unit_pk=pk, year=rating_year
    )
    if not permissions.is_unit_contact(request.user, unit):
        raise PermissionDenied
    return rating_year, unit, assessment


@assessment_roles_required
def unit_assessment_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The unit's self-assessment: its own points, notes and files, saved as a draft, with last
    year's lines and files of the same unit offered for reuse (沿用)."""
    rating_year, unit, assessment = _own_assessment(request, pk, year)
    if not permissions.can_fill_unit_assessment(request.user, unit, rating_year, assessment):
        messages.error(request, workflow.unit_assessment_refusal(rating_year, assessment))
        return redirect(assessment_url(pk, year))
    return assessment_form_page(
        request,
        unit=unit,
        year=rating_year,
        assessment=assessment,
        save=lambda form: workflow.unit_assessment_save(
            user=request.user,
            unit=unit,
            year=rating_year,
            expected_version=form.version,
            lines=form.line_inputs(),
        ),
        saved=_("单位自评草稿已保存。"),
        then=assessment_url(pk, year),
        then_submit=reverse("unit_assessment_submit", args=[pk, year]),
        own=True,
    )


@assessment_roles_required
def unit_assessment_submit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """GET: the self-assessment as it will be filed, and a confirm button. POST: file it."""
    rating_year, unit, assessment = _own_assessment(request, pk, year)
    if assessment is None:
        messages.error(request, _("请先填写并保存单位自评，再提交。"))
        return redirect("unit_assessment_edit", pk, year)
    if request.method != "POST" and not permissions.can_fill_unit_assessment(
        request.user, unit, rating_year, assessment
    ):
        messages.error(request, workflow.unit_assessment_refusal(rating_year, assessment))
        return redirect(assessment_url(pk, year))

    def context() -> dict:
        lines = selectors.assessment_line_list(assessment=assessment)
        criteria = selectors.criterion_list_active(domain_id=unit.domain_id)
        answered = {line.criterion_id for line in lines if line.self_points is not None}
        return {
            "unit": unit,
            "year": rating_year,
            "assessment": assessment,
            "lines": lines,
            "missing": [c for c in criteria if c.pk not in answered],
            "total": sum(line.self_points or 0 for line in lines if line.criterion.active),
        }

    return confirm_then_act(
        request,
        template="domains/unit_assessment_submit.html",
        context=context,
        action=lambda data: workflow.unit_assessment_submit(
            user=request.user, assessment=assessment, expected_version=clean_version(request.POST)
        ),
        success=_("单位自评已提交，等待区评定员审核。"),
        then=assessment_url(pk, year),
    )


@staff_required
def unit_assessment_return(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The district's assessor sends a unit's filed self-assessment back to it, with a note."""
    rating_year = selectors.year_get(year=year)
    unit, assessment = selectors.assessment_get_for_user(
        user=request.user, unit_pk=pk, year=rating_year
    )
    if not permissions.can_score(request.user):
        raise PermissionDenied
    if request.method != "POST" and not permissions.can_return_to_unit(request.user, assessment):
        messages.error(request, _("只有单位已提交、待区审核的自评可以退回单位。"))
        return redirect(assessment_url(pk, year))
    return confirm_then_act(
        request,
        template="domains/unit_assessment_return.html",
        context={"unit": unit, "year": rating_year, "assessment": assessment},
        form=ReasonForm(request.POST or None),
        action=lambda data: workflow.unit_assessment_return(
            user=request.user, assessment=assessment, note=data["reason"]
        ),
        success=_("已退回单位修改。"),
        then=assessment_url(pk, year),
    )
