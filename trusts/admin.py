from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import IntegratedCareSystem, Region, Trust, Vacancy


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "ons_code"]
    search_fields = ["code", "name"]


@admin.register(IntegratedCareSystem)
class IntegratedCareSystemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "closed_on", "succeeded_by"]
    list_filter = ["region"]
    search_fields = ["code", "name"]
    list_select_related = ["region", "succeeded_by"]
    autocomplete_fields = ["succeeded_by"]


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ["ods_code", "name", "kind", "ics", "closed_on"]
    list_filter = ["kind", "ics__region"]
    search_fields = ["ods_code", "name", "town", "postcode"]
    list_select_related = ["ics"]
    autocomplete_fields = ["ics"]


@admin.register(Vacancy)
class VacancyAdmin(SimpleHistoryAdmin):
    list_display = ["period", "sector", "trust", "ics", "occupation", "vacancies_fte", "staff_in_post_fte"]
    list_filter = ["sector", "period"]
    search_fields = ["trust__name", "trust__ods_code", "ics__name", "occupation__name"]
    list_select_related = ["trust", "ics", "occupation"]
    autocomplete_fields = ["trust", "ics"]
    raw_id_fields = ["occupation"]
    date_hierarchy = "period"
