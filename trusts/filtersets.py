from functools import partial

import django_filters
from django.utils import timezone

from core.filtersets import PortalFilterSet
from core.forms import PlanningMonthField

from .models import IntegratedCareSystem, Region, Sector, Trust, TrustKind, Vacancy, open_on_q
from .selectors import ics_choices, occupation_choices, region_choices


class RegionFilterSet(PortalFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = Region
        fields = ["code"]


class IntegratedCareSystemFilterSet(PortalFilterSet):
    search_fields = ("name", "code")
    code = django_filters.CharFilter(label="ICB code")
    region = django_filters.CharFilter(field_name="region__code", label="Region code")
    current = django_filters.BooleanFilter(
        method="filter_current", label="Open today",
        help_text="true: the boards open today; false: the boards closed (or not yet open) today.",
    )
    open_on = django_filters.DateFilter(
        method="filter_open_on", label="Open on", help_text="The boards open on this day, like 2026-04-01.",
    )
    page_selects = {
        "region": ("Region", region_choices),
        "current": ("Status", [("true", "Open today"), ("false", "Closed boards")]),
    }

    class Meta:
        model = IntegratedCareSystem
        fields = ["code", "region", "current", "open_on"]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        today = open_on_q(timezone.localdate())
        return queryset.filter(today) if value else queryset.exclude(today)

    def filter_open_on(self, queryset, name, value):
        return queryset.filter(open_on_q(value)) if value else queryset


class TrustFilterSet(PortalFilterSet):
    search_fields = ("name", "ods_code", "town", "postcode", "ics__code")
    ods_code = django_filters.CharFilter(label="ODS code")
    ics = django_filters.CharFilter(field_name="ics__code", label="ICS code")
    region = django_filters.CharFilter(field_name="ics__region__code", label="Region code")
    kind = django_filters.ChoiceFilter(choices=TrustKind.choices)
    open = django_filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label="Open")
    page_selects = {
        "ics": ("ICS", ics_choices),
        "region": ("Region", region_choices),
        "kind": ("Kind of trust", TrustKind.choices),
        "open": ("Status", [("true", "Open"), ("false", "Closed")]),
    }

    class Meta:
        model = Trust
        fields = ["ods_code", "ics", "region", "kind", "open"]


class VacancyFilterSet(PortalFilterSet):
    search_fields = ("occupation__name", "occupation__code", "trust__name", "trust__ods_code", "ics__name", "ics__code")
    sector = django_filters.ChoiceFilter(choices=Sector.choices)
    trust = django_filters.CharFilter(field_name="trust__ods_code", label="Trust ODS code")
    ics = django_filters.CharFilter(field_name="ics__code", label="ICS code")
    region = django_filters.CharFilter(field_name="ics__region__code", label="Region code")
    occupation = django_filters.CharFilter(field_name="occupation__code", label="Occupation code")
    period = django_filters.DateFilter(label="Month (first day)")
    period_from = django_filters.DateFilter(field_name="period", lookup_expr="gte", label="From month")
    period_to = django_filters.DateFilter(field_name="period", lookup_expr="lte", label="To month")
    synthetic = django_filters.BooleanFilter(label="Synthetic")
    page_selects = {
        "sector": ("Sector", Sector.choices),
        "ics": ("ICS", ics_choices),
        "region": ("Region", region_choices),
        "occupation": ("Occupation", occupation_choices),
        "synthetic": ("Real or generated", [("false", "Real figures only"), ("true", "Generated only")]),
    }
    # Months typed as the NHS date input's month and year (the API keeps `?period=2026-06-01`, read too).
    page_fields = {
        name: partial(PlanningMonthField, label=label, required=False, help_text="For example, 6 2026")
        for name, label in (("period", "Month"), ("period_from", "From month"), ("period_to", "To month"))
    }

    class Meta:
        model = Vacancy
        fields = ["sector", "trust", "ics", "region", "occupation", "period", "period_from", "period_to", "synthetic"]
