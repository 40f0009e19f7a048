"""Reference data (regions, authorities, domains, criteria, standards), units and survey
results, editable; ratings, assessments, plaques, designations and events, read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..models import (
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
    WorkArea,
    due_or_last,
)
from ..resources import (
    AuthorityResource,
    CriterionResource,
    RegionResource,
    StarStandardResource,
    SurveyResultResource,
    UnitResource,
)
from .base import PortalAdmin, ReadOnlyAdmin, SpreadsheetAdmin


@admin.register(Region)
class RegionAdmin(SpreadsheetAdmin):
    resource_classes = [RegionResource]
    list_display = ["code", "name", "level", "kind", "parent", "code_source", "active"]
    list_filter = ["level", "kind", "code_source", "active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    show_full_result_count = False
    ordering = ["code"]  # the primary key; `region_level_code` with a level chosen

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
    ordering = ["domain_id", "region_id", "id"]  # `unit_domain_region`


@admin.register(SurveyResult)
class SurveyResultAdmin(SpreadsheetAdmin):
    resource_classes = [SurveyResultResource]
    list_display = ["community", "year", "sample_size", "satisfied"]
    list_filter = ["year"]
    search_fields = ["community__name", "community__code"]
    autocomplete_fields = ["community"]
    list_select_related = ["community"]
    show_full_result_count = False
    ordering = ["year", "community_id"]  # `survey_year_community`


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
    ordering = ["year_id", "community_id"]  # `one_rating_per_year`


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "status", "total_points", "meets_standard", "updated_at"]
    list_filter = ["year", "status", "meets_standard", "unit__domain"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "year"]
    show_full_result_count = False
    ordering = ["unit_id", "year_id"]  # `one_assessment_per_year`


@admin.register(Plaque)
class PlaqueAdmin(ReadOnlyAdmin):
    list_display = ["number", "rating", "issued_at", "revoked_at"]
    list_filter = ["year"]
    search_fields = ["number", "rating__community__name"]
    list_select_related = ["rating__community"]
    show_full_result_count = False
    ordering = ["year_id", "sequence"]  # `plaque_sequence_per_year`


@admin.register(Designation)
class DesignationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "title", "tier", "batch", "document_number", "revoked_at"]
    list_filter = ["year", "unit__domain", "tier", "batch"]
    search_fields = ["unit__name", "document_number"]
    list_select_related = ["unit", "year"]
    show_full_result_count = False
    ordering = ["unit_region_id", "id"]  # `designation_named_region`


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
    show_full_result_count = False
    ordering = ["year_id", "region_id", "stars"]  # `one_star_count_per_region`


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["year", "domain", "region", "registered", "assessed", "meeting"]
    list_filter = ["year", "domain"]
    search_fields = ["region__code", "region__name"]
    list_select_related = ["domain", "region"]
    show_full_result_count = False
    ordering = ["year_id", "domain_id", "region_id"]  # `one_coverage_row_per_region`


@admin.register(GuidanceCase)
class GuidanceCaseAdmin(ReadOnlyAdmin):
    list_display = ["rating", "status", "responsible_person", "due_date", "closed_at"]
    list_filter = ["status"]
    search_fields = ["rating__community__name"]
    list_select_related = ["rating__community"]
    show_full_result_count = False

    # The guidance list's order, undated cases last: `guidance_list_order`, sought on.
    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["status", "due_key", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        rows = self.model._default_manager.get_queryset().annotate(due_key=due_or_last())
        return rows.order_by(*self.get_ordering(request))


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
    ordering = ["created_at", "id"]  # the index on `created_at`
