"""Residents' reports: the receipt's status for the public, the cases for the staff."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import permissions
from ..choices import ReportStatus
from ..models import ResidentReport, User


def report_get_by_receipt(*, receipt: str) -> ResidentReport:
    """The report a receipt number names (the receipt is its only key for the public)."""
    report = ResidentReport.objects.filter(receipt=receipt).select_related("community").first()
    if report is None:
        raise Http404
    return report


def report_list_for_user(*, user: User, status: str = "", search: str = "") -> QuerySet:
    """The reports the user answers, oldest first."""
    reports = ResidentReport.objects.filter(permissions.reports_q(user)).select_related(
        "community__parent__parent", "plaque"
    )
    if status:
        reports = reports.filter(status=status)
    if search:
        reports = reports.filter(Q(receipt__icontains=search) | Q(community__name__contains=search))
    return reports.order_by("submitted_at", "id")


def report_get_for_user(*, user: User, pk: int) -> ResidentReport:
    """One report, or 404 when it is not one the user answers."""
    return get_object_or_404(
        ResidentReport.objects.filter(permissions.reports_q(user)).select_related(
            "community__parent__parent", "plaque", "rating", "found_by"
        ),
        pk=pk,
    )


def report_count_awaiting(*, user: User) -> int:
    """Reports waiting for an answer inside the user's scope (待办)."""
    return (
        ResidentReport.objects.filter(permissions.reports_q(user))
        .filter(status=ReportStatus.RECEIVED)
        .count()
    )
