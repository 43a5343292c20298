import django_filters

from portal.filtersets import PortalFilterSet

from .models import College


class CollegeFilterSet(PortalFilterSet):
    search_fields = ("name", "ukprn")
    ics = django_filters.CharFilter(field_name="ics__code", label="ICS code")
    region = django_filters.CharFilter(field_name="ics__region__code", label="Region code")
    hub = django_filters.CharFilter(field_name="hub__region__code", label="Hub (region code)")

    class Meta:
        model = College
        fields = ["ukprn", "ics", "region", "hub"]
