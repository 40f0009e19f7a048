"""The administrator's back office: reference data, accounts and units, with spreadsheet import
and export.

Reference data is never deleted here (records keep pointing at it); it is deactivated instead.
Ratings, assessments, plaques, designations and events are shown read-only: their state changes
only through `ratings.workflow`. Only portal administrators reach any of it.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from urllib.parse import quote

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm, SelectableFieldsExportForm

from . import permissions, security_log
from .import_pipeline import SHOWN_ERRORS
from .imports import (
    MAX_BLANK_ROWS,
    MAX_BYTES,
    MAX_ROWS,
    MAX_XLSX_UNCOMPRESSED,
    UPLOAD_MAX_AGE,
    ImportFileError,
    ImportUploadStorage,
    SafeCSV,
    SafeXLSX,
    SpreadsheetFormat,
    check_columns,
    error_report,
    forget_table,
    keep_error_report,
    keep_table,
    purge_stale_uploads,
    read_table_once,
    record_import,
    report_for,
)
from .models import (
    Assessment,
    Authority,
    CalendarYear,
    CoverageSnapshot,
    Criterion,
    Designation,
    Domain,
    Event,
    GuidanceCase,
    OfficialDay,
    Plaque,
    PrintJob,
    RatingYear,
    Region,
    StarRating,
    StarSnapshot,
    StarStandard,
    SurveyResult,
    Unit,
    User,
    WorkArea,
)
from .resources import (
    AuthorityResource,
    CriterionResource,
    RegionResource,
    StarStandardResource,
    SurveyResultResource,
    UnitResource,
    UserResource,
)
from .services.second_factor import second_factor_remove
from .views.common import EstimatedPaginator


def _as_shown(moment: datetime | None) -> datetime | None:
    """A date and time as the admin's form shows it, to the minute."""
    return moment.replace(second=0, microsecond=0) if moment is not None else None


