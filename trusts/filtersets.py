import django_filters

from portal.filtersets import PortalFilterSet

from .models import IntegratedCareSystem, Region, Trust, TrustKind


class RegionFilterSet(PortalFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = Region
        fields = ["code"]


class IntegratedCareSystemFilterSet(PortalFilterSet):
    search_fields = ("name", "code")
    region = django_filters.CharFilter(field_name="region__code", label="Region code")
    current = django_filters.BooleanFilter(field_name="succeeded_by", lookup_expr="isnull", label="Current")

    class Meta:
        model = IntegratedCareSystem
        fields = ["code", "region", "current"]


class TrustFilterSet(PortalFilterSet):
    search_fields = ("name", "ods_code", "town", "postcode")
    ics = django_filters.CharFilter(field_name="ics__code", label="ICS code")
    region = django_filters.CharFilter(field_name="ics__region__code", label="Region code")
    kind = django_filters.ChoiceFilter(choices=TrustKind.choices)
    open = django_filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label="Open")

    class Meta:
        model = Trust
        fields = ["ods_code", "ics", "region", "kind", "open"]
