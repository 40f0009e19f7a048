"""Supervised guidance cases in a user's scope."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Count,
    OuterRef,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from .. import permissions
from ..choices import (
    GuidanceStatus,
)
from ..models import (
    GuidanceCase,
    GuidanceNote,
    Region,
    User,
    due_or_last,
    within_q,
)

GUIDANCE_STATES = ("open", "overdue", "closed", "all")


def guidance_list_for_user(
    *, user: User, state: str = "open", region: Region | None = None, search: str = ""
) -> QuerySet[GuidanceCase]:
    """Guidance cases in the user's scope, by due date: overdue ones first among the open."""
    today = timezone.localdate()
    cases = (
        GuidanceCase.objects.filter(permissions.community_scope_q(user, "rating__community_id"))
        .select_related("rating__community__parent__parent", "rating__year", "updated_by")
        .annotate(
            overdue=Case(
                When(status=GuidanceStatus.OPEN, due_date__lt=today, then=True),
                default=False,
                output_field=BooleanField(),
            ),
            # Counted for the page's rows only: a Count() join would group every case in scope.
            note_count=Coalesce(
                Subquery(
                    GuidanceNote.objects.filter(case=OuterRef("pk"))
                    .values("case")
                    .annotate(count=Count("id"))
                    .values("count")
                ),
                0,
            ),
            due_key=due_or_last(),
        )
        .order_by("status", "due_key", "id")
    )
    if state == "open":
        cases = cases.filter(status=GuidanceStatus.OPEN)
    elif state == "overdue":
        cases = cases.filter(status=GuidanceStatus.OPEN, due_date__lt=today)
    elif state == "closed":
        cases = cases.filter(status=GuidanceStatus.CLOSED)
    if region is not None:
        cases = cases.filter(within_q(region.prefix, "rating__community_id"))
    if search:
        cases = cases.filter(rating__community__name__contains=search)
    return cases


def guidance_get_for_user(*, user: User, pk: int) -> GuidanceCase:
    """One guidance case inside the user's scope, or 404."""
    try:
        case = GuidanceCase.objects.select_related(
            "rating__community__parent__parent", "rating__year", "updated_by", "closed_by"
        ).get(pk=pk)
    except GuidanceCase.DoesNotExist:
        raise Http404 from None
    if not permissions.in_scope(user, case.rating.community):
        raise Http404
    return case
