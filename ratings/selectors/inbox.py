"""What awaits a user (待办) and what concerns them (通知)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .. import permissions
from ..choices import YearStatus
from ..models import Event, RatingYear, StarRating, User
from .assessments import assessment_count_awaiting, assessment_review_list_for_user
from .counting import count_rows
from .ratings import item_list_for_user
from .reports import report_count_awaiting
from .rereviews import rereview_count_awaiting, rereview_count_to_remove
from .years import year_current


@dataclass
class Todo:
    """One kind of work waiting for the user: how much, and the list that shows it."""

    label: str
    count: int
    url: str
    estimated: bool = False  # 约: a city's queue is not counted row by row on every page


def todo_list_for_user(*, user: User) -> list[Todo]:
    """The kinds of work waiting for the user, each with its count (a query each)."""
    if not user.is_authenticated:
        return []
    todos = []
    if permissions.works_from_queue(user):
        for label, rows, url in (
            (_("待认定事项"), item_list_for_user(user=user), "queue"),
            (_("待审核测评"), assessment_review_list_for_user(user=user), "review_queue"),
        ):
            count, estimated = count_rows(rows)
            todos.append(Todo(label, count, reverse(url), estimated=estimated))
    year = year_current()
    if year is not None and year.is_open and permissions.has_rating_work(user):
        todos.append(
            Todo(
                _("待我处理的星级评定"),
                rating_count_awaiting(user=user, year=year),
                reverse("work") + "?" + urlencode({"year": year.year, "mine": "on"}),
            )
        )
    if user.is_unit_filer:
        todos.append(_unit_filer_todo(user=user, year=year))
    if permissions.can_score(user):
        todos.append(
            Todo(
                _("待审核的单位自评"),
                assessment_count_awaiting(user=user),
                reverse("unit_list") + "?" + urlencode({"mine": "on"}),
            )
        )
        todos.append(
            Todo(
                _("待复查的十星社区(村)"),
                rereview_count_awaiting(user=user),
                reverse("rereview_work") + "?" + urlencode({"status": "pending"}),
            )
        )
    if permissions.can_score(user) or permissions.can_administer(user):
        todos.append(
            Todo(
                _("待答复的群众反映"),
                report_count_awaiting(user=user),
                reverse("report_list") + "?" + urlencode({"status": "received"}),
            )
        )
    if permissions.can_administer(user):
        todos.append(
            Todo(
                _("已截止待公布的年度"),
                RatingYear.objects.filter(status=YearStatus.CLOSED).count(),
                reverse("manage_years"),
            )
        )
        todos.append(
            Todo(
                _("复查未通过待摘星"),
                rereview_count_to_remove(),
                reverse("rereview_work") + "?" + urlencode({"status": "to_remove"}),
            )
        )
    return todos


def _unit_filer_todo(*, user: User, year: RatingYear | None) -> Todo:
    """The unit's own self-assessment: waiting for its filer (a draft or returned), on the
    page of the current year's assessment."""
    url = (
        reverse("assessment_detail", args=[user.unit_id, year.year])
        if year is not None
        else reverse("todo")
    )
    return Todo(_("待填报的单位自评"), assessment_count_awaiting(user=user), url)


# The header's count is kept at most a minute. The newest event's id is not a perfect version:
# ids are handed out when a row is written, so a transaction that took id 101 and commits after
# one that took 102 can land unseen by a count already kept under 102. The minute bounds that.
TODO_TOTAL_SECONDS = 60


def todo_total_for_user(*, user: User) -> int:
    """The header's 待办 count: the total of `todo_list_for_user`, kept in the cache until the
    next event. Every change of work is recorded as an event, so the newest event's id (one
    index read) tells whether the kept total still holds: one query a page instead of one per
    kind of work."""
    if not user.is_authenticated:
        return 0
    newest = Event.objects.aggregate(newest=Max("id"))["newest"] or 0
    scope = f"{user.role}:{user.region_id}:{user.unit_id}:{user.authority_id}:{user.is_superuser}"
    key = f"todo-total:{user.pk}:{scope}:{newest}"
    total = cache.get(key)
    if total is None:
        total = sum(todo.count for todo in todo_list_for_user(user=user))
        cache.set(key, total, TODO_TOTAL_SECONDS)
    return total


def rating_count_awaiting(*, user: User, year: RatingYear) -> int:
    """How many ratings of `year` in the user's scope wait for the user (one query); the same
    as the work list filtered to 待我处理."""
    return (
        StarRating.objects.filter(year=year, community__active=True)
        .filter(permissions.community_scope_q(user, "community_id"))
        .filter(permissions.awaiting_ratings_q(user))
        .count()
    )


def event_list_for_inbox(*, user: User, search: str = "") -> QuerySet[Event]:
    """Events that concern the user, newest first."""
    events = (
        Event.objects.filter(permissions.inbox_events_q(user))
        .select_related("actor", "rating__community", "item__standard", "year", "assessment__unit")
        .order_by("-created_at", "-id")
    )
    if search:
        events = events.filter(rating__community__name__contains=search)
    return events
