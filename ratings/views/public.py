"""Pages anyone can open without signing in. Their addresses are printed on plaques and in
documents, so they never change."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from .. import charts, reports, selectors, statistics
from ..choices import ItemStatus, YearStatus
from ..forms import FilterForm, HonoursFilterForm, VerifyForm
from ..models import STAR_COUNT, Domain, Plaque, RatingYear, StarItem, StarStandard
from ..plaques import parse_plaque_number
from ..ratelimit import rate_limited
from ..spreadsheets import safe_cell, xlsx_bytes
from .common import list_context, paginate, read_filters, region_cascade, xlsx_download

ROLL_PAGE_SIZE = 50


def _cached_part(request: HttpRequest, name: str, build: Callable[[], dict], *parts) -> dict:
    """The public part of a page as `build` renders it, cached under the public data version,
    the language and the query string (and `parts`); the layout around it, with whoever is
    signed in, is rendered for each request. `build` returns the part as `body` (a template
    rendered without the request, so nothing personal can reach it) and what the layout's
    title needs; an error it raises (404) is not cached."""
    query = sorted(request.GET.lists())
    found = statistics.public_cached(name, (get_language(), query, *parts), build)
    return {**found, "body": mark_safe(found["body"])}  # our own template's output


def home(request: HttpRequest) -> HttpResponse:
    """What the programme is, and the latest published figures."""

    def build() -> dict:
        years = statistics.published_years()
        context = {
            "domains": Domain.objects.all(),
            "standards": StarStandard.objects.all(),
            "headline": statistics.headline(years[0]) if years else None,
            "years": years[:3],
        }
        return {"body": render_to_string("home_body.html", context)}

    return render(request, "home.html", _cached_part(request, "home", build))


# --------------------------------------------------------------------------------------------
# Plaque verification


@rate_limited("verify")
def verify(request: HttpRequest) -> HttpResponse:
    """The box to type a plaque number into; a typed number goes to its permanent address."""
    form = VerifyForm(request.GET)
    if not form.is_valid():
        # Longer than any plaque number, or with a control character: not a plaque number.
        return _verify_result(request, gettext("（无法识别的输入）"), None)
    typed = form.cleaned_data["number"]
    if typed.strip():
        parsed = parse_plaque_number(typed)
        if parsed is not None and parsed.check_ok:
            return redirect("verify_number", parsed.canonical)
        return _verify_result(request, typed, parsed)
    return render(request, "public/verify.html", {"body": _verification("", None)["body"]})


@rate_limited("verify")
def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    """A plaque's permanent address: valid, or revoked and since when."""
    parsed = parse_plaque_number(number)
    if parsed is not None and parsed.check_ok and parsed.canonical != number:
        return redirect("verify_number", parsed.canonical, permanent=True)
    part = _cached_part(request, "verify", lambda: _verification(number, parsed), number)
    return render(request, "public/verify.html", part, status=part["status"])


def _verify_result(request: HttpRequest, typed: str, parsed) -> HttpResponse:
    part = _verification(typed, parsed)
    return render(request, "public/verify.html", part, status=part["status"])


def _verification(typed: str, parsed) -> dict:
    """The result of looking a plaque number up, rendered, with its status code."""
    plaque = None
    if parsed is not None and parsed.check_ok:
        plaque = (
            Plaque.objects.filter(number=parsed.canonical, year__status=YearStatus.PUBLISHED)
            .select_related("rating__community__parent__parent", "rating__year")
            .first()
        )
    # Stars taken away since (摘星) are shown with their dates: the plaque tells its story.
    removed = (
        StarItem.objects.filter(rating_id=plaque.rating_id, status=ItemStatus.REMOVED)
        .select_related("standard")
        .order_by("removed_at")
        if plaque
        else []
    )
    context = {"typed": typed[:40], "parsed": parsed, "plaque": plaque, "removed": removed}
    return {
        "body": render_to_string("public/verify_body.html", context),
        "number": plaque.number if plaque else None,
        "status": 200 if plaque else 404,
    }


# --------------------------------------------------------------------------------------------
# Honour rolls


def _public_year(form: FilterForm, years: list[RatingYear]) -> RatingYear | None:
    """The published year asked for; no year means all of them. Anything else is 404, so no
    query string can reach an unpublished year."""
    wanted = form.filters.get("year")
    if not wanted:
        return None
    for year in years:
        if year.year == wanted:
            return year
    raise Http404


