"""Designations (命名): the list, naming units that met the standard, revoking a naming."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import selectors, workflow
from ..forms import DomainListFilterForm, NamingForm, ReasonForm, TickedUnitsForm
from ..permissions import admin_required
from .common import (
    attempt,
    confirm_then_act,
    domain_list_context,
    read_filters,
    region_cascade,
    year_from,
)


def _list_url(year: int) -> str:
    return f"{reverse('designation_list')}?year={year}"


@admin_required
def designation_list(request: HttpRequest) -> HttpResponse:
    """The namings of a year, filtered by domain, region and name."""
    form = read_filters(request, DomainListFilterForm)
    filters = form.filters
    year = year_from(form)
    cascade = region_cascade(request.user, filters.get("region") or "")
    designations = selectors.designation_list(
        year=year,
        domain=filters.get("domain") or None,
        region=cascade["selected"],
        search=filters.get("q", ""),
    )
    context = domain_list_context(request, form, designations, year=year, cascade=cascade)
    return render(request, "domains/designation_list.html", context)


@admin_required
def designation_create(request: HttpRequest) -> HttpResponse:
    """Tick units that met the standard, fill in the naming document, confirm."""
    filter_form = read_filters(request, DomainListFilterForm)
    filters = filter_form.filters
    year = year_from(filter_form)
    if year is None:
        messages.error(request, _("尚未设立评星年度。"))
        return redirect("designation_list")
    form = NamingForm(request.POST or None)
    ticked = TickedUnitsForm(request.POST or None)
    units = []
    if request.method == "POST":
        if ticked.is_valid():
            units = list(ticked.cleaned_data["units"])
        else:
            for error in ticked.errors["units"]:
                messages.error(request, error)
        if units and form.is_valid():
            if request.POST.get("confirm") != "yes":
                return render(
                    request,
                    "domains/designation_confirm.html",
                    {"year": year, "units": units, "form": form},
                )
            named = attempt(
                request,
                lambda: workflow.designations_create(
                    user=request.user, units=units, year=year, naming=form.naming()
                ),
                success=lambda made: _("已命名 %(count)s 个单位。") % {"count": len(made)},
            )
            if named.done:
                return redirect(_list_url(year.year))
    cascade = region_cascade(request.user, filters.get("region") or "")
    candidates = selectors.designation_candidate_list(
        year=year,
        domain=filters.get("domain") or None,
        region=cascade["selected"],
        search=filters.get("q", ""),
    )
    context = domain_list_context(
        request, filter_form, candidates, year=year, cascade=cascade, per_page=50
    )
    context.update(form=form, ticked={unit.pk for unit in units})
    return render(request, "domains/designation_create.html", context)


@admin_required
def designation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a naming, after a confirmation page asking for the reason."""
    designation = selectors.designation_get(pk=pk)
    return confirm_then_act(
        request,
        template="domains/designation_revoke_confirm.html",
        context={"designation": designation},
        form=ReasonForm(request.POST or None),
        action=lambda data: workflow.designation_revoke(
            user=request.user, designation=designation, reason=data["reason"]
        ),
        success=_("已撤销命名：%(name)s。") % {"name": designation.unit.name},
        then=_list_url(designation.year_id),
    )
