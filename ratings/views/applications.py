"""The application-led chain's pages: the community's self-assessment and application, the
town's pre-review, the district's return to the town, and the administrator's choice of mode.
The district's review itself is the rating's edit page (`views.ratings.rating_edit`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions, selectors, workflow
from ..forms import DistrictModeForm, PrereviewForm, RatingEditForm, ReasonForm, clean_version
from ..models import RatingYear, Region, StarRating, StarStandard, is_application_led
from ..permissions import admin_required, rating_roles_required
from .common import attempt, confirm_then_act, save_draft


def _detail(year: int, code: str) -> str:
    return reverse("rating_detail", args=[year, code])


def _application_led(year: RatingYear, community: Region, rating: StarRating | None) -> bool:
    return rating.application_led if rating else is_application_led(year=year, community=community)


def _apply_refusal(year: RatingYear, rating: StarRating | None, application_led: bool) -> str:
    if not year.is_open:
        return _("%(year)s年度%(status)s，不再受理申报。") % {
            "year": year.year,
            "status": year.get_status_display(),
        }
    if not application_led:
        return _("本区本年度由评定员评定，社区(村)无需自评申报。")
    return _("这份申报处于“%(status)s”阶段，社区(村)不能再修改。") % {
        "status": rating.get_status_display() if rating else ""
    }


# --------------------------------------------------------------------------------------------
# Community


@rating_roles_required
def application_edit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The community's self-assessment of the ten standards, saved as a draft."""
    user = request.user
    rating_year = selectors.year_get(year=year)
    community, rating = selectors.rating_get_for_user(user=user, year=rating_year, code=code)
    if not permissions.files_applications(user):
        raise PermissionDenied
    led = _application_led(rating_year, community, rating)
    if not permissions.can_apply_for(user, rating_year, rating, application_led=led):
        messages.error(request, _apply_refusal(rating_year, rating, led))
        return redirect(_detail(year, code))
    items = (
        {item.standard_id: item for item in selectors.item_list_for_rating(rating=rating)}
        if rating
        else {}
    )
    form = RatingEditForm(
        request.POST or None,
        request.FILES or None,
        standards=list(StarStandard.objects.select_related("authority")),
        items=items,
        version=rating.version if rating else 0,
        raw_names=request.upload_raw_names,
        own=True,
        reusable=selectors.evidence_reusable(community_id=community.pk, year_id=rating_year.year),
    )
    draft = save_draft(
        request,
        form,
        lambda: workflow.application_save(
            user=user,
            community=community,
            year=rating_year,
            expected_version=form.version,
            answers=form.findings(),
        ),
        saved=_("自评草稿已保存。"),
        then=_detail(year, code),
        then_submit=reverse("application_submit", args=[year, code]),
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
            "own": True,
        },
        status=409 if draft.conflict else 200,
    )


@rating_roles_required
def application_submit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """GET: the self-assessment as it will be filed, and a confirm button. POST: apply."""
    user = request.user
    rating_year = selectors.year_get(year=year)
    community, rating = selectors.rating_get_for_user(user=user, year=rating_year, code=code)
    if not permissions.files_applications(user):
        raise PermissionDenied
    if rating is None:
        messages.error(request, _("请先填写并保存自评，再申报。"))
        return redirect("application_edit", year, code)
    if request.method != "POST" and not permissions.can_apply_for(
        user, rating_year, rating, application_led=rating.application_led
    ):
        messages.error(request, _apply_refusal(rating_year, rating, rating.application_led))
        return redirect(_detail(year, code))

    def context() -> dict:
        items = selectors.item_list_for_rating(rating=rating)
        return {
            "year": rating_year,
            "community": community,
            "rating": rating,
            "items": items,
            "unanswered": [item for item in items if item.self_met is None],
        }

    return confirm_then_act(
        request,
        template="ratings/application_submit.html",
        context=context,
        action=lambda data: workflow.application_submit(
            user=user, rating=rating, expected_version=clean_version(request.POST)
        ),
        success=_("已申报，等待街道/镇初审。"),
        then=_detail(year, code),
    )


