"""Ten-star ratings as each role sees them: the work list, the queue, one rating and its items."""

from __future__ import annotations

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from .. import counters, permissions
from ..choices import (
    SETTLED_RATING_STATUSES,
    ItemStatus,
    RatingStatus,
    YearStatus,
)
from ..models import (
    Event,
    EvidenceFile,
    RatingYear,
    Region,
    StarItem,
    StarRating,
    User,
    within_q,
)
from ..models.stars import item_community_prefix
from .regions import community_get_for_user

NOT_STARTED = "none"  # list filter value: communities without a rating this year


def community_list_for_user(
    *,
    user: User,
    year: RatingYear,
    region: Region | None = None,
    status: str | None = None,
    stars: int | None = None,
    search: str = "",
    awaiting: bool = False,
) -> QuerySet[Region]:
    """Communities and villages in scope, each with its rating of `year` (or none yet);
    `awaiting`: only those whose rating waits for the user (待我处理).

    The rating's figures are looked up for the rows of the page only, and the filters on them
    are semi-joins: the database walks the communities in code order, or the ratings of a
    status in that order, and stops at the end of the page, whatever the size of the scope."""
    ratings = StarRating.objects.filter(year=year, community=OuterRef("code"))
    rows = (
        Region.objects.villages()
        .filter(active=True)
        .filter(permissions.community_scope_q(user))
        .annotate(
            rating_status=Subquery(ratings.values("status")[:1]),
            rating_stars=Subquery(ratings.values("stars")[:1]),
            rating_updated_at=Subquery(ratings.values("updated_at")[:1]),
            rating_application_led=Subquery(ratings.values("application_led")[:1]),
            # 不得参评: the earlier year whose revocation bars this one, if any.
            barred_by=Subquery(
                StarRating.objects.filter(
                    community_id=OuterRef("code"),
                    status=RatingStatus.REVOKED,
                    year_id__lt=year.pk,
                    barred_until__gte=year.pk,
                )
                .order_by("-year_id")
                .values("year_id")[:1]
            ),
        )
        .select_related("parent__parent")
        .order_by("code")
    )
    if region is not None:
        rows = rows.filter(within_q(region.prefix))
    if status == NOT_STARTED:
        rows = rows.exclude(Exists(ratings))
    elif status:
        ratings = ratings.filter(status=status)
    if stars is not None:
        ratings = ratings.filter(stars=stars)
    if awaiting:
        ratings = ratings.filter(permissions.awaiting_ratings_q(user))
    if (status and status != NOT_STARTED) or stars is not None or awaiting:
        rows = rows.filter(Exists(ratings))
    if search:
        rows = rows.filter(name__contains=search)
    return rows


def rating_status_counts_for_user(*, user: User, year: RatingYear) -> dict[str, int]:
    """How many ratings of `year` in the user's scope are in each status: one read of the
    counters the workflow keeps for the user's region, whatever its size."""
    prefix = permissions.scope_prefix(user)
    if prefix is None:
        return {}
    return counters.rating_counts_for(year_id=year.pk, prefix=prefix)


def rating_get_for_user(
    *, user: User, year: RatingYear, code: str
) -> tuple[Region, StarRating | None]:
    """The community and its rating of `year` (None if not started), or 404 outside scope."""
    community = community_get_for_user(user=user, code=code)
    rating = (
        StarRating.objects.filter(community=community, year=year)
        .select_related("updated_by")
        .first()
    )
    if not permissions.can_see_rating(user, rating):
        raise Http404
    return community, rating


def item_list_for_rating(*, rating: StarRating) -> list[StarItem]:
    """The ten items of a rating, with their standard, authority and files (three queries)."""
    return list(
        rating.items.select_related("standard__authority", "decided_by", "rating__year")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=EvidenceFile.objects.select_related(
                    "uploaded_by", "withdrawn_by", "reused_from__item__rating"
                ),
            )
        )
        .order_by("standard_id")
    )


def evidence_reusable(*, community_id: str, year_id: int) -> dict[int, list[EvidenceFile]]:
    """Last year's evidence of a community, by standard, that this year's items may reuse (沿用):
    the files not withdrawn of its rating of the latest earlier year that has one."""
    previous = (
        StarRating.objects.filter(community_id=community_id, year_id__lt=year_id)
        .order_by("-year_id")
        .values("pk")[:1]
    )
    files = (
        EvidenceFile.objects.filter(item__rating=Subquery(previous), withdrawn_at__isnull=True)
        .select_related("item__rating")
        .order_by("uploaded_at", "id")
    )
    by_standard: dict[int, list[EvidenceFile]] = {}
    for evidence in files:
        by_standard.setdefault(evidence.item.standard_id, []).append(evidence)
    return by_standard


def event_list_for_rating(*, rating: StarRating) -> QuerySet[Event]:
    """The history of a rating, in the order it happened."""
    return rating.events.select_related("actor", "item__standard").order_by("created_at", "id")