def _roll(request: HttpRequest) -> dict:
    years = statistics.published_years()
    form = read_filters(request, HonoursFilterForm)
    filters = form.filters
    year = _public_year(form, years)
    cascade = region_cascade(None, filters.get("region") or "")
    region = cascade["selected"] if filters.get("region") else None
    search = filters.get("q", "")
    kind = filters.get("kind") or "stars"
    context = {
        **list_context(request, form),
        "years": years,
        "year": year,
        "kind": kind,
        "cascade": cascade,
        "q": search,
        "domains": Domain.objects.all(),
    }
    if kind == "stars":
        context["rows"] = statistics.ten_star_roll(year=year, region=region, search=search)
    else:
        domain = filters.get("domain", "")
        tier, batch = filters.get("tier", ""), filters.get("batch", "")
        context.update(
            domain=domain,
            tier=tier,
            batch=batch,
            facets=statistics.designation_facets(year),
            rows=statistics.designation_roll(
                year=year, domain=domain, tier=tier, batch=batch, region=region, search=search
            ),
        )
    return context


def honours(request: HttpRequest) -> HttpResponse:
    """The honour rolls of published years: ten-star communities, or namings."""

    def build() -> dict:
        context = _roll(request)
        context.update(
            page=paginate(request, context["rows"], ROLL_PAGE_SIZE),
            export_query=context["page_query"],
        )
        year = context["year"]
        return {
            "body": render_to_string("public/honours_body.html", context),
            "year": year.year if year else None,
        }

    return render(request, "public/honours.html", _cached_part(request, "honours", build))


def _roll_records(context: dict) -> tuple[list[str], Iterator[list]]:
    """The roll as records, the same fields the page shows (households masked)."""
    if context["kind"] == "stars":
        header = ["年度", "区", "街道(镇)", "社区(村)", "区划代码", "称号"]
        records = (
            [
                r.year_id,
                r.community.parent.parent.name,
                r.community.parent.name,
                r.community.name,
                r.community_id,
                "十星平安社区(村)",
            ]
            for r in context["rows"].iterator(chunk_size=2000)
        )
    else:
        header = ["年度", "创建领域", "区域", "名称", "称号", "等次", "批次", "文号", "命名日期"]
        records = (
            [
                d.year_id,
                d.unit.domain.name,
                _place(d.unit_region),
                d.public_name,
                d.title,
                d.tier,
                d.batch,
                d.document_number,
                d.designated_on.isoformat(),
            ]
            for d in context["rows"].iterator(chunk_size=2000)
        )
    return header, records


def _place(region) -> str:
    """A region with the one above it: 巴音陶亥镇 赛汗乌素村, or 海南区 拉僧仲街道."""
    parent = region.parent
    return f"{parent.name} {region.name}" if parent is not None else region.name


def _csv_stream(header: list[str], records: Iterable[list]) -> Iterator[str]:
    # A byte-order mark, so that Excel opens the UTF-8 file with its Chinese intact.
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for record in _chain(header, records):
        writer.writerow([safe_cell(cell) for cell in record])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _chain(header: list[str], records: Iterable[list]) -> Iterator[list]:
    yield header
    yield from records


def _json_stream(header: list[str], records: Iterable[list], meta: dict) -> Iterator[str]:
    yield json.dumps(meta, ensure_ascii=False)[:-1] + ', "records": ['
    for index, record in enumerate(records):
        yield ("," if index else "") + json.dumps(
            dict(zip(header, record, strict=True)), ensure_ascii=False
        )
    yield "]}"


