"""The admin site: only for a session signed in with its second factor, and signed in through
the portal's own two-step sign-in (there is no second, password-only way in)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from . import permissions


class PortalAdminSite(admin.AdminSite):
    """Django's admin site, with django-otp's OTPAdminSite rule (a verified second factor) and
    the portal's sign-in pages in place of its own login and password forms."""

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and permissions.second_factor_satisfied(request.user)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            # Someone signed in who may not use the admin would be sent back and forth between
            # the admin and the sign-in page: tell them instead.
            raise PermissionDenied
        from .views.accounts import SignInView

        return SignInView.as_view()(request)

    def password_change(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        return redirect("password_change")

    def password_change_done(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        return redirect("account")
