"""Helpers shared by the staff and public views: running an action, filters, pages and the
region cascade."""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import json
import math
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models
from django.db.models import F, Q, QuerySet, Value
from django.db.models.lookups import GreaterThan, LessThan
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .. import selectors, workflow
from ..choices import PREFIX_LENGTH, RegionLevel
from ..forms import FilterForm
from ..models import Domain, RatingYear, Region, User
from ..selectors.counting import count_rows

PAGE_SIZE = 20
CURSOR_PARAM = "cursor"
# Numbered pages are read with an OFFSET, which the index keeps short up to here; beyond it a
# page is reached from its neighbour (a cursor), whatever its depth.
MAX_NUMBERED_PAGE = 50
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


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except (TypeError, ValueError):
        return 1


def order_keys(rows: QuerySet) -> list[tuple[str, bool]]:
    """The ordering of `rows` as (field path or annotation, descending) pairs."""
    keys = []
    for entry in rows.query.order_by:
        if not isinstance(entry, str):
            raise ValueError("keyset paging needs an ordering by field or annotation names")
        keys.append((entry.lstrip("-"), entry.startswith("-")))
    if not keys:
        raise ValueError("keyset paging needs an explicit ordering")
    return keys


class Row(models.Func):
    """A row value, `(a, b, c)`: compared as a whole, it is one range on an index whose
    columns are in the same order (PostgreSQL and SQLite both)."""

    template = "(%(expressions)s)"
    arg_joiner = ", "
    output_field = models.Field()


def seek_q(keys: list[tuple[str, bool]], values: list, *, forward: bool) -> Q:
    """The rows after (`forward`) or before the row whose ordering keys hold `values`.

    When every key goes the same way it is one row comparison, which the index on the ordering
    serves as a range: a page deep in the list costs what the first one does. Mixed directions
    fall back to "the first key that differs lies beyond it"."""
    directions = {descending for _name, descending in keys}
    if len(directions) == 1:
        descending = directions.pop()
        lookup = LessThan if descending == forward else GreaterThan
        left = Row(*(F(name) for name, _descending in keys))
        right = Row(*(Value(value) for value in values))
        return Q(lookup(left, right))
    beyond = []
    equal = Q()
    for (name, descending), value in zip(keys, values, strict=True):
        step = "lt" if descending == forward else "gt"
        beyond.append(equal & Q(**{f"{name}__{step}": value}))
        equal &= Q(**{name: value})
    return functools.reduce(operator.or_, beyond)


def _key_value(row: Any, path: str) -> Any:
    value = row
    for part in path.split("__"):
        value = getattr(value, part)
    return value.pk if isinstance(value, models.Model) else value


_ENCODERS: dict[type, tuple[str, Callable]] = {
    bool: ("b", bool),
    int: ("i", int),
    str: ("s", str),
    datetime.datetime: ("t", datetime.datetime.isoformat),
    datetime.date: ("d", datetime.date.isoformat),
}
_DECODERS: dict[str, Callable] = {
    "b": bool,
    "i": int,
    "s": str,
    "t": datetime.datetime.fromisoformat,
    "d": datetime.date.fromisoformat,
}


