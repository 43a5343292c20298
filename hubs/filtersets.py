"""One FilterSet per list, used by the API viewset and the list page alike."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from core.filtersets import PortalFilterSet
from pathways.models import Occupation
from pathways.rules import Level
from pathways.vocabulary import academic_year_bounds
from trusts.selectors import ics_choices

from .models import Activity, ActivityKind, Agenda, CaseStudy, Hub, Partnership, PartnershipStatus


def occupation_choices():
    return list(Occupation.objects.order_by("name").values_list("code", "name"))


def hub_choices():
    return list(Hub.objects.order_by("name").values_list("region__code", "name"))


class IdFilter(django_filters.Filter):
    """A whole-number id within the database's range: anything else is a 400, never a 500."""

    field_class = forms.IntegerField


class HubFilterSet(PortalFilterSet):
    search_fields = ("name", "region__name", "region__code", "host_college__name", "host_college__ukprn")
    code = django_filters.CharFilter(field_name="region__code", label="Hub (region code)")

    class Meta:
        model = Hub
        fields = ["code"]


class PartnershipFilterSet(PortalFilterSet):
    search_fields = (
        "college__name", "college__ukprn", "trust__name", "trust__ods_code", "ics__name", "ics__code", "summary",
    )
    search_label = "Search by college, trust (name or code) or summary"
    hub = django_filters.CharFilter(field_name="college__hub__region__code", label="Hub (region code)")
    college = django_filters.CharFilter(field_name="college__ukprn", label="College (UKPRN)")
    trust = django_filters.CharFilter(field_name="trust__ods_code", label="Trust (ODS code)")
    ics = django_filters.CharFilter(field_name="ics__code", label="ICS (ICB code)")
    occupation = django_filters.CharFilter(
        field_name="occupations__code", distinct=True, label="Occupation it works on (code)"
    )
    page_selects = {
        "hub": ("Hub", hub_choices),
        "ics": ("ICS", ics_choices),
        "occupation": ("Role it works on", occupation_choices),
    }
    status = django_filters.ChoiceFilter(choices=PartnershipStatus.choices)
    agenda = django_filters.ChoiceFilter(
        field_name="agenda_links__agenda", choices=Agenda.choices, label="Agenda", distinct=True
    )

    class Meta:
        model = Partnership
        fields = ["hub", "college", "trust", "ics", "status", "agenda", "occupation"]


class ActivityFilterSet(PortalFilterSet):
    search_fields = (
        "notes", "partnership__college__name", "partnership__college__ukprn", "partnership__trust__name",
        "partnership__trust__ods_code",
    )
    partnership = IdFilter(field_name="partnership_id", min_value=1, max_value=2**63 - 1, label="Partnership id")
    hub = django_filters.CharFilter(field_name="partnership__college__hub__region__code", label="Hub (region code)")
    college = django_filters.CharFilter(field_name="partnership__college__ukprn", label="College (UKPRN)")
    trust = django_filters.CharFilter(field_name="partnership__trust__ods_code", label="Trust (ODS code)")
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices)
    happened_after = django_filters.DateFilter(field_name="happened_on", lookup_expr="gte", label="On or after")
    happened_before = django_filters.DateFilter(field_name="happened_on", lookup_expr="lte", label="On or before")

    class Meta:
        model = Activity
        fields = ["partnership", "hub", "college", "trust", "kind", "happened_after", "happened_before"]


class CaseStudyFilterSet(PortalFilterSet):
    search_fields = ("title", "summary", "outcome", "colleges__name", "trusts__name")
    search_label = "Search case studies"
    agenda = django_filters.ChoiceFilter(choices=Agenda.choices)
    hub = django_filters.CharFilter(field_name="hub__region__code", label="Hub (region code)")
    page_selects = {"hub": ("Hub", hub_choices)}
    organisation = django_filters.CharFilter(method="filter_organisation", label="College or trust (name or code)")

    class Meta:
        model = CaseStudy
        fields = ["agenda", "hub", "organisation"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()

    def filter_organisation(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        from django.db.models import Q

        return queryset.filter(
            Q(colleges__name__icontains=value) | Q(colleges__ukprn=value)
            | Q(trusts__name__icontains=value) | Q(trusts__ods_code__iexact=value)
        ).distinct()


def _keep(queryset, name, value):
    """The placements are computed by hubs.selectors.placement_rows from the filters' cleaned values."""
    return queryset


def _validate_academic_year(value):
    try:
        academic_year_bounds(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid") from None


class AcademicYearField(forms.CharField):
    default_validators = [_validate_academic_year]


class AcademicYearFilter(django_filters.CharFilter):
    """An academic year written like 2026/27 (1 August 2026 to 31 July 2027)."""

    field_class = AcademicYearField


class PlacementFilterSet(django_filters.FilterSet):
    """T Level industry placements (DESIGN.md 6.5): one level, one area, one academic year, or any."""

    level = django_filters.ChoiceFilter(
        choices=[(level.value, level.label) for level in (Level.ICS, Level.REGION, Level.NATIONAL)],
        method=_keep, label="Level (ics, region or national)",
    )
    code = django_filters.CharFilter(method=_keep, label="Area code (ICB code, region code, or E92000001 for England)")
    academic_year = AcademicYearFilter(method=_keep, label="Academic year (like 2026/27)")

    class Meta:
        model = Activity
        fields = ["level", "code", "academic_year"]

    def placement_filters(self) -> dict:
        """The cleaned filters, as hubs.selectors.placement_rows takes them. Call after is_valid()."""
        data = self.form.cleaned_data
        return {name: (data.get(name) or "").strip() for name in ("level", "code", "academic_year")}
