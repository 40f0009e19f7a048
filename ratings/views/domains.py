"""The ten creation domains: units, their assessments and review, designations, coverage."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import coverage, permissions, selectors, workflow
from ..choices import AssessmentStatus, ReviewDecision
from ..forms import (
    AssessmentEditForm,
    DomainListFilterForm,
    NamingForm,
    ReasonForm,
    ReviewForm,
    TickedUnitsForm,
    UnitFilterForm,
    UnitForm,
    clean_version,
)
from ..models import Domain, RatingYear, Unit
from ..permissions import (
    admin_required,
    assessor_or_admin_required,
    certifier_required,
    staff_required,
)
from ..spreadsheets import xlsx_bytes
from .common import PAGE_SIZE, list_context, paginate, read_filters, region_cascade, year_from


def _list_context(request: HttpRequest, form, rows, *, year, cascade, per_page=PAGE_SIZE) -> dict:
    """What every filtered list of this module shows around its rows."""
    filters = form.filters
    return {
        **list_context(request, form),
        "page": paginate(request, rows, per_page),
        "year": year,
        "years": RatingYear.objects.all(),
        "domains": Domain.objects.all(),
        "domain": filters.get("domain", ""),
        "q": filters.get("q", ""),
        "cascade": cascade,
    }


# --------------------------------------------------------------------------------------------
# Units


@assessor_or_admin_required
def unit_list(request: HttpRequest) -> HttpResponse:
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
    )
    context = _list_context(request, form, units, year=year, cascade=cascade)
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
        try:
            if instance is None:
                unit = workflow.unit_create(user=request.user, details=form.details())
            else:
                unit = workflow.unit_update(
                    user=request.user, unit=instance, details=form.details()
                )
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存：%(name)s。") % {"name": unit.name})
            return redirect("unit_detail", unit.pk)
    return render(request, "domains/unit_form.html", {"form": form, "unit": instance})


@assessor_or_admin_required
def unit_create(request: HttpRequest) -> HttpResponse:
    return _unit_form(request, None)


@assessor_or_admin_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _unit_form(request, selectors.unit_get_for_user(user=request.user, pk=pk))


@assessor_or_admin_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
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


# --------------------------------------------------------------------------------------------
# Assessments


def _assessment_url(unit_pk: int, year: int) -> str:
    return reverse("assessment_detail", args=[unit_pk, year])


@staff_required
def assessment_detail(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    rating_year = selectors.year_get(year=year)
    unit, assessment = selectors.assessment_get_for_user(
        user=request.user, unit_pk=pk, year=rating_year
    )
    user = request.user
    lines = selectors.assessment_line_list(assessment=assessment) if assessment else []
    return render(
        request,
        "domains/assessment_detail.html",
        {
            "unit": unit,
            "year": rating_year,
            "assessment": assessment,
            "lines": lines,
            "events": assessment.events.select_related("actor").order_by("created_at", "id")
            if assessment
            else [],
            "can_edit": permissions.can_edit_assessment(user, rating_year, assessment),
            "can_review": permissions.can_review_assessment_now(user, assessment),
        },
    )


@staff_required
def assessment_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    rating_year = selectors.year_get(year=year)
    unit, assessment = selectors.assessment_get_for_user(
        user=request.user, unit_pk=pk, year=rating_year
    )
    if not permissions.can_score(request.user):
        raise PermissionDenied
    if not permissions.can_edit_assessment(request.user, rating_year, assessment):
        messages.error(request, _("这份测评现在不能修改。"))
        return redirect(_assessment_url(pk, year))
    criteria = selectors.criterion_list_active(domain_id=unit.domain_id)
    lines = (
        {line.criterion_id: line for line in selectors.assessment_line_list(assessment=assessment)}
        if assessment
        else {}
    )
    version = assessment.version if assessment else 0
    form = AssessmentEditForm(
        request.POST or None,
        request.FILES or None,
        criteria=criteria,
        lines=lines,
        version=version,
        raw_names=request.upload_raw_names,
    )
    conflict = None
    if request.method == "POST":
        if form.is_valid():
            try:
                workflow.assessment_save(
                    user=request.user,
                    unit=unit,
                    year=rating_year,
                    expected_version=form.version,
                    lines=form.line_inputs(),
                )
            except workflow.Conflict as error:
                conflict = error.message
            except workflow.TransitionNotAllowed as error:
                messages.error(request, error.message)
            else:
                if request.POST.get("then") == "submit":
                    return redirect("assessment_submit", pk, year)
                messages.success(request, _("测评草稿已保存。"))
                return redirect(_assessment_url(pk, year))
        else:
            messages.error(
                request,
                _("有内容需要修改，请查看标红的提示。已填写的内容保留在下方，文件需重新选择。"),
            )
    return render(
        request,
        "domains/assessment_edit.html",
        {
            "unit": unit,
            "year": rating_year,
            "assessment": assessment,
            "form": form,
            "conflict": conflict,
            "threshold": unit.domain.pass_threshold,
        },
        status=409 if conflict else 200,
    )


@staff_required
def assessment_submit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    rating_year = selectors.year_get(year=year)
    unit, assessment = selectors.assessment_get_for_user(
        user=request.user, unit_pk=pk, year=rating_year
    )
    if not permissions.can_score(request.user):
        raise PermissionDenied
    if assessment is None:
        messages.error(request, _("请先填写并保存测评，再提交。"))
        return redirect("assessment_edit", pk, year)
    if request.method == "POST":
        try:
            workflow.assessment_submit(
                user=request.user,
                assessment=assessment,
                expected_version=clean_version(request.POST),
            )
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("测评已提交，等待牵头单位审核。"))
        return redirect(_assessment_url(pk, year))
    lines = selectors.assessment_line_list(assessment=assessment)
    criteria = selectors.criterion_list_active(domain_id=unit.domain_id)
    scored = {line.criterion_id for line in lines if line.points is not None}
    return render(
        request,
        "domains/assessment_submit.html",
        {
            "unit": unit,
            "year": rating_year,
            "assessment": assessment,
            "missing": [c for c in criteria if c.pk not in scored],
            "lines": lines,
            "meets": workflow.meets_standard(
                [line for line in lines if line.criterion.active], unit.domain.pass_threshold
            ),
        },
    )


@staff_required
def assessment_review(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    rating_year = selectors.year_get(year=year)
    unit, assessment = selectors.assessment_get_for_user(
        user=request.user, unit_pk=pk, year=rating_year
    )
    if assessment is None or not permissions.can_review_assessment(request.user, assessment):
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.assessment_decide(
                user=request.user,
                assessment=assessment,
                decision=ReviewDecision(form.cleaned_data["decision"]),
                reason=form.cleaned_data["reason"],
            )
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已审核：%(name)s。") % {"name": unit.name})
        return redirect("review_queue")
    return render(
        request,
        "domains/assessment_review.html",
        {
            "unit": unit,
            "year": rating_year,
            "assessment": assessment,
            "lines": selectors.assessment_line_list(assessment=assessment),
            "form": form,
        },
    )


@certifier_required
def review_queue(request: HttpRequest) -> HttpResponse:
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


# --------------------------------------------------------------------------------------------
# Designations


@admin_required
def designation_list(request: HttpRequest) -> HttpResponse:
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
    context = _list_context(request, form, designations, year=year, cascade=cascade)
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
    cascade = region_cascade(request.user, filters.get("region") or "")
    candidates = selectors.designation_candidate_list(
        year=year,
        domain=filters.get("domain") or None,
        region=cascade["selected"],
        search=filters.get("q", ""),
    )
    form = NamingForm(request.POST or None)
    ticked = TickedUnitsForm(request.POST or None)
    units = []
    if request.method == "POST":
        if not ticked.is_valid():
            for error in ticked.errors["units"]:
                messages.error(request, error)
        else:
            units = list(ticked.cleaned_data["units"])
        if units and form.is_valid():
            if request.POST.get("confirm") == "yes":
                try:
                    made = workflow.designations_create(
                        user=request.user, units=units, year=year, naming=form.naming()
                    )
                except workflow.WorkflowError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(request, _("已命名 %(count)s 个单位。") % {"count": len(made)})
                    return redirect(f"{reverse('designation_list')}?year={year.year}")
            else:
                return render(
                    request,
                    "domains/designation_confirm.html",
                    {"year": year, "units": units, "form": form},
                )
    context = _list_context(
        request, filter_form, candidates, year=year, cascade=cascade, per_page=50
    )
    context.update(form=form, ticked={unit.pk for unit in units})
    return render(request, "domains/designation_create.html", context)


@admin_required
def designation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    designation = selectors.designation_get(pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.designation_revoke(
                user=request.user, designation=designation, reason=form.cleaned_data["reason"]
            )
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已撤销命名：%(name)s。") % {"name": designation.unit.name})
        return redirect(f"{reverse('designation_list')}?year={designation.year_id}")
    return render(
        request,
        "domains/designation_revoke_confirm.html",
        {"designation": designation, "form": form},
    )


# --------------------------------------------------------------------------------------------
# Coverage


def _coverage_context(request: HttpRequest) -> dict:
    form = read_filters(request, DomainListFilterForm)
    filters = form.filters
    year = year_from(form)
    cascade = region_cascade(request.user, filters.get("region") or "")
    region = cascade["selected"]
    domain = (
        Domain.objects.filter(pk=filters.get("domain")).first() if filters.get("domain") else None
    )
    rows, child_rows = [], []
    if year is not None and region is not None:
        rows = coverage.coverage_by_domain(year=year, region=region)
        if domain is not None:
            child_rows = coverage.coverage_by_child(year=year, region=region, domain=domain)
    return {
        **list_context(request, form),
        "year": year,
        "years": RatingYear.objects.all(),
        "region": region,
        "domain": domain,
        "rows": rows,
        "child_rows": child_rows,
        "cascade": cascade,
    }


@staff_required
def coverage_table(request: HttpRequest) -> HttpResponse:
    return render(request, "domains/coverage.html", _coverage_context(request))


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


@staff_required
def coverage_xlsx(request: HttpRequest) -> HttpResponse:
    context = _coverage_context(request)
    rows = context["child_rows"] or context["rows"]
    header = ["创建领域", "区域", "登记", "已测评", "达标", "已命名", "测评率", "达标率", "命名率"]
    content = xlsx_bytes(
        "coverage",
        header,
        [
            [
                row.domain.name,
                row.region.name,
                row.registered,
                row.assessed,
                row.meeting,
                row.named,
                _percent(row.assessed_rate),
                _percent(row.meeting_rate),
                _percent(row.named_rate),
            ]
            for row in rows
        ],
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    year = context["year"].year if context["year"] else "none"
    response["Content-Disposition"] = f'attachment; filename="coverage-{year}.xlsx"'
    return response
