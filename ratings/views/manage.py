"""The administrator's pages: years, publication, plaques and revoking eligibility.

Every action here is a GET that shows what will happen and a POST that does it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import selectors, services, workflow
from ..certificates import certificate_pdf
from ..choices import NoticeKind, PrintJobStatus
from ..forms import (
    EligibilityRevokeForm,
    FilterForm,
    OutstandingFilterForm,
    ReasonForm,
    StarRemoveForm,
    TakeBackForm,
    YearOpenForm,
)
from ..permissions import admin_required
from ..spreadsheets import xlsx_bytes
from .common import (
    attempt,
    confirm_then_act,
    list_context,
    paginate,
    read_filters,
    region_cascade,
    xlsx_download,
)

# --------------------------------------------------------------------------------------------
# Years


@admin_required
def years(request: HttpRequest) -> HttpResponse:
    """All years with their figures; opening a new year asks for confirmation first."""
    form = YearOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        if request.POST.get("confirm") != "yes":
            return render(request, "manage/year_open_confirm.html", {"year": year})
        attempt(
            request,
            lambda: workflow.year_open(user=request.user, year=year),
            success=_("已开启%(year)s年度。") % {"year": year},
        )
        return redirect("manage_years")
    return render(
        request,
        "manage/years.html",
        {"years": selectors.year_list_with_figures(), "form": form},
    )


@admin_required
def year_close(request: HttpRequest, year: int) -> HttpResponse:
    """Close a year: findings and decisions become read-only."""
    rating_year = selectors.year_get(year=year)
    return confirm_then_act(
        request,
        template="manage/year_close_confirm.html",
        context=lambda: {
            "year": rating_year,
            "undecided_count": selectors.rating_list_undecided(year=rating_year).count(),
        },
        action=lambda data: workflow.year_close(user=request.user, year=rating_year),
        success=_("%(year)s年度已截止，评定结果只读。") % {"year": year},
        then=reverse("manage_years"),
    )


def _outstanding(request: HttpRequest, rating_year) -> tuple:
    """The publish page's filters and its two lists in the region asked for."""
    form = read_filters(request, OutstandingFilterForm)
    cascade = region_cascade(request.user, form.filters.get("region") or "")
    region = cascade["selected"] if form.filters.get("region") else None
    undecided = selectors.rating_list_outstanding(year=rating_year, region=region)
    unrated = selectors.community_list_unrated(year=rating_year, region=region)
    return form, cascade, undecided, unrated


@admin_required
def year_publish(request: HttpRequest, year: int) -> HttpResponse:
    """GET lists what is still undecided, with who holds each item, and the communities with
    no rating (publishing is refused until nothing is undecided)."""
    rating_year = selectors.year_get(year=year)

    def context() -> dict:
        form, cascade, undecided, unrated = _outstanding(request, rating_year)
        show = form.filters.get("show") or "undecided"
        page = paginate(request, undecided if show == "undecided" else unrated)
        if show == "undecided":
            for rating in page:
                rating.holders = selectors.holders(rating)
        return {
            **list_context(request, form),
            "year": rating_year,
            "cascade": cascade,
            "show": show,
            "page": page,
            "undecided_count": undecided.count(),
            "unrated_count": unrated.count(),
            "year_undecided_count": selectors.rating_list_undecided(year=rating_year).count(),
            # 群众口碑: communities whose satisfaction is below the threshold, for the decision.
            "threshold": settings.SATISFACTION_THRESHOLD,
            "low_satisfaction": selectors.survey_list_below(
                year=year, threshold=settings.SATISFACTION_THRESHOLD
            ),
            "notice_holds": workflow.notice_holds(notice)
            if (notice := rating_year.notices.filter(kind=NoticeKind.TEN_STAR).first())
            else "",
        }

    return confirm_then_act(
        request,
        template="manage/year_publish_confirm.html",
        context=context,
        action=lambda data: workflow.year_publish(user=request.user, year=rating_year),
        success=_("%(year)s年度评定结果已公布。") % {"year": year},
        then=reverse("manage_years"),
    )


@admin_required
def year_outstanding_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The publish page's list (undecided ratings or communities with no rating) as XLSX."""
    rating_year = selectors.year_get(year=year)
    form, _cascade, undecided, unrated = _outstanding(request, rating_year)
    if (form.filters.get("show") or "undecided") == "unrated":
        header = [_("区划代码"), _("社区(村)"), _("乡镇(街道)"), _("旗区")]
        rows = (
            [c.code, c.name, c.parent.name, c.parent.parent.name if c.parent.parent else ""]
            for c in unrated.iterator(chunk_size=2000)
        )
        return xlsx_download(xlsx_bytes("unrated", header, rows), f"unrated-{year}.xlsx")
    header = [_("区划代码"), _("社区(村)"), _("乡镇(街道)"), _("状态"), _("待办")]
    rows = [
        [
            r.community_id,
            r.community.name,
            r.community.parent.name,
            r.get_status_display(),
            "；".join(
                f"{h.name} {'、'.join(str(n) for n in h.numbers)}".strip()
                for h in selectors.holders(r)
            ),
        ]
        for r in undecided
    ]
    return xlsx_download(xlsx_bytes("undecided", header, rows), f"undecided-{year}.xlsx")


