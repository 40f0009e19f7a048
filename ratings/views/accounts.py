"""Signing in and one's own account: the password step, the code step, enrolling an
authenticator app, recovery codes, changing and resetting the password, and the page shown to
someone locked out after too many wrong passwords.

The two-step state lives in `ratings.signin`; devices and codes in
`ratings.services.second_factor`; who must use a second factor in `ratings.permissions`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

import segno
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from .. import permissions, security_log, signin
from ..forms.accounts import CodeForm, ReminderEmailForm, SignInForm
from ..ratelimit import client_address, rate_limited
from ..services import reminders, second_factor


def signed_out_message(reason: str) -> str:
    """What the login page says about why the last session or sign-in ended."""
    if reason == "idle":
        minutes = max(1, settings.SESSION_IDLE_SECONDS // 60)
        return ngettext(
            "您已 %(minutes)s 分钟没有操作，为安全起见已自动退出，请重新登录。",
            "您已 %(minutes)s 分钟没有操作，为安全起见已自动退出，请重新登录。",
            minutes,
        ) % {"minutes": minutes}
    if reason == "expired":
        hours = max(1, settings.SESSION_ABSOLUTE_SECONDS // 3600)
        return ngettext(
            "每次登录最长有效 %(hours)s 小时，已自动退出，请重新登录。",
            "每次登录最长有效 %(hours)s 小时，已自动退出，请重新登录。",
            hours,
        ) % {"hours": hours}
    if reason == "second_factor":
        return _("您的账号需要两步验证，请重新登录并输入验证码。")
    if reason == "code_expired":
        return _("输入验证码的时间已过，请重新输入密码。")
    if reason == "too_many_codes":
        return _("验证码错误次数过多，请重新输入密码。")
    return ""


def _next(request: HttpRequest) -> str:
    """The page to go to after signing in, if it is one of ours."""
    target = request.POST.get("next", request.GET.get("next", ""))
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}" if target else url


def _landing(target: str) -> str:
    return target or resolve_url(settings.LOGIN_REDIRECT_URL)


def _refusal(result: second_factor.Verification) -> str:
    if result.refused == "throttled":
        return _("尝试过于频繁，请 %(seconds)s 秒后再输入。") % {"seconds": result.wait_seconds}
    return _("验证码不正确，或已经用过。请输入身份验证器上当前显示的验证码。")


# --------------------------------------------------------------------------------------------
# Step one: the password


class SignInView(auth_views.LoginView):
    """The password step, for the portal and the admin site alike. Someone who needs or has a
    second factor is not signed in yet: the session remembers only who and when."""

    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["signed_out_message"] = signed_out_message(
            self.request.session.pop(signin.SIGNED_OUT_BECAUSE, "")
        )
        context["password_reset_enabled"] = settings.PASSWORD_RESET_BY_EMAIL
        return context

    def form_valid(self, form) -> HttpResponse:
        user = form.get_user()
        if not signin.needs_second_step(user):
            return super().form_valid(form)
        signin.begin(self.request, user)
        step = "login_code" if second_factor.has_second_factor(user) else "two_factor_setup"
        return HttpResponseRedirect(_with_next(reverse(step), self.get_redirect_url()))


# --------------------------------------------------------------------------------------------
# Step two: the code


@sensitive_post_parameters("code")
@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """The code from the authenticator app (or a recovery code) after the right password."""
    target = _next(request)
    if request.user.is_authenticated:
        return HttpResponseRedirect(_landing(target))
    state = signin.pending(request, seconds=signin.CODE_STEP_SECONDS)
    if state.user is None:
        if state.expired:
            signin.abandon(request, "code_expired")
        return HttpResponseRedirect(_with_next(reverse("login"), target))
    user = state.user
    if not second_factor.has_second_factor(user):
        return HttpResponseRedirect(_with_next(reverse("two_factor_setup"), target))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor.verify(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            signin.complete(request, user, result.device)
            if result.used_recovery_code:
                messages.warning(
                    request,
                    _(
                        "您用了一个恢复码登录，还剩 %(left)s 个。如果手机丢失或更换，"
                        "请在“我的账号”中绑定新手机，同时会生成新的恢复码。"
                    )
                    % {"left": second_factor.recovery_codes_left(user)},
                )
            return HttpResponseRedirect(_landing(target))
        security_log.record(
            "second_factor_failed",
            request=request,
            user=user,
            reason=result.refused,
            level=logging.WARNING,
        )
        if signin.count_failure(request) >= signin.MAX_CODE_TRIES:
            signin.abandon(request, "too_many_codes")
            return HttpResponseRedirect(_with_next(reverse("login"), target))
        form.add_error("code", _refusal(result))
    return render(
        request, "registration/login_code.html", {"form": form, "next": target, "person": user}
    )


# --------------------------------------------------------------------------------------------
# Enrolling an authenticator app


def _signed_in_with_recovery_code(request: HttpRequest) -> bool:
    """This session was verified by a recovery code: the phone is not at hand, and binding a
    new one is allowed without a code from the old."""
    return isinstance(getattr(request.user, "otp_device", None), StaticDevice)


def _qr_data_uri(device) -> str:
    """The app's set-up address as a QR code, an SVG in a data: URI (the policy allows data:
    images and no inline script or style)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


