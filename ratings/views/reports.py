"""Residents' reports (反映问题): the public pages (reporting through a valid plaque, a
receipt's status) and the staff pages (the cases, the finding, the evidence).

The reporter's name and phone appear on the staff pages only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions, selectors, workflow
from ..choices import YearStatus
from ..forms import RealNameForm, ReportFilterForm, ReportFindForm
from ..models import Plaque
from ..permissions import assessor_or_admin_required
from ..ratelimit import rate_limited
from .common import FORM_HAS_ERRORS, attempt, confirm_then_act, list_context, paginate, read_filters
from .evidence import attachment

# --------------------------------------------------------------------------------------------
# Public


@rate_limited("report", only_post=True)
def report_new(request: HttpRequest, number: str) -> HttpResponse:
    """反映问题 about the community of a valid plaque; a POST is the report."""
    plaque = (
        Plaque.objects.filter(number=number, year__status=YearStatus.PUBLISHED)
        .select_related("rating__community__parent__parent")
        .first()
    )
    if plaque is None or not plaque.is_valid:
        raise Http404
    form = RealNameForm(
        request.POST or None, request.FILES or None, raw_names=request.upload_raw_names
    )
    if request.method == "POST":
        if form.is_valid():
            made = attempt(
                request, lambda: workflow.report_submit(plaque=plaque, report=form.submission())
            )
            if made.done:
                messages.success(
                    request,
                    _("反映已受理，回执编号 %(receipt)s。请妥善保存，凭此编号查询办理结果。")
                    % {"receipt": made.result.receipt},
                )
                return redirect("report_status", made.result.receipt)
        else:
            messages.error(request, FORM_HAS_ERRORS)
    return render(request, "public/report_new.html", {"plaque": plaque, "form": form})


@rate_limited("verify")
def report_status(request: HttpRequest, receipt: str) -> HttpResponse:
    """What became of one report, for whoever holds its receipt: status and finding only."""
    report = selectors.report_get_by_receipt(receipt=receipt)
    return render(request, "public/report_status.html", {"report": report})


# --------------------------------------------------------------------------------------------
# Administrators, and the assessors of the community's district


@assessor_or_admin_required
def report_list(request: HttpRequest) -> HttpResponse:
    form = read_filters(request, ReportFilterForm)
    reports = selectors.report_list_for_user(
        user=request.user, status=form.filters.get("status", ""), search=form.filters.get("q", "")
    )
    return render(
        request,
        "manage/reports.html",
        {**list_context(request, form), "form": form, "page": paginate(request, reports)},
    )


@assessor_or_admin_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "manage/report_detail.html",
        {
            "report": report,
            "can_find": permissions.can_find_report(request.user, report) and not report.is_found,
        },
    )


@assessor_or_admin_required
def report_find(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the answer, after a page that shows the report again."""
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    if not permissions.can_find_report(request.user, report):
        raise PermissionDenied
    form = ReportFindForm(request.POST or None)
    return confirm_then_act(
        request,
        template="manage/report_find_confirm.html",
        context={"report": report},
        form=form,
        action=lambda data: workflow.report_find(
            user=request.user, report=report, upheld=form.upheld, reason=data["reason"]
        ),
        success=lambda made: _("已认定：%(status)s。") % {"status": made.get_status_display()},
        then=reverse("report_detail", args=[pk]),
    )


@assessor_or_admin_required
def report_evidence(request: HttpRequest, pk: int) -> FileResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    return attachment(report.evidence, name=report.evidence_name, content_type=report.evidence_type)
