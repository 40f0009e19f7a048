"""Helpers shared by the staff and public views: filters, pages and the region cascade."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest

from .. import selectors
from ..choices import RegionLevel
from ..forms import FilterForm
from ..models import RatingYear, Region, User

PAGE_SIZE = 20


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


def paginate(request: HttpRequest, rows, per_page: int = PAGE_SIZE) -> Page:
    """One page of `rows`; a page number that is not one shows the nearest page."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


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
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def list_context(request: HttpRequest, form: FilterForm) -> dict:
    """What every filtered list shows around its rows: the query strings of its links and the
    filters to carry through the region cascade's form."""
    return {
        "filters": form.filters,
        "page_query": query_without(request, "page"),
        "region_query": query_without(request, "page", "region"),
        "cascade_hidden": [
            (name, value)
            for name, value in form.filters.items()
            if name != "region" and value not in (None, "")
        ],
    }
