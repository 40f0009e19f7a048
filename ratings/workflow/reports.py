"""Residents' reports (反映问题) about a ten-star community: received through the verification
page of its valid plaque, answered by the administrators or the community's district with the
same finding as an objection (属实 / 不属实, with reasons)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..choices import EventAction, ReportStatus
from ..models import Plaque, ResidentReport, User
from .common import TransitionNotAllowed, record_event
from .notices import ObjectionInput, save_with_receipt, store_evidence


def report_submit(*, plaque: Plaque, report: ObjectionInput) -> ResidentReport:
    """Receive a resident's report about the community of a valid plaque; a receipt number
    (FY-…) is its only key for the resident."""
    stored = None
    try:
        with transaction.atomic():
            plaque = Plaque.objects.select_related("rating__community").get(pk=plaque.pk)
            if not plaque.is_valid:
                raise TransitionNotAllowed(
                    _("牌匾 %(number)s 已撤销，不再受理对该牌匾的反映。")
                    % {"number": plaque.number}
                )
            made = ResidentReport(
                plaque=plaque,
                rating=plaque.rating,
                community=plaque.rating.community,
                facts=report.facts.strip(),
                name=report.name.strip(),
                phone=report.phone,
            )
            stored = store_evidence(made, report.evidence)
            save_with_receipt(made, timezone.localdate().year, prefix="FY")
            # Nothing of the reporter goes into the history: it is read by more people.
            record_event(
                EventAction.REPORT_RECEIVE,
                None,
                rating=plaque.rating,
                to_state=made.status,
                detail=_("群众反映，回执 %(receipt)s") % {"receipt": made.receipt},
            )
    except BaseException:
        if stored:
            ResidentReport.evidence.field.storage.delete(stored)
        raise
    return made


def report_find(*, user: User, report: ResidentReport, upheld: bool, reason: str) -> ResidentReport:
    """Record the answer to a report (属实 / 不属实, reason required), final. What follows an
    upheld report (a star removed, eligibility revoked) goes through those workflows."""
    reason = reason.strip()
    if not reason:
        raise TransitionNotAllowed(_("认定群众反映必须填写理由。"))
    with transaction.atomic():
        report = (
            ResidentReport.objects.select_for_update(of=("self",))
            .select_related("community", "rating")
            .get(pk=report.pk)
        )
        if not permissions.can_find_report(user, report):
            raise TransitionNotAllowed(_("只有市平安办和该社区(村)所在区可以答复这条反映。"))
        if report.is_found:
            raise TransitionNotAllowed(
                _("回执 %(receipt)s 的反映已于 %(when)s 认定为“%(status)s”，不能再更改。")
                % {
                    "receipt": report.receipt,
                    "when": timezone.localtime(report.found_at).strftime("%Y-%m-%d %H:%M"),
                    "status": report.get_status_display(),
                }
            )
        report.status = ReportStatus.UPHELD if upheld else ReportStatus.DISMISSED
        report.finding, report.found_by, report.found_at = reason, user, timezone.now()
        report.save(update_fields=["status", "finding", "found_by", "found_at"])
        record_event(
            EventAction.REPORT_UPHOLD if upheld else EventAction.REPORT_DISMISS,
            user,
            rating=report.rating,
            from_state=ReportStatus.RECEIVED,
            to_state=report.status,
            reason=reason,
            detail=_("群众反映，回执 %(receipt)s") % {"receipt": report.receipt},
        )
    return report
