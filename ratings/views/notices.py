"""Public notices (公示) and objections (异议): the public pages (the notice, objecting to it, a
receipt's status) and the staff pages (opening a notice, handling objections, naming a batch).

The objector's name and phone appear on the staff pages only."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, selectors, workflow
from ..choices import NoticeKind, NoticePhase, YearStatus
from ..forms import (
    BatchNoticeForm,
    NamingDocumentForm,
    NoticeFilterForm,
    NoticeForm,
    ObjectionAssignForm,
    ObjectionFilterForm,
    ObjectionFindForm,
    ObjectionForm,
)
from ..models import RatingYear
from ..permissions import admin_required, certifier_or_admin_required
from ..ratelimit import rate_limited
from .common import (
    FORM_HAS_ERRORS,
    attempt,
    confirm_then_act,
    list_context,
    paginate,
    read_filters,
)
from .evidence import attachment

ENTRY_PAGE_SIZE = 50

# --------------------------------------------------------------------------------------------
# Public


def notice_list(request: HttpRequest) -> HttpResponse:
    """Every notice, open ones and past ones: they stay public as the record of the process."""
    form = read_filters(request, NoticeFilterForm)
    filters = form.filters
    notices = selectors.notice_list(
        year=filters.get("year"), kind=filters.get("kind", ""), search=filters.get("q", "")
    )
    return render(
        request,
        "public/notice_list.html",
        {
            **list_context(request, form),
            "form": form,
            "page": paginate(request, notices),
            "today": timezone.localdate(),
        },
    )


@rate_limited("objection", only_post=True)
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice: its text, list and window; during the window, the form to object; after it,
    the outcome. A POST is an objection."""
    notice = selectors.notice_get(pk=pk)
    today = timezone.localdate()
    phase = notice.phase(today)
    form = ObjectionForm(
        request.POST or None,
        request.FILES or None,
        notice=notice,
        raw_names=request.upload_raw_names,
    )
    if request.method == "POST":
        if form.is_valid():
            made = attempt(
                request,
                lambda: workflow.objection_submit(
                    notice=notice, entry=form.cleaned_data["entry"], objection=form.objection()
                ),
            )
            if made.done:
                messages.success(
                    request,
                    _("异议已受理，回执编号 %(receipt)s。请妥善保存，凭此编号查询办理结果。")
                    % {"receipt": made.result.receipt},
                )
                return redirect("objection_status", made.result.receipt)
        else:
            messages.error(request, FORM_HAS_ERRORS)
    entries = selectors.notice_entry_list(notice=notice)
    return render(
        request,
        "public/notice_detail.html",
        {
            "notice": notice,
            "phase": phase,
            "page": paginate(request, entries, ENTRY_PAGE_SIZE),
            "choices": entries.filter(removed_at__isnull=True) if phase == NoticePhase.OPEN else [],
            "counts": selectors.objection_counts(notice=notice)
            if phase == NoticePhase.CLOSED
            else None,
            "form": form,
        },
    )


@rate_limited("verify")
def objection_status(request: HttpRequest, receipt: str) -> HttpResponse:
    """What became of one objection, for whoever holds its receipt: status and finding only."""
    objection = selectors.objection_get_by_receipt(receipt=receipt)
    return render(request, "public/objection_status.html", {"objection": objection})


# --------------------------------------------------------------------------------------------
# Administrators: notices


@admin_required
def manage_notices(request: HttpRequest) -> HttpResponse:
    """The notices with what each still holds back, and the years whose list may go on notice."""
    form = read_filters(request, NoticeFilterForm)
    filters = form.filters
    notices = selectors.notice_list(
        year=filters.get("year"), kind=filters.get("kind", ""), search=filters.get("q", "")
    )
    page = paginate(request, notices)
    for notice in page:
        notice.holds = workflow.notice_holds(notice)
    return render(
        request,
        "manage/notices.html",
        {
            **list_context(request, form),
            "form": form,
            "page": page,
            "closed_years": RatingYear.objects.filter(status=YearStatus.CLOSED).exclude(
                notices__kind=NoticeKind.TEN_STAR
            ),
        },
    )


@admin_required
def notice_open_year(request: HttpRequest, year: int) -> HttpResponse:
    """Put a closed year's ten-star communities on notice."""
    rating_year = selectors.year_get(year=year)
    form = NoticeForm(
        request.POST or None,
        initial={
            "title": _("%(year)s年度十星平安社区(村)拟命名名单公示") % {"year": year},
            "starts_on": timezone.localdate(),
        },
    )
    if request.method == "POST":
        if form.is_valid():
            opened = attempt(
                request,
                lambda: workflow.notice_open_for_year(
                    user=request.user, year=rating_year, text=form.text()
                ),
                success=lambda notice: (
                    _("公示已发布，公示期至 %(end)s。") % {"end": notice.ends_on.isoformat()}
                ),
            )
            if opened.done:
                return redirect("notice_detail", opened.result.pk)
        else:
            messages.error(request, FORM_HAS_ERRORS)
    proposed = selectors.rating_list_proposed(year=rating_year)
    return render(
        request,
        "manage/notice_open.html",
        {"year": rating_year, "form": form, "proposed": proposed[:50], "count": proposed.count()},
    )


