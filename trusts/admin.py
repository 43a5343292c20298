from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from .models import BoardSuccession, CouncilArea, IntegratedCareSystem, Region, Trust, TrustBoard, Vacancy


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "ons_code"]
    search_fields = ["code", "name"]


class SuccessionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        shares = [form.cleaned_data.get("share") for form in self.forms
                  if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("share")]
        if shares and sum(shares) != 1:
            raise ValidationError(f"A closed board's shares must add up to 1; these add up to {sum(shares)}.")


class SuccessionInline(admin.TabularInline):
    """A closed board's successors with their shares (DESIGN.md 6.1): the shares sum to 1."""

    model = BoardSuccession
    formset = SuccessionFormSet
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]


@admin.register(IntegratedCareSystem)
class IntegratedCareSystemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "opened_on", "closed_on"]
    list_filter = ["region"]
    search_fields = ["code", "name"]
    list_select_related = ["region"]
    inlines = [SuccessionInline]


@admin.register(CouncilArea)
class CouncilAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "ics", "share"]
    search_fields = ["code", "name"]
    list_select_related = ["ics"]
    autocomplete_fields = ["ics"]


class TrustBoardInline(admin.TabularInline):
    model = TrustBoard
    extra = 0
    autocomplete_fields = ["ics"]


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ["ods_code", "name", "kind", "ics", "closed_on"]
    list_filter = ["kind", "ics__region"]
    search_fields = ["ods_code", "name", "town", "postcode"]
    list_select_related = ["ics"]
    autocomplete_fields = ["ics"]
    inlines = [TrustBoardInline]


@admin.register(Vacancy)
class VacancyAdmin(SimpleHistoryAdmin):
    list_display = ["period", "sector", "trust", "ics", "occupation", "vacancies_fte", "staff_in_post_fte"]
    list_filter = ["sector", "period"]
    search_fields = ["trust__name", "trust__ods_code", "ics__name", "occupation__name"]
    list_select_related = ["trust", "ics", "occupation"]
    autocomplete_fields = ["trust", "ics"]
    raw_id_fields = ["occupation"]
    date_hierarchy = "period"
