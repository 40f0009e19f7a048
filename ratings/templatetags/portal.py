"""Small display helpers shared by the templates."""

from __future__ import annotations

import functools
import re

from django import template
from django.template.loader import get_template
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import permissions
from ..choices import (
    AssessmentStatus,
    EventAction,
    ItemStatus,
    NoticePhase,
    RatingStatus,
    Stage,
    YearStatus,
)
from ..models import STAR_COUNT
from ..uploads import JPEG, PDF, PNG

register = template.Library()
VIEWABLE_TYPES = (PDF.content_type, JPEG.content_type, PNG.content_type)

_STATE_LABELS = {
    **dict(ItemStatus.choices),
    **dict(RatingStatus.choices),
    **dict(YearStatus.choices),
}


@register.filter
def state_label(code: str) -> str:
    """The label of a status code stored in an event (rating, item or year status)."""
    return _STATE_LABELS.get(code, code)


@register.simple_tag
def badge(status, label="", empty_label=""):
    """A status as a badge: `label` if given, else the status's label, else `empty_label`
    (what the include of includes/badge.html gave, its closing newline too, without an include
    per row)."""
    text = label if label else (state_label(status) if status else empty_label)
    return format_html('<span class="badge badge-{}">{}</span>\n', status or "none", text)


@register.filter
def action_label(code: str) -> str:
    return dict(EventAction.choices).get(code, code)


@register.simple_tag
def star_bar(stars: int | None, total: int = STAR_COUNT) -> str:
    """Stars as filled and empty marks, with the number for screen readers and copy-paste."""
    stars = stars or 0
    return format_html(
        '<span class="stars" title="{0} / {1}"><span class="stars-full" aria-hidden="true">{2}'
        '<span class="stars-off">{3}</span></span><span class="stars-short" aria-hidden="true">{0}★</span>'
        '<span class="visually-hidden">{0} / {1}</span></span>',
        stars,
        total,
        "★" * stars,
        "☆" * (total - stars),
    )


@register.filter
def get_item(container, key):
    """container[key] for a dict or a list; None when there is no such key."""
    try:
        return container[key]
    except (KeyError, IndexError, TypeError):
        return None


_ASSESSMENT_LABELS = dict(AssessmentStatus.choices)


@register.filter
def assessment_label(code: str) -> str:
    return _ASSESSMENT_LABELS.get(code, code)


@register.filter
def percent(rate: float | None) -> str:
    """A rate as a percentage with one decimal; a missing rate (no units) as a dash."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


@register.filter
def width_of(value: float | int | None, whole: float | int | None = 1) -> str:
    """A bar's length: `value` as a percentage of `whole` (1 for rates), never over 100."""
    if not value or not whole:
        return "0"
    return f"{min(100.0, value / whole * 100):.1f}"


@register.simple_tag(takes_context=True)
def todo_total(context) -> int:
    """How much waits for the signed-in user (the header's 待办 count)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from ..selectors import todo_total_for_user

    return todo_total_for_user(user=user)


@register.simple_tag
def notice_phase(notice) -> NoticePhase:
    """Where a notice stands today: upcoming, open or closed."""
    return notice.phase(timezone.localdate())


@register.filter
def viewable(evidence) -> bool:
    """Whether an evidence file opens in the browser's viewer page (PDF, JPEG, PNG: its type
    was judged by content on upload, and is judged again when it is served)."""
    return evidence.content_type in VIEWABLE_TYPES


@register.filter
def is_image(evidence) -> bool:
    return evidence.content_type in (JPEG.content_type, PNG.content_type)


@register.inclusion_tag("includes/deadlines.html")
def stage_deadlines(year, stage: str, community=None) -> dict:
    """The deadline of `stage` in `year` (the current year when None), with the community's
    extension of the apply deadline; nothing once the year is no longer open."""
    from ..selectors import deadline_list, year_current

    year = year or year_current()
    if year is None or not year.is_open:
        return {"deadlines": []}
    return {"deadlines": deadline_list(year=year, stages=[Stage(stage)], community=community)}


@register.filter
def past_due(due) -> bool:
    """Whether a deadline (a date, or None for none) ended before today."""
    return due is not None and due < timezone.localdate()


MAIN_NAV = "includes/main_nav.html"


def _nav_key(request, nav: permissions.Navigation) -> tuple:
    """What the main navigation depends on: the language, the URLs, the current page and the
    links offered (`permissions.navigation`), nothing else about the person."""
    match = getattr(request, "resolver_match", None)
    return (get_language(), match.url_name if match else None, nav)


_fragments: dict[tuple, str] = {}


def _fragment(key: tuple, template_name: str, context: dict, request) -> str:
    """`template_name` rendered with `context`, kept under `key` (which must hold everything
    the fragment reads): the parts of the layout that are the same for every request of a
    language and role are rendered once per process, not on every page."""
    key = (template_name, get_urlconf(), get_script_prefix(), *key)
    html = _fragments.get(key)
    if html is None:
        html = mark_safe(get_template(template_name).render(context, request))
        if len(_fragments) > 2000:  # a bound; the keys are few (languages × roles × pages)
            _fragments.clear()
        _fragments[key] = html
    return html


@register.simple_tag(takes_context=True)
def main_nav(context) -> str:
    """The header's main navigation (includes/main_nav.html), rendered once per language,
    current page and set of links offered: it was a fifth of a staff list's template time, the
    same for every request of a role."""
    request = context.get("request")
    nav = context.get("nav", permissions.Navigation())  # the context processor's
    return _fragment(_nav_key(request, nav), MAIN_NAV, {"nav": nav}, request)


@register.simple_tag(takes_context=True)
def language_buttons(context) -> str:
    """The language switch's buttons (includes/language_buttons.html), once per language."""
    code = context.get("LANGUAGE_CODE")
    return _fragment(
        (code, get_language()),
        "includes/language_buttons.html",
        {"LANGUAGE_CODE": code},
        context.get("request"),
    )


