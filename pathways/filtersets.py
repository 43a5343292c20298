import django_filters

from portal.filtersets import PortalFilterSet

from .models import ApprenticeshipStandard, Occupation, OccupationSector


class OccupationFilterSet(PortalFilterSet):
    search_fields = ("name", "code", "soc_code", "staff_group")
    sector = django_filters.ChoiceFilter(choices=OccupationSector.choices)

    class Meta:
        model = Occupation
        fields = ["code", "soc_code", "sector", "staff_group"]


class ApprenticeshipStandardFilterSet(PortalFilterSet):
    search_fields = ("title", "reference")

    class Meta:
        model = ApprenticeshipStandard
        fields = ["reference", "level", "route"]
