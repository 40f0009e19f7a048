"""Rating years: open, close, publish."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import counters, coverage, coverage_counts, statistics
from ..choices import SETTLED_RATING_STATUSES, EventAction, NoticeKind, RatingStatus, YearStatus
from ..models import STAR_COUNT, Event, RatingYear, StarRating, StarSnapshot, User
from .common import TransitionNotAllowed, keyset_batches, record_event, record_event_batch
from .notices import require_ten_star_notice_settled


def year_open(*, user: User | None, year: int) -> RatingYear:
    """Open a new rating year (one that does not exist yet)."""
    with transaction.atomic():
        if RatingYear.objects.filter(pk=year).exists():
            raise TransitionNotAllowed(_("%(year)s年度已存在。") % {"year": year})
        rating_year = RatingYear.objects.create(
            year=year, status=YearStatus.OPEN, opened_at=timezone.now()
        )
        record_event(EventAction.YEAR_OPEN, user, year=rating_year, to_state=YearStatus.OPEN)
    return rating_year


def year_close(*, user: User | None, year: RatingYear) -> RatingYear:
    """Stop accepting findings and decisions for a year; its ratings become read-only."""
    with transaction.atomic():
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=year.pk)
        if year.status != YearStatus.OPEN:
            raise TransitionNotAllowed(
                _("%(year)s年度当前为“%(status)s”，只有进行中的年度可以截止。")
                % {"year": year.year, "status": year.get_status_display()}
            )
        year.status, year.closed_at = YearStatus.CLOSED, timezone.now()
        year.save(update_fields=["status", "closed_at"])
        record_event(
            EventAction.YEAR_CLOSE,
            user,
            year=year,
            from_state=YearStatus.OPEN,
            to_state=year.status,
        )
    return year


def year_publish(*, user: User, year: RatingYear) -> RatingYear:
    """Make a closed year's results public. Refused while any rating is still undecided.

    In the same transaction it keeps what is published as it is now: the statistics (star
    distribution and coverage) and the commendation list (the ten-star ratings). Nothing done
    later changes them; a later revocation is annotated on the list, not removed from it."""
    with transaction.atomic():
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=year.pk)
        if year.status != YearStatus.CLOSED:
            raise TransitionNotAllowed(
                _("%(year)s年度当前为“%(status)s”，只有已截止的年度可以公布。")
                % {"year": year.year, "status": year.get_status_display()}
            )
        undecided = StarRating.objects.filter(year=year).exclude(status__in=DECIDED).count()
        if undecided:
            raise TransitionNotAllowed(
                _(
                    "还有 %(count)s 份评定尚未认定完成，不能公布。请先处理完毕，"
                    "或将其定为“未完成评定”。"
                )
                % {"count": undecided}
            )
        require_ten_star_notice_settled(year, action=_("公布年度结果"))
        year.status, year.published_at = YearStatus.PUBLISHED, timezone.now()
        year.notices.filter(kind=NoticeKind.TEN_STAR).update(concluded_at=year.published_at)
        year.save(update_fields=["status", "published_at"])
        commended = keep_as_published(year)
        record_event(
            EventAction.YEAR_PUBLISH,
            user,
            year=year,
            from_state=YearStatus.CLOSED,
            to_state=YearStatus.PUBLISHED,
            detail=_("通报表扬 %(count)s 个十星平安社区(村)") % {"count": commended},
        )
    return year


# Ratings whose outcome is settled: certified, revoked, or not completed when the year closed.
DECIDED = list(SETTLED_RATING_STATUSES)


def ratings_mark_incomplete(*, user: User, year: RatingYear, reason: str) -> int:
    """未完成评定: give every rating of a closed year still undecided the neutral outcome, with
    the reason; how many. It is not a disqualification: no stars, no plaque, no penalty."""
    reason = reason.strip()
    if not reason:
        raise TransitionNotAllowed(_("请填写未完成评定的原因。"))
    with transaction.atomic():
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=year.pk)
        if year.status != YearStatus.CLOSED:
            raise TransitionNotAllowed(
                _("%(year)s年度当前为“%(status)s”，只有已截止、尚未公布的年度可以定为未完成评定。")
                % {"year": year.year, "status": year.get_status_display()}
            )
        undecided = (
            StarRating.objects.select_for_update(of=("self",))
            .filter(year=year)
            .exclude(status__in=DECIDED)
            .order_by("community_id")
            .values_list("pk", "status", "community_id")
        )
        marked, now = 0, timezone.now()
        # A batch at a time: one UPDATE, and one INSERT of its events with each one's status.
        for batch in keyset_batches(undecided, key="community_id"):
            # The batch's moves counted as `rating_status_set` counts one rating's.
            counters.rating_counts_move(
                year_id=year.pk,
                moves=[(code, before, RatingStatus.INCOMPLETE) for _pk, before, code in batch],
            )
            StarRating.objects.filter(pk__in=[pk for pk, _status, _code in batch]).update(
                status=RatingStatus.INCOMPLETE,
                stars=0,
                incomplete_reason=reason,
                version=F("version") + 1,
                updated_by=user,
                updated_at=now,
            )
            record_event_batch(
                EventAction.RATING_INCOMPLETE,
                user,
                [
                    Event(
                        rating_id=pk,
                        year=year,
                        from_state=before,
                        to_state=RatingStatus.INCOMPLETE,
                        reason=reason,
                    )
                    for pk, before, _code in batch
                ],
            )
            marked += len(batch)
        if not marked:
            raise TransitionNotAllowed(
                _("%(year)s年度没有尚未认定完成的评定。") % {"year": year.year}
            )
    return marked


def keep_as_published(year: RatingYear) -> int:
    """Store the year's figures and mark its commendation list; how many were commended. Part
    of `year_publish` (the benchmark calls it for the year it builds as published).

    Ratings and assessments of a closed year no longer change, except by revocation, so reading
    them here, under the year's lock, is reading what is published."""
    StarSnapshot.objects.bulk_create(statistics.star_snapshot_rows(year))
    coverage.keep_snapshot(year)
    # The coverage table's rows per region at every level, as published.
    coverage_counts.keep_published_counts(year)
    return StarRating.objects.filter(
        year=year, status=RatingStatus.CERTIFIED, stars=STAR_COUNT
    ).update(commended=True)