@admin_required
def notice_open_batch(request: HttpRequest) -> HttpResponse:
    """Put a naming batch on notice: a domain's units that may be named this year."""
    year = selectors.year_current()
    if year is None:
        messages.error(request, _("尚未设立评星年度。"))
        return redirect("manage_notices")
    form = BatchNoticeForm(
        request.POST or None,
        initial={"starts_on": timezone.localdate(), "naming_batch": _("首批")},
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            opened = attempt(
                request,
                lambda: workflow.notice_open_for_batch(
                    user=request.user,
                    year=year,
                    domain=data["domain"],
                    naming_title=data["naming_title"],
                    naming_tier=data["naming_tier"],
                    naming_batch=data["naming_batch"],
                    text=form.text(),
                ),
                success=lambda notice: (
                    _("公示已发布，公示期至 %(end)s。") % {"end": notice.ends_on.isoformat()}
                ),
            )
            if opened.done:
                return redirect("notice_detail", opened.result.pk)
        else:
            messages.error(request, FORM_HAS_ERRORS)
    return render(request, "manage/notice_open.html", {"year": year, "form": form, "batch": True})


@admin_required
def notice_name(request: HttpRequest, pk: int) -> HttpResponse:
    """Name what is left of a batch once its notice has run its course."""
    notice = selectors.notice_get(pk=pk)
    if notice.kind != NoticeKind.NAMING:
        raise Http404
    return confirm_then_act(
        request,
        template="manage/notice_name_confirm.html",
        context=lambda: {
            "notice": notice,
            "holds": workflow.notice_holds(notice),
            "entries": notice.entries.filter(removed_at__isnull=True),
        },
        form=NamingDocumentForm(request.POST or None),
        action=lambda data: workflow.notice_name_batch(
            user=request.user,
            notice=notice,
            document_number=data["document_number"],
            designated_on=data["designated_on"],
        ),
        success=lambda made: _("已命名 %(count)s 个单位。") % {"count": len(made)},
        then=reverse("manage_notices"),
    )


# --------------------------------------------------------------------------------------------
# Objections: administrators, and the authority an objection was handed to


@certifier_or_admin_required
def objection_list(request: HttpRequest) -> HttpResponse:
    form = read_filters(request, ObjectionFilterForm)
    filters = form.filters
    objections = selectors.objection_list_for_user(
        user=request.user, status=filters.get("status", ""), search=filters.get("q", "")
    )
    return render(
        request,
        "manage/objections.html",
        {**list_context(request, form), "form": form, "page": paginate(request, objections)},
    )


@certifier_or_admin_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "manage/objection_detail.html",
        {
            "objection": objection,
            "assign_form": ObjectionAssignForm(initial={"authority": objection.assigned_to_id})
            if permissions.can_assign_objection(request.user) and not objection.is_found
            else None,
            "can_find": permissions.can_find_objection(request.user, objection)
            and not objection.is_found,
            "events": objection.events.select_related("actor").order_by("created_at", "id"),
        },
    )


@require_POST
@admin_required
def objection_assign(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get_for_user(user=request.user, pk=pk)
    form = ObjectionAssignForm(request.POST)
    if form.is_valid():
        authority = form.cleaned_data["authority"]
        attempt(
            request,
            lambda: workflow.objection_assign(
                user=request.user, objection=objection, authority=authority
            ),
            success=_("已交 %(name)s 核查。") % {"name": authority.name},
        )
    else:
        messages.error(request, _("请选择交由核查的单位。"))
    return redirect("objection_detail", pk)


@certifier_or_admin_required
def objection_find(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the finding, after a page that says what an upheld objection does."""
    objection = selectors.objection_get_for_user(user=request.user, pk=pk)
    if not permissions.can_find_objection(request.user, objection):
        raise Http404
    form = ObjectionFindForm(request.POST or None)
    return confirm_then_act(
        request,
        template="manage/objection_find_confirm.html",
        context={"objection": objection},
        form=form,
        action=lambda data: workflow.objection_find(
            user=request.user, objection=objection, upheld=form.upheld, reason=data["reason"]
        ),
        success=lambda made: _("已认定：%(status)s。") % {"status": made.get_status_display()},
        then=reverse("objection_detail", args=[pk]),
    )


@certifier_or_admin_required
def objection_evidence(request: HttpRequest, pk: int) -> FileResponse:
    objection = selectors.objection_get_for_user(user=request.user, pk=pk)
    return attachment(
        objection.evidence, name=objection.evidence_name, content_type=objection.evidence_type
    )
