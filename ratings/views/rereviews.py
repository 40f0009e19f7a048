"""Re-review (复查): the administrators open one and follow it; the assessors of each
community's district record their finding; a failed one leads to 摘星."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions, selectors, workflow
from ..choices import YearStatus
from ..forms import (
    FilterForm,
    RereviewFilterForm,
    RereviewFindForm,
    RereviewOpenForm,
    RereviewStarsForm,
)
from ..models import RatingYear, StarItem
from ..permissions import admin_required, assessor_or_admin_required
from .common import FORM_HAS_ERRORS, attempt, confirm_then_act, list_context, paginate, read_filters

# --------------------------------------------------------------------------------------------
# Administrators


@admin_required
def rereview_list(request: HttpRequest) -> HttpResponse:
    """Every re-review with its progress."""
    form = read_filters(request, FilterForm)
    rereviews = selectors.rereview_list(year=form.filters.get("year"))
    return render(
        request,
        "manage/rereviews.html",
        {**list_context(request, form), "page": paginate(request, rereviews)},
    )


@admin_required
def rereview_open(request: HttpRequest) -> HttpResponse:
    """Open a re-review of a published year's ten-star communities: all, or a sample."""
    latest = RatingYear.objects.filter(status=YearStatus.PUBLISHED).order_by("-year").first()
    form = RereviewOpenForm(
        request.POST or None,
        initial={
            "year": latest.year if latest else None,
            "title": _("%(year)s年度十星平安社区(村)复查") % {"year": latest.year}
            if latest
            else "",
        },
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            opened = attempt(
                request,
                lambda: workflow.rereview_open(
                    user=request.user,
                    year=RatingYear.objects.get(pk=data["year"]),
                    title=data["title"],
                    size=form.sample_size(),
                    seed=data["seed"],
                ),
                success=lambda made: (
                    _("复查已开展：%(count)s 个社区(村)待复查。") % {"count": made.entries.count()}
                ),
            )
            if opened.done:
                return redirect("rereview_detail", opened.result.pk)
        else:
            messages.error(request, FORM_HAS_ERRORS)
    return render(request, "manage/rereview_open.html", {"form": form, "latest": latest})


@admin_required
def rereview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A re-review's progress: how it was drawn, and each community's finding."""
    rereview = selectors.rereview_get(pk=pk)
    form = read_filters(request, RereviewFilterForm)
    entries = selectors.rereview_entry_list_for_user(
        user=request.user,
        rereview=rereview,
        status=form.filters.get("status", ""),
        search=form.filters.get("q", ""),
    )
    return render(
        request,
        "manage/rereview_detail.html",
        {
            **list_context(request, form),
            "form": form,
            "rereview": rereview,
            "page": paginate(request, entries),
        },
    )


@admin_required
def rereview_stars_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """摘星 after a failed re-review, through the same workflow as any other star removal."""
    entry = selectors.rereview_entry_get_for_user(user=request.user, pk=pk)
    return confirm_then_act(
        request,
        template="manage/rereview_stars_confirm.html",
        context=lambda: {
            "entry": entry,
            "items": StarItem.objects.filter(
                rating_id=entry.rating_id, standard__in=entry.failed_standards.all()
            ).select_related("standard__authority"),
            "plaques": selectors.plaque_list_for_rating(rating=entry.rating),
        },
        form=RereviewStarsForm(request.POST or None),
        action=lambda data: workflow.rereview_remove_stars(
            user=request.user, entry=entry, document_number=data["document_number"]
        ),
        success=lambda removed: (
            _("已按复查结论摘除%(name)s %(count)s 颗星。")
            % {"name": entry.community.name, "count": removed}
        ),
        then=reverse("rereview_detail", args=[entry.rereview_id]),
    )


# --------------------------------------------------------------------------------------------
# Assessors (and administrators, who see every district)


@assessor_or_admin_required
def rereview_work(request: HttpRequest) -> HttpResponse:
    """The communities of re-reviews inside the user's region, waiting ones first."""
    form = read_filters(request, RereviewFilterForm)
    entries = selectors.rereview_entry_list_for_user(
        user=request.user, status=form.filters.get("status", ""), search=form.filters.get("q", "")
    )
    return render(
        request,
        "ratings/rereview_work.html",
        {**list_context(request, form), "form": form, "page": paginate(request, entries)},
    )


@assessor_or_admin_required
def rereview_find(request: HttpRequest, pk: int) -> HttpResponse:
    """One community of a re-review: its finding, or the form to record it."""
    entry = selectors.rereview_entry_get_for_user(user=request.user, pk=pk)
    can_find = permissions.can_find_rereview(request.user, entry)
    if request.method == "POST" and not can_find:
        raise PermissionDenied
    form = RereviewFindForm(request.POST or None) if can_find and not entry.is_found else None
    if request.method == "POST" and form is None:
        messages.error(request, _("该社区(村)已复查，结论不能再更改。"))
        return redirect("rereview_find", pk)
    return confirm_then_act(
        request,
        template="ratings/rereview_find.html",
        context=lambda: {
            "entry": entry,
            "failed": entry.failed_standards.all(),
            "items": StarItem.objects.filter(rating_id=entry.rating_id).select_related("standard"),
        },
        form=form,
        action=lambda data: workflow.rereview_find(
            user=request.user,
            entry=entry,
            passed=form.passed,
            reason=data["reason"],
            failed_standards=data["standards"],
        ),
        success=lambda made: (
            _("已记录复查结论：%(status)s。") % {"status": made.get_status_display()}
        ),
        then=reverse("rereview_work"),
    )
