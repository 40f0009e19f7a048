"""Accounts (with their second factor) and the sign-in failures list (unlock = delete)."""

from __future__ import annotations

import logging

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import permissions, security_log
from ..models import (
    User,
)
from ..resources import (
    UserResource,
)
from ..services.second_factor import second_factor_remove
from .base import PortalAdminAccess, SpreadsheetMixin, _as_shown


@admin.register(User)
class UserAdmin(PortalAdminAccess, SpreadsheetMixin, DjangoUserAdmin):
    resource_classes = [UserResource]
    list_display = [
        "username",
        "display_name",
        "role",
        "region",
        "authority",
        "is_active",
        "is_staff",
        "second_factor",
    ]
    actions = ["reset_second_factor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        apps = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_second_factor=Exists(apps))

    @admin.display(description=_("两步验证"), boolean=True)
    def second_factor(self, obj: User) -> bool:
        return obj.has_second_factor

    @admin.action(description=_("重置两步验证（手机丢失或更换时）"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Remove the accounts' authenticator apps and recovery codes: their sessions end (for
        those who need a second factor) and their next sign-in enrols a new phone."""
        reset, refused = [], []
        for account in queryset:
            if not permissions.can_reset_second_factor(request.user, account):
                refused.append(str(account))
                continue
            removed = second_factor_remove(user=account)
            security_log.record(
                "second_factor_reset",
                request=request,
                account=account.get_username(),
                devices=removed,
            )
            reset.append(str(account))
        if reset:
            messages.success(
                request,
                _("已重置两步验证：%(names)s。他们下次登录时将重新绑定身份验证器。")
                % {"names": "、".join(reset)},
            )
        if refused:
            messages.error(
                request,
                _("无权重置超级用户的两步验证：%(names)s。") % {"names": "、".join(refused)},
            )

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        dates = ["date_joined", "last_login"]
        before = User.objects.filter(pk=obj.pk).values(*dates).first() if change else None
        super().save_model(request, obj, form, change)
        # Which fields, never their values: the password's hash is no one's business either.
        # The form shows dates to the minute, so a date sent back untouched looks changed.
        fields = [
            name
            for name in form.changed_data
            if "password" not in name
            and not (
                before
                and name in dates
                and _as_shown(before[name]) == _as_shown(getattr(obj, name))
            )
        ]
        security_log.record(
            "account_changed" if change else "account_created",
            request=request,
            account=obj.get_username(),
            fields=fields,
        )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = ""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            account = self.get_object(request, unquote(id))
            security_log.record(
                "account_password_set",
                request=request,
                account=account.get_username() if account else id,
                level=logging.WARNING,
            )
        return response

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        """A superuser's account, its password included, is changed only by a superuser:
        otherwise an administrator could set its password and sign in with its power."""
        if not super().has_change_permission(request, obj):
            return False
        return permissions.can_change_account(request.user, obj)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        if permissions.can_grant_admin_flags(request.user):
            return []
        return ["is_staff", "is_superuser", "groups", "user_permissions"]

    list_filter = ["role", "is_active", "is_staff", "authority"]
    search_fields = ["username", "display_name", "email"]
    autocomplete_fields = ["region", "unit", "authority"]
    list_select_related = ["region", "unit", "authority"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("身份与范围"),
            {"fields": ("display_name", "email", "role", "region", "unit", "authority")},
        ),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "password1",
                    "password2",
                    "display_name",
                    "role",
                    "region",
                    "unit",
                    "authority",
                ),
            },
        ),
    )


# --------------------------------------------------------------------------------------------
# Sign-in protection


@admin.register(AccessAttempt)
class LoginLockoutAdmin(PortalAdminAccess, admin.ModelAdmin):
    """django-axes' record of failed sign-ins, by user name and address. Deleting a row
    unlocks that user at that address at once (as `manage.py axes_reset_username` does)."""

    list_display = ["account", "address", "failures", "locked", "last_failure", "path"]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    fields = ["account", "address", "failures", "locked", "last_failure", "path", "browser"]
    readonly_fields = fields
    actions = ["unlock"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return permissions.can_use_admin_site(request.user)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "unlock" says what deleting means here
        return actions

    @admin.display(description=_("用户名"), ordering="username")
    def account(self, obj: AccessAttempt) -> str:
        return obj.username or ""

    @admin.display(description=_("网络地址"), ordering="ip_address")
    def address(self, obj: AccessAttempt) -> str:
        return obj.ip_address or ""

    @admin.display(description=_("连续失败次数"), ordering="failures_since_start")
    def failures(self, obj: AccessAttempt) -> int:
        return obj.failures_since_start

    @admin.display(description=_("锁定中"), boolean=True)
    def locked(self, obj: AccessAttempt) -> bool:
        return (
            obj.failures_since_start >= settings.AXES_FAILURE_LIMIT
            and obj.attempt_time + settings.AXES_COOLOFF_TIME > timezone.now()
        )

    @admin.display(description=_("最近一次失败"), ordering="attempt_time")
    def last_failure(self, obj: AccessAttempt):
        return obj.attempt_time

    @admin.display(description=_("登录页面"))
    def path(self, obj: AccessAttempt) -> str:
        return obj.path_info

    @admin.display(description=_("浏览器"))
    def browser(self, obj: AccessAttempt) -> str:
        return obj.user_agent

    @admin.action(description=_("解除锁定"))
    def unlock(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.count()
        self.delete_queryset(request, queryset)
        messages.success(request, _("已解除 %(count)s 条登录锁定。") % {"count": count})

    def delete_model(self, request: HttpRequest, obj: AccessAttempt) -> None:
        self._record_unlock(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._record_unlock(request, list(queryset))
        super().delete_queryset(request, queryset)

    @staticmethod
    def _record_unlock(request: HttpRequest, attempts: list[AccessAttempt]) -> None:
        for attempt in attempts:
            security_log.record(
                "lockout_cleared",
                request=request,
                account=attempt.username,
                locked_address=attempt.ip_address,
            )


# django-otp's own device admins show every secret (and a QR code of it) to whoever may view
# them; here an administrator only ever resets a user's second factor (UserAdmin's action).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
