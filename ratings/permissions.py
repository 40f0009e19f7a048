"""The one place that decides who may see and do what.

Two questions, asked in this order for every object:
- *Scope*: is the object inside what the user may see at all? If not, the answer is 404, so that
  nobody learns what exists outside their region.
- *Right*: may the user do this action to an object they can see? If not, 403.

Views, selectors and workflow guards all ask the predicates here (`can_…`) and filter with the
querysets here (`…_q`); none of them compares roles or authorities itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from .choices import AssessmentStatus, EventAction, ItemStatus, RatingStatus, Role, Stage
from .models import (
    Assessment,
    Domain,
    Objection,
    RatingYear,
    Region,
    RereviewEntry,
    ResidentReport,
    StarItem,
    StarRating,
    Unit,
    User,
    within_q,
)

NOTHING = Q(pk__in=[])

# --------------------------------------------------------------------------------------------
# Scope


def scope_region(user: User) -> Region | None:
    """The region a user works in; None means the whole country (administrators), or, for
    everyone else, no region at all (a unit's filer works on its unit only)."""
    if user.is_portal_admin:
        return None
    if user.is_assessor or user.is_applicant_side:
        return user.region
    if user.is_certifier:
        return user.authority.region
    return None


def community_scope_q(user: User, field: str = "code") -> Q:
    """A filter on a region code `field` that keeps what the user may see."""
    prefix = scope_prefix(user)
    if prefix is None:
        return NOTHING
    return within_q(prefix, field) if prefix else Q()


def scope_prefix(user: User) -> str | None:
    """The code prefix of the region whose ratings the user may see ("" for the whole
    country), or None when they may see none. `community_scope_q` is this prefix as a filter."""
    if not user.is_authenticated or (not user.role and not user.is_superuser):
        return None
    region = scope_region(user)
    if region is None:
        # A unit's filer has no region: none of the region-scoped lists is theirs.
        return None if user.is_unit_filer else ""
    return region.prefix


def in_scope(user: User, region: Region) -> bool:
    """Whether `region` (a community, town, or a unit's place) lies inside the user's scope."""
    if user.is_portal_admin:
        return True
    scope = scope_region(user)
    return scope is not None and scope.contains(region.code)


# --------------------------------------------------------------------------------------------
# Pages by role: which lists a user works from


def can_administer(user: User) -> bool:
    """Years, plaques, namings, eligibility and the admin site: 市平安办."""
    return user.is_authenticated and user.is_portal_admin


def can_set_modes(user: User) -> bool:
    """Whether a district runs a year assessor-led or application-led: the administrators."""
    return can_administer(user)


def can_set_deadlines(user: User) -> bool:
    """Stage deadlines, extensions and closing the apply stage: the administrators."""
    return can_administer(user)


def holds_role(user: User, *roles: str) -> bool:
    """Whether the signed-in `user` holds one of `roles` (`User.portal_role`)."""
    return user.portal_role in roles


def portal_roles_q() -> Q:
    """The accounts that hold a portal role (`User.portal_role` not empty): those whom 待办 and
    the reminders concern."""
    return Q(role__gt="") | Q(is_superuser=True)


def works_from_queue(user: User) -> bool:
    """Certifying authorities work from their queue; everyone else from the work list."""
    return user.is_certifier


def can_register_unit(user: User, region: Region) -> bool:
    """Assessors register and edit units inside their region; administrators anywhere."""
    return (user.is_assessor or user.is_portal_admin) and in_scope(user, region)


def can_use_admin_site(user: User) -> bool:
    """The back office (reference data, accounts, imports) is the administrators' alone."""
    return user.is_active and user.is_portal_admin


def can_change_account(actor: User, account: User | None) -> bool:
    """Nobody changes an account holding more power than their own, its password included:
    otherwise an administrator could set a superuser's password and sign in with its power."""
    return account is None or not account.is_superuser or actor.is_superuser


def can_grant_admin_flags(actor: User) -> bool:
    """Only a superuser makes superusers, lets anyone into the admin site (is_staff) or hands
    out Django permissions; an administrator manages roles and scopes."""
    return actor.is_superuser


# --------------------------------------------------------------------------------------------
# Signing in


def must_use_second_factor(user: User) -> bool:
    """Administrators, anyone let into the admin site and the certifying authorities sign in
    with a one-time code besides the password: their decisions are public and final."""
    return user.is_authenticated and (user.is_portal_admin or user.is_staff or user.is_certifier)


def can_turn_off_second_factor(user: User) -> bool:
    """Assessors chose their second factor and may give it up; the others must keep one."""
    return not must_use_second_factor(user)


def second_factor_satisfied(user: User) -> bool:
    """Whether this request's session may act for `user`: it was signed in with a second
    factor that still exists (django-otp's is_verified), or the user needs none."""
    if not must_use_second_factor(user):
        return True
    is_verified = getattr(user, "is_verified", None)
    return is_verified is not None and is_verified()


def can_reset_second_factor(actor: User, account: User) -> bool:
    """An administrator removes a lost phone's codes so that the account enrols again; a
    superuser's only by a superuser, as for its password."""
    return can_use_admin_site(actor) and can_change_account(actor, account)


# --------------------------------------------------------------------------------------------
# Ten-star ratings


# Statuses of a rating before the district has sent it to the certifying authorities.
BEFORE_CERTIFICATION = (
    RatingStatus.DRAFT,
    RatingStatus.APPLIED,
    RatingStatus.TOWN_BACK,
    RatingStatus.FORWARDED,
    RatingStatus.DIST_BACK,
)


def can_see_rating(user: User, rating: StarRating | None) -> bool:
    """Certifiers see a rating once it has been submitted to them; the stages before belong to
    the community, the town and the district. (Scope is checked before this.)"""
    if user.is_certifier:
        return rating is not None and rating.status not in BEFORE_CERTIFICATION
    return user.is_assessor or user.is_portal_admin or user.is_applicant_side


def can_score(user: User) -> bool:
    """Who fills in findings and assessments: the assessors."""
    return user.is_assessor


def can_edit_rating(
    user: User, year: RatingYear, rating: StarRating | None, *, application_led: bool = False
) -> bool:
    """An assessor, in an open year, on a rating not started yet, a draft or returned; in an
    application-led district (`application_led`, for a rating not started yet) only once the
    town has forwarded it (the district's review) or an authority returned it."""
    if not (can_score(user) and year.is_open):
        return False
    if rating is None:
        return not application_led
    return rating.is_editable


def files_applications(user: User) -> bool:
    """The community's filer (社区(村)填报员): self-assessments and applications only."""
    return user.is_filer


def prereviews_applications(user: User) -> bool:
    """The town's reviewer (街道/镇初审员): forwards or returns its communities' applications."""
    return user.is_prereviewer


def can_apply_for(
    user: User, year: RatingYear, rating: StarRating | None, *, application_led: bool
) -> bool:
    """The community's filer fills in its self-assessment and applies, in an application-led
    district (`application_led`, for a rating not started yet), in an open year, before it
    applies or after the town returned it. (Scope, the filer's own community, comes first.)"""
    if not (files_applications(user) and year.is_open):
        return False
    if rating is None:
        return application_led
    return rating.is_self_editable


def can_prereview(user: User, rating: StarRating | None) -> bool:
    """The town's reviewer forwards or returns an application waiting for it, in an open year."""
    return (
        prereviews_applications(user)
        and rating is not None
        and rating.application_led
        and rating.awaits_prereview
        and rating.year.is_open
    )


def can_return_to_town(user: User, rating: StarRating | None) -> bool:
    """The district's assessor sends a forwarded application back to the town, one step."""
    return (
        can_score(user)
        and rating is not None
        and rating.application_led
        and rating.status == RatingStatus.FORWARDED
        and rating.year.is_open
    )


def can_see_item(user: User, item: StarItem) -> bool:
    """A certifier sees only the items its authority certifies; others see the whole rating."""
    return not user.is_certifier or can_decide_item(user, item)


def can_decide_item(user: User, item: StarItem) -> bool:
    """The certifying authority of the item's standard (认定机关)."""
    return user.is_certifier and item.standard.authority_id == user.authority_id


def can_decide_item_now(user: User, item: StarItem) -> bool:
    """Whether the user may decide the item at this moment: pending, in an open year."""
    return (
        can_decide_item(user, item)
        and item.status == ItemStatus.PENDING
        and item.rating.year.is_open
    )


def decidable_items_q(user: User) -> Q:
    """Items whose standard the user's authority certifies (a filter on StarItem)."""
    if not user.is_certifier:
        return NOTHING
    return Q(standard__authority_id=user.authority_id)


def certified_standards_q(user: User) -> Q:
    """The standards the user's authority certifies (a filter on StarStandard)."""
    if not user.is_certifier:
        return NOTHING
    return Q(authority_id=user.authority_id)


def has_rating_work(user: User) -> bool:
    """Whether star ratings can wait for the user (待我处理): assessors, filers and town
    reviewers; `awaiting_ratings_q` says which."""
    return user.is_assessor or user.is_applicant_side


def awaiting_ratings_q(user: User, prefix: str = "") -> Q:
    """Ratings waiting for the user to act (待我处理): a filter on StarRating, or on a relation
    to it named by `prefix` (such as "this_year__"). Scope is filtered apart."""

    def q(**lookups) -> Q:
        return Q(**{prefix + name: value for name, value in lookups.items()})

    if user.is_filer:
        return q(application_led=True, status__in=[RatingStatus.DRAFT, RatingStatus.TOWN_BACK])
    if user.is_prereviewer:
        return q(application_led=True, status__in=[RatingStatus.APPLIED, RatingStatus.DIST_BACK])
    if user.is_assessor:
        return (
            q(status=RatingStatus.RETURNED)
            | q(application_led=True, status=RatingStatus.FORWARDED)
            | q(application_led=False, status=RatingStatus.DRAFT)
        )
    return NOTHING


# What each role is told about in its inbox (通知): the steps that hand it work or decide its own.
INBOX_ACTIONS = {
    Role.FILER: [
        EventAction.TOWN_RETURN,
        EventAction.TOWN_FORWARD,
        EventAction.RETURN,
        EventAction.REJECT,
        EventAction.CERTIFY,
        EventAction.DEADLINE_EXTEND,
        EventAction.APPLY_LAPSE,
    ],
    Role.PREREVIEWER: [
        EventAction.APPLY,
        EventAction.DIST_RETURN,
        EventAction.CERTIFY,
        EventAction.APPLY_LAPSE,
    ],
    Role.ASSESSOR: [
        EventAction.TOWN_FORWARD,
        EventAction.RETURN,
        EventAction.REJECT,
        EventAction.ENDORSE,
        EventAction.CERTIFY,
        EventAction.GUIDANCE_OPEN,
    ],
    Role.CERTIFIER: [EventAction.SUBMIT, EventAction.RESUBMIT],
    Role.ADMIN: [EventAction.CERTIFY, EventAction.YEAR_CLOSE],
}


# A unit's filer is told what happens to its unit's self-assessment after filing; the district's
# assessor when a unit files one, or the lead department returns one to it.
UNIT_FILER_INBOX_ACTIONS = [
    EventAction.UNIT_RETURN,
    EventAction.ASSESSMENT_SUBMIT,
    EventAction.ASSESSMENT_APPROVE,
    EventAction.ASSESSMENT_REJECT,
]
ASSESSOR_UNIT_INBOX_ACTIONS = [EventAction.UNIT_FILE, EventAction.ASSESSMENT_RETURN]


def inbox_events_q(user: User) -> Q:
    """Events that concern the user (a filter on Event): the actions of `INBOX_ACTIONS` for the
    user's role, on ratings inside the user's scope, done by someone else; and the user's own
    daily digests (每日待办提醒). A unit's filer: the steps of its unit's self-assessment."""
    if user.is_authenticated and user.is_unit_filer:
        return (
            Q(action__in=UNIT_FILER_INBOX_ACTIONS, assessment__unit_id=user.unit_id)
            & ~Q(actor=user)
        ) | Q(action=EventAction.DIGEST, reminder__user=user)
    role = Role.ADMIN if user.is_portal_admin else user.role
    actions = INBOX_ACTIONS.get(role)
    if not actions or not user.is_authenticated:
        return NOTHING
    concerns = Q(action__in=actions) & ~Q(actor=user)
    own_digest = Q(action=EventAction.DIGEST, reminder__user=user)
    if role == Role.ADMIN:
        return concerns | own_digest
    ratings = concerns & community_scope_q(user, "rating__community_id")
    if role == Role.ASSESSOR:
        units = (
            Q(action__in=ASSESSOR_UNIT_INBOX_ACTIONS, assessment__unit_led=True)
            & ~Q(actor=user)
            & community_scope_q(user, "assessment__unit__region_id")
        )
        return ratings | units | own_digest
    return ratings | own_digest


# --------------------------------------------------------------------------------------------
# Domain assessments


def leads_domain(user: User, domain: Domain) -> bool:
    """The lead department (牵头单位) of a creation domain reviews its assessments."""
    return (
        user.is_certifier
        and domain.lead_authority_id is not None
        and domain.lead_authority_id == user.authority_id
    )


def led_domains_q(user: User) -> Q:
    """The domains the user's department leads (a filter on Domain)."""
    if not user.is_certifier:
        return NOTHING
    return Q(lead_authority_id=user.authority_id)


# Statuses of an assessment before the district has sent it to the lead department.
BEFORE_LEAD_REVIEW = (
    AssessmentStatus.DRAFT,
    AssessmentStatus.UNIT_FILED,
    AssessmentStatus.UNIT_BACK,
)


def is_unit_contact(user: User, unit: Unit) -> bool:
    """Whether the user is the unit's own filer (创建单位填报员)."""
    return user.is_authenticated and user.is_unit_filer and user.unit_id == unit.pk


def can_see_unit(user: User, unit: Unit) -> bool:
    """A unit inside the user's scope, or the unit a unit's filer files for."""
    return is_unit_contact(user, unit) or in_scope(user, unit.region)


def can_see_assessment(user: User, unit: Unit, assessment: Assessment | None) -> bool:
    """Assessors and administrators within scope see a unit's assessment (or that there is
    none yet); the unit's own filer too; the lead department once it has been submitted."""
    if is_unit_contact(user, unit):
        return True
    if not in_scope(user, unit.region):
        return False
    if user.is_certifier:
        return (
            leads_domain(user, unit.domain)
            and assessment is not None
            and assessment.status not in BEFORE_LEAD_REVIEW
        )
    return user.is_assessor or user.is_portal_admin


def unit_fills_itself(unit: Unit, year: RatingYear) -> bool:
    """In a year that allows self-assessment, a unit with a filer of its own starts its
    assessment itself; the assessor reviews it once filed (one query, in such years only)."""
    return (
        year.unit_self_assessment
        and User.objects.filter(role=Role.FILER, unit=unit, is_active=True).exists()
    )


def can_edit_assessment(
    user: User, year: RatingYear, assessment: Assessment | None, unit: Unit
) -> bool:
    """An assessor, in an open year, on an assessment not started (unless the unit fills it in
    itself), a draft or returned; on a unit's self-assessment once the unit has filed it."""
    if not (can_score(user) and year.is_open):
        return False
    if assessment is None:
        return not unit_fills_itself(unit, year)
    return assessment.is_editable


def can_fill_unit_assessment(
    user: User, unit: Unit, year: RatingYear, assessment: Assessment | None
) -> bool:
    """The unit's own filer fills in its self-assessment and files it: in an open year that
    allows it (for one not started yet), before filing or after the district returned it."""
    if not (is_unit_contact(user, unit) and year.is_open):
        return False
    if assessment is None:
        return year.unit_self_assessment
    return assessment.is_self_editable


def can_return_to_unit(user: User, assessment: Assessment | None) -> bool:
    """The district's assessor sends a unit's filed self-assessment back to the unit, one step.
    (Scope, the unit inside the assessor's region, is checked before this.)"""
    return (
        can_score(user)
        and assessment is not None
        and assessment.unit_led
        and assessment.status == AssessmentStatus.UNIT_FILED
        and assessment.year.is_open
    )


def awaiting_assessments_q(user: User) -> Q:
    """Units' self-assessments waiting for the user (a filter on Assessment): the unit's filer
    before filing or after a return; the district's assessor once filed. Scope included."""
    if user.is_unit_filer:
        return Q(
            unit_id=user.unit_id,
            unit_led=True,
            status__in=[AssessmentStatus.DRAFT, AssessmentStatus.UNIT_BACK],
        )
    if user.is_assessor:
        return Q(unit_led=True, status=AssessmentStatus.UNIT_FILED) & community_scope_q(
            user, "unit__region_id"
        )
    return NOTHING


def can_review_assessment(user: User, assessment: Assessment) -> bool:
    """The lead department of the unit's domain reviews its assessments."""
    return leads_domain(user, assessment.unit.domain)


def can_review_assessment_now(user: User, assessment: Assessment | None) -> bool:
    """Whether the user may review the assessment now: submitted, in an open year."""
    return (
        assessment is not None
        and can_review_assessment(user, assessment)
        and assessment.status == AssessmentStatus.SUBMITTED
        and assessment.year.is_open
    )


def reviewable_assessments_q(user: User) -> Q:
    """Assessments of the domains the user's department leads (a filter on Assessment)."""
    if not user.is_certifier:
        return NOTHING
    return Q(unit__domain__lead_authority_id=user.authority_id)


# --------------------------------------------------------------------------------------------
# Public notices and objections


def objections_q(user: User) -> Q:
    """The objections a user may read (a filter on Objection): administrators all of them; a
    certifying authority or lead department those handed to it to check."""
    if not user.is_authenticated:
        return NOTHING
    if user.is_portal_admin:
        return Q()
    if user.is_certifier:
        return Q(assigned_to_id=user.authority_id)
    return NOTHING


def can_assign_objection(user: User) -> bool:
    """Administrators hand objections to the authority concerned."""
    return can_administer(user)


def can_find_objection(user: User, objection: Objection) -> bool:
    """Administrators, and the authority the objection was handed to, record the finding."""
    if can_administer(user):
        return True
    return (
        user.is_authenticated
        and user.is_certifier
        and objection.assigned_to_id is not None
        and objection.assigned_to_id == user.authority_id
    )


# --------------------------------------------------------------------------------------------
# Re-review (复查) of ten-star communities


def rereview_entries_q(user: User) -> Q:
    """The communities of re-reviews a user may see (a filter on RereviewEntry):
    administrators all of them; an assessor those inside their region."""
    if not user.is_authenticated:
        return NOTHING
    if user.is_portal_admin:
        return Q()
    if user.is_assessor:
        return community_scope_q(user, "community_id")
    return NOTHING


def can_open_rereview(user: User) -> bool:
    """Administrators open re-reviews and, after a failed one, take the stars away."""
    return can_administer(user)


def can_find_rereview(user: User, entry: RereviewEntry) -> bool:
    """The assessors of the community's district record the re-review's finding."""
    return user.is_authenticated and can_score(user) and in_scope(user, entry.community)


# --------------------------------------------------------------------------------------------
# Residents' reports (反映问题)


def reports_q(user: User) -> Q:
    """The residents' reports a user may read (a filter on ResidentReport): administrators all
    of them; an assessor those about communities inside their region."""
    if not user.is_authenticated:
        return NOTHING
    if user.is_portal_admin:
        return Q()
    if user.is_assessor:
        return community_scope_q(user, "community_id")
    return NOTHING


def can_find_report(user: User, report: ResidentReport) -> bool:
    """Administrators, and the assessors of the community's district, answer a report."""
    if can_administer(user):
        return True
    return user.is_authenticated and user.is_assessor and in_scope(user, report.community)


# --------------------------------------------------------------------------------------------
# The decorator of views


def role_required(*roles: str) -> Callable:
    """Let a view run only for signed-in users holding one of `roles` (administrators count as
    holding the admin role); others are sent to log in (anonymous) or refused with 403. The
    view then asks the predicates above about the object at hand."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not holds_role(user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    decorator.roles = roles  # for the header (`navigation`), which offers what it lets through
    return decorator


# Any portal role; each view then checks scope and right itself.
staff_required = role_required(Role.ASSESSOR, Role.CERTIFIER, Role.ADMIN)


def assessment_roles_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A unit's assessment pages: the staff (as `staff_required`) and units' filers; a
    community's filer is refused as by `staff_required`. The view then checks the unit."""
    staff_view = staff_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and request.user.is_unit_filer:
            return view(request, *args, **kwargs)
        return staff_view(request, *args, **kwargs)

    return wrapper


# The ten-star pages the community and town roles share with the others: the work list, one
# rating, its files and the steps of the application-led chain.
rating_roles_required = role_required(
    Role.ASSESSOR, Role.CERTIFIER, Role.ADMIN, Role.FILER, Role.PREREVIEWER
)
assessor_or_admin_required = role_required(Role.ASSESSOR, Role.ADMIN)
certifier_required = role_required(Role.CERTIFIER)
certifier_or_admin_required = role_required(Role.CERTIFIER, Role.ADMIN)
admin_required = role_required(Role.ADMIN)


# -- the header's navigation ----------------------------------------------------------------------


@dataclass(frozen=True)
class Navigation:
    """The header's links a person is offered (includes/main_nav.html and base.html). Each is
    offered to whom the guard of its pages lets through, so the header never offers a page that
    refuses them; people with the same `Navigation` see the same header, rendered once."""

    queue: bool = False  # 待认定, 待审核测评, 异议核查
    work: bool = False  # 我的工作
    units: bool = False  # 督促指导, 创建单位
    coverage: bool = False  # 覆盖情况
    manage: bool = False  # 评星年度, 命名, 公示与异议
    admin_site: bool = False  # 管理后台
    todo: bool = False  # 待办, 通知


def navigation(user: User | None) -> Navigation:
    """What the header offers `user`. The work list is not offered to those who work from
    their queue, nor to a unit's filer, whose work (its unit's assessment) is reached from
    待办."""
    if user is None or not user.is_authenticated:
        return Navigation()

    def let_through(guard: Callable) -> bool:
        return holds_role(user, *guard.roles)

    return Navigation(
        queue=let_through(certifier_required),
        work=(
            let_through(rating_roles_required)
            and not works_from_queue(user)
            and not user.is_unit_filer
        ),
        units=let_through(assessor_or_admin_required),
        coverage=let_through(staff_required),
        manage=let_through(admin_required),
        admin_site=user.is_staff,
        todo=let_through(rating_roles_required),
    )


# -- deadlines and reminders --------------------------------------------------------------------


def deadline_stages(user: User) -> list[Stage]:
    """The stages whose deadline concerns the user's work: all of them for an administrator."""
    if user.is_portal_admin:
        return list(Stage)
    if user.is_filer:
        return [Stage.APPLY]
    if user.is_prereviewer:
        return [Stage.PREREVIEW]
    if user.is_certifier:
        return [Stage.CERTIFY]
    if user.is_assessor:
        return [Stage.REVIEW]
    return []


def filing_community(user: User) -> Region | None:
    """The one community a filer (填报员) files for; nobody else files for one."""
    return user.region if user.is_filer else None


def is_told_of_deadlines(user: User, *, has_work_waiting: bool) -> bool:
    """A coming deadline is told to those who still have work waiting, and to administrators."""
    return has_work_waiting or user.is_portal_admin