# --------------------------------------------------------------------------------------------
# Town


@rating_roles_required
def application_prereview(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The town's reviewer forwards the application to the district or returns it."""
    user = request.user
    rating_year = selectors.year_get(year=year)
    community, rating = selectors.rating_get_for_user(user=user, year=rating_year, code=code)
    if not permissions.prereviews_applications(user):
        raise PermissionDenied
    if not permissions.can_prereview(user, rating):
        messages.error(
            request,
            _("这份申报处于“%(status)s”阶段，不在待初审之列。")
            % {"status": rating.get_status_display() if rating else _("未申报")},
        )
        return redirect(_detail(year, code))
    standards = list(StarStandard.objects.all())
    form = PrereviewForm(request.POST or None, standards=standards)

    def act(data: dict) -> StarRating:
        if data["decision"] == PrereviewForm.FORWARD:
            return workflow.application_forward(user=user, rating=rating, note=data["note"])
        return workflow.application_return(
            user=user, rating=rating, note=data["note"], item_notes=form.item_notes()
        )

    return confirm_then_act(
        request,
        template="ratings/application_prereview.html",
        context=lambda: {
            "year": rating_year,
            "community": community,
            "crumbs": selectors.region_ancestors(region=community),
            "rating": rating,
            "items": selectors.item_list_for_rating(rating=rating),
        },
        form=form,
        action=act,
        success=lambda done: (
            _("已报区复核。") if done.status == "forwarded" else _("已退回社区(村)修改。")
        ),
        then=_detail(year, code),
    )


# --------------------------------------------------------------------------------------------
# District


@rating_roles_required
def application_review_return(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The district's assessor sends a forwarded application back to the town, with a reason."""
    user = request.user
    rating_year = selectors.year_get(year=year)
    community, rating = selectors.rating_get_for_user(user=user, year=rating_year, code=code)
    if not permissions.can_score(user):
        raise PermissionDenied
    if request.method != "POST" and not permissions.can_return_to_town(user, rating):
        messages.error(request, _("只有待区复核的申报可以退回街道/镇。"))
        return redirect(_detail(year, code))
    return confirm_then_act(
        request,
        template="ratings/application_review_return.html",
        context={"year": rating_year, "community": community, "rating": rating},
        form=ReasonForm(request.POST or None),
        action=lambda data: workflow.application_review_return(
            user=user, rating=rating, note=data["reason"]
        ),
        success=_("已退回街道/镇。"),
        then=_detail(year, code),
    )


# --------------------------------------------------------------------------------------------
# Administrator


@admin_required
def district_modes(request: HttpRequest, year: int) -> HttpResponse:
    """How each district runs the year: assessor-led (the default) or application-led; and
    whether units of the creation domains may assess themselves (单位自评)."""
    rating_year = selectors.year_get(year=year)
    if request.method == "POST" and request.POST.get("setting") == "unit_self":
        allowed = request.POST.get("allowed") == "on"
        attempt(
            request,
            lambda: workflow.year_unit_self_assessment_set(
                user=request.user, year=rating_year, allowed=allowed
            ),
            success=lambda changed: (
                (_("已允许创建单位自评。") if allowed else _("已停止创建单位自评。"))
                if changed
                else _("设置没有变化。")
            ),
        )
        return redirect("district_modes", year)
    form = DistrictModeForm(request.POST or None, districts=selectors.district_choices())
    if request.method == "POST":
        if form.is_valid():
            district, mode = form.cleaned_data["district"], form.cleaned_data["mode"]
            attempt(
                request,
                lambda: workflow.district_mode_set(
                    user=request.user, district=district, year=rating_year, mode=mode
                ),
                success=_("已设置：%(district)s %(year)s年度由“%(mode)s”。")
                % {
                    "district": district.name,
                    "year": year,
                    "mode": dict(form.fields["mode"].choices)[mode],
                },
            )
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("district_modes", year)
    return render(
        request,
        "manage/district_modes.html",
        {"year": rating_year, "districts": selectors.district_mode_list(year=rating_year)},
    )