@register.simple_tag(takes_context=True)
def site_footer(context) -> str:
    """The page footer (includes/site_footer.html), once per language and footer settings."""
    footer = context.get("footer") or {}
    return _fragment(
        (get_language(), tuple(sorted(footer.items()))),
        "includes/site_footer.html",
        {"footer": footer},
        context.get("request"),
    )


class UrlPattern:
    """The URL named `name` for `args`, one of which (None) differs from row to row: reversed
    once, then filled per row by `|url_fill`. Each `{% url %}` in a list's rows costs a
    reversal (the pattern's every candidate built and checked); this is one string join. A
    value that does not match the open argument's converter goes through `reverse` as
    `{% url %}` would (and fails as it would)."""

    def __init__(self, name: str, args: tuple) -> None:
        self.name, self.args = name, args
        self.head = self.tail = None
        self.converter = self._open_converter()
        samples = self._samples() if self.converter is not None else None
        if not samples:
            return
        first, second = samples
        try:
            head, found, tail = self._reverse(first).rpartition(first)
            # Kept only if it gives what `reverse` gives for another value.
            if found and head + second + tail == self._reverse(second):
                self.head, self.tail = head, tail
        except NoReverseMatch:  # a fixed argument that fits no URL: every row reverses
            pass

    def _reverse(self, value) -> str:
        return reverse(self.name, args=[value if arg is None else arg for arg in self.args])

    def _open_converter(self):
        if list(self.args).count(None) != 1:
            return None
        position = list(self.args).index(None)
        converters = set()
        for possibilities, _pattern, _defaults, by_name in get_resolver(
            get_urlconf()
        ).reverse_dict.getlist(self.name):
            for _format, params in possibilities:
                if len(params) == len(self.args):
                    converters.add(by_name.get(params[position]))
        return converters.pop() if len(converters) == 1 else None

    def _samples(self) -> tuple[str, str] | None:
        """Two values the open argument accepts, as long as it allows (so as not to be found
        elsewhere in the URL)."""
        regex = self.converter.regex
        for n in range(18, 0, -1):
            if re.fullmatch(regex, "7" * n) and re.fullmatch(regex, "8" * n):
                return "7" * n, "8" * n
        return None

    def fill(self, value) -> str:
        if self.head is not None:
            try:
                text = str(self.converter.to_url(value))
            except (ValueError, TypeError):
                text = ""
            if text.isascii() and text.isalnum() and re.fullmatch(self.converter.regex, text):
                return self.head + text + self.tail
        return self._reverse(value)


@functools.lru_cache(maxsize=1000)
def _url_pattern(urlconf, script_prefix: str, name: str, args: tuple) -> UrlPattern:
    return UrlPattern(name, args)


@register.simple_tag
def url_pattern(name: str, *args) -> UrlPattern:
    """`{% url_pattern 'rating_detail' year.year None as rating_url %}` before a list's rows,
    then `{{ rating_url|url_fill:row.code }}` in each: the URL that
    `{% url 'rating_detail' year.year row.code %}` gives, None standing for the row's value."""
    return _url_pattern(get_urlconf(), get_script_prefix(), name, args)


@register.filter
def url_fill(pattern: UrlPattern, value) -> str:
    return pattern.fill(value)


@register.simple_tag
def url_row(name: str, *args, vary: int = 1) -> str:
    """`{% url name *args %}` in a list's rows whose other arguments repeat from row to row
    (the queue's year and standard): the URL with the `vary`-th argument (from 1) left open is
    reversed once, then filled, as `url_pattern` does."""
    fixed = tuple(None if n == vary - 1 else arg for n, arg in enumerate(args))
    return url_pattern(name, *fixed).fill(args[vary - 1])
