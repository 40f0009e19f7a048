"""Signing in: the password step, and the page shown to someone locked out after too many
wrong passwords."""

from __future__ import annotations

import math

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..forms.accounts import SignInForm
from ..ratelimit import client_address


class SignInView(auth_views.LoginView):
    """The password step, for the portal and the admin site alike."""

    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes' lock-out answer (AXES_LOCKOUT_CALLABLE): since when, until when, whom to
    call. A lock-out is per user name *and* address, so the same user can still sign in from
    another computer."""
    username = str((credentials or {}).get("username") or "")
    last = AccessAttempt.objects.filter(
        username=username, ip_address=client_address(request)
    ).aggregate(last=Max("attempt_time"))["last"]
    until = (last or timezone.now()) + settings.AXES_COOLOFF_TIME
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    answer = render(
        request,
        "registration/locked_out.html",
        {
            "minutes": math.ceil(seconds / 60),
            "until": until,
            "limit": settings.AXES_FAILURE_LIMIT,
            "contact": settings.SUPPORT_CONTACT,
        },
        status=429,
    )
    answer["Retry-After"] = str(seconds)
    return answer
