import django_filters
from django.db.models import Q

from core.filtersets import PortalFilterSet, search_stems, word_prefix_q

from .models import (
    CURRENT_STATUSES,
    ApprenticeshipStandard,
    CompletionRate,
    EntryRoute,
    Occupation,
    OccupationSector,
    Progression,
    StandardStatus,
)
from .vocabulary import QualificationType


class OccupationFilterSet(PortalFilterSet):
    """Occupations, for the public pathway list and the API alike. `q` searches by the beginnings of
    words in the name and the plain description, every word of the search in one of them ("nurse"
    finds "Nursing associates"); or a SOC code or slug. `staff_group` has a filter of its own."""

    search_fields = ("name", "plain_description")
    search_label = "Search by role name or description"
    sector = django_filters.ChoiceFilter(choices=OccupationSector.choices)

    class Meta:
        model = Occupation
        fields = ["code", "soc_code", "sector", "staff_group"]

    def search(self, queryset, name, value):
        if not search_stems(value):
            return queryset
        value = value.strip()
        return queryset.filter(
            word_prefix_q(self.search_fields, value) | Q(code__iexact=value) | Q(soc_code__startswith=value)
        )


class ApprenticeshipStandardFilterSet(PortalFilterSet):
    search_fields = ("title", "reference")
    status = django_filters.ChoiceFilter(choices=StandardStatus.choices)
    current = django_filters.BooleanFilter(
        method="current_filter", label="Current (approved for delivery, starts may be paused)"
    )

    class Meta:
        model = ApprenticeshipStandard
        fields = ["reference", "level", "route", "status", "current"]

    def current_filter(self, queryset, name, value):
        approved = Q(status__in=CURRENT_STATUSES)
        return queryset.filter(approved) if value else queryset.exclude(approved)


class EntryRouteFilterSet(PortalFilterSet):
    search_fields = (
        "occupation__name", "occupation__code", "apprenticeship_standard__title", "apprenticeship_standard__reference",
        "notes",
    )
    occupation = django_filters.CharFilter(field_name="occupation__code", label="Occupation code")
    qualification_type = django_filters.ChoiceFilter(choices=QualificationType.choices)
    apprenticeship_standard = django_filters.CharFilter(
        field_name="apprenticeship_standard__reference", label="Apprenticeship standard reference"
    )
    by_standard = django_filters.BooleanFilter(
        field_name="apprenticeship_standard", lookup_expr="isnull", exclude=True, label="Through a named standard"
    )

    class Meta:
        model = EntryRoute
        fields = ["occupation", "qualification_type", "level", "apprenticeship_standard", "by_standard"]


class ProgressionFilterSet(PortalFilterSet):
    search_fields = (
        "from_occupation__name", "from_occupation__code", "to_occupation__name", "to_occupation__code", "via",
    )
    from_occupation = django_filters.CharFilter(field_name="from_occupation__code", label="From occupation code")
    to_occupation = django_filters.CharFilter(field_name="to_occupation__code", label="To occupation code")

    class Meta:
        model = Progression
        fields = ["from_occupation", "to_occupation"]


class CompletionRateFilterSet(PortalFilterSet):
    search_fields = ("qualification_type", "basis")
    qualification_type = django_filters.ChoiceFilter(choices=QualificationType.choices)

    class Meta:
        model = CompletionRate
        fields = ["qualification_type"]
