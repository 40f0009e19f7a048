"""Pages anyone can open without signing in."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import selectors
from ..choices import YearStatus
from ..models import Domain, Plaque, StarStandard
from ..plaques import parse_plaque_number
from ..spreadsheets import xlsx_bytes


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {"domains": Domain.objects.all(), "standards": StarStandard.objects.all()},
    )


def verify(request: HttpRequest) -> HttpResponse:
    """The box to type a plaque number into; a typed number goes to its permanent address."""
    typed = request.GET.get("number", "")
    if typed.strip():
        parsed = parse_plaque_number(typed)
        if parsed is not None and parsed.check_ok:
            return redirect("verify_number", parsed.canonical)
        return _verify_result(request, typed, parsed)
    return render(request, "public/verify.html", {})


def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    parsed = parse_plaque_number(number)
    if parsed is not None and parsed.check_ok and parsed.canonical != number:
        return redirect("verify_number", parsed.canonical, permanent=True)
    return _verify_result(request, number, parsed)


def _verify_result(request: HttpRequest, typed: str, parsed) -> HttpResponse:
    plaque = None
    if parsed is not None and parsed.check_ok:
        plaque = (
            Plaque.objects.filter(number=parsed.canonical, year__status=YearStatus.PUBLISHED)
            .select_related("rating__community__parent__parent", "rating__year")
            .first()
        )
    context = {"typed": typed[:40], "parsed": parsed, "plaque": plaque}
    return render(request, "public/verify.html", context, status=200 if plaque else 404)


def _published_year(year: int):
    rating_year = selectors.get_year(year)
    if rating_year.status != YearStatus.PUBLISHED:
        raise Http404
    return rating_year


def commendation(request: HttpRequest, year: int) -> HttpResponse:
    """通报表扬: the ten-star communities of a published year by district, ready to print."""
    rating_year = _published_year(year)
    groups = selectors.commendation_by_district(rating_year)
    return render(
        request,
        "public/commendation.html",
        {
            "year": rating_year,
            "groups": groups,
            "total": sum(len(ratings) for _district, ratings in groups),
            "today": timezone.localdate(),
            "issuer": settings.PLAQUE_ISSUER,
        },
    )


def commendation_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    rating_year = _published_year(year)
    rows = [
        (district.name, rating.community.parent.name, rating.community.name, rating.community.code)
        for district, ratings in selectors.commendation_by_district(rating_year)
        for rating in ratings
    ]
    content = xlsx_bytes(
        f"{year}十星平安社区(村)",
        ["区", "街道(镇)", "社区(村)", "区划代码"],
        rows,
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="commendation-{year}.xlsx"'
    return response
