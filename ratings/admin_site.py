"""The admin site, signed in through the portal's own sign-in: there is no second login form
with its own rules."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class PortalAdminSite(admin.AdminSite):
    """Django's admin site, with the portal's sign-in page in place of its own login form."""

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            # Someone signed in who may not use the admin would be sent back and forth between
            # the admin and the sign-in page: tell them instead.
            raise PermissionDenied
        from .views.accounts import SignInView

        return SignInView.as_view()(request)