@sensitive_post_parameters("code")
@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), confirm with one code, receive ten recovery
    codes. Reached while signing in (someone who must have a second factor and has none, such
    as a superuser made with createsuperuser) or from one's account page — also to bind a new
    phone after signing in with a recovery code."""
    target = _next(request)
    replacing = False
    if request.user.is_authenticated:
        user = request.user
        replacing = second_factor.has_second_factor(user)
        if replacing and not _signed_in_with_recovery_code(request):
            messages.info(request, _("两步验证已经启用。"))
            return redirect("account")
        signing_in = False
    else:
        state = signin.pending(request, seconds=signin.ENROL_STEP_SECONDS)
        if state.user is None:
            if state.expired:
                signin.abandon(request, "code_expired")
            return HttpResponseRedirect(_with_next(reverse("login"), target))
        user = state.user
        if second_factor.has_second_factor(user):
            return HttpResponseRedirect(_with_next(reverse("login_code"), target))
        signing_in = True
    device = second_factor.enrolment_device(user=user)
    form = CodeForm(request.POST or None, app_only=True)
    if request.method == "POST" and form.is_valid():
        result = second_factor.enrolment_confirm(
            user=user, device=device, code=form.cleaned_data["code"]
        )
        if result.device is not None:
            security_log.record(
                "second_factor_enrolled", request=request, user=user, replaced=replacing
            )
            if signing_in:
                signin.complete(request, user, result.device)
            else:
                otp_login(request, result.device)
            return render(
                request,
                "registration/recovery_codes.html",
                {
                    "codes": result.recovery_codes,
                    "enrolled": True,
                    "then": _landing(target) if signing_in else reverse("account"),
                },
            )
        security_log.record(
            "second_factor_failed",
            request=request,
            user=user,
            reason=result.refused,
            step="enrolment",
            level=logging.WARNING,
        )
        if signing_in and signin.count_failure(request) >= signin.MAX_CODE_TRIES:
            signin.abandon(request, "too_many_codes")
            return HttpResponseRedirect(_with_next(reverse("login"), target))
        form.add_error("code", _refusal(result))
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": target,
            "signing_in": signing_in,
            "replacing": replacing,
            "required": permissions.must_use_second_factor(user),
            "qr": _qr_data_uri(device),
            "secret": second_factor.secret_for_display(device),
            "person": user,
        },
    )


# --------------------------------------------------------------------------------------------
# One's own account


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Who one is, the second factor's state, and the ways to change password and codes."""
    user = request.user
    enabled = second_factor.has_second_factor(user)
    return render(
        request,
        "registration/account.html",
        {
            "second_factor_enabled": enabled,
            "second_factor_required": permissions.must_use_second_factor(user),
            "can_turn_off": enabled and permissions.can_turn_off_second_factor(user),
            "can_replace_phone": enabled and _signed_in_with_recovery_code(request),
            "recovery_codes_left": second_factor.recovery_codes_left(user) if enabled else 0,
            "mail_configured": reminders.mail_configured(),
        },
    )


