"""Signing in, in two steps, and how long a signed-in session lasts.

After the right password, a user who needs or has a second factor is *not* signed in: the
session holds only their id, the time and a count of wrong codes (`begin`), and the code step
(or, for someone who must have a second factor and has none yet, enrolment) finishes the
sign-in with `complete`. That step expires, allows few tries, and django-otp refuses a code
used before. Signing in always goes through `django.contrib.auth.login`, which gives the
session a new key and, through `user_logged_in`, the two times the session guard reads.

`session_guard_middleware` then ends a session idle for SESSION_IDLE_SECONDS, older than
SESSION_ABSOLUTE_SECONDS, or of a user who needs a second factor the session was not signed in
with (made an administrator since, or whose phone an administrator reset), and tells the
login page why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url

from . import permissions, security_log
from .models import User
from .services import second_factor

PENDING = "sign_in_pending"
SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
# Why the last session ended, for the login page to say (a key of views.accounts.REASONS).
SIGNED_OUT_BECAUSE = "signed_out_because"

# The code step must follow the password within five minutes; enrolling (installing an app,
# scanning) may take a quarter of an hour.
CODE_STEP_SECONDS = 5 * 60
ENROL_STEP_SECONDS = 15 * 60
# Wrong codes before the password must be typed again (itself limited by django-axes).
MAX_CODE_TRIES = 5
# The last-seen time is written at most once a minute, not on every request.
SEEN_RESOLUTION_SECONDS = 60
BACKEND = "ratings.signin.PortalBackend"


class PortalBackend(ModelBackend):
    """Django's password backend, whose signed-in user arrives with their region, authority
    and unit: nearly every staff page asks for the user's scope, which then costs no second
    query."""

    def get_user(self, user_id):
        user = (
            User._default_manager.select_related("region", "authority", "unit")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


def needs_second_step(user: User) -> bool:
    """Whether a correct password is not yet enough to sign `user` in."""
    return permissions.must_use_second_factor(user) or second_factor.has_second_factor(user)


def begin(request: HttpRequest, user: User) -> None:
    """The password was right: remember who, and when, until the second step."""
    request.session[PENDING] = {"user": user.pk, "at": int(time.time()), "tries": 0}


@dataclass
class Pending:
    user: User | None = None
    expired: bool = False


def pending(request: HttpRequest, *, seconds: int) -> Pending:
    """The user half-way through signing in, unless that began more than `seconds` ago."""
    state = request.session.get(PENDING)
    if not isinstance(state, dict) or not isinstance(state.get("at"), int):
        return Pending()
    if time.time() - state["at"] > seconds:
        return Pending(expired=True)
    # Deactivated between the two steps: no sign-in.
    return Pending(user=User.objects.filter(pk=state.get("user"), is_active=True).first())


def count_failure(request: HttpRequest) -> int:
    """One more wrong code in this sign-in; how many so far."""
    state = request.session[PENDING]
    state["tries"] = int(state.get("tries", 0)) + 1
    request.session[PENDING] = state
    return state["tries"]


def abandon(request: HttpRequest, reason: str) -> None:
    """Forget the half-done sign-in; the login page will say why."""
    request.session.pop(PENDING, None)
    request.session[SIGNED_OUT_BECAUSE] = reason


def complete(request: HttpRequest, user: User, device) -> None:
    """Sign `user` in, verified by `device` (django-otp records it in the session)."""
    request.session.pop(PENDING, None)
    if device is not None:
        user.otp_device = device
    login(request, user, backend=BACKEND)


@receiver(user_logged_in, dispatch_uid="signin_stamp_session")
def _stamp(sender, request: HttpRequest, user: User, **kwargs) -> None:
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


# --------------------------------------------------------------------------------------------
# Every request of a signed-in user


def why_end(request: HttpRequest, user: User, now: float) -> str:
    """Why this session must end now, or ""."""
    signed_in_at = request.session.get(SIGNED_IN_AT)
    seen_at = request.session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return "expired"  # signed in before these limits existed
    if now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
        return "expired"
    if now - seen_at > settings.SESSION_IDLE_SECONDS:
        return "idle"
    if not permissions.second_factor_satisfied(user):
        return "second_factor"
    return ""


def session_guard_middleware(get_response: Callable) -> Callable:
    """End sessions that are idle, too old, or lack a second factor their user needs; send the
    person to the login page, which says why."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            reason = why_end(request, user, now)
            if reason:
                security_log.record("session_ended", request=request, user=user, reason=reason)
                logout(request)
                request.session[SIGNED_OUT_BECAUSE] = reason
                if request.method == "GET":
                    return redirect_to_login(request.get_full_path())
                # What was being sent is lost either way; no page to come back to.
                return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
            resolution = min(SEEN_RESOLUTION_SECONDS, settings.SESSION_IDLE_SECONDS // 4)
            if now - request.session[SEEN_AT] >= resolution:
                request.session[SEEN_AT] = int(now)
        return get_response(request)

    return middleware
