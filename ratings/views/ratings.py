"""Staff pages of the ten-star rating. Views are thin: look up in scope, check the right, call the
workflow, turn its refusal into a message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, selectors, workflow
from ..choices import Decision, RatingStatus
from ..forms import (
    BulkDecisionForm,
    DecisionForm,
    QueueFilterForm,
    RatingEditForm,
    WorkFilterForm,
    clean_version,
)
from ..models import RatingYear, Region, StarRating, StarStandard, is_application_led
from ..permissions import certifier_required, rating_roles_required, staff_required
from .common import (
    confirm_then_act,
    list_context,
    paginate,
    read_filters,
    region_cascade,
    save_draft,
)

# --------------------------------------------------------------------------------------------
# Lists


@rating_roles_required
def work(request: HttpRequest) -> HttpResponse:
    """ "My work": this year's communities in scope, with status and stars, filtered and paged."""
    user = request.user
    if permissions.works_from_queue(user):
        return redirect("queue")
    years = list(RatingYear.objects.all())
    form = read_filters(request, WorkFilterForm)
    filters = form.filters
    wanted = filters.get("year")
    year = next((y for y in years if y.year == wanted), None) if wanted else None
    if wanted and year is None:
        return render(request, "ratings/work.html", {"years": years, "bad_year": True}, status=404)
    year = year or selectors.year_current()
    if year is None:
        return render(request, "ratings/work.html", {"years": years})
    cascade = region_cascade(user, filters.get("region") or "")
    rows = selectors.community_list_for_user(
        user=user,
        year=year,
        region=cascade["selected"],
        status=filters.get("status"),
        stars=filters.get("stars"),
        search=filters.get("q", ""),
        awaiting=bool(filters.get("mine")),
    )
    page = paginate(request, rows)
    flagged = selectors.item_list_flagged(year=year, communities=[row.code for row in page])
    for row in page:
        row.flagged = flagged.get(row.code, [])
    return render(
        request,
        "ratings/work.html",
        {
            **list_context(request, form),
            "form": form,
            "years": years,
            "year": year,
            "page": page,
            "cascade": cascade,
            "summary": selectors.rating_status_counts_for_user(user=user, year=year),
            "statuses": RatingStatus,
        },
    )


@certifier_required
def queue(request: HttpRequest) -> HttpResponse:
    """The items this certifier's authority has to decide, across its jurisdiction."""
    user = request.user
    standards = list(StarStandard.objects.filter(permissions.certified_standards_q(user)))
    form = read_filters(request, QueueFilterForm, standards=standards)
    filters = form.filters
    cascade = region_cascade(user, filters.get("region") or "")
    items = selectors.item_list_for_user(
        user=user,
        region=cascade["selected"],
        standard=filters.get("standard"),
        search=filters.get("q", ""),
    )
    return render(
        request,
        "ratings/queue.html",
        {
            **list_context(request, form),
            "form": form,
            "page": paginate(request, items),
            "cascade": cascade,
            "standards": standards,
            "decisions": Decision,
        },
    )


