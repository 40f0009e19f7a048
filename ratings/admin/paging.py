"""The back office's changelists page like the portal's lists (`selectors.paging`): the first
pages by number (`?p=3`), every other page from its neighbour (`?cursor=…`), so that page
5,000 of the country's communities costs what page 1 does.

This holds when the list's ordering can be sought on: the admin's default ordering (each large
table's is the order of one of its indexes), or any ordering a column header gives that ends in
a unique key and has no column that may be empty. Any other ordering pages with Django's OFFSET,
as before."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..selectors.paging import MAX_NUMBERED_PAGE, ListPage, read_page, seekable_keys

CURSOR_VAR = "cursor"

CURSOR_REFUSED = _("翻页链接无效（可能被修改过，或来自另一个列表），已显示第一页。")
CURSOR_NOT_SOUGHT = _("按当前排序无法使用翻页链接，已显示第一页。")
PAGE_TOO_DEEP = _(
    "第 %(asked)s 页不能直接打开：列表只为前 %(limit)s 页编号，已显示第 %(limit)s 页，"
    "请用“下一页”继续翻阅。"
)


@dataclass
class PageLink:
    """One entry of the changelist's page links: a page (a link, or the current page) or a gap."""

    label: str
    url: str = ""
    current: bool = False
    gap: bool = False
    end: bool = False


class KeysetChangeList(ChangeList):
    """Django's changelist, reading its page by seeking where the ordering allows it. The
    cursor is a parameter of its own, never a filter: no link of the page (filters, sorting,
    search) carries it, except those to a neighbouring page."""

    keyset_page: ListPage | None = None
    page_links: list[PageLink] = []
    result_estimated = False

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        self.cursor_token = request.GET.get(CURSOR_VAR, "")
        super().__init__(request, *args, **kwargs)
        # The search box sends the changelist's other parameters back as hidden fields.
        self.params.pop(CURSOR_VAR, None)
        self.filter_params.pop(CURSOR_VAR, None)

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(CURSOR_VAR, None)
        return lookup_params

    def get_query_string(self, new_params=None, remove=None) -> str:
        new_params = dict(new_params or {})
        new_params.setdefault(CURSOR_VAR, None)  # dropped unless asked for
        return super().get_query_string(new_params, remove)

    def get_results(self, request: HttpRequest) -> None:
        # An editable list's formset wants a queryset of its rows: Django's pages, as before.
        sought = None if self.list_editable else seekable_keys(self.queryset)
        if sought is None or self.show_all:
            if self.cursor_token and sought is None:
                messages.warning(request, CURSOR_NOT_SOUGHT)
                self.page_num = 1
            super().get_results(request)
            self.result_estimated = getattr(self.paginator, "estimated", False)
            return
        keys, kinds = sought
        rows = self.queryset.order_by(*[("-" if desc else "") + name for name, desc in keys])
        paginator = self.model_admin.get_paginator(request, rows, self.list_per_page)
        result_count = paginator.count
        estimated = getattr(paginator, "estimated", False)
        if self.model_admin.show_full_result_count:
            full_result_count = self.root_queryset.count()
        else:
            full_result_count = None
        self.result_count = result_count
        self.result_estimated = estimated
        self.show_full_result_count = self.model_admin.show_full_result_count
        self.show_admin_actions = not self.show_full_result_count or bool(full_result_count)
        self.full_result_count = full_result_count
        self.can_show_all = result_count <= self.list_max_show_all
        self.multi_page = result_count > self.list_per_page or estimated
        self.paginator = paginator
        if not self.multi_page and not self.cursor_token:
            self.result_list = rows._clone()
            return
        asked = max(1, self.page_num)
        page = read_page(
            rows,
            keys=keys,
            per_page=self.list_per_page,
            total=result_count,
            estimated=estimated,
            token=self.cursor_token,
            number=asked,
            kinds=kinds,
        )
        if page.cursor_refused:
            messages.warning(request, CURSOR_REFUSED)
        elif not self.cursor_token and asked > MAX_NUMBERED_PAGE == page.number:
            messages.info(request, PAGE_TOO_DEEP % {"asked": asked, "limit": MAX_NUMBERED_PAGE})
        self.keyset_page = page
        self.result_list = page.object_list
        self.page_num = page.number or 0
        self.multi_page = page.has_next or page.has_previous
        self.page_links = self._page_links(page)
        # Django's page links are replaced by these (templates/admin/pagination.html).
        paginator.get_elided_page_range = lambda *args, **kwargs: self.page_links

    def _page_url(self, number: int) -> str:
        return self.get_query_string({PAGE_VAR: number})

    def _cursor_url(self, token: str) -> str:
        return self.get_query_string({CURSOR_VAR: token})

    def _page_links(self, page: ListPage) -> list[PageLink]:
        """Links to the first pages, to the neighbours of this one and to the last: the pages
        that can be reached without counting rows. Numbers past the first pages are shown
        where they are known (the total may be an estimate)."""
        current = page.number
        last = None if page.estimated else page.num_pages
        wanted: dict[int, PageLink] = {}

        def number_link(number: int) -> None:
            if last is not None and number > last or number < 1 or number in wanted:
                return
            if number == current:
                wanted[number] = PageLink(str(number), current=True)
            elif number <= MAX_NUMBERED_PAGE:
                wanted[number] = PageLink(str(number), self._page_url(number))

        for number in (1, 2):
            number_link(number)
        if current is not None:
            for number in range(current - 3, current + 4):
                number_link(number)
            if current > MAX_NUMBERED_PAGE and page.has_previous:
                wanted[current - 1] = PageLink(
                    str(current - 1), self._cursor_url(page.previous_cursor)
                )
            if page.has_next and current + 1 > MAX_NUMBERED_PAGE:
                wanted[current + 1] = PageLink(str(current + 1), self._cursor_url(page.next_cursor))
        links: list[PageLink] = []
        previous = 0
        for number in sorted(wanted):
            if number > previous + 1:
                links.append(PageLink("…", gap=True))
            links.append(wanted[number])
            previous = number
        if current is None:
            # A page whose number cannot be known (reached from the end of an estimated list).
            links.append(PageLink("…", gap=True))
            links.append(PageLink(str(_("本页")), current=True))
        at_end = not page.has_next
        if last is not None and last not in wanted and not at_end:
            if last > previous + 1:
                links.append(PageLink("…", gap=True))
            links.append(PageLink(str(last), self._cursor_url(page.last_cursor), end=True))
        elif last is None and not at_end:
            links.append(PageLink("…", gap=True))
            links.append(PageLink(str(_("末页")), self._cursor_url(page.last_cursor), end=True))
        return links

    @property
    def previous_url(self) -> str:
        page = self.keyset_page
        if page is None or not page.has_previous:
            return ""
        if page.number and page.number - 1 <= MAX_NUMBERED_PAGE:
            return self._page_url(page.number - 1)
        return self._cursor_url(page.previous_cursor)

    @property
    def next_url(self) -> str:
        page = self.keyset_page
        if page is None or not page.has_next:
            return ""
        if page.number and page.number + 1 <= MAX_NUMBERED_PAGE:
            return self._page_url(page.number + 1)
        return self._cursor_url(page.next_cursor)
