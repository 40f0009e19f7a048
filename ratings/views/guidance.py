"""Supervised guidance cases: assessors of the region keep them up to date, administrators too."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, workflow
from ..choices import GuidanceStatus
from ..forms import GuidanceCloseForm, GuidanceFilterForm, GuidanceForm, GuidanceNoteForm
from ..permissions import assessor_or_admin_required
from .common import attempt, confirm_then_act, list_context, paginate, read_filters, region_cascade


@assessor_or_admin_required
def guidance_list(request: HttpRequest) -> HttpResponse:
    """Guidance cases in scope: open (overdue first), overdue, closed or all."""
    form = read_filters(request, GuidanceFilterForm)
    filters = form.filters
    state = filters.get("state") or "open"
    cascade = region_cascade(request.user, filters.get("region") or "")
    cases = selectors.guidance_list_for_user(
        user=request.user, state=state, region=cascade["selected"], search=filters.get("q", "")
    )
    return render(
        request,
        "guidance/list.html",
        {
            **list_context(request, form),
            "page": paginate(request, cases),
            "state": state,
            "cascade": cascade,
            "q": filters.get("q", ""),
        },
    )


@assessor_or_admin_required
def guidance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case, its history, and (while open) the form of measures and the note form."""
    case = selectors.guidance_get_for_user(user=request.user, pk=pk)
    form = GuidanceForm(
        request.POST or None,
        initial={
            "measures": case.measures,
            "responsible_person": case.responsible_person,
            "due_date": case.due_date,
            "version": case.version,
        },
    )
    conflict = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            request,
            lambda: workflow.guidance_update(
                user=request.user,
                case=case,
                expected_version=data["version"],
                measures=data["measures"].strip(),
                responsible_person=data["responsible_person"].strip(),
                due_date=data["due_date"],
            ),
            success=_("督促指导措施已保存。"),
            keep_conflict=True,
        )
        if not saved.conflict:
            return redirect("guidance_detail", pk)
        conflict = saved.conflict
    return render(
        request,
        "guidance/detail.html",
        {
            "case": case,
            "form": form,
            "note_form": GuidanceNoteForm(),
            "notes": case.notes.select_related("author"),
            "events": case.events.select_related("actor").order_by("created_at", "id"),
            "overdue": case.is_overdue(timezone.localdate()),
            "is_open": case.status == GuidanceStatus.OPEN,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@require_POST
@assessor_or_admin_required
def guidance_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a follow-up note (POST only)."""
    case = selectors.guidance_get_for_user(user=request.user, pk=pk)
    form = GuidanceNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写跟进情况。"))
        return redirect("guidance_detail", pk)
    attempt(
        request,
        lambda: workflow.guidance_note_add(
            user=request.user, case=case, text=form.cleaned_data["text"]
        ),
        success=_("跟进记录已添加。"),
    )
    return redirect("guidance_detail", pk)


@assessor_or_admin_required
def guidance_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a case with its outcome, after a confirmation page."""
    case = selectors.guidance_get_for_user(user=request.user, pk=pk)
    return confirm_then_act(
        request,
        template="guidance/close_confirm.html",
        context={"case": case},
        form=GuidanceCloseForm(request.POST or None),
        action=lambda data: workflow.guidance_close(
            user=request.user, case=case, outcome=data["outcome"]
        ),
        success=_("督促指导已结案。"),
        then=reverse("guidance_detail", args=[pk]),
    )
