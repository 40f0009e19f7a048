"""The administrator's deadline pages: the last day of each stage, extensions for named
communities, closing the apply stage (unfiled applications lapse to 逾期未申报), and the
year's progress by district, town and authority."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors, workflow
from ..choices import Stage
from ..forms import DeadlinesForm, ExtensionForm
from ..permissions import admin_required
from ..spreadsheets import xlsx_bytes
from .common import FORM_HAS_ERRORS, attempt, confirm_then_act, paginate, xlsx_download


@admin_required
def year_deadlines(request: HttpRequest, year: int) -> HttpResponse:
    """The year's stage deadlines (a form), its extensions (a list and a form) and the way to
    close the apply stage."""
    rating_year = selectors.year_get(year=year)
    initial = {f"{stage}_due": rating_year.due(stage) for stage in Stage}
    form = DeadlinesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            outcome = attempt(
                request,
                lambda: workflow.year_deadlines_set(
                    user=request.user, year=rating_year, dues=form.dues()
                ),
                success=lambda done: _("截止日期已保存。") if done else _("截止日期没有变化。"),
            )
            if outcome.done or outcome.refused:
                return redirect("year_deadlines", year)
        messages.error(request, FORM_HAS_ERRORS)
    return render(
        request,
        "manage/year_deadlines.html",
        {
            "year": rating_year,
            "form": form,
            "extension_form": ExtensionForm(),
            "page": paginate(request, selectors.extension_list(year=rating_year)),
            "apply_passed": rating_year.apply_due is not None
            and rating_year.apply_due < timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@admin_required
def deadline_extend(request: HttpRequest, year: int) -> HttpResponse:
    """Extend the apply deadline of one community: GET the form, POST the extension."""
    rating_year = selectors.year_get(year=year)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            request,
            lambda: workflow.deadline_extend(
                user=request.user,
                year=rating_year,
                community=data["community"],
                until=data["until"],
                reason=data["reason"],
            ),
            success=_("已将 %(name)s 的申报期限延长至 %(until)s。")
            % {"name": data["community"].name, "until": data["until"]},
        )
        if outcome.done:
            return redirect("year_deadlines", year)
    return render(
        request,
        "manage/deadline_extend.html",
        {"year": rating_year, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@admin_required
def apply_stage_close(request: HttpRequest, year: int) -> HttpResponse:
    """Close the apply stage after its deadline: GET says what will happen, POST does it."""
    rating_year = selectors.year_get(year=year)
    return confirm_then_act(
        request,
        template="manage/apply_close_confirm.html",
        context=lambda: {"year": rating_year},
        action=lambda data: workflow.apply_stage_close(user=request.user, year=rating_year),
        success=lambda count: (
            _("自评申报已截止，%(count)s 个社区(村)记为逾期未申报。") % {"count": count}
        ),
        then=reverse("year_deadlines", args=[year]),
    )


# --------------------------------------------------------------------------------------------
# Progress


@admin_required
def year_progress(request: HttpRequest, year: int) -> HttpResponse:
    """Per district, town and authority: how many are at each stage, overdue and returned."""
    rating_year = selectors.year_get(year=year)
    return render(
        request,
        "manage/year_progress.html",
        {
            "year": rating_year,
            "progress": selectors.year_progress(year=rating_year),
            "stages": list(Stage),
            "deadlines": selectors.deadline_list(year=rating_year, stages=list(Stage)),
        },
    )


@admin_required
def year_progress_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The progress page as one worksheet: districts, then towns, then authorities."""
    rating_year = selectors.year_get(year=year)
    progress = selectors.year_progress(year=rating_year)
    header = [
        _("层级"),
        _("代码"),
        _("名称"),
        _("社区(村)数"),
        _("未开始"),
        *[str(stage.label) for stage in Stage],
        _("逾期"),
        _("退回"),
        _("已认定"),
        _("逾期未申报"),
        _("其他已结束"),
    ]
    rows = []
    for level, regions in ((_("区(县)"), progress.districts), (_("街道(镇)"), progress.towns)):
        for row in regions:
            rows.append(
                [
                    level,
                    row.code,
                    row.name,
                    row.communities,
                    row.not_started,
                    *row.stage_counts(),
                    row.overdue,
                    row.returned,
                    row.certified,
                    row.lapsed,
                    row.other,
                ]
            )
    authority_header = [_("认定机关"), _("代码"), _("名称"), _("待认定"), _("逾期"), _("退回补充")]
    authority_header += [_("已认可"), _("不予认可")]
    rows.append([])
    rows.append(authority_header)
    for row in progress.authorities:
        rows.append(
            [
                _("认定机关"),
                row.code,
                row.name,
                row.pending,
                row.overdue,
                row.returned,
                row.endorsed,
                row.rejected,
            ]
        )
    return xlsx_download(
        xlsx_bytes(_("进度"), header, rows),
        f"progress-{year}-{timezone.localdate():%Y-%m-%d}.xlsx",
    )