def item_list_for_user(
    *,
    user: User,
    region: Region | None = None,
    standard: int | None = None,
    search: str = "",
) -> QuerySet[StarItem]:
    """Items of the user's authority waiting for a decision in open years, oldest first.

    The items are those of the narrowest region asked for (the authority's, or the one chosen
    within it), matched on the first digits of the item's own community code: the
    `item_pending_<n>` index of that level holds them as one range in the queue's order, so a
    page reads its twenty rows (and the others of the region's that the authority does not
    certify) whatever the region's share of the country's pending items."""
    items = (
        StarItem.objects.filter(status=ItemStatus.PENDING, rating__year__status=YearStatus.OPEN)
        .filter(permissions.decidable_items_q(user))
        .select_related("standard", "rating__community__parent__parent", "rating__year")
        # A correlated count, computed for the rows of the page only (a join and GROUP BY
        # would aggregate the whole queue before paginating).
        .annotate(
            evidence_count=Coalesce(
                Subquery(
                    EvidenceFile.objects.filter(item=OuterRef("pk"), withdrawn_at__isnull=True)
                    .values("item")
                    .annotate(n=Count("id"))
                    .values("n")
                ),
                0,
            )
        )
        .order_by("pending_since", "id")
    )
    # The scope and the region chosen are prefixes of the community code: the items are those
    # of the longer one, if it lies within the other. One condition, and no range besides: the
    # planner's estimate (the count of a long queue) is then the region's share, not a product
    # of two conditions that say the same thing.
    prefixes = [permissions.scope_prefix(user)]
    if region is not None:
        prefixes.append(region.prefix)
    longest = max(prefixes, key=lambda prefix: len(prefix or ""))
    if None in prefixes or not all(longest.startswith(prefix) for prefix in prefixes):
        items = items.none()
    elif longest:
        items = items.alias(region_prefix=item_community_prefix(len(longest))).filter(
            region_prefix=longest
        )
    if standard:
        items = items.filter(standard_id=standard)
    if search:
        items = items.filter(rating__community__name__contains=search)
    return items


def item_get_for_user(*, user: User, year: RatingYear, code: str, number: int) -> StarItem:
    """An item the user's authority certifies, or 404 (another authority's item is out of scope)."""
    community, rating = rating_get_for_user(user=user, year=year, code=code)
    if rating is None:
        raise Http404
    try:
        item = rating.items.select_related("standard__authority", "rating__year").get(
            standard_id=number
        )
    except StarItem.DoesNotExist:
        raise Http404 from None
    if not permissions.can_see_item(user, item):
        raise Http404
    return item


def evidence_get_for_user(*, user: User, pk: int) -> EvidenceFile:
    """A file the user may download: whoever may see the rating or assessment it supports."""
    try:
        evidence = EvidenceFile.objects.select_related(
            "item__rating__community",
            "line__assessment__unit__domain__lead_authority",
            "reused_from__item__rating",
            "reused_from__line__assessment",
        ).get(pk=pk)
    except EvidenceFile.DoesNotExist:
        raise Http404 from None
    if evidence.item is not None:
        rating = evidence.item.rating
        visible = permissions.in_scope(user, rating.community) and permissions.can_see_rating(
            user, rating
        )
    else:
        assessment = evidence.line.assessment
        visible = permissions.can_see_assessment(user, assessment.unit, assessment)
    if not visible:
        raise Http404
    return evidence


def rating_list_undecided(*, year: RatingYear) -> QuerySet[StarRating]:
    """Ratings of `year` not yet certified or revoked: what keeps a year from publication."""
    return (
        StarRating.objects.filter(year=year)
        .exclude(status__in=SETTLED_RATING_STATUSES)
        .select_related("community__parent__parent")
        .order_by("community_id")
    )


def rating_list_commended(*, year: RatingYear) -> list[tuple[Region, list[StarRating]]]:
    """The commendation list of a published year as it was published, grouped by district (two
    queries). A community whose eligibility was revoked since is still on it (`is_revoked`, with
    `revoked_at`), to be annotated: the list is a document, the honour roll is the live state."""
    ratings = list(
        StarRating.objects.filter(year=year, commended=True)
        .select_related("community__parent__parent")
        .order_by("community_id")
    )
    groups: dict[str, tuple[Region, list[StarRating]]] = {}
    for rating in ratings:
        district = rating.community.parent.parent
        groups.setdefault(district.code, (district, []))[1].append(rating)
    return list(groups.values())


def item_list_flagged(*, year: RatingYear, communities: list[str]) -> dict[str, list[StarItem]]:
    """The returned and rejected items of `year` of the given communities (a page of the work
    list), with their reasons, by community code: one query."""
    flagged: dict[str, list[StarItem]] = {}
    items = (
        StarItem.objects.filter(
            rating__year=year,
            rating__community_id__in=communities,
            status__in=[ItemStatus.RETURNED, ItemStatus.REJECTED],
        )
        .select_related("standard", "rating")
        .order_by("rating__community_id", "standard_id")
    )
    for item in items:
        flagged.setdefault(item.rating.community_id, []).append(item)
    return flagged
