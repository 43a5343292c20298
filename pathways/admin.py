from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ApprenticeshipStandard, CompletionRate, EntryRoute, Occupation, Progression


class EntryRouteInline(admin.TabularInline):
    model = EntryRoute
    fk_name = "occupation"
    extra = 0
    fields = [
        "qualification_type", "level", "apprenticeship_standard", "conversion_rate", "conversion_rate_low",
        "conversion_rate_high", "from_occupation", "lag_months", "notes",
    ]
    autocomplete_fields = ["apprenticeship_standard", "from_occupation"]


class ProgressionOutInline(admin.TabularInline):
    model = Progression
    fk_name = "from_occupation"
    extra = 0
    verbose_name = "progression to another occupation"
    verbose_name_plural = "progressions to other occupations"
    autocomplete_fields = ["to_occupation"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = [
        "code", "name", "soc_code", "sector", "staff_group", "annual_leaver_rate", "annual_leaver_rate_low",
        "annual_leaver_rate_high",
    ]
    list_filter = ["sector", "staff_group"]
    search_fields = ["code", "name", "soc_code"]
    inlines = [EntryRouteInline, ProgressionOutInline]


@admin.register(ApprenticeshipStandard)
class ApprenticeshipStandardAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "version", "status", "level", "duration_months", "route"]
    list_filter = ["status", "level", "route"]
    search_fields = ["reference", "title"]


@admin.register(EntryRoute)
class EntryRouteAdmin(SimpleHistoryAdmin):
    list_display = [
        "occupation", "qualification_type", "level", "apprenticeship_standard", "conversion_rate",
        "conversion_rate_low", "conversion_rate_high", "from_occupation", "lag_months",
    ]
    list_filter = ["qualification_type", "level", "occupation__sector"]
    search_fields = ["occupation__name", "occupation__code", "apprenticeship_standard__reference", "notes"]
    list_select_related = ["occupation", "apprenticeship_standard", "from_occupation"]
    autocomplete_fields = ["occupation", "apprenticeship_standard", "from_occupation"]


@admin.register(Progression)
class ProgressionAdmin(admin.ModelAdmin):
    list_display = ["from_occupation", "to_occupation", "typical_months", "via"]
    search_fields = ["from_occupation__name", "to_occupation__name", "via"]
    list_select_related = ["from_occupation", "to_occupation"]
    autocomplete_fields = ["from_occupation", "to_occupation"]


@admin.register(CompletionRate)
class CompletionRateAdmin(SimpleHistoryAdmin):
    """The default completion rates (DESIGN.md 6.2). Changes are kept in the history; the model's clean()
    keeps low <= rate <= high, naming the field out of order."""

    list_display = ["qualification_type", "rate", "rate_low", "rate_high"]
    fields = ["qualification_type", "rate", "rate_low", "rate_high", "basis"]
    search_fields = ["qualification_type", "basis"]