@require_POST
@certifier_required
def queue_decide(request: HttpRequest) -> HttpResponse:
    """Decide the ticked items of the queue: first a confirmation page, then the decision."""
    user = request.user
    form = BulkDecisionForm(request.POST, queue=selectors.item_list_for_user(user=user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("queue")
    chosen = list(form.cleaned_data["items"])
    decision = Decision(form.cleaned_data["decision"])
    reason = form.cleaned_data["reason"].strip()
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "ratings/queue_confirm.html",
            {
                "items": chosen,
                "decision": decision,
                "reason": reason,
                "danger": decision != Decision.ENDORSE,
            },
        )
    result = workflow.items_decide(user=user, items=chosen, decision=decision, reason=reason)
    if result.done:
        messages.success(
            request,
            _("已将 %(count)s 项处理为“%(decision)s”。")
            % {"count": len(result.done), "decision": decision.label},
        )
    for item, message in result.refused:
        messages.warning(request, f"{item.rating.community.name}：{message}")
    return redirect("queue")


# --------------------------------------------------------------------------------------------
# One rating


def _rating_url(year: int, code: str) -> str:
    return reverse("rating_detail", args=[year, code])


@rating_roles_required
def rating_detail(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """One community's rating of a year: items, files, decisions, history, plaques."""
    user = request.user
    rating_year = selectors.year_get(year=year)
    community, rating = selectors.rating_get_for_user(user=user, year=rating_year, code=code)
    items = selectors.item_list_for_rating(rating=rating) if rating else []
    for item in items:
        item.decidable = permissions.can_decide_item_now(user, item)
    plaques = selectors.plaque_list_for_rating(rating=rating) if rating else []
    led = _application_led(rating_year, community, rating)
    editable = permissions.can_edit_rating(user, rating_year, rating, application_led=led)
    return render(
        request,
        "ratings/rating_detail.html",
        {
            "year": rating_year,
            "community": community,
            "crumbs": selectors.region_ancestors(region=community),
            "rating": rating,
            "items": items,
            "standards": [] if rating else StarStandard.objects.select_related("authority"),
            "events": selectors.event_list_for_rating(rating=rating) if rating else [],
            "can_edit": editable,
            "can_submit": editable and rating is not None,
            "plaques": plaques,
            "has_valid_plaque": any(plaque.is_valid for plaque in plaques),
            "guidance": getattr(rating, "guidance", None) if rating else None,
            "can_manage": permissions.can_administer(user),
            "application_led": led,
            # The district's findings, once it has them; before, they copy the community's.
            "show_findings": not (rating and rating.application_led)
            or rating.status
            not in (RatingStatus.DRAFT, RatingStatus.APPLIED, RatingStatus.TOWN_BACK),
            "can_apply": permissions.in_scope(user, community)
            and permissions.can_apply_for(user, rating_year, rating, application_led=led),
            "can_prereview": permissions.can_prereview(user, rating),
            "can_return_to_town": permissions.can_return_to_town(user, rating),
        },
    )


def _application_led(year: RatingYear, community: Region, rating: StarRating | None) -> bool:
    """Whether the rating runs (or, not started yet, would run) the application-led chain."""
    return rating.application_led if rating else is_application_led(year=year, community=community)


@staff_required
def rating_edit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The assessor's form of ten findings, saved as a draft."""
    user = request.user
    rating_year = selectors.year_get(year=year)
    community, rating = selectors.rating_get_for_user(user=user, year=rating_year, code=code)
    if not permissions.can_score(user):
        raise PermissionDenied
    refusal = _edit_refusal(rating_year, rating, _application_led(rating_year, community, rating))
    if refusal:
        messages.error(request, refusal)
        return redirect(_rating_url(year, code))
    standards = list(StarStandard.objects.select_related("authority"))
    items = (
        {item.standard_id: item for item in selectors.item_list_for_rating(rating=rating)}
        if rating
        else {}
    )
    form = RatingEditForm(
        request.POST or None,
        request.FILES or None,
        standards=standards,
        items=items,
        version=rating.version if rating else 0,
        raw_names=request.upload_raw_names,
    )
    draft = save_draft(
        request,
        form,
        lambda: workflow.rating_save(
            user=user,
            community=community,
            year=rating_year,
            expected_version=form.version,
            findings=form.findings(),
        ),
        saved=_("草稿已保存。"),
        then=_rating_url(year, code),
        then_submit=reverse("rating_submit", args=[year, code]),
    )
    if draft.response:
        return draft.response
    return render(
        request,
        "ratings/rating_edit.html",
        {
            "year": rating_year,
            "community": community,
            "crumbs": selectors.region_ancestors(region=community),
            "rating": rating,
            "form": form,
            "conflict": draft.conflict,
        },
        status=409 if draft.conflict else 200,
    )


def _edit_refusal(year: RatingYear, rating: StarRating | None, application_led: bool) -> str:
    if not year.is_open:
        return _("%(year)s年度%(status)s，评定结果只读。") % {
            "year": year.year,
            "status": year.get_status_display(),
        }
    if rating is None and application_led:
        return _("本区本年度由社区(村)自评申报，评定员在街道/镇初审通过后复核。")
    if rating is not None and rating.application_led and not rating.is_editable:
        if rating.status in permissions.BEFORE_CERTIFICATION:
            return _("这份申报处于“%(status)s”阶段，待街道/镇初审通过后才能复核。") % {
                "status": rating.get_status_display()
            }
    if rating is not None and not rating.is_editable:
        return _("这份评定已提交（%(status)s），不能再修改。") % {
            "status": rating.get_status_display()
        }
    return ""


@staff_required
def rating_submit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """GET: what will be submitted, and a confirm button. POST: submit."""
    user = request.user
    rating_year = selectors.year_get(year=year)
    community, rating = selectors.rating_get_for_user(user=user, year=rating_year, code=code)
    if not permissions.can_score(user):
        raise PermissionDenied
    if rating is None:
        messages.error(request, _("请先填写并保存评定，再提交。"))
        return redirect("rating_edit", year, code)
    refusal = _edit_refusal(rating_year, rating, rating.application_led)
    if refusal and request.method != "POST":
        messages.error(request, refusal)
        return redirect(_rating_url(year, code))

    def context() -> dict:
        items = selectors.item_list_for_rating(rating=rating)
        return {
            "year": rating_year,
            "community": community,
            "rating": rating,
            "items": items,
            "undecided": [item for item in items if item.is_editable and item.met is None],
        }

    return confirm_then_act(
        request,
        template="ratings/rating_submit.html",
        context=context,
        action=lambda data: workflow.rating_submit(
            user=user, rating=rating, expected_version=clean_version(request.POST)
        ),
        success=lambda submitted: (
            _("已提交。各项均无需认定，评定已完成。")
            if submitted.is_certified
            else _("已提交，等待认定机关认定。")
        ),
        then=_rating_url(year, code),
    )


@staff_required
def item_decide(request: HttpRequest, year: int, code: str, number: int) -> HttpResponse:
    """A certifier endorses, rejects or returns one item."""
    user = request.user
    rating_year = selectors.year_get(year=year)
    item = selectors.item_get_for_user(user=user, year=rating_year, code=code, number=number)
    if not permissions.can_decide_item(user, item):
        raise PermissionDenied
    item = next(i for i in selectors.item_list_for_rating(rating=item.rating) if i.pk == item.pk)
    return confirm_then_act(
        request,
        template="ratings/item_decide.html",
        context={
            "year": rating_year,
            "item": item,
            "rating": item.rating,
            "community": item.rating.community,
            "decidable": permissions.can_decide_item_now(user, item),
            "next": _safe_next(request, ""),
        },
        form=DecisionForm(request.POST or None),
        action=lambda data: workflow.item_decide(
            user=user, item=item, decision=Decision(data["decision"]), reason=data["reason"]
        ),
        success=_("已处理：%(community)s 第 %(number)s 项。")
        % {"community": item.rating.community.name, "number": number},
        then=_safe_next(request, reverse("queue")),
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    """Where to go after deciding: a path on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and len(target) <= 2000
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


@rating_roles_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A file, to whoever may see the rating or assessment it supports."""
    evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
