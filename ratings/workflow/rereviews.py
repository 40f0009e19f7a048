"""Re-review (复查) of last year's ten-star communities: opening one (all, or a sample drawn
from a recorded seed), the district assessors' findings, and, for a failed one, taking the
failed standards' stars away through `star_remove` (摘星)."""

from __future__ import annotations

import random
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..choices import EventAction, ItemStatus, RatingStatus, RereviewStatus, YearStatus
from ..models import (
    STAR_COUNT,
    RatingYear,
    Rereview,
    RereviewEntry,
    StarItem,
    StarRating,
    StarStandard,
    User,
)
from .common import TransitionNotAllowed, record_event
from .dynamic import star_remove


def rereview_sample(codes: list[str], *, size: int | None, seed: str) -> list[str]:
    """The communities a re-review checks: all of `codes`, or `size` of them drawn with `seed`.

    The draw depends only on the seed and the set of codes (sorted first), never on the order
    rows came from the database or on the process: anyone holding the seed draws the same list.
    (Python's `random.Random` seeded with a string hashes it with SHA-512.)"""
    ordered = sorted(codes)
    if size is None or size >= len(ordered):
        return ordered
    return sorted(random.Random(seed).sample(ordered, size))


def new_seed() -> str:
    """A seed for a draw nobody chose: eight random digits, recorded with the re-review."""
    return f"{secrets.randbelow(10**8):08d}"


def rereview_population(*, year: RatingYear):
    """The ten-star communities of a published year as they stand now (a rating that lost a
    star or its eligibility since publication is no longer ten-star)."""
    return StarRating.objects.filter(
        year=year, status=RatingStatus.CERTIFIED, stars=STAR_COUNT
    ).order_by("community_id")


def rereview_open(
    *, user: User, year: RatingYear, title: str, size: int | None = None, seed: str = ""
) -> Rereview:
    """Open a re-review of `year`'s ten-star communities: every one (`size` None) or a random
    sample of `size`, drawn with `seed` (a new one when empty), recorded with it."""
    title = title.strip()
    if not title:
        raise TransitionNotAllowed(_("请填写复查名称。"))
    seed = seed.strip() or new_seed()
    with transaction.atomic():
        year = RatingYear.objects.select_for_update(no_key=True).get(pk=year.pk)
        if year.status != YearStatus.PUBLISHED:
            raise TransitionNotAllowed(
                _("%(year)s年度当前为“%(status)s”，只能复查已公布年度的十星平安社区(村)。")
                % {"year": year.year, "status": year.get_status_display()}
            )
        ratings = {r.community_id: r for r in rereview_population(year=year)}
        if not ratings:
            raise TransitionNotAllowed(
                _("%(year)s年度目前没有十星平安社区(村)，无需复查。") % {"year": year.year}
            )
        if size is not None and not 1 <= size <= len(ratings):
            raise TransitionNotAllowed(
                _("抽查数量应为 1 至 %(total)s（%(year)s年度十星平安社区(村)的数量）。")
                % {"total": len(ratings), "year": year.year}
            )
        if size == len(ratings):
            size = None
        drawn = rereview_sample(list(ratings), size=size, seed=seed)
        rereview = Rereview.objects.create(
            year=year,
            title=title,
            sample_size=size,
            seed=seed if size is not None else "",
            population=len(ratings),
            opened_by=user,
        )
        RereviewEntry.objects.bulk_create(
            RereviewEntry(rereview=rereview, rating=ratings[code], community_id=code)
            for code in drawn
        )
        record_event(
            EventAction.REREVIEW_OPEN,
            user,
            year=year,
            detail=(
                _(
                    "%(title)s：从 %(total)s 个十星社区(村)中随机抽取 %(size)s 个（随机种子 %(seed)s）"
                )
                % {"title": title, "total": len(ratings), "size": size, "seed": seed}
                if size is not None
                else _("%(title)s：全部 %(total)s 个十星社区(村)")
                % {"title": title, "total": len(ratings)}
            ),
        )
    return rereview


