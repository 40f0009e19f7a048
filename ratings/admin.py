"""The administrator's back office: reference data and accounts.

Reference data is never deleted here (records keep pointing at it); it is deactivated instead.
Ratings and events are shown read-only: their state changes only through `ratings.workflow`.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import (
    Authority,
    Criterion,
    Domain,
    Event,
    RatingYear,
    Region,
    StarRating,
    StarStandard,
    User,
    WorkArea,
)


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyAdmin(NoDeleteAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "code_source", "active"]
    list_filter = ["level", "kind", "code_source", "active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # The code is the key everything else points at; a changed code is a new region.
        return ["code"] if obj else []


@admin.register(Authority)
class AuthorityAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "short_name", "region", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["region"]


@admin.register(Domain)
class DomainAdmin(NoDeleteAdmin):
    list_display = ["order", "code", "name", "unit_noun", "pass_threshold"]
    list_display_links = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(WorkArea)
class WorkAreaAdmin(NoDeleteAdmin):
    list_display = ["order", "code", "name"]
    list_display_links = ["code", "name"]


@admin.register(Criterion)
class CriterionAdmin(NoDeleteAdmin):
    list_display = [
        "code",
        "domain",
        "work_area",
        "short_text",
        "points",
        "is_veto",
        "active",
        "is_sample",
    ]
    list_filter = ["domain", "work_area", "is_veto", "active", "is_sample"]
    search_fields = ["code", "text"]
    list_select_related = ["domain", "work_area"]
    list_per_page = 50

    @admin.display(description=_("标准内容"))
    def short_text(self, obj: Criterion) -> str:
        return obj.text if len(obj.text) <= 40 else obj.text[:40] + "…"

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if Criterion.objects.filter(is_sample=True, active=True).exists():
            messages.warning(
                request,
                _(
                    "当前启用的创建标准中含有系统自带的示例条目（标记为“示例标准”），"
                    "仅供演示。请导入市平安办发布的正式标准后停用示例条目。"
                ),
            )
        return super().changelist_view(request, extra_context)


@admin.register(StarStandard)
class StarStandardAdmin(NoDeleteAdmin):
    list_display = ["number", "name", "authority"]
    list_select_related = ["authority"]
    search_fields = ["name"]


@admin.register(RatingYear)
class RatingYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "status", "opened_at", "closed_at", "published_at"]


@admin.register(StarRating)
class StarRatingAdmin(ReadOnlyAdmin):
    list_display = ["community", "year", "status", "stars", "updated_by", "updated_at"]
    list_filter = ["year", "status", "stars"]
    search_fields = ["community__name", "community__code"]
    list_select_related = ["community", "year", "updated_by"]
    show_full_result_count = False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "rating", "from_state", "to_state", "reason"]
    list_filter = ["action", "year"]
    search_fields = ["rating__community__name", "reason", "detail"]
    list_select_related = ["actor", "rating__community"]
    show_full_result_count = False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "display_name",
        "role",
        "region",
        "authority",
        "is_active",
        "is_staff",
    ]
    list_filter = ["role", "is_active", "is_staff", "authority"]
    search_fields = ["username", "display_name", "email"]
    autocomplete_fields = ["region", "authority"]
    list_select_related = ["region", "authority"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("身份与范围"), {"fields": ("display_name", "email", "role", "region", "authority")}),
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
                    "authority",
                ),
            },
        ),
    )

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Accounts sign events; deactivate them instead.
        return False