@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """POST: turn the daily digest's e-mail on or off (the account page shows the form)."""
    if request.method == "POST":
        form = ReminderEmailForm(request.POST)
        if form.is_valid():
            enabled = form.cleaned_data["reminder_email"]
            reminders.reminder_email_set(user=request.user, enabled=enabled)
            messages.success(
                request,
                _("每日提醒邮件已开启。")
                if enabled
                else _("每日提醒邮件已关闭，提醒仍会显示在通知中。"),
            )
    return redirect("account")


@login_required
@sensitive_post_parameters("code")
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes, for a current code from the app; the old ones stop working."""
    user = request.user
    if not second_factor.has_second_factor(user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None, app_only=True)
    if request.method == "POST" and form.is_valid():
        result = second_factor.verify(user=user, code=form.cleaned_data["code"], app_only=True)
        if result.device is not None:
            codes = second_factor.recovery_codes_issue(user=user)
            security_log.record("recovery_codes_renewed", request=request)
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": codes, "enrolled": False, "then": reverse("account")},
            )
        security_log.record(
            "second_factor_failed",
            request=request,
            reason=result.refused,
            step="recovery_codes",
            level=logging.WARNING,
        )
        form.add_error("code", _refusal(result))
    return render(
        request,
        "registration/recovery_codes_renew.html",
        {"form": form, "left": second_factor.recovery_codes_left(user)},
    )


@login_required
@sensitive_post_parameters("code")
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """An assessor turns the second factor off, with a current code; the others may not."""
    user = request.user
    if not permissions.can_turn_off_second_factor(user):
        raise PermissionDenied
    if not second_factor.has_second_factor(user):
        return redirect("account")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor.verify(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            removed = second_factor.second_factor_remove(user=user)
            security_log.record("second_factor_disabled", request=request, devices=removed)
            messages.success(request, _("两步验证已关闭，今后登录只需密码。"))
            return redirect("account")
        security_log.record(
            "second_factor_failed",
            request=request,
            reason=result.refused,
            step="disable",
            level=logging.WARNING,
        )
        form.add_error("code", _refusal(result))
    return render(request, "registration/two_factor_disable.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's form (the old password, Django's validators); the other sessions of the account
    end, as its password hash changed; this one stays signed in."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        security_log.record("password_changed", request=self.request)
        messages.success(self.request, _("密码已修改。此账号在其他电脑或手机上的登录均已退出。"))
        return response


# --------------------------------------------------------------------------------------------
# Password reset by e-mail, where e-mail is configured


def reset_by_email(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Without e-mail (no EMAIL_URL in production) these pages do not exist."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.PASSWORD_RESET_BY_EMAIL:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form) -> HttpResponse:
        # Links are built on the public address, never on the Host header of the request.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        matched = sum(1 for _user in form.get_users(form.cleaned_data["email"]))
        security_log.record("password_reset_requested", request=self.request, accounts=matched)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password from the link; the second factor is still asked at the next sign-in."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        security_log.record("password_reset_completed", request=self.request, user=form.user)
        return response


password_reset = reset_by_email(
    rate_limited("password_reset", only_post=True, template="registration/reset_limited.html")(
        PasswordResetView.as_view()
    )
)
password_reset_done = reset_by_email(
    auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html")
)
password_reset_confirm = reset_by_email(PasswordResetConfirmView.as_view())
password_reset_complete = reset_by_email(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="registration/password_reset_complete.html"
    )
)


# --------------------------------------------------------------------------------------------
# Locked out


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
            "password_reset_enabled": settings.PASSWORD_RESET_BY_EMAIL,
        },
        status=429,
    )
    answer["Retry-After"] = str(seconds)
    return answer
