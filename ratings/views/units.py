"""Units of the ten creation domains: the register in a user's scope, registering and editing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..choices import AssessmentStatus
from ..forms import DomainListFilterForm, UnitFilterForm, UnitForm
from ..models import Unit
from ..permissions import assessor_or_admin_required
from .common import attempt, domain_list_context, read_filters, region_cascade, year_from


@assessor_or_admin_required
def unit_list(request: HttpRequest) -> HttpResponse:
    """The register of units in scope, with this year's assessment of each."""
    form = read_filters(request, UnitFilterForm)
    filters = form.filters
    year = year_from(form)
    cascade = region_cascade(request.user, filters.get("region") or "")
    units = selectors.unit_list_for_user(
        user=request.user,
        year=year,
        domain=filters.get("domain") or None,
        region=cascade["selected"],
        search=filters.get("q", ""),
        status=filters.get("status") or None,
        mine=bool(filters.get("mine")),
    )
    context = domain_list_context(request, form, units, year=year, cascade=cascade)
    context.update(statuses=AssessmentStatus.choices, status=filters.get("status", ""))
    return render(request, "domains/unit_list.html", context)


def _unit_form(request: HttpRequest, instance: Unit | None) -> HttpResponse:
    wanted = DomainListFilterForm(request.GET).filters.get("domain")
    form = UnitForm(
        request.POST or None,
        instance=instance,
        regions=selectors.unit_region_list_for_user(user=request.user),
        initial={"domain": wanted} if instance is None and wanted else None,
    )
    if request.method == "POST" and form.is_valid():
        details = form.details()
        saved = attempt(
            request,
            lambda: (
                services.unit_create(user=request.user, details=details)
                if instance is None
                else services.unit_update(user=request.user, unit=instance, details=details)
            ),
            success=lambda unit: _("已保存：%(name)s。") % {"name": unit.name},
        )
        if saved.done:
            return redirect("unit_detail", saved.result.pk)
    return render(request, "domains/unit_form.html", {"form": form, "unit": instance})


@assessor_or_admin_required
def unit_create(request: HttpRequest) -> HttpResponse:
    """Register a unit."""
    return _unit_form(request, None)


@assessor_or_admin_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a unit's particulars; each change is an event with before and after."""
    return _unit_form(request, selectors.unit_get_for_user(user=request.user, pk=pk))


@assessor_or_admin_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit, its assessments, namings and history."""
    unit = selectors.unit_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "domains/unit_detail.html",
        {
            "unit": unit,
            "assessments": unit.assessments.select_related("year").order_by("-year"),
            "designations": unit.designations.select_related("year").order_by("-year"),
            "events": unit.events.select_related("actor").order_by("created_at", "id"),
            "open_year": selectors.year_current(),
        },
    )