def rereview_find(
    *,
    user: User,
    entry: RereviewEntry,
    passed: bool,
    reason: str,
    failed_standards: list[int] | tuple[int, ...] = (),
) -> RereviewEntry:
    """Record the finding of an assessor of the community's district: passed, or failed with
    the standards no longer met (each still an endorsed star). Reasons are required; the
    finding is final. A failed finding waits for the administrator to take the stars away."""
    reason = reason.strip()
    if not reason:
        raise TransitionNotAllowed(_("请填写复查意见。"))
    numbers = sorted(set(failed_standards))
    if not passed and not numbers:
        raise TransitionNotAllowed(_("复查未通过时，请选择不再达标的标准。"))
    with transaction.atomic():
        entry = (
            RereviewEntry.objects.select_for_update(of=("self",))
            .select_related("rereview", "community", "rating")
            .get(pk=entry.pk)
        )
        if not permissions.can_find_rereview(user, entry):
            raise TransitionNotAllowed(_("只有该社区(村)所在区的评定员可以填写复查结论。"))
        if entry.is_found:
            raise TransitionNotAllowed(
                _("%(name)s 已于 %(when)s 复查（%(status)s），不能再更改。")
                % {
                    "name": entry.community.name,
                    "when": timezone.localtime(entry.found_at).strftime("%Y-%m-%d %H:%M"),
                    "status": entry.get_status_display(),
                }
            )
        standards = []
        if not passed:
            endorsed = set(
                StarItem.objects.filter(
                    rating_id=entry.rating_id, status=ItemStatus.ENDORSED
                ).values_list("standard_id", flat=True)
            )
            stray = [n for n in numbers if n not in endorsed]
            if stray:
                raise TransitionNotAllowed(
                    _("第 %(numbers)s 项目前没有已认可的星，不能作为复查未通过的标准。")
                    % {"numbers": "、".join(str(n) for n in stray)}
                )
            standards = list(StarStandard.objects.filter(pk__in=numbers))
        entry.status = RereviewStatus.PASSED if passed else RereviewStatus.FAILED
        entry.finding, entry.found_by, entry.found_at = reason, user, timezone.now()
        entry.save(update_fields=["status", "finding", "found_by", "found_at"])
        entry.failed_standards.set(standards)
        record_event(
            EventAction.REREVIEW_PASS if passed else EventAction.REREVIEW_FAIL,
            user,
            rating=entry.rating,
            from_state=RereviewStatus.PENDING,
            to_state=entry.status,
            reason=reason,
            detail=entry.rereview.title
            if passed
            else _("%(title)s：第 %(numbers)s 项不再达标")
            % {"title": entry.rereview.title, "numbers": "、".join(str(n) for n in numbers)},
        )
    return entry


def rereview_remove_stars(*, user: User, entry: RereviewEntry, document_number: str) -> int:
    """After a failed re-review, take away the star of each standard it found no longer met,
    each through `star_remove` (so the title, the plaque and the verification page follow),
    in one transaction. Returns how many stars were removed (one already removed meanwhile is
    left alone)."""
    if not document_number.strip():
        raise TransitionNotAllowed(_("摘星须填写认定机关的文号。"))
    with transaction.atomic():
        entry = (
            RereviewEntry.objects.select_for_update(of=("self",))
            .select_related("rereview", "community")
            .get(pk=entry.pk)
        )
        if entry.status != RereviewStatus.FAILED:
            raise TransitionNotAllowed(
                _("%(name)s 的复查结论为“%(status)s”，只有复查未通过的才需摘星。")
                % {"name": entry.community.name, "status": entry.get_status_display()}
            )
        if entry.stars_removed_at is not None:
            raise TransitionNotAllowed(
                _("%(name)s 已于 %(when)s 按复查结论摘星。")
                % {
                    "name": entry.community.name,
                    "when": timezone.localtime(entry.stars_removed_at).strftime("%Y-%m-%d %H:%M"),
                }
            )
        reason = _("复查未通过（%(title)s）：%(finding)s") % {
            "title": entry.rereview.title,
            "finding": entry.finding,
        }
        items = StarItem.objects.filter(
            rating_id=entry.rating_id,
            standard__in=entry.failed_standards.all(),
            status=ItemStatus.ENDORSED,
        ).order_by("standard_id")
        removed = 0
        for item in items:
            star_remove(user=user, item=item, reason=reason, document_number=document_number)
            removed += 1
        entry.stars_removed_at = timezone.now()
        entry.save(update_fields=["stars_removed_at"])
    return removed
