"""What keeps a closed year from publication: ratings still undecided, with who holds each
open item, and communities of the year with no rating at all."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from ..choices import SETTLED_RATING_STATUSES, ItemStatus
from ..models import RatingYear, Region, StarItem, StarRating, within_q

DECIDED = list(SETTLED_RATING_STATUSES)


@dataclass
class Holder:
    """Who has to act on some items of a rating: an authority (to decide) or the assessor."""

    name: str
    numbers: list[int]


def rating_list_outstanding(*, year: RatingYear, region: Region | None = None):
    """Undecided ratings of `year` (in `region`), each with its open items prefetched."""
    ratings = StarRating.objects.filter(year=year).exclude(status__in=DECIDED)
    if region is not None:
        ratings = ratings.filter(within_q(region.prefix, "community_id"))
    return (
        ratings.select_related("community__parent__parent")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=StarItem.objects.exclude(
                    status__in=[
                        ItemStatus.ENDORSED,
                        ItemStatus.REJECTED,
                        ItemStatus.NOT_MET,
                        ItemStatus.REMOVED,
                    ]
                )
                .select_related("standard__authority")
                .order_by("standard_id"),
                to_attr="open_items",
            )
        )
        .order_by("community_id")
    )


def holders(rating: StarRating) -> list[Holder]:
    """Who holds the open items of a rating (prefetched by `rating_list_outstanding`): each
    authority with the standards pending before it, then the assessor with those not submitted
    or returned."""
    by_holder: dict[str, Holder] = {}
    for item in rating.open_items:
        if item.status == ItemStatus.PENDING:
            name = item.standard.authority.short_label
        else:
            name = _("评定员（%(status)s）") % {"status": item.get_status_display()}
        by_holder.setdefault(name, Holder(name=name, numbers=[])).numbers.append(item.standard_id)
    if not rating.open_items:
        by_holder[""] = Holder(name=_("评定员（尚未填写）"), numbers=[])
    return list(by_holder.values())


def community_list_unrated(*, year: RatingYear, region: Region | None = None) -> QuerySet[Region]:
    """Active communities and villages with no rating at all in `year`."""
    communities = (
        Region.objects.villages()
        .filter(active=True)
        .exclude(Exists(StarRating.objects.filter(year=year, community=OuterRef("pk"))))
    )
    if region is not None:
        communities = communities.filter(within_q(region.prefix, "code"))
    return communities.select_related("parent__parent").order_by("code")
