from functools import partial

import django_filters

from core.filtersets import PortalFilterSet
from core.forms import PlanningMonthField

from .models import IntegratedCareSystem, Region, Sector, Trust, TrustKind, Vacancy
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
    current = django_filters.BooleanFilter(field_name="succeeded_by", lookup_expr="isnull", label="Current")
    page_selects = {
        "region": ("Region", region_choices),
        "current": ("Status", [("true", "Current"), ("false", "Closed or merged")]),
    }

    class Meta:
        model = IntegratedCareSystem
        fields = ["code", "region", "current"]


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