@admin_required
def ratings_incomplete(request: HttpRequest, year: int) -> HttpResponse:
    """未完成评定 for every rating still undecided in a closed year, with a reason."""
    rating_year = selectors.year_get(year=year)
    return confirm_then_act(
        request,
        template="manage/ratings_incomplete_confirm.html",
        context=lambda: {
            "year": rating_year,
            "count": selectors.rating_list_undecided(year=rating_year).count(),
        },
        form=ReasonForm(request.POST or None),
        action=lambda data: workflow.ratings_mark_incomplete(
            user=request.user, year=rating_year, reason=data["reason"]
        ),
        success=lambda count: _("已将 %(count)s 份评定定为未完成评定。") % {"count": count},
        then=reverse("year_publish", args=[year]),
    )


# --------------------------------------------------------------------------------------------
# Plaques


@admin_required
def year_plaques(request: HttpRequest, year: int) -> HttpResponse:
    """The plaques of a year, and how many ten-star communities still wait for one."""
    rating_year = selectors.year_get(year=year)
    return render(
        request,
        "manage/year_plaques.html",
        {
            "year": rating_year,
            "plaques": selectors.plaque_list_for_year(year=rating_year),
            "waiting_count": selectors.rating_list_awaiting_plaque(year=rating_year).count(),
        },
    )


@admin_required
def plaques_issue(request: HttpRequest, year: int) -> HttpResponse:
    """Issue plaques to every ten-star community of a published year that has none yet."""
    rating_year = selectors.year_get(year=year)
    return confirm_then_act(
        request,
        template="manage/plaques_issue_confirm.html",
        context=lambda: {
            "year": rating_year,
            "waiting": selectors.rating_list_awaiting_plaque(year=rating_year),
        },
        action=lambda data: workflow.plaques_issue_for_year(user=request.user, year=rating_year),
        success=lambda issued: _("已授牌 %(count)s 块。") % {"count": issued.count()},
        then=reverse("year_plaques", args=[year]),
    )


def _admin_rating(request: HttpRequest, year: int, code: str) -> tuple:
    rating_year = selectors.year_get(year=year)
    community, rating = selectors.rating_get_for_user(
        user=request.user, year=rating_year, code=code
    )
    return rating_year, community, rating


@admin_required
def plaque_issue(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Issue one community's plaque, after a confirmation page."""
    rating_year, community, rating = _admin_rating(request, year, code)
    back = reverse("rating_detail", args=[year, code])
    if rating is None:
        messages.error(request, _("该社区(村)本年度没有评定，不能授牌。"))
        return redirect(back)
    return confirm_then_act(
        request,
        template="manage/plaque_issue_confirm.html",
        context={"year": rating_year, "community": community, "rating": rating},
        action=lambda data: workflow.plaque_issue(user=request.user, rating=rating),
        success=_("已为%(name)s授牌。") % {"name": community.name},
        then=back,
    )


@admin_required
def plaque_revoke(request: HttpRequest, number: str) -> HttpResponse:
    """Revoke a plaque, after a confirmation page asking for the reason."""
    plaque = selectors.plaque_get(number=number)
    return confirm_then_act(
        request,
        template="manage/plaque_revoke_confirm.html",
        context={"plaque": plaque},
        form=ReasonForm(request.POST or None),
        action=lambda data: workflow.plaque_revoke(
            user=request.user, plaque=plaque, reason=data["reason"]
        ),
        success=_("牌匾 %(number)s 已撤销。") % {"number": number},
        then=reverse("year_plaques", args=[plaque.year_id]),
    )


@admin_required
def plaque_take_back(request: HttpRequest, number: str) -> HttpResponse:
    """收回: record that a revoked plaque was collected, when and by whom."""
    plaque = selectors.plaque_get(number=number)
    return confirm_then_act(
        request,
        template="manage/plaque_take_back_confirm.html",
        context={"plaque": plaque},
        form=TakeBackForm(request.POST or None),
        action=lambda data: workflow.plaque_take_back(
            user=request.user,
            plaque=plaque,
            taken_back_on=data["taken_back_on"],
            taken_back_by=data["taken_back_by"],
        ),
        success=_("已登记收回牌匾 %(number)s。") % {"number": number},
        then=reverse("plaques_not_taken_back"),
    )


@admin_required
def plaques_not_taken_back(request: HttpRequest) -> HttpResponse:
    """Revoked plaques still to be taken back, across years."""
    form = read_filters(request, FilterForm)
    plaques = selectors.plaque_list_not_taken_back(
        year=form.filters.get("year"), search=form.filters.get("q", "")
    )
    return render(
        request,
        "manage/plaques_not_taken_back.html",
        {**list_context(request, form), "page": paginate(request, plaques)},
    )


@admin_required
def plaque_certificate(request: HttpRequest, number: str) -> HttpResponse:
    """The certificate to print; a revoked plaque's copy is for the archive, overprinted 已撤销."""
    plaque = selectors.plaque_get(number=number)
    response = HttpResponse(certificate_pdf(plaque), content_type="application/pdf")
    suffix = "" if plaque.is_valid else "-revoked"
    response["Content-Disposition"] = f'inline; filename="{plaque.number}{suffix}.pdf"'
    return response


# --------------------------------------------------------------------------------------------
# Printing every certificate at once


@admin_required
def print_certificates(request: HttpRequest, year: int) -> HttpResponse:
    """Choose a region (the whole city by default) and print its certificates as one PDF."""
    rating_year = selectors.year_get(year=year)
    form = read_filters(request, FilterForm)
    cascade = region_cascade(request.user, form.filters.get("region") or "")
    region = cascade["selected"] if form.filters.get("region") else None
    if request.method == "POST":
        started = attempt(
            request,
            lambda: services.print_job_request(user=request.user, year=rating_year, region=region),
        )
        if started.done:
            return redirect("print_job", started.result.pk)
    return render(
        request,
        "manage/print_certificates.html",
        {
            **list_context(request, form),
            "year": rating_year,
            "cascade": cascade,
            "region": region,
            "count": services.plaques_to_print(year=rating_year, region=region).count(),
            "jobs": selectors.print_job_list(year=rating_year)[:10],
        },
    )


@admin_required
def print_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A print job's progress, and its file when it is done."""
    return render(request, "manage/print_job.html", {"job": selectors.print_job_get(pk=pk)})


@admin_required
def print_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """How far a print job got, for the progress bar."""
    job = selectors.print_job_get(pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
        }
    )


