"""Plaques of ten-star communities, and revoking a community's eligibility for a year."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import EventAction, Outcome, RatingStatus, YearStatus
from ..models import STAR_COUNT, Event, Plaque, RatingYear, Region, StarRating, User
from ..plaques import plaque_number
from .common import (
    TransitionNotAllowed,
    keyset_batches,
    local_time,
    rating_status_set,
    record_event,
    record_event_batch,
)
from .guidance import guidance_open
from .notices import require_ten_star_notice_settled
from .stars import rating_start, settle


def _require_reason(reason: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise TransitionNotAllowed(message)
    return reason


def _lock_year(year_id: int) -> None:
    """Publication locks the year while it keeps the figures and the commendation list; a
    revocation or reinstatement that takes the same lock falls wholly before or after it, so
    what is kept agrees with itself. (The year first, then the rating, as everywhere.)

    FOR NO KEY UPDATE, as every lock of a year here: it orders the year's own changes, but
    lets a rating be inserted meanwhile (its foreign key takes FOR KEY SHARE on the year). A
    plain FOR UPDATE deadlocked a revocation that starts the rating against an assessor
    starting the same rating: each waited for the other's row."""
    RatingYear.objects.select_for_update(no_key=True).get(pk=year_id)


def plaque_issue(*, user: User, rating: StarRating) -> Plaque:
    """Give a ten-star community of a published year its plaque, with the next number."""
    with transaction.atomic():
        # Locking the year serialises numbering: two plaques never get the same sequence.
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=rating.year_id)
        rating = (
            StarRating.objects.select_for_update(of=("self",))
            .select_related("community")
            .get(pk=rating.pk)
        )
        _require_plaques_allowed(year)
        if not rating.is_ten_star:
            raise TransitionNotAllowed(
                _("%(name)s %(year)s年度不是十星平安社区(村)，不能授牌。")
                % {"name": rating.community.name, "year": year.year}
            )
        existing = rating.plaques.filter(revoked_at__isnull=True).first()
        if existing is not None:
            raise TransitionNotAllowed(
                _("%(name)s 已于 %(when)s 授牌（编号 %(number)s），不能重复授牌。")
                % {
                    "name": rating.community.name,
                    "when": local_time(existing.issued_at),
                    "number": existing.number,
                }
            )
        sequence = (year.plaques.aggregate(last=Max("sequence"))["last"] or 0) + 1
        plaque = Plaque.objects.create(
            number=plaque_number(year.year, sequence),
            year=year,
            sequence=sequence,
            rating=rating,
            issued_at=timezone.now(),
            issued_by=user,
        )
        record_event(
            EventAction.PLAQUE_ISSUE, user, rating=rating, plaque=plaque, detail=plaque.number
        )
    return plaque


def plaques_issue_for_year(*, user: User, year: RatingYear) -> QuerySet[Plaque]:
    """Issue plaques to every ten-star community of the year that has none (all or nothing),
    numbered in community-code order after the year's last plaque; the plaques issued.

    A batch at a time, whatever the number: the ten-star ratings are read and locked a batch at
    a time in code order, and each batch's plaques and events are one INSERT each."""
    with transaction.atomic():
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=year.pk)
        ten_star = (
            StarRating.objects.select_for_update(of=("self",))
            .filter(year=year, status=RatingStatus.CERTIFIED, stars=STAR_COUNT)
            .order_by("community_id")
            .values_list("pk", "community_id")
        )
        first = sequence = 0
        now = timezone.now()
        for batch in keyset_batches(ten_star, key="community_id"):
            # Which of the batch hold a plaque: index probes, where an anti-join planned on a
            # plaque table that was empty when last analysed read it once per rating.
            ids = [rating_id for rating_id, _code in batch]
            holding = set(
                Plaque.objects.filter(rating_id__in=ids, revoked_at__isnull=True).values_list(
                    "rating_id", flat=True
                )
            )
            waiting = [rating_id for rating_id in ids if rating_id not in holding]
            if waiting and not first:
                _require_plaques_allowed(year)
                # The year's lock serialises numbering: the range after the last one is ours.
                first = sequence = (year.plaques.aggregate(last=Max("sequence"))["last"] or 0) + 1
            plaques = []
            for rating_id in waiting:
                plaques.append(
                    Plaque(
                        number=plaque_number(year.year, sequence),
                        year=year,
                        sequence=sequence,
                        rating_id=rating_id,
                        issued_at=now,
                        issued_by=user,
                    )
                )
                sequence += 1
            Plaque.objects.bulk_create(plaques)
            record_event_batch(
                EventAction.PLAQUE_ISSUE,
                user,
                [
                    Event(rating_id=p.rating_id, year=year, plaque=p, detail=p.number)
                    for p in plaques
                ],
            )
        if not first:
            return Plaque.objects.none()
        return Plaque.objects.filter(year=year, sequence__range=(first, sequence - 1)).order_by(
            "sequence"
        )


