"""Read queries used by views: every list and every object lookup goes through the user's scope."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from . import permissions
from .choices import (
    PREFIX_LENGTH,
    AssessmentStatus,
    GuidanceStatus,
    ItemStatus,
    RatingStatus,
    RegionLevel,
    YearStatus,
)
from .models import (
    Assessment,
    AssessmentLine,
    Criterion,
    Designation,
    Event,
    EvidenceFile,
    GuidanceCase,
    Plaque,
    RatingYear,
    Region,
    StarItem,
    StarRating,
    Unit,
    User,
    within_q,
)

NOT_STARTED = "none"  # list filter value: communities without a rating this year


def current_year() -> RatingYear | None:
    """The year people work in: the latest open one, else the latest of all."""
    years = RatingYear.objects.order_by("-year")
    return years.filter(status=YearStatus.OPEN).first() or years.first()


def get_year(year: int) -> RatingYear:
    try:
        return RatingYear.objects.get(pk=year)
    except RatingYear.DoesNotExist:
        raise Http404 from None


def ancestors(region: Region) -> list[Region]:
    """The chain from the top of the tree down to `region`, in one query."""
    codes = [
        region.code[:length].ljust(12, "0")
        for level, length in PREFIX_LENGTH.items()
        if level <= region.level
    ]
    return list(Region.objects.filter(code__in=codes).order_by("level"))


def scope_root(user: User) -> Region | None:
    """The region at the top of a user's view; for administrators, the top of the tree."""
    region = permissions.scope_region(user)
    if region is None:
        region = Region.objects.filter(parent__isnull=True).order_by("code").first()
    return region


def get_region_for_user(*, user: User, code: str) -> Region:
    try:
        region = Region.objects.get(pk=code)
    except Region.DoesNotExist:
        raise Http404 from None
    if not permissions.in_scope(user, region):
        raise Http404
    return region


def get_community_for_user(*, user: User, code: str) -> Region:
    region = get_region_for_user(user=user, code=code)
    if region.level != RegionLevel.VILLAGE:
        raise Http404
    return region


def community_rows_for_user(
    *,
    user: User,
    year: RatingYear,
    region: Region | None = None,
    status: str | None = None,
    stars: int | None = None,
    search: str = "",
) -> QuerySet[Region]:
    """Communities and villages in scope, each with its rating of `year` (or none yet)."""
    rows = (
        Region.objects.villages()
        .filter(active=True)
        .filter(permissions.community_scope_q(user))
        .annotate(this_year=FilteredRelation("star_ratings", condition=Q(star_ratings__year=year)))
        .annotate(
            rating_status=F("this_year__status"),
            rating_stars=F("this_year__stars"),
            rating_updated_at=F("this_year__updated_at"),
        )
        .select_related("parent__parent")
        .order_by("code")
    )
    if region is not None:
        rows = rows.filter(within_q(region.prefix))
    if status == NOT_STARTED:
        rows = rows.filter(rating_status__isnull=True)
    elif status:
        rows = rows.filter(rating_status=status)
    if stars is not None:
        rows = rows.filter(rating_stars=stars)
    if search:
        rows = rows.filter(name__contains=search)
    return rows


def status_summary_for_user(*, user: User, year: RatingYear) -> dict[str, int]:
    """How many ratings of `year` in the user's scope are in each status (one query)."""
    counts = (
        StarRating.objects.filter(year=year)
        .filter(permissions.community_scope_q(user, "community_id"))
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in counts}


def get_rating_for_user(
    *, user: User, year: RatingYear, code: str
) -> tuple[Region, StarRating | None]:
    """The community and its rating of `year` (None if not started), or 404 outside scope."""
    community = get_community_for_user(user=user, code=code)
    rating = (
        StarRating.objects.filter(community=community, year=year)
        .select_related("updated_by")
        .first()
    )
    if not permissions.can_see_rating(user, rating):
        raise Http404
    return community, rating


def items_with_evidence(rating: StarRating) -> list[StarItem]:
    """The ten items of a rating, with their standard, authority and files (three queries)."""
    return list(
        rating.items.select_related("standard__authority", "decided_by", "rating__year")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=EvidenceFile.objects.select_related("uploaded_by", "withdrawn_by"),
            )
        )
        .order_by("standard_id")
    )


def timeline(rating: StarRating) -> QuerySet[Event]:
    return rating.events.select_related("actor", "item__standard").order_by("created_at", "id")


