"""Re-reviews (复查): the administrators' list and progress, the assessors' communities."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .. import permissions
from ..choices import RereviewStatus
from ..models import Rereview, RereviewEntry, User


def _with_progress(rereviews: QuerySet[Rereview]) -> QuerySet[Rereview]:
    def counted(**lookups) -> Count:
        return Count("entries", filter=Q(**{f"entries__{k}": v for k, v in lookups.items()}))

    return rereviews.annotate(
        entry_count=Count("entries"),
        pending_count=counted(status=RereviewStatus.PENDING),
        passed_count=counted(status=RereviewStatus.PASSED),
        failed_count=counted(status=RereviewStatus.FAILED),
        removal_count=counted(status=RereviewStatus.FAILED, stars_removed_at__isnull=True),
    )


def rereview_list(*, year: int | None = None) -> QuerySet[Rereview]:
    """Every re-review, newest first, with its progress (administrators)."""
    rereviews = Rereview.objects.select_related("year", "opened_by")
    if year:
        rereviews = rereviews.filter(year_id=year)
    return _with_progress(rereviews).order_by("-opened_at", "-id")


def rereview_get(*, pk: int) -> Rereview:
    """One re-review with its progress, or 404: only administrators open one, and they see all."""
    return get_object_or_404(_with_progress(Rereview.objects.select_related("year")), pk=pk)


def rereview_entry_list_for_user(
    *,
    user: User,
    rereview: Rereview | None = None,
    status: str = "",
    search: str = "",
) -> QuerySet[RereviewEntry]:
    """The communities of re-reviews inside the user's scope, by re-review and place."""
    entries = RereviewEntry.objects.filter(permissions.rereview_entries_q(user)).select_related(
        "rereview", "community__parent__parent", "rating"
    )
    if rereview is not None:
        entries = entries.filter(rereview=rereview)
    if status == "to_remove":
        entries = entries.filter(status=RereviewStatus.FAILED, stars_removed_at__isnull=True)
    elif status:
        entries = entries.filter(status=status)
    if search:
        entries = entries.filter(community__name__contains=search)
    return entries.order_by("-rereview_id", "community_id", "id")


def rereview_entry_get_for_user(*, user: User, pk: int) -> RereviewEntry:
    """One community of a re-review, or 404 outside the user's scope."""
    return get_object_or_404(
        RereviewEntry.objects.filter(permissions.rereview_entries_q(user)).select_related(
            "rereview__year", "community__parent__parent", "rating", "found_by"
        ),
        pk=pk,
    )


def rereview_count_awaiting(*, user: User) -> int:
    """How many communities wait for the user's re-review finding (an assessor's 待办)."""
    if not permissions.can_score(user):
        return 0
    return (
        RereviewEntry.objects.filter(permissions.rereview_entries_q(user))
        .filter(status=RereviewStatus.PENDING)
        .count()
    )


def rereview_count_to_remove() -> int:
    """Failed re-reviews whose stars the administrators have not taken away yet."""
    return RereviewEntry.objects.filter(
        status=RereviewStatus.FAILED, stars_removed_at__isnull=True
    ).count()
