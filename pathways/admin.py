from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ApprenticeshipStandard, EntryRoute, GapReport, GapReportRow, Occupation, Progression


class EntryRouteInline(admin.TabularInline):
    model = EntryRoute
    extra = 0
    fields = ["qualification_type", "level", "apprenticeship_standard", "conversion_rate", "lag_months", "notes"]
    autocomplete_fields = ["apprenticeship_standard"]


class ProgressionOutInline(admin.TabularInline):
    model = Progression
    fk_name = "from_occupation"
    extra = 0
    verbose_name = "progression to another occupation"
    verbose_name_plural = "progressions to other occupations"
    autocomplete_fields = ["to_occupation"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "soc_code", "sector", "staff_group", "annual_leaver_rate"]
    list_filter = ["sector", "staff_group"]
    search_fields = ["code", "name", "soc_code"]
    inlines = [EntryRouteInline, ProgressionOutInline]


@admin.register(ApprenticeshipStandard)
class ApprenticeshipStandardAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "level", "duration_months", "route"]
    list_filter = ["level", "route"]
    search_fields = ["reference", "title"]


@admin.register(EntryRoute)
class EntryRouteAdmin(SimpleHistoryAdmin):
    list_display = [
        "occupation", "qualification_type", "level", "apprenticeship_standard", "conversion_rate", "lag_months",
    ]
    list_filter = ["qualification_type", "level", "occupation__sector"]
    search_fields = ["occupation__name", "occupation__code", "apprenticeship_standard__reference", "notes"]
    list_select_related = ["occupation", "apprenticeship_standard"]
    autocomplete_fields = ["occupation", "apprenticeship_standard"]


@admin.register(Progression)
class ProgressionAdmin(admin.ModelAdmin):
    list_display = ["from_occupation", "to_occupation", "typical_months", "via"]
    search_fields = ["from_occupation__name", "to_occupation__name", "via"]
    list_select_related = ["from_occupation", "to_occupation"]
    autocomplete_fields = ["from_occupation", "to_occupation"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Reports are written only by their run (pathways.services.gap_report_compute): the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GapReport)
class GapReportAdmin(_ReadOnlyAdmin):
    list_display = ["id", "status", "progress", "as_of", "horizon_years", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", "as_of"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"


@admin.register(GapReportRow)
class GapReportRowAdmin(_ReadOnlyAdmin):
    list_display = ["report_id", "level", "code", "name", "occupation", "year", "demand_fte", "supply_fte", "gap_fte",
                    "coverage"]
    list_filter = ["level", "year"]
    list_select_related = ["occupation"]
    search_fields = ["code", "name", "occupation__name", "occupation__code"]
    show_full_result_count = False