def _require_plaques_allowed(year: RatingYear) -> None:
    if year.status != YearStatus.PUBLISHED:
        raise TransitionNotAllowed(_("%(year)s年度结果尚未公布，不能授牌。") % {"year": year.year})
    require_ten_star_notice_settled(year, action=_("授牌"))


def plaque_revoke(*, user: User, plaque: Plaque, reason: str) -> Plaque:
    """Revoke a plaque (reason required); verification shows it as revoked at once."""
    reason = _require_reason(reason, _("撤销牌匾必须填写理由。"))
    with transaction.atomic():
        plaque = (
            Plaque.objects.select_for_update(of=("self",))
            .select_related("rating__year")
            .get(pk=plaque.pk)
        )
        _revoke_plaque(user=user, plaque=plaque, reason=reason)
    return plaque


def _revoke_plaque(*, user: User, plaque: Plaque, reason: str) -> None:
    if not plaque.is_valid:
        raise TransitionNotAllowed(
            _("牌匾 %(number)s 已于 %(when)s 撤销。")
            % {"number": plaque.number, "when": local_time(plaque.revoked_at)}
        )
    plaque.revoked_at, plaque.revoked_by, plaque.revoked_reason = timezone.now(), user, reason
    plaque.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    record_event(
        EventAction.PLAQUE_REVOKE,
        user,
        rating=plaque.rating,
        plaque=plaque,
        reason=reason,
        detail=plaque.number,
    )


def eligibility_revoke(
    *, user: User, community: Region, year: RatingYear, reason: str, bar_years: int = 0
) -> StarRating:
    """取消当年评星资格: the rating earns no stars, and a plaque of that year is revoked with it.
    With `bar_years` the community may not be rated in that many following years (不得参评).

    Allowed at any point of the year, also before the rating was started (it is then created,
    already revoked) and after publication.
    """
    reason = _require_reason(reason, _("取消评星资格必须填写理由。"))
    with transaction.atomic():
        _lock_year(year.pk)
        ratings = StarRating.objects.select_for_update(of=("self",)).filter(
            community=community, year=year
        )
        # Not started yet: start it (already revoked below); if someone started it a moment
        # ago, theirs is the one to revoke.
        rating = (
            ratings.first()
            or rating_start(community=community, year=year, user=user)
            or ratings.get()
        )
        if rating.status == RatingStatus.REVOKED:
            raise TransitionNotAllowed(
                _("%(name)s 已于 %(when)s 被取消%(year)s年度评星资格。")
                % {"name": community.name, "when": local_time(rating.revoked_at), "year": year.year}
            )
        before = rating.status
        rating_status_set(rating, RatingStatus.REVOKED)
        rating.stars = 0
        rating.revoked_at, rating.revoked_by, rating.revoked_reason = timezone.now(), user, reason
        rating.barred_until = year.year + bar_years if bar_years > 0 else None
        rating.save(
            update_fields=[
                "status",
                "stars",
                "revoked_at",
                "revoked_by",
                "revoked_reason",
                "barred_until",
            ]
        )
        record_event(
            EventAction.ELIGIBILITY_REVOKE,
            user,
            rating=rating,
            from_state=before,
            to_state=RatingStatus.REVOKED,
            reason=reason,
            detail=_("%(start)s至%(until)s年度不得参评")
            % {"start": year.year + 1, "until": rating.barred_until}
            if bar_years > 0
            else "",
        )
        for plaque in rating.plaques.select_for_update().filter(revoked_at__isnull=True):
            _revoke_plaque(
                user=user,
                plaque=plaque,
                reason=_("取消当年评星资格：%(reason)s") % {"reason": reason},
            )
    return rating


def eligibility_reinstate(*, user: User, rating: StarRating, reason: str) -> StarRating:
    """Give back a revoked eligibility: the rating returns to what its items say. A plaque that
    was revoked with it stays revoked; a new one can be issued."""
    reason = _require_reason(reason, _("恢复评星资格必须填写理由。"))
    with transaction.atomic():
        _lock_year(rating.year_id)
        rating = (
            StarRating.objects.select_for_update(of=("self",))
            .select_related("year")
            .get(pk=rating.pk)
        )
        if rating.status != RatingStatus.REVOKED:
            raise TransitionNotAllowed(_("该社区(村)的评星资格未被取消，无需恢复。"))
        items = list(rating.items.select_for_update())
        settle(rating, items)
        rating.revoked_at, rating.revoked_by, rating.revoked_reason = None, None, ""
        rating.barred_until = None  # the bar falls with the revocation it came with
        rating.save(
            update_fields=[
                "status",
                "stars",
                "certified_at",
                "revoked_at",
                "revoked_by",
                "revoked_reason",
                "barred_until",
            ]
        )
        record_event(
            EventAction.ELIGIBILITY_REINSTATE,
            user,
            rating=rating,
            from_state=RatingStatus.REVOKED,
            to_state=rating.status,
            reason=reason,
        )
        if rating.outcome == Outcome.GUIDANCE:
            guidance_open(user=user, rating=rating)
    return rating