@admin_required
def print_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = selectors.print_job_get(pk=pk)
    if job.status != PrintJobStatus.DONE or not job.file:
        raise Http404
    name = f"certificates-{job.year_id}{'-' + job.region_id if job.region_id else ''}.pdf"
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


# --------------------------------------------------------------------------------------------
# Eligibility


@admin_required
def eligibility_revoke(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """取消当年评星资格, after a confirmation page listing the plaques revoked with it."""
    rating_year, community, rating = _admin_rating(request, year, code)
    return confirm_then_act(
        request,
        template="manage/eligibility_revoke_confirm.html",
        context=lambda: {
            "year": rating_year,
            "community": community,
            "rating": rating,
            "plaques": selectors.plaque_list_for_rating(rating=rating) if rating else [],
        },
        form=EligibilityRevokeForm(request.POST or None),
        action=lambda data: workflow.eligibility_revoke(
            user=request.user,
            community=community,
            year=rating_year,
            reason=data["reason"],
            bar_years=data["bar_years"] or 0,
        ),
        success=_("已取消%(name)s %(year)s年度评星资格。") % {"name": community.name, "year": year},
        then=reverse("rating_detail", args=[year, code]),
    )


@admin_required
def star_remove(request: HttpRequest, year: int, code: str, number: int) -> HttpResponse:
    """摘星, after a page saying what goes with the star (the title, the plaque)."""
    rating_year, community, rating = _admin_rating(request, year, code)
    item = selectors.item_get_for_user(
        user=request.user, year=rating_year, code=code, number=number
    )
    return confirm_then_act(
        request,
        template="manage/star_remove_confirm.html",
        context=lambda: {
            "year": rating_year,
            "community": community,
            "rating": rating,
            "item": item,
            "plaques": selectors.plaque_list_for_rating(rating=rating),
        },
        form=StarRemoveForm(request.POST or None),
        action=lambda data: workflow.star_remove(
            user=request.user,
            item=item,
            reason=data["reason"],
            document_number=data["document_number"],
        ),
        success=_("已摘除%(name)s第 %(number)s 项星。")
        % {"name": community.name, "number": number},
        then=reverse("rating_detail", args=[year, code]),
    )


@admin_required
def eligibility_reinstate(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Give a revoked eligibility back, with a reason."""
    rating_year, community, rating = _admin_rating(request, year, code)
    if rating is None:
        messages.error(request, _("该社区(村)本年度没有评定。"))
        return redirect("rating_detail", year, code)
    return confirm_then_act(
        request,
        template="manage/eligibility_reinstate_confirm.html",
        context={"year": rating_year, "community": community, "rating": rating},
        form=ReasonForm(request.POST or None),
        action=lambda data: workflow.eligibility_reinstate(
            user=request.user, rating=rating, reason=data["reason"]
        ),
        success=_("已恢复%(name)s %(year)s年度评星资格。") % {"name": community.name, "year": year},
        then=reverse("rating_detail", args=[year, code]),
    )
