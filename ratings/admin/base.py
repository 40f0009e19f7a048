"""What every page of the back office shares: portal administrators only, read-only records,
and spreadsheet import and export through the portal's engine."""

from __future__ import annotations

import os
from datetime import datetime
from urllib.parse import quote

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm, SelectableFieldsExportForm

from .. import permissions
from ..import_pipeline import SHOWN_ERRORS
from ..imports import (
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
from ..selectors.paging import EstimatedPaginator
from ..workflow.common import bump_public_version
from .paging import KeysetChangeList


def _as_shown(moment: datetime | None) -> datetime | None:
    """A date and time as the admin's form shows it, to the minute."""
    return moment.replace(second=0, microsecond=0) if moment is not None else None


class PortalAdminAccess:
    """Portal administrators may use these pages whatever their Django permissions; nobody
    deletes anything. Large lists show PostgreSQL's estimate of their length rather than
    counting every row, and page by seeking on their ordering rather than by OFFSET
    (`admin.paging`): each large table's `ordering` is the order of one of its indexes."""

    paginator = EstimatedPaginator

    def get_changelist(self, request: HttpRequest, **kwargs):
        return KeysetChangeList

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

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A name or a label edited here may be on a public page: cached pages must refresh.
        bump_public_version()


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