class PortalAdminAccess:
    """Portal administrators may use these pages whatever their Django permissions; nobody
    deletes anything. Large lists show PostgreSQL's estimate of their length rather than
    counting every row."""

    paginator = EstimatedPaginator

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_admin_site(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return permissions.can_use_admin_site(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_admin_site(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return permissions.can_use_admin_site(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class PortalAdmin(PortalAdminAccess, admin.ModelAdmin):
    pass


class ReadOnlyAdmin(PortalAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class SpreadsheetImportForm(ImportForm):
    """Refuses a file the engine cannot read (too big, empty, header-only, mislabelled, wrong
    columns) with the engine's own message, before any row is looked at."""

    def __init__(self, formats, resources, **kwargs) -> None:
        super().__init__(formats, resources, **kwargs)
        self.resource_classes = resources

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                f"文件大小 {upload.size / 1024 / 1024:.1f} MB，超过 10 MB 的上限。"
            )
        data = upload.read()
        upload.seek(0)
        try:
            check_columns(self.resource_classes[0](), read_table_once(data, upload.name))
        except ImportFileError as error:
            forget_table()
            raise ValidationError(error.message) from None
        return upload


class SpreadsheetExportForm(SelectableFieldsExportForm):
    """The export page's columns, named as in the file (编号), not after the model's fields."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return field.column_name if field is not None else field_name


class SpreadsheetMixin(ImportExportMixin):
    """Import (CSV or XLSX, previewed, all or nothing) and export (XLSX or CSV) for
    administrators only, reporting in the words of the import commands."""

    import_form_class = SpreadsheetImportForm
    import_formats = [SpreadsheetFormat]
    export_formats = [SafeXLSX, SafeCSV]
    export_form_class = SpreadsheetExportForm
    tmp_storage_class = ImportUploadStorage
    # A byte-order mark, as on the public downloads: Chinese Excel then reads the CSV as UTF-8.
    to_encoding = "utf-8-sig"

    def has_import_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_admin_site(request.user)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_admin_site(request.user)

    def add_data_read_fail_error_to_form(self, form, error: Exception) -> None:
        message = (
            error.message
            if isinstance(error, ImportFileError)
            else "无法读取文件，请确认它是 CSV 或 XLSX 表格。"
        )
        form.add_error("import_file", message)

    # -- import ----------------------------------------------------------------------------

    def get_import_context_data(self, **kwargs) -> dict:
        """What the import page states before any upload: formats, limits, all or nothing."""
        return {
            "max_megabytes": MAX_BYTES // (1024 * 1024),
            "max_rows": MAX_ROWS,
            "max_blank_rows": MAX_BLANK_ROWS,
            "max_unpacked_megabytes": MAX_XLSX_UNCOMPRESSED // (1024 * 1024),
            "upload_hours": int(UPLOAD_MAX_AGE.total_seconds() // 3600),
            "shown_errors": SHOWN_ERRORS,
            "shown_errors_slice": f":{SHOWN_ERRORS}",
        }

    def import_action(self, request: HttpRequest, **kwargs):
        # Uploads nobody confirmed within the hour go whenever an import starts.
        purge_stale_uploads()
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is None:
            return response
        result = context.get("result")
        if result is not None:
            context["report"] = report_for(result, dry_run=True)
        form = context.get("form")
        upload = getattr(form, "cleaned_data", {}).get("import_file") if form else None
        report = context.get("report")
        if report is not None and len(report.errors) > SHOWN_ERRORS:
            context["error_report_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_import_errors",
                args=[keep_error_report(report.errors)],
            )
        stored = getattr(upload, "tmp_storage_name", None)
        if stored and "confirm_form" not in context:
            # Refused at the preview: nothing will ever confirm this file.
            self.upload_storage(stored).remove()
        elif stored and getattr(result, "dataset", None) is not None:
            # The confirmation reads this table instead of the file, if the file is the same.
            keep_table(self.upload_storage(stored).read(), result.dataset)
        return response

    def get_import_data_kwargs(self, **kwargs) -> dict:
        # A confirmed import writes the admin's change history chunk by chunk (import_pipeline).
        kwargs = super().get_import_data_kwargs(**kwargs)
        request = kwargs.get("request")
        if request is not None and not self.get_skip_admin_log():
            kwargs["log_user"] = request.user
        return kwargs

    def generate_log_entries(self, result, request: HttpRequest) -> None:
        """Written with the rows already (PortalResource.import_data with `log_user`)."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_errors"
        view = self.admin_site.admin_view(self.import_errors_view)
        return [path("import/errors/<str:name>/", view, name=name), *super().get_urls()]

    def import_errors_view(self, request: HttpRequest, name: str) -> HttpResponse:
        """A refused preview's every error, as a CSV to download (the page lists the first)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        content = error_report(name)
        if content is None:
            raise Http404
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="import-errors.csv"'
        return response

    def write_to_tmp_storage(self, import_file, input_format) -> ImportUploadStorage:
        # The library appends chunk to chunk, copying the whole file at every step.
        storage = self.upload_storage("")
        storage.save(b"".join(import_file.chunks()))
        return storage

    def upload_storage(self, name: str) -> ImportUploadStorage:
        return self.get_tmp_storage_class()(
            name=name, read_mode="rb", **self.get_tmp_storage_class_kwargs()
        )

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        storage = self.upload_storage(os.path.basename(request.POST.get("import_file_name", "")))
        if not storage.exists():
            messages.error(
                request,
                "找不到待确认的文件：它已导入过，或上传已超过一小时。未写入任何数据，请重新上传。",
            )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
            )
        try:
            return super().process_import(request, **kwargs)
        finally:
            storage.remove()  # confirmed or refused, the file has served its purpose

    def process_result(self, result, request: HttpRequest):
        record_import(
            user=request.user,
            what=str(self.opts.verbose_name),
            report=report_for(result, dry_run=False),
            request=request,
        )
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        # Refused at the confirmation (say, a criterion came into use since the preview):
        # everything was rolled back; show why, on the upload page, and claim no success.
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        resource = self.get_import_resource_classes(request)[0]()
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            "title": _("导入"),
            "form": form,
            "opts": self.opts,
            "media": self.media + form.media,
            "result": result,
            "report": report_for(result, dry_run=False),
            "refused_at_confirmation": True,
            "fields_list": [
                (resource.get_display_name(), resource.get_diff_headers()),
            ],
            "import_error_display": self.import_error_display,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def add_success_message(self, result, request: HttpRequest) -> None:
        summary = report_for(result, dry_run=False).lines()[0]
        messages.success(request, f"{self.opts.verbose_name}导入完成：{summary}")

    # -- export ----------------------------------------------------------------------------

    def get_export_data(self, file_format, request: HttpRequest, queryset, **kwargs):
        # The library keeps numbers as numbers only for its own XLSX class, not a subclass.
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=file_format.is_binary(), **kwargs
        )
        content = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            content = content.encode(encoding)
        return content

    def get_export_filename(self, request: HttpRequest, queryset, file_format) -> str:
        """创建标准条目-2026-11-29.xlsx: the list's Chinese name and the local date."""
        day = timezone.localdate().isoformat()
        return f"{self.opts.verbose_name}-{day}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request: HttpRequest, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        # The library quotes the name as is, which no browser decodes for Chinese: RFC 6266
        # with RFC 5987's filename* for the Chinese name, and an ASCII name for the rest.
        chinese = self.get_export_filename(request, queryset, file_format)
        fallback = f"{self.opts.model_name}-{timezone.localdate().isoformat()}"
        response["Content-Disposition"] = (
            f'attachment; filename="{fallback}.{file_format.get_extension()}"; '
            f"filename*=UTF-8''{quote(chinese)}"
        )
        return response


class SpreadsheetAdmin(PortalAdminAccess, SpreadsheetMixin, admin.ModelAdmin):
    pass


@admin.register(Region)
class RegionAdmin(SpreadsheetAdmin):
    resource_classes = [RegionResource]
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
class AuthorityAdmin(SpreadsheetAdmin):
    resource_classes = [AuthorityResource]
    list_display = ["code", "name", "short_name", "name_en", "region", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name", "short_name", "name_en"]
    autocomplete_fields = ["region"]


@admin.register(Domain)
class DomainAdmin(PortalAdmin):
    list_display = [
        "order",
        "code",
        "name",
        "name_en",
        "unit_noun",
        "pass_threshold",
        "lead_authority",
    ]
    list_display_links = ["code", "name"]
    list_select_related = ["lead_authority"]
    search_fields = ["code", "name"]


@admin.register(WorkArea)
class WorkAreaAdmin(PortalAdmin):
    list_display = ["order", "code", "name", "name_en"]
    list_display_links = ["code", "name"]


@admin.register(Criterion)
class CriterionAdmin(SpreadsheetAdmin):
    resource_classes = [CriterionResource]
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

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Once a submitted assessment scored against it, only deactivating and ordering remain.
        if obj is not None and obj.is_in_use():
            return [name.removesuffix("_id") for name in Criterion.LOCKED_FIELDS]
        return []

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
class StarStandardAdmin(SpreadsheetAdmin):
    resource_classes = [StarStandardResource]
    list_display = ["number", "name", "name_en", "authority"]
    list_select_related = ["authority"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(SpreadsheetAdmin):
    resource_classes = [UnitResource]
    list_display = ["name", "domain", "region", "credit_code", "active"]
    list_filter = ["domain", "active"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["region"]
    list_select_related = ["domain", "region"]
    show_full_result_count = False
    readonly_fields = ["created_by", "created_at"]


@admin.register(SurveyResult)
class SurveyResultAdmin(SpreadsheetAdmin):
    resource_classes = [SurveyResultResource]
    list_display = ["community", "year", "sample_size", "satisfied"]
    list_filter = ["year"]
    search_fields = ["community__name", "community__code"]
    autocomplete_fields = ["community"]
    list_select_related = ["community"]


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


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "status", "total_points", "meets_standard", "updated_at"]
    list_filter = ["year", "status", "meets_standard", "unit__domain"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "year"]
    show_full_result_count = False


@admin.register(Plaque)
class PlaqueAdmin(ReadOnlyAdmin):
    list_display = ["number", "rating", "issued_at", "revoked_at"]
    list_filter = ["year"]
    search_fields = ["number", "rating__community__name"]
    list_select_related = ["rating__community"]


@admin.register(Designation)
class DesignationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "title", "tier", "batch", "document_number", "revoked_at"]
    list_filter = ["year", "unit__domain", "tier", "batch"]
    search_fields = ["unit__name", "document_number"]
    list_select_related = ["unit", "year"]


@admin.register(PrintJob)
class PrintJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "year", "region", "requested_by", "status", "done", "total"]
    list_filter = ["year", "status"]
    list_select_related = ["region", "requested_by"]


@admin.register(StarSnapshot)
class StarSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["year", "region", "stars", "count"]
    list_filter = ["year"]
    list_select_related = ["region"]


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["year", "domain", "region", "registered", "assessed", "meeting"]
    list_filter = ["year", "domain"]
    search_fields = ["region__code", "region__name"]
    list_select_related = ["domain", "region"]
    show_full_result_count = False


@admin.register(GuidanceCase)
class GuidanceCaseAdmin(ReadOnlyAdmin):
    list_display = ["rating", "status", "responsible_person", "due_date", "closed_at"]
    list_filter = ["status"]
    search_fields = ["rating__community__name"]
    list_select_related = ["rating__community"]


@admin.register(CalendarYear)
class CalendarYearAdmin(PortalAdmin):
    """The years whose holidays are entered: a notice window may only reach these."""

    list_display = ["year", "source", "note"]


@admin.register(OfficialDay)
class OfficialDayAdmin(PortalAdmin):
    """Holidays on weekdays and weekend days worked in exchange. A notice keeps the window it
    was opened with; a correction here applies to notices opened after it."""

    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # A day entered by mistake is taken out again; nothing refers to it.
        return permissions.can_use_admin_site(request.user)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "rating", "from_state", "to_state", "reason"]
    list_filter = ["action", "year"]
    search_fields = ["rating__community__name", "reason", "detail"]
    list_select_related = ["actor", "rating__community"]
    show_full_result_count = False


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
