from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import GapReport, GapReportRow, GapReportSupply, Scenario, ScenarioAdjustment, ScenarioOffer


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Reports are written only by their run (planning.services.gap_report_compute): the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GapReport)
class GapReportAdmin(_ReadOnlyAdmin):
    list_display = ["id", "status", "progress", "as_of", "horizon_years", "scenario", "requested_by", "created_at",
                    "finished_at"]
    list_filter = ["status", "as_of"]
    list_select_related = ["requested_by", "scenario"]
    date_hierarchy = "created_at"


@admin.register(GapReportRow)
class GapReportRowAdmin(_ReadOnlyAdmin):
    list_display = ["report_id", "level", "code", "name", "occupation", "year", "demand_fte", "supply_fte", "gap_fte",
                    "coverage"]
    list_filter = ["level", "year"]
    list_select_related = ["occupation"]
    search_fields = ["code", "name", "occupation__name", "occupation__code"]
    show_full_result_count = False


@admin.register(GapReportSupply)
class GapReportSupplyAdmin(_ReadOnlyAdmin):
    list_display = ["report_id", "ics_code", "college", "occupation", "year", "supply_fte"]
    list_filter = ["year"]
    list_select_related = ["college", "occupation"]
    search_fields = ["ics_code", "college__name", "college__ukprn", "occupation__code"]
    show_full_result_count = False


class ScenarioOfferInline(admin.TabularInline):
    model = ScenarioOffer
    extra = 0
    raw_id_fields = ["college", "apprenticeship_standard", "delivery_ics"]


class ScenarioAdjustmentInline(admin.TabularInline):
    model = ScenarioAdjustment
    extra = 0


@admin.register(Scenario)
class ScenarioAdmin(SimpleHistoryAdmin):
    """Scenarios (DESIGN.md 6.4); the pages and the API check offers and adjustments by the services' rules,
    the admin by the models' own field rules only."""

    list_display = ["id", "name", "ics", "shared", "created_by", "updated_at"]
    list_filter = ["shared"]
    list_select_related = ["ics", "created_by"]
    search_fields = ["name", "description", "ics__code", "ics__name"]
    raw_id_fields = ["ics", "created_by"]
    inlines = [ScenarioOfferInline, ScenarioAdjustmentInline]
