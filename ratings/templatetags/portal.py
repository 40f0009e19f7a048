"""Small display helpers shared by the templates."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html

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


@register.filter
def assessment_label(code: str) -> str:
    return dict(AssessmentStatus.choices).get(code, code)


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
