"""The one place that decides who may see and do what.

Two questions, asked in this order for every object:
- *Scope*: is the object inside what the user may see at all? If not, the answer is 404, so that
  nobody learns what exists outside their region.
- *Right*: may the user do this action to an object they can see? If not, 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from .choices import AssessmentStatus, ItemStatus, RatingStatus, Role
from .models import Assessment, Region, StarItem, StarRating, User, within_q

NOTHING = Q(pk__in=[])


def scope_region(user: User) -> Region | None:
    """The region a user works in; None means the whole country (administrators)."""
    if user.is_portal_admin:
        return None
    if user.is_assessor:
        return user.region
    if user.is_certifier:
        return user.authority.region
    return None


def community_scope_q(user: User, field: str = "code") -> Q:
    """A filter on a region code `field` that keeps what the user may see."""
    if not user.is_authenticated or (not user.role and not user.is_superuser):
        return NOTHING
    region = scope_region(user)
    if region is None:
        return Q()
    return within_q(region.prefix, field)


def in_scope(user: User, community: Region) -> bool:
    region = scope_region(user)
    if user.is_portal_admin:
        return True
    return region is not None and region.contains(community.code)


def can_see_rating(user: User, rating: StarRating | None) -> bool:
    """Certifiers see a rating once it has been submitted; drafts belong to the assessors."""
    if user.is_certifier:
        return rating is not None and rating.status != RatingStatus.DRAFT
    return user.is_assessor or user.is_portal_admin


def can_see_assessment(user: User, assessment: Assessment) -> bool:
    """Assessors and administrators within scope; the lead department of the unit's domain once
    the assessment has been submitted."""
    unit = assessment.unit
    if not in_scope(user, unit.region):
        return False
    if user.is_certifier:
        return (
            unit.domain.lead_authority_id == user.authority_id
            and assessment.status != AssessmentStatus.DRAFT
        )
    return user.is_assessor or user.is_portal_admin


def can_register_unit(user: User, region: Region) -> bool:
    """Assessors register and edit units inside their region; administrators anywhere."""
    return (user.is_assessor or user.is_portal_admin) and in_scope(user, region)


def can_score(user: User) -> bool:
    return user.is_assessor


def can_decide(user: User, item: StarItem) -> bool:
    return user.is_certifier and item.standard.authority_id == user.authority_id


def can_decide_now(user: User, item: StarItem) -> bool:
    return can_decide(user, item) and item.status == ItemStatus.PENDING and item.rating.year.is_open


def role_required(*roles: str) -> Callable:
    """Let a view run only for signed-in users holding one of `roles` (administrators count as
    holding the admin role); others are sent to log in (anonymous) or refused with 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            held = Role.ADMIN if user.is_portal_admin else user.role
            if held not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any signed-in user with a portal role; each view then checks scope and right itself."""
    return role_required(Role.ASSESSOR, Role.CERTIFIER, Role.ADMIN)(view)