@dataclass
class Cursor:
    """Where a page starts: after or before the row holding `values`, or at the end; with the
    number the page will show (None when the total is an estimate and it cannot be known)."""

    direction: str  # "after", "before" or "last"
    number: int | None = None
    values: list = field(default_factory=list)

    def token(self) -> str:
        values = [[_ENCODERS[type(v)][0], _ENCODERS[type(v)][1](v)] for v in self.values]
        raw = json.dumps([self.direction, self.number, values], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def read(cls, token: str, length: int) -> Cursor | None:
        """The cursor a link carried; anything else (edited by hand, from another list) is
        None, and the list starts at its first page."""
        if not token or len(token) > 600:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            direction, number, values = json.loads(raw)
            values = [_DECODERS[kind](value) for kind, value in values]
        except (binascii.Error, ValueError, TypeError, KeyError):
            return None
        if direction == "last" and not values:
            return cls("last")
        if direction not in ("after", "before") or len(values) != length:
            return None
        if number is not None and (not isinstance(number, int) or number < 1):
            number = None
        return cls(direction, number, values)


@dataclass
class ListPage:
    """One page of a list, with the links to its neighbours and a total that may be an
    estimate. It stands in for Django's Page and its Paginator in the templates."""

    per_page: int
    count: int
    estimated: bool
    keys: list[tuple[str, bool]]
    object_list: list = field(default_factory=list)
    number: int | None = 1
    has_next: bool = False
    has_previous: bool = False

    def fill(self, rows: list, *, number: int | None) -> None:
        self.object_list, self.number = rows, number

    def __iter__(self) -> Iterator:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def paginator(self) -> ListPage:
        return self

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    def _cursor(self, direction: str, row: Any, number: int | None) -> str:
        values = [_key_value(row, name) for name, _descending in self.keys]
        return Cursor(direction, number, values).token()

    @property
    def next_cursor(self) -> str:
        number = self.number + 1 if self.number else None
        return self._cursor("after", self.object_list[-1], number) if self.object_list else ""

    @property
    def previous_cursor(self) -> str:
        number = self.number - 1 if self.number and self.number > 1 else None
        return self._cursor("before", self.object_list[0], number) if self.object_list else ""

    @property
    def last_cursor(self) -> str:
        return Cursor("last").token()


class EstimatedPaginator(Paginator):
    """Django's paginator (the admin's lists) with the count of `count_rows`: a large table is
    not counted row by row for every page of its changelist."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return count_rows(self.object_list)[0]
        return super().count


def paginate(request: HttpRequest, rows: QuerySet, per_page: int = PAGE_SIZE) -> ListPage:
    """One page of `rows`, at the same cost on the first page and the ten-thousandth.

    `rows` must be ordered by keys that end in a unique one (an id or a code), on an index that
    serves the list's filters. The first pages are numbered (`?page=3`, an OFFSET the index makes
    short); every other page is reached from its neighbour by seeking past the last row shown
    (`?cursor=…`, a range condition on the ordering keys), and the last page by reading the
    order backwards. The total is exact where it is cheap, else the planner's estimate."""
    keys = order_keys(rows)
    total, estimated = count_rows(rows)
    cursor = Cursor.read(request.GET.get(CURSOR_PARAM, ""), len(keys))
    page = ListPage(per_page=per_page, count=total, estimated=estimated, keys=keys)
    if cursor is None:
        number = _page_number(request.GET.get("page"))
        number = min(number, MAX_NUMBERED_PAGE, page.num_pages if not estimated else number)
        offset = (number - 1) * per_page
        fetched = list(rows[offset : offset + per_page + 1])
        page.fill(fetched[:per_page], number=number)
        page.has_next, page.has_previous = len(fetched) > per_page, number > 1
    elif cursor.direction == "after":
        fetched = list(rows.filter(seek_q(keys, cursor.values, forward=True))[: per_page + 1])
        page.fill(fetched[:per_page], number=cursor.number)
        page.has_next, page.has_previous = len(fetched) > per_page, True
    elif cursor.direction == "before":
        backwards = rows.filter(seek_q(keys, cursor.values, forward=False)).reverse()
        fetched = list(backwards[: per_page + 1])
        page.has_previous, page.has_next = len(fetched) > per_page, True
        page.fill(fetched[:per_page][::-1], number=cursor.number if page.has_previous else 1)
    else:  # the last page: the order read backwards, as many rows as the numbering leaves
        size = per_page if estimated or not total else total - (page.num_pages - 1) * per_page
        fetched = list(rows.reverse()[: size + 1])
        page.has_previous, page.has_next = len(fetched) > size, False
        page.fill(fetched[:size][::-1], number=None if estimated else page.num_pages)
    return page


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
