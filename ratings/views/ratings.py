"""Staff pages of the ten-star rating. Views are thin: look up in scope, check the right, call the
workflow, turn its refusal into a message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
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
from ..models import RatingYear, Region, StarItem, StarRating, StarStandard, is_application_led
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
    selectors.mark_overdue(year=year, rows=page)
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
            "deadlines": selectors.deadline_list_for_user(user=user, year=year),
            "statuses": RatingStatus,
        },
    )


CONFIRM_ROWS = 20  # rows the confirmation of a bulk decision lists; the count covers the rest


def _queue_items(request: HttpRequest, data) -> tuple:
    """The certifier's queue filtered by `data` (the query string, or the bulk form carrying
    it): the filter form, the cascade, the standards and the matching items."""
    user = request.user
    standards = list(StarStandard.objects.filter(permissions.certified_standards_q(user)))
    form = QueueFilterForm(data, standards=standards)
    if form.not_found:
        raise Http404
    filters = form.filters
    cascade = region_cascade(user, filters.get("region") or "")
    items = selectors.item_list_for_user(
        user=user,
        region=cascade["selected"],
        standard=filters.get("standard"),
        search=filters.get("q", ""),
    )
    return form, cascade, standards, items


@certifier_required
def queue(request: HttpRequest) -> HttpResponse:
    """The items this certifier's authority has to decide, across its jurisdiction, oldest
    first; ticked rows, or all the rows matching the filters, are decided at once."""
    form, cascade, standards, items = _queue_items(request, request.GET)
    for problem in form.problems:
        messages.warning(request, problem)
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
    """Decide the ticked items of the queue, or all those matching its filters: first a
    confirmation page (the count and the first rows), then the decision."""
    user = request.user
    filter_form, _cascade, _standards, matching = _queue_items(request, request.POST)
    form = BulkDecisionForm(request.POST, queue=selectors.item_list_for_user(user=user))
    back = reverse("queue") + ("?" + filter_form.query if filter_form.query else "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    decision = Decision(data["decision"])
    reason = data["reason"].strip()
    confirmed = request.POST.get("confirm") == "yes"
    if data["all_matching"]:
        # The set is fixed when the confirmation page is shown: what waited then, no later.
        as_of = data["as_of"] if confirmed and data["as_of"] else timezone.now()
        chosen = matching.filter(pending_since__lte=as_of)
    else:
        as_of = None
        chosen = data["items"]
    if not confirmed:
        return render(
            request,
            "ratings/queue_confirm.html",
            {
                "rows": list(chosen[:CONFIRM_ROWS]),
                "count": chosen.count(),
                "ids": [] if as_of else [item.pk for item in chosen],
                "all_matching": as_of is not None,
                "as_of": as_of,
                "filters": [(n, v) for n, v in filter_form.filters.items() if v not in (None, "")],
                "decision": decision,
                "reason": reason,
                "danger": decision != Decision.ENDORSE,
                "back": back,
            },
        )
    result = workflow.items_decide(user=user, items=list(chosen), decision=decision, reason=reason)
    if result.done:
        messages.success(
            request,
            _("已将 %(count)s 项处理为“%(decision)s”。")
            % {"count": len(result.done), "decision": decision.label},
        )
    for item, message in result.refused:
        messages.warning(request, f"{item.rating.community.name} — {message}")
    if as_of is not None:
        gone = (data["shown"] or 0) - len(result.done) - len(result.refused)
        if gone > 0:
            messages.info(
                request,
                _("确认页列出的事项中，有 %(count)s 项已由他人处理，未再处理。") % {"count": gone},
            )
        later = matching.filter(pending_since__gt=as_of).count()
        if later:
            messages.info(
                request,
                _("有 %(count)s 项是在确认页显示之后提交的，没有处理，仍在队列中。")
                % {"count": later},
            )
    return redirect(back)


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
    form = _rating_form(request, rating, standards, community=community, year=rating_year)
    edit_url = reverse("rating_edit", args=[year, code])
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
        saved=_("已将未判定的项标为达标并保存草稿，请核对。")
        if form.fill_met
        else _("草稿已保存。"),
        # Without scripts, "全部达标" saves and comes back here for the assessor to check.
        then=edit_url if form.fill_met else _rating_url(year, code),
        then_submit=reverse("rating_submit", args=[year, code]),
    )
    if draft.response:
        return draft.response
    if draft.conflict:
        # Keep what was typed beside what was saved meanwhile: the form is bound to the typed
        # values again, over the items as they are now, at the version they are now.
        rating = selectors.rating_get_for_user(user=user, year=rating_year, code=code)[1]
        form = _rating_form(
            request, rating, standards, community=community, year=rating_year, files=False
        )
        form.mark_conflicts()
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


def _rating_form(
    request: HttpRequest,
    rating: StarRating | None,
    standards: list,
    *,
    community: Region,
    year: RatingYear,
    files: bool = True,
) -> RatingEditForm:
    items = (
        {item.standard_id: item for item in selectors.item_list_for_rating(rating=rating)}
        if rating
        else {}
    )
    return RatingEditForm(
        request.POST or None,
        (request.FILES or None) if files else None,
        standards=standards,
        items=items,
        version=rating.version if rating else 0,
        raw_names=request.upload_raw_names,
        reusable=selectors.evidence_reusable(community_id=community.pk, year_id=year.year),
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
        for item in items:
            item.active_files = [e for e in item.evidence.all() if not e.is_withdrawn]
            item.warnings = _submit_warnings(item)
        return {
            "year": rating_year,
            "community": community,
            "rating": rating,
            "items": items,
            "undecided": [item for item in items if item.is_editable and item.met is None],
            "warned": [item for item in items if item.warnings],
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


def _submit_warnings(item) -> list[str]:
    """What the assessor may have forgotten in an item about to be submitted (warnings: the
    submission is still allowed)."""
    if not item.is_editable or item.met is None:
        return []
    warnings = []
    if item.met and not item.active_files:
        warnings.append(_("判定为达标，但没有证明材料"))
    if not item.note.strip():
        warnings.append(_("没有填写评定说明"))
    return warnings


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
        then=lambda: _after_decision(request, item),
    )


def _after_decision(request: HttpRequest, decided: StarItem) -> str:
    """Back to the list the certifier came from, or, with "下一项", on to the oldest item
    still waiting in their queue."""
    back = _safe_next(request, reverse("queue"))
    if request.POST.get("then") != "next":
        return back
    following = selectors.item_list_for_user(user=request.user).exclude(pk=decided.pk).first()
    if following is None:
        return back
    return (
        reverse(
            "item_decide",
            args=[following.rating.year_id, following.rating.community_id, following.standard_id],
        )
        + "?"
        + urlencode({"next": back})
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
