"""Helpers shared by the staff and public views: running an action, filters, pages and the
region cascade."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from .. import selectors, workflow
from ..choices import PREFIX_LENGTH, RegionLevel
from ..forms import FilterForm
from ..models import Domain, RatingYear, Region, User
from ..selectors.counting import count_rows
from ..selectors.paging import ListPage, key_kinds, order_keys, page_number, read_page

PAGE_SIZE = 20
CURSOR_PARAM = "cursor"
# Above this many rows (by the planner's estimate) a list shows "about N" instead of counting.
FORM_HAS_ERRORS = _("有内容需要修改，请查看标红的提示。已填写的内容保留在下方，文件需重新选择。")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --------------------------------------------------------------------------------------------
# Running a workflow function for a view


@dataclass
class Attempt:
    """What came of a workflow call: its result, or why not."""

    result: Any = None
    conflict: str = ""  # someone saved first: show the form again, with what was typed
    refused: bool = False  # the refusal is already a message on the next page

    @property
    def done(self) -> bool:
        return not self.conflict and not self.refused


def attempt(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    success: str | Callable[[Any], str] = "",
    keep_conflict: bool = False,
) -> Attempt:
    """Run one workflow function. Its refusal (a WorkflowError) becomes an error message; with
    `keep_conflict`, a save refused because someone saved first is returned for the form to
    show instead. On success, `success` (a message, or one made from the result) is shown."""
    try:
        result = action()
    except workflow.Conflict as error:
        if keep_conflict:
            return Attempt(conflict=error.message)
        messages.error(request, error.message)
        return Attempt(refused=True)
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
        return Attempt(refused=True)
    if success:
        messages.success(request, success(result) if callable(success) else success)
    return Attempt(result=result)


def confirm_then_act(
    request: HttpRequest,
    *,
    template: str,
    context: dict | Callable[[], dict],
    action: Callable[[dict], Any],
    success: str | Callable[[Any], str],
    then: str | Callable[[], str],
    form: forms.Form | None = None,
) -> HttpResponse:
    """The shape of every action page: GET shows what will happen and asks to confirm (with the
    form asking for a reason, if any); a POST with a valid form runs `action(cleaned_data)`,
    says how it went, and goes to `then` (or where `then()` says, asked after the action). `context` may be a function, so that what only the
    confirmation page shows is not computed for the POST."""
    if request.method == "POST" and (form is None or form.is_valid()):
        attempt(request, lambda: action(form.cleaned_data if form else {}), success=success)
        return redirect(then() if callable(then) else then)
    shown = context() if callable(context) else context
    return render(request, template, {**shown, "form": form})


@dataclass
class DraftSave:
    """What the POST of an edit page came to."""

    response: HttpResponse | None = None  # saved, or refused: go there
    conflict: str = ""  # someone saved first: show the form again with what was typed (409)


def save_draft(
    request: HttpRequest,
    form,
    save: Callable[[], Any],
    *,
    saved: str,
    then: str,
    then_submit: str,
) -> DraftSave:
    """The POST of an edit page (a rating's findings, an assessment's lines): validate the
    form, save through the workflow, and go on to the record, or to submitting it when the
    "save and submit" button was pressed. A GET, a form with errors and a conflict show the
    page again."""
    if request.method != "POST":
        return DraftSave()
    if not form.is_valid():
        messages.error(request, FORM_HAS_ERRORS)
        return DraftSave()
    outcome = attempt(request, save, keep_conflict=True)
    if outcome.conflict:
        return DraftSave(conflict=outcome.conflict)
    if outcome.done and request.POST.get("then") == "submit":
        return DraftSave(response=redirect(then_submit))
    if outcome.done:
        messages.success(request, saved)
    return DraftSave(response=redirect(then))


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    """An XLSX file as a download."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------------------------
# Lists


def read_filters(request: HttpRequest, form_class: type[FilterForm], **kwargs) -> FilterForm:
    """Bind a list's filter form to the query string. A year or region that cannot exist is a
    404; any other filter the form refuses is dropped, and the page says so."""
    form = form_class(request.GET, **kwargs)
    if form.not_found:
        raise Http404
    for problem in form.problems:
        messages.warning(request, problem)
    return form


def year_from(form: FilterForm) -> RatingYear | None:
    """The year a list asks for, else the year people work in."""
    wanted = form.filters.get("year")
    return selectors.year_get(year=wanted) if wanted else selectors.year_current()


def paginate(request: HttpRequest, rows: QuerySet, per_page: int = PAGE_SIZE) -> ListPage:
    """One page of `rows`, at the same cost on the first page and the ten-thousandth.

    `rows` must be ordered by keys that end in a unique one (an id or a code), on an index that
    serves the list's filters. The first pages are numbered (`?page=3`, an OFFSET the index makes
    short); every other page is reached from its neighbour by seeking past the last row shown
    (`?cursor=…`, a range condition on the ordering keys), and the last page by reading the
    order backwards (`selectors.paging.read_page`). The total is exact where it is cheap, else
    the planner's estimate."""
    keys = order_keys(rows)
    total, estimated = count_rows(rows)
    return read_page(
        rows,
        keys=keys,
        per_page=per_page,
        total=total,
        estimated=estimated,
        token=request.GET.get(CURSOR_PARAM, ""),
        number=page_number(request.GET.get("page")),
        kinds=key_kinds(rows, keys),
    )


def _own_code(region: Region) -> str:
    """The code `region_ancestors` asks for at the region's own level."""
    return region.code[: PREFIX_LENGTH[region.level]].ljust(12, "0")


def region_cascade(user: User | None, code: str) -> dict:
    """The region filter as a cascade: the path down to the chosen region and its children,
    so that the choice stays short at any scale (one level at a time). Without a user (the
    public site) it starts at the top of the tree. `code` has been validated by a filter form."""
    if user is None:
        root = Region.objects.filter(parent__isnull=True).order_by("code").first()
        selected = root
        if code:
            selected = Region.objects.filter(pk=code).first()
            if selected is None:
                raise Http404
    else:
        root = selectors.region_scope_root(user=user)
        selected = selectors.region_get_for_user(user=user, code=code) if code else root
    if selected is None:
        return {"selected": None, "crumbs": [], "children": []}
    if selected.pk == root.pk and selected.code == _own_code(selected):
        # The list as it opens, at the top of the scope: the path is that region alone.
        crumbs = [selected]
    else:
        crumbs = [
            region
            for region in selectors.region_ancestors(region=selected)
            if region.level >= root.level
        ]
    children = []
    if selected.level < RegionLevel.TOWN:
        children = list(
            Region.objects.filter(parent=selected, active=True).exclude(level=RegionLevel.VILLAGE)
        )
    return {"selected": selected, "crumbs": crumbs, "children": children, "root": root}


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without `names` (for the links of pages and filters)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def list_context(request: HttpRequest, form: FilterForm) -> dict:
    """What every filtered list shows around its rows: the query strings of its links and the
    filters to carry through the region cascade's form."""
    return {
        "filters": form.filters,
        "page_query": query_without(request, "page", CURSOR_PARAM),
        "region_query": query_without(request, "page", CURSOR_PARAM, "region"),
        "cascade_hidden": [
            (name, value)
            for name, value in form.filters.items()
            if name != "region" and value not in (None, "")
        ],
    }


def domain_list_context(
    request: HttpRequest, form: FilterForm, rows, *, year, cascade, per_page: int = PAGE_SIZE
) -> dict:
    """What the lists of the creation domains show around their rows: the page, the year and
    domain choices, the region cascade."""
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
