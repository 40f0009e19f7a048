"""Coverage of the ten creation domains per region, on the page and as XLSX."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import coverage
from ..forms import DomainListFilterForm
from ..models import Domain, RatingYear
from ..permissions import staff_required
from ..spreadsheets import xlsx_bytes
from .common import list_context, read_filters, region_cascade, xlsx_download, year_from


def _coverage_context(request: HttpRequest) -> dict:
    form = read_filters(request, DomainListFilterForm)
    filters = form.filters
    year = year_from(form)
    cascade = region_cascade(request.user, filters.get("region") or "")
    region = cascade["selected"]
    wanted = filters.get("domain")
    domain = Domain.objects.filter(pk=wanted).first() if wanted else None
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
    """Coverage per domain for a region, and per child region for one domain."""
    return render(request, "domains/coverage.html", _coverage_context(request))


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


@staff_required
def coverage_xlsx(request: HttpRequest) -> HttpResponse:
    """The coverage table as XLSX."""
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
    year = context["year"].year if context["year"] else "none"
    return xlsx_download(content, f"coverage-{year}.xlsx")