def _download(name: str, fmt: str, header: list[str], records: Iterable[list], meta: dict):
    if fmt not in ("csv", "json"):
        raise Http404
    # The first record is read before the answer starts: a database that cannot be reached is
    # then a 503 page, not a 200 that breaks off after its headers.
    records = iter(records)
    first = next(records, None)
    records = itertools.chain([first], records) if first is not None else iter(())
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_stream(header, records), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            _json_stream(header, records, meta), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def honours_export(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    """The honour roll as filtered, as CSV (with a BOM) or JSON, streamed."""
    context = _roll(request)
    header, records = _roll_records(context)
    year = context["year"].year if context["year"] else "all"
    meta = {
        "title": "十星平安社区(村)" if context["kind"] == "stars" else "创建命名",
        "year": context["year"].year if context["year"] else None,
        "source": f"{settings.SITE_URL}/honours/",
        "generated": timezone.now().isoformat(timespec="seconds"),
    }
    return _download(f"honours-{context['kind']}-{year}", fmt, header, records, meta)


# --------------------------------------------------------------------------------------------
# Statistics


def _stats_year(request: HttpRequest) -> tuple[list[RatingYear], RatingYear | None]:
    years = statistics.published_years()
    form = read_filters(request, FilterForm)
    year = _public_year(form, years) if form.filters.get("year") else None
    return years, year or (years[0] if years else None)


def stats(request: HttpRequest) -> HttpResponse:
    """A published year's star distribution and coverage, and every published year's, as
    charts and tables."""

    def build() -> dict:
        years, year = _stats_year(request)
        data = statistics.year_statistics(year) if year else None
        districts, city = selectors.survey_rates(year=year.year) if year else ([], None)
        context = {
            "years": years,
            "year": year,
            "data": data,
            "charts": charts.statistics_charts(data, statistics.trend(years)) if data else None,
            "star_range": range(STAR_COUNT, -1, -1),
            "satisfaction": districts,
            "satisfaction_city": city,
        }
        return {
            "body": render_to_string("public/stats_body.html", context),
            "year": year.year if year else None,
        }

    return render(request, "public/stats.html", _cached_part(request, "stats-page", build))


def stats_report(request: HttpRequest, year: int) -> HttpResponse:
    """A published year's statistics as a printable A4 PDF: the page's charts and tables, the
    trend up to that year."""
    rating_year = _published_year(year)
    earlier = [y for y in statistics.published_years() if y.year <= year]
    content = reports.statistics_report_pdf(
        statistics.year_statistics(rating_year), statistics.trend(earlier), rating_year
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="stats-{year}.pdf"'
    return response


def _stats_records(data) -> tuple[list[str], list[list]]:
    header = ["表", "区域", "创建领域", "星数", "数量", "登记", "已测评", "达标", "已命名"]
    records = []
    for district in [*data.districts, data.city]:
        for stars, count in enumerate(district.counts):
            records.append(["星级分布", district.region.name, "", stars, count, "", "", "", ""])
    for domain, city_row, district_rows in data.coverage:
        for row in [*district_rows, city_row]:
            records.append(
                [
                    "创建覆盖",
                    row.region.name,
                    domain.name,
                    "",
                    "",
                    row.registered,
                    row.assessed,
                    row.meeting,
                    row.named,
                ]
            )
    return header, records


def stats_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """A published year's statistics as CSV or JSON."""
    _years, year = _stats_year(request)
    if year is None:
        raise Http404
    header, records = _stats_records(statistics.year_statistics(year))
    meta = {
        "title": "平安乌海统计",
        "year": year.year,
        # The figures are those kept at publication: say as of when.
        "published": timezone.localtime(year.published_at).isoformat(timespec="seconds"),
        "source": f"{settings.SITE_URL}/stats/",
        "generated": timezone.now().isoformat(timespec="seconds"),
    }
    return _download(f"stats-{year.year}", fmt, header, records, meta)


# --------------------------------------------------------------------------------------------
# Commendation (通报表扬)


def _published_year(year: int) -> RatingYear:
    rating_year = selectors.year_get(year=year)
    if rating_year.status != YearStatus.PUBLISHED:
        raise Http404
    return rating_year


def commendation(request: HttpRequest, year: int) -> HttpResponse:
    """通报表扬: the ten-star communities of a published year by district, ready to print, as
    published: dated the day of publication, later revocations annotated rather than removed."""
    rating_year = _published_year(year)
    groups = selectors.rating_list_commended(year=rating_year)
    return render(
        request,
        "public/commendation.html",
        {
            "year": rating_year,
            "groups": groups,
            "total": sum(len(ratings) for _district, ratings in groups),
            "revoked": sum(r.is_revoked for _district, ratings in groups for r in ratings),
            "issuer": settings.PLAQUE_ISSUER,
        },
    )


def _annotation(rating) -> str:
    """What became of a commended rating since publication; empty while it stands."""
    if not rating.is_revoked:
        return ""
    return f"{timezone.localtime(rating.revoked_at):%Y-%m-%d} 取消评星资格，已撤销"


def commendation_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The commendation list as published, as XLSX, later revocations noted."""
    rating_year = _published_year(year)
    rows = [
        (
            district.name,
            rating.community.parent.name,
            rating.community.name,
            rating.community.code,
            _annotation(rating),
        )
        for district, ratings in selectors.rating_list_commended(year=rating_year)
        for rating in ratings
    ]
    content = xlsx_bytes(
        f"{year}十星平安社区(村)", ["区", "街道(镇)", "社区(村)", "区划代码", "备注"], rows
    )
    return xlsx_download(content, f"commendation-{year}.xlsx")


def statement(request: HttpRequest) -> HttpResponse:
    """The accessibility and privacy statement: what the site promises and what it keeps."""
    return render(
        request,
        "public/statement.html",
        {"support": settings.SUPPORT_CONTACT or settings.SITE_PHONE},
    )
