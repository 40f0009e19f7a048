"""Public notices (everyone reads them) and objections (staff only, within what they handle)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import permissions
from ..choices import ObjectionStatus, RatingStatus
from ..models import STAR_COUNT, Notice, NoticeEntry, Objection, RatingYear, StarRating, User

PENDING = [ObjectionStatus.RECEIVED, ObjectionStatus.ASSIGNED]


def _with_counts(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    return notices.annotate(
        entry_count=Count("entries", distinct=True),
        removed_count=Count("entries", filter=Q(entries__removed_at__isnull=False), distinct=True),
    )


def notice_list(*, year: int | None = None, kind: str = "", search: str = "") -> QuerySet[Notice]:
    """Every notice, newest first, with the size of its list; notices are public records."""
    notices = Notice.objects.select_related("year", "domain")
    if year:
        notices = notices.filter(year_id=year)
    if kind:
        notices = notices.filter(kind=kind)
    if search:
        notices = notices.filter(title__icontains=search)
    return _with_counts(notices).order_by("-starts_on", "-id")


def notice_get(*, pk: int) -> Notice:
    """One notice with its counts, or 404: a notice is public, so nobody's scope narrows it."""
    return get_object_or_404(_with_counts(Notice.objects.select_related("year", "domain")), pk=pk)


def notice_entry_list(*, notice: Notice) -> QuerySet[NoticeEntry]:
    """The list on notice, by place, removed entries included (the notice is a record)."""
    return notice.entries.select_related("region__parent__parent").order_by("region_id", "id")


def objection_counts(*, notice: Notice) -> dict[str, int]:
    """How many objections a notice received, by status (what the public may know of them)."""
    counts = dict(
        notice.objections.values_list("status").annotate(n=Count("id")).order_by("status")
    )
    return {
        "total": sum(counts.values()),
        "upheld": counts.get(ObjectionStatus.UPHELD, 0),
        "dismissed": counts.get(ObjectionStatus.DISMISSED, 0),
        "pending": sum(counts.get(status, 0) for status in PENDING),
    }


def objection_get_by_receipt(*, receipt: str) -> Objection:
    """The objection a receipt number names (the receipt is its only key for the public)."""
    objection = Objection.objects.filter(receipt=receipt).select_related("notice", "entry").first()
    if objection is None:
        raise Http404
    return objection


def objection_list_for_user(
    *, user: User, status: str = "", search: str = "", notice: int | None = None
) -> QuerySet[Objection]:
    """Objections the user handles, oldest waiting first."""
    objections = Objection.objects.filter(permissions.objections_q(user)).select_related(
        "notice", "entry", "assigned_to"
    )
    if status == "pending":
        objections = objections.filter(status__in=PENDING)
    elif status:
        objections = objections.filter(status=status)
    if notice:
        objections = objections.filter(notice_id=notice)
    if search:
        objections = objections.filter(
            Q(receipt__icontains=search) | Q(entry__name__icontains=search)
        )
    return objections.order_by("submitted_at", "id")


def objection_get_for_user(*, user: User, pk: int) -> Objection:
    """One objection, or 404 when it is not one the user handles."""
    return get_object_or_404(
        Objection.objects.filter(permissions.objections_q(user)).select_related(
            "notice__year", "entry__region__parent__parent", "assigned_to", "found_by"
        ),
        pk=pk,
    )


def rating_list_proposed(*, year: RatingYear) -> QuerySet[StarRating]:
    """The ten-star ratings of a closed year: the list a notice proposes for naming."""
    return (
        StarRating.objects.filter(year=year, status=RatingStatus.CERTIFIED, stars=STAR_COUNT)
        .select_related("community__parent__parent")
        .order_by("community_id")
    )
