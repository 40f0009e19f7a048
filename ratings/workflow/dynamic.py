"""Dynamic management (动态管理) of published honours: taking a star away (摘星), taking a
revoked plaque back (收回)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import EventAction, ItemStatus, RatingStatus, YearStatus
from ..models import STAR_COUNT, Plaque, RatingYear, StarItem, StarRating, User
from .common import TransitionNotAllowed, local_time, record_event
from .plaques import _revoke_plaque


def star_remove(*, user: User, item: StarItem, reason: str, document_number: str) -> StarItem:
    """摘星: take an endorsed star from a certified rating of a published year, on the certifying
    authority's request (reason and document number required). In one transaction the item
    becomes removed, the stars drop, and a ten-star community loses its title and its plaque,
    so that the verification page shows the change at once."""
    reason, document_number = reason.strip(), document_number.strip()
    if not reason or not document_number:
        raise TransitionNotAllowed(_("摘星须填写理由和认定机关的文号。"))
    with transaction.atomic():
        # The year first, then the rating, as everywhere (see plaques._lock_year).
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=item.rating.year_id)
        rating = (
            StarRating.objects.select_for_update(of=("self",))
            .select_related("community")
            .get(pk=item.rating_id)
        )
        item = (
            StarItem.objects.select_for_update(of=("self",))
            .select_related("standard")
            .get(pk=item.pk)
        )
        if year.status != YearStatus.PUBLISHED:
            raise TransitionNotAllowed(
                _("%(year)s年度结果尚未公布；公布前请由认定机关重新认定。") % {"year": year.year}
            )
        if rating.status != RatingStatus.CERTIFIED:
            raise TransitionNotAllowed(
                _("%(name)s 的评定当前为“%(status)s”，只能从已认定的评定中摘星。")
                % {"name": rating.community.name, "status": rating.get_status_display()}
            )
        if item.status != ItemStatus.ENDORSED:
            raise TransitionNotAllowed(
                _("第 %(number)s 项“%(standard)s”当前为“%(status)s”，没有可摘的星。")
                % {
                    "number": item.standard_id,
                    "standard": item.standard.name,
                    "status": item.get_status_display(),
                }
            )
        was_ten_star = rating.stars == STAR_COUNT
        item.status = ItemStatus.REMOVED
        item.removed_at, item.removed_by = timezone.now(), user
        item.removed_reason, item.removed_document = reason, document_number
        item.save(
            update_fields=[
                "status",
                "removed_at",
                "removed_by",
                "removed_reason",
                "removed_document",
            ]
        )
        before = rating.stars
        rating.stars -= 1
        rating.version += 1
        rating.updated_by = user
        rating.save(update_fields=["stars", "version", "updated_by", "updated_at"])
        grounds = _("摘除第 %(number)s 项“%(standard)s”星（%(document)s）：%(reason)s") % {
            "number": item.standard_id,
            "standard": item.standard.name,
            "document": document_number,
            "reason": reason,
        }
        record_event(
            EventAction.STAR_REMOVE,
            user,
            rating=rating,
            item=item,
            from_state=ItemStatus.ENDORSED,
            to_state=ItemStatus.REMOVED,
            reason=grounds,
            detail=_("%(before)s 星 → %(after)s 星") % {"before": before, "after": rating.stars},
        )
        if was_ten_star:
            for plaque in rating.plaques.select_for_update().filter(revoked_at__isnull=True):
                plaque.rating = rating
                _revoke_plaque(user=user, plaque=plaque, reason=grounds)
    return item


def plaque_take_back(
    *, user: User, plaque: Plaque, taken_back_on: date, taken_back_by: str
) -> Plaque:
    """Record that a revoked plaque was physically taken back: on which day, by whom."""
    taken_back_by = taken_back_by.strip()
    if not taken_back_by:
        raise TransitionNotAllowed(_("请填写收回人。"))
    with transaction.atomic():
        plaque = (
            Plaque.objects.select_for_update(of=("self",))
            .select_related("rating")
            .get(pk=plaque.pk)
        )
        if plaque.is_valid:
            raise TransitionNotAllowed(
                _("牌匾 %(number)s 仍然有效，须先撤销才能收回。") % {"number": plaque.number}
            )
        if plaque.taken_back_on is not None:
            raise TransitionNotAllowed(
                _("牌匾 %(number)s 已于 %(day)s 由 %(who)s 收回。")
                % {
                    "number": plaque.number,
                    "day": plaque.taken_back_on.isoformat(),
                    "who": plaque.taken_back_by,
                }
            )
        revoked_on = timezone.localtime(plaque.revoked_at).date()
        if not revoked_on <= taken_back_on <= timezone.localdate():
            raise TransitionNotAllowed(
                _("收回日期应在撤销日期（%(revoked)s）和今天之间。")
                % {"revoked": local_time(plaque.revoked_at)[:10]}
            )
        plaque.taken_back_on, plaque.taken_back_by = taken_back_on, taken_back_by
        plaque.taken_back_recorded_by = user
        plaque.save(update_fields=["taken_back_on", "taken_back_by", "taken_back_recorded_by"])
        record_event(
            EventAction.PLAQUE_TAKE_BACK,
            user,
            rating=plaque.rating,
            plaque=plaque,
            detail=_("%(number)s，%(day)s 由 %(who)s 收回")
            % {"number": plaque.number, "day": taken_back_on.isoformat(), "who": taken_back_by},
        )
    return plaque
