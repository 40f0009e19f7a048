"""The ten-star rating: one rating per community and year, ten items, one per standard."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from ..choices import PREFIX_LENGTH, ItemStatus, Outcome, RatingStatus
from .accounts import User
from .programme import STAR_COUNT, RatingYear, StarStandard
from .regions import Region


class StarRating(models.Model):
    """One community's rating for one year: ten items, one per standard."""

    community = models.ForeignKey(
        Region, verbose_name=_("社区(村)"), on_delete=models.PROTECT, related_name="star_ratings"
    )
    year = models.ForeignKey(
        RatingYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="ratings"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RatingStatus.choices, default=RatingStatus.DRAFT
    )
    # Started in a district that ran the year application-led: the community applies, the town
    # and the district review before the authorities decide. Kept on the rating, so that a
    # district switching its mode mid-year leaves ratings already started on their own path.
    application_led = models.BooleanField(_("社区自评申报"), default=False)
    applied_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    # Endorsed items so far; final once the rating is certified. Stored so that lists and
    # statistics never count items row by row.
    stars = models.PositiveSmallIntegerField(_("星数"), default=0)
    # Bumped by every write; a form carries the version it was read at, and a save against an
    # older version is refused instead of overwriting someone else's work.
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        User, verbose_name=_("最后修改人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    certified_at = models.DateTimeField(_("认定完成时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("取消资格时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("取消资格操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_reason = models.TextField(_("取消资格理由"), blank=True)
    # 不得参评: the last year in which the community may not be rated, after its eligibility
    # for this year was revoked with a bar of N following years (None: no bar).
    barred_until = models.PositiveSmallIntegerField(_("不得参评至"), null=True, blank=True)
    # Why a rating still undecided when its year closed was given 未完成评定 (who and when are
    # in its event).
    incomplete_reason = models.TextField(_("未完成评定说明"), blank=True)
    # On the commendation list (通报表扬) as it was published with the year: set once, at
    # publication, and never cleared, so a later revocation annotates the list, not shortens it.
    commended = models.BooleanField(_("列入通报表扬"), default=False)

    class Meta:
        verbose_name = _("星级评定")
        verbose_name_plural = _("星级评定")
        ordering = ["community_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "community"], name="one_rating_per_year"),
            models.CheckConstraint(
                condition=Q(stars__gte=0, stars__lte=STAR_COUNT), name="rating_stars_0_10"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "status", "community"], name="rating_year_status"),
            models.Index(fields=["year", "stars", "community"], name="rating_year_stars"),
            models.Index(
                fields=["year", "community"],
                condition=Q(commended=True),
                name="rating_commended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year_id}"

    @property
    def is_certified(self) -> bool:
        return self.status == RatingStatus.CERTIFIED

    @property
    def is_revoked(self) -> bool:
        return self.status == RatingStatus.REVOKED

    @property
    def is_incomplete(self) -> bool:
        return self.status == RatingStatus.INCOMPLETE

    @property
    def is_ten_star(self) -> bool:
        return self.is_certified and self.stars == STAR_COUNT

    @property
    def is_editable(self) -> bool:
        """Whether the assessor may still change findings: a draft, or returned for more; in
        the application-led chain, once the town has forwarded it (the district's review)."""
        if self.application_led:
            return self.status in (RatingStatus.FORWARDED, RatingStatus.RETURNED)
        return self.status in (RatingStatus.DRAFT, RatingStatus.RETURNED)

    @property
    def is_self_editable(self) -> bool:
        """Whether the community may still change its self-assessment: before it applies, or
        after the town returned it."""
        return self.application_led and self.status in (
            RatingStatus.DRAFT,
            RatingStatus.TOWN_BACK,
        )

    @property
    def awaits_prereview(self) -> bool:
        """Applied, or returned by the district: the town's turn."""
        return self.status in (RatingStatus.APPLIED, RatingStatus.DIST_BACK)

    @property
    def outcome(self) -> Outcome | None:
        """The band a certified rating falls in; None while decisions are outstanding."""
        if not self.is_certified:
            return None
        return outcome_for(self.stars)


def outcome_for(stars: int) -> Outcome:
    if stars == STAR_COUNT:
        return Outcome.TEN_STARS
    if stars >= 6:
        return Outcome.SIX_TO_NINE
    return Outcome.GUIDANCE


def item_community_prefix(length: int) -> Substr:
    """The first `length` digits of an item's community code: the region of that level it lies
    in. The queue's indexes are on this expression for each level, so that the pending items of
    one region are one range of an index in the queue's order."""
    return Substr("community_code", 1, length)


class StarItemQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Every item created carries its rating's community code (`community_code`): taken
        from the rating when the item holds it, else read for the ratings named by id (one
        query), so that no way of creating items can leave it out."""
        objs = list(objs)
        missing = {item.rating_id for item in objs if not item.community_code}
        if missing:
            cached = {
                item.rating_id: item.rating.community_id
                for item in objs
                if not item.community_code and StarItem.rating.is_cached(item)
            }
            unknown = missing - cached.keys()
            if unknown:
                cached.update(
                    StarRating.objects.filter(pk__in=unknown).values_list("pk", "community_id")
                )
            for item in objs:
                if not item.community_code:
                    item.community_code = cached.get(item.rating_id, "")
        return super().bulk_create(objs, *args, **kwargs)


class StarItem(models.Model):
    """The finding for one standard of one rating, and the authority's decision on it."""

    rating = models.ForeignKey(
        StarRating, verbose_name=_("星级评定"), on_delete=models.PROTECT, related_name="items"
    )
    standard = models.ForeignKey(
        StarStandard, verbose_name=_("标准"), on_delete=models.PROTECT, related_name="items"
    )
    met = models.BooleanField(_("是否达标"), null=True, blank=True)
    note = models.TextField(_("评定说明"), blank=True, max_length=2000)
    # The application-led chain: the community's own answer, the town's note when it returns
    # the application, and the district's reason for judging differently from the community.
    self_met = models.BooleanField(_("自评是否达标"), null=True, blank=True)
    self_note = models.TextField(_("自评说明"), blank=True, max_length=2000)
    town_note = models.TextField(_("初审意见"), blank=True, max_length=2000)
    review_reason = models.TextField(_("复核改判理由"), blank=True, max_length=2000)
    status = models.CharField(
        _("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.DRAFT
    )
    decision_reason = models.TextField(_("认定意见"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("认定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    # 摘星: when, by whom, why and under which document a star was taken away.
    removed_at = models.DateTimeField(_("摘星时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        User,
        verbose_name=_("摘星操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    removed_reason = models.TextField(_("摘星理由"), blank=True)
    removed_document = models.CharField(_("摘星文号"), max_length=60, blank=True)
    # When the item last entered an authority's queue; the queue is read in this order.
    pending_since = models.DateTimeField(_("提交认定时间"), null=True, blank=True)
    # The rating's community, copied when the item is created (a rating never changes its
    # community): the queue filters on it and its prefixes without joining the rating, through
    # the `item_pending_<n>` indexes below.
    community_code = models.CharField(_("社区(村)代码"), max_length=12, editable=False)

    objects = StarItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("星级评定项")
        verbose_name_plural = _("星级评定项")
        ordering = ["rating_id", "standard_id"]
        constraints = [
            models.UniqueConstraint(fields=["rating", "standard"], name="one_item_per_standard"),
            models.CheckConstraint(condition=~Q(community_code=""), name="item_community_code_set"),
        ]
        indexes = [
            models.Index(fields=["standard", "status", "pending_since"], name="item_queue"),
            # The pending items of the whole country in the queue's order: the queue of a scope
            # without a region (an authority always has one; see `item_pending_<n>` below).
            models.Index(
                fields=["pending_since", "id"],
                condition=Q(status=ItemStatus.PENDING),
                name="item_pending_order",
            ),
            # The queue of an authority whose region is a province, city, county, town or
            # community: its pending items are one range of its level's index, in the queue's
            # order, however small a share of the country's they are.
            *(
                models.Index(
                    item_community_prefix(length),
                    "pending_since",
                    "id",
                    condition=Q(status=ItemStatus.PENDING),
                    name=f"item_pending_{length}",
                )
                for length in sorted(set(PREFIX_LENGTH.values()))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating} · {self.standard}"

    def save(self, *args, **kwargs):
        if not self.community_code and self.rating_id is not None:
            self.community_code = self.rating.community_id
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        """Whether the assessor may still change the finding."""
        return self.status in (ItemStatus.DRAFT, ItemStatus.RETURNED)

    @property
    def review_differs(self) -> bool:
        """Whether the district's finding differs from the community's own (needs a reason)."""
        return self.rating.application_led and self.met is not None and self.met != self.self_met

    @property
    def is_final(self) -> bool:
        return self.status in (
            ItemStatus.ENDORSED,
            ItemStatus.REJECTED,
            ItemStatus.NOT_MET,
            ItemStatus.REMOVED,
        )


class RatingStatusCount(models.Model):
    """How many ratings of a year are in a status within a region, the region given by its
    code prefix at each level of the tree ("" is the whole country, then 2, 4, 6, 9 and 12
    digits). Kept by the workflow in the same transaction as every status change
    (`ratings.counters`), so that a work list's summary per status is one indexed read of
    the user's region, whatever its size; `rebuild_rating_counts` recounts them."""

    year = models.ForeignKey(RatingYear, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=10, choices=RatingStatus.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("评定状态计数")
        verbose_name_plural = _("评定状态计数")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "prefix", "status"], name="rating_status_count_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year_id} {self.prefix or '*'} {self.status} {self.count}"