def queue_for_certifier(
    *,
    user: User,
    region: Region | None = None,
    standard: int | None = None,
    search: str = "",
) -> QuerySet[StarItem]:
    """Items of the user's authority waiting for a decision in open years, oldest first."""
    items = (
        StarItem.objects.filter(status=ItemStatus.PENDING, rating__year__status=YearStatus.OPEN)
        .filter(permissions.decidable_items_q(user))
        .filter(permissions.community_scope_q(user, "rating__community_id"))
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
    if region is not None:
        items = items.filter(within_q(region.prefix, "rating__community_id"))
    if standard:
        items = items.filter(standard_id=standard)
    if search:
        items = items.filter(rating__community__name__contains=search)
    return items


def get_item_for_certifier(*, user: User, year: RatingYear, code: str, number: int) -> StarItem:
    """An item the user's authority certifies, or 404 (another authority's item is out of scope)."""
    community, rating = get_rating_for_user(user=user, year=year, code=code)
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


def get_evidence_for_user(*, user: User, pk: int) -> EvidenceFile:
    """A file the user may download: whoever may see the rating or assessment it supports."""
    try:
        evidence = EvidenceFile.objects.select_related(
            "item__rating__community", "line__assessment__unit__domain__lead_authority"
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


# --------------------------------------------------------------------------------------------
# Years, plaques, guidance


def years_overview() -> QuerySet[RatingYear]:
    """Every year with how many of its ratings are in which state (one query)."""
    decided = [RatingStatus.CERTIFIED, RatingStatus.REVOKED]
    return RatingYear.objects.annotate(
        total=Count("ratings"),
        certified=Count("ratings", filter=Q(ratings__status=RatingStatus.CERTIFIED)),
        ten_star=Count(
            "ratings", filter=Q(ratings__status=RatingStatus.CERTIFIED, ratings__stars=10)
        ),
        revoked=Count("ratings", filter=Q(ratings__status=RatingStatus.REVOKED)),
        undecided=Count("ratings", filter=~Q(ratings__status__in=decided)),
    ).order_by("-year")


def undecided_ratings(year: RatingYear) -> QuerySet[StarRating]:
    return (
        StarRating.objects.filter(year=year)
        .exclude(status__in=[RatingStatus.CERTIFIED, RatingStatus.REVOKED])
        .select_related("community__parent__parent")
        .order_by("community_id")
    )


def _valid_plaque() -> Exists:
    return Exists(Plaque.objects.filter(rating=OuterRef("pk"), revoked_at__isnull=True))


def ten_star_without_plaque(year: RatingYear) -> QuerySet[StarRating]:
    return (
        StarRating.objects.filter(year=year, status=RatingStatus.CERTIFIED, stars=10)
        .exclude(_valid_plaque())
        .select_related("community__parent__parent")
        .order_by("community_id")
    )


def plaques_of_year(year: RatingYear) -> QuerySet[Plaque]:
    return Plaque.objects.filter(year=year).select_related(
        "rating__community__parent__parent", "issued_by", "revoked_by"
    )


def get_plaque(number: str) -> Plaque:
    try:
        return Plaque.objects.select_related(
            "rating__community__parent__parent", "rating__year", "issued_by"
        ).get(number=number)
    except Plaque.DoesNotExist:
        raise Http404 from None


def plaques_of_rating(rating: StarRating) -> list[Plaque]:
    return list(rating.plaques.select_related("revoked_by").order_by("issued_at"))


GUIDANCE_STATES = ("open", "overdue", "closed", "all")


def guidance_for_user(
    *, user: User, state: str = "open", region: Region | None = None, search: str = ""
) -> QuerySet[GuidanceCase]:
    """Guidance cases in the user's scope, overdue ones first among the open."""
    today = timezone.localdate()
    cases = (
        GuidanceCase.objects.filter(permissions.community_scope_q(user, "rating__community_id"))
        .select_related("rating__community__parent__parent", "rating__year", "updated_by")
        .annotate(
            overdue=Case(
                When(status=GuidanceStatus.OPEN, due_date__lt=today, then=True),
                default=False,
                output_field=BooleanField(),
            ),
            note_count=Count("notes"),
        )
        .order_by("status", "-overdue", F("due_date").asc(nulls_last=True), "id")
    )
    if state == "open":
        cases = cases.filter(status=GuidanceStatus.OPEN)
    elif state == "overdue":
        cases = cases.filter(status=GuidanceStatus.OPEN, due_date__lt=today)
    elif state == "closed":
        cases = cases.filter(status=GuidanceStatus.CLOSED)
    if region is not None:
        cases = cases.filter(within_q(region.prefix, "rating__community_id"))
    if search:
        cases = cases.filter(rating__community__name__contains=search)
    return cases


def get_guidance_for_user(*, user: User, pk: int) -> GuidanceCase:
    try:
        case = GuidanceCase.objects.select_related(
            "rating__community__parent__parent", "rating__year", "updated_by", "closed_by"
        ).get(pk=pk)
    except GuidanceCase.DoesNotExist:
        raise Http404 from None
    if not permissions.in_scope(user, case.rating.community):
        raise Http404
    return case


def commendation_by_district(year: RatingYear) -> list[tuple[Region, list[StarRating]]]:
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


# --------------------------------------------------------------------------------------------
# The ten creation domains

SUBMITTED_ASSESSMENTS = [
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.RETURNED,
    AssessmentStatus.APPROVED,
    AssessmentStatus.REJECTED,
]


def regions_for_units(user: User) -> QuerySet[Region]:
    """The towns and communities in a user's scope where units can be registered."""
    return (
        Region.objects.filter(level__in=[RegionLevel.TOWN, RegionLevel.VILLAGE], active=True)
        .filter(permissions.community_scope_q(user))
        .select_related("parent")
        .order_by("code")
    )


def units_for_user(
    *,
    user: User,
    year: RatingYear | None,
    domain: str | None = None,
    region: Region | None = None,
    search: str = "",
    status: str | None = None,
) -> QuerySet[Unit]:
    """Units in scope, each with its assessment of `year` (if any)."""
    units = (
        Unit.objects.filter(permissions.community_scope_q(user, "region_id"))
        .select_related("domain", "region__parent__parent")
        .order_by("region_id", "id")
    )
    if year is not None:
        units = units.annotate(
            this_year=FilteredRelation("assessments", condition=Q(assessments__year=year))
        ).annotate(
            assessment_status=F("this_year__status"),
            assessment_total=F("this_year__total_points"),
            assessment_meets=F("this_year__meets_standard"),
        )
        if status == NOT_STARTED:
            units = units.filter(assessment_status__isnull=True)
        elif status:
            units = units.filter(assessment_status=status)
    if domain:
        units = units.filter(domain_id=domain)
    if region is not None:
        units = units.filter(within_q(region.prefix, "region_id"))
    if search:
        units = units.filter(Q(name__contains=search) | Q(credit_code=search.upper()))
    return units


def get_unit_for_user(*, user: User, pk: int) -> Unit:
    try:
        unit = Unit.objects.select_related("domain__lead_authority", "region__parent__parent").get(
            pk=pk
        )
    except Unit.DoesNotExist:
        raise Http404 from None
    if not permissions.in_scope(user, unit.region):
        raise Http404
    return unit


def get_assessment_for_user(
    *, user: User, unit_pk: int, year: RatingYear
) -> tuple[Unit, Assessment | None]:
    """A unit and its assessment of `year`; the lead department sees it once submitted, others
    with a role see it inside their scope, everyone else gets 404."""
    unit = get_unit_for_user(user=user, pk=unit_pk)
    assessment = (
        Assessment.objects.filter(unit=unit, year=year)
        .select_related("updated_by", "decided_by", "year")
        .first()
    )
    if not permissions.can_see_assessment(user, unit, assessment):
        raise Http404
    return unit, assessment


def assessment_lines(assessment: Assessment) -> list[AssessmentLine]:
    return list(
        assessment.lines.select_related("criterion__work_area").prefetch_related(
            Prefetch("evidence", queryset=EvidenceFile.objects.select_related("uploaded_by"))
        )
    )


def active_criteria(domain_id: str) -> list[Criterion]:
    return list(
        Criterion.objects.filter(domain_id=domain_id, active=True)
        .select_related("work_area")
        .order_by("work_area__order", "order", "code")
    )


def review_queue(
    *, user: User, domain: str | None = None, search: str = ""
) -> QuerySet[Assessment]:
    """Submitted assessments of the domains the user's department leads, in its jurisdiction."""
    assessments = (
        Assessment.objects.filter(status=AssessmentStatus.SUBMITTED, year__status=YearStatus.OPEN)
        .filter(permissions.reviewable_assessments_q(user))
        .filter(permissions.community_scope_q(user, "unit__region_id"))
        .select_related("unit__domain", "unit__region__parent__parent", "year")
        .order_by("submitted_at", "id")
    )
    if domain:
        assessments = assessments.filter(unit__domain_id=domain)
    if search:
        assessments = assessments.filter(unit__name__contains=search)
    return assessments


def designation_candidates(
    *, year: RatingYear, domain: str | None, region: Region | None, search: str = ""
) -> QuerySet[Unit]:
    """Units whose assessment of `year` was approved and meets the standard, not yet named."""
    units = (
        Unit.objects.filter(
            assessments__year=year,
            assessments__status=AssessmentStatus.APPROVED,
            assessments__meets_standard=True,
        )
        .exclude(
            Exists(
                Designation.objects.filter(unit=OuterRef("pk"), year=year, revoked_at__isnull=True)
            )
        )
        .select_related("domain", "region__parent__parent")
        .annotate(total=F("assessments__total_points"))
        .order_by("domain__order", "region_id", "id")
    )
    if domain:
        units = units.filter(domain_id=domain)
    if region is not None:
        units = units.filter(within_q(region.prefix, "region_id"))
    if search:
        units = units.filter(name__contains=search)
    return units


def designations_for(
    *, year: RatingYear | None, domain: str | None, region: Region | None, search: str = ""
) -> QuerySet[Designation]:
    designations = Designation.objects.select_related(
        "unit__domain", "unit__region__parent__parent", "revoked_by"
    ).order_by("-year", "unit__domain__order", "unit__region_id", "id")
    if year is not None:
        designations = designations.filter(year=year)
    if domain:
        designations = designations.filter(unit__domain_id=domain)
    if region is not None:
        designations = designations.filter(within_q(region.prefix, "unit__region_id"))
    if search:
        designations = designations.filter(unit__name__contains=search)
    return designations


def get_designation(pk: int) -> Designation:
    try:
        return Designation.objects.select_related("unit__domain", "unit__region", "year").get(pk=pk)
    except Designation.DoesNotExist:
        raise Http404 from None
