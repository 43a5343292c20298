import django_filters

from core.filtersets import PortalFilterSet

from .models import GapReport, GapReportRow, Scenario


class GapReportFilterSet(PortalFilterSet):
    status = django_filters.ChoiceFilter(choices=GapReport.Status.choices)
    scenario = django_filters.NumberFilter(field_name="scenario_id", label="Scenario (its id)")
    baseline = django_filters.BooleanFilter(
        field_name="scenario", lookup_expr="isnull", label="Baseline only (no scenario)"
    )

    class Meta:
        model = GapReport
        fields = ["status", "as_of", "horizon_years", "scenario", "baseline"]


class GapReportRowFilterSet(PortalFilterSet):
    """The rows of one report: `level`, `code` (ICS, region or E92000001), `occupation` (its code), `year`."""

    search_fields = ("name", "code", "occupation__name", "occupation__code")
    level = django_filters.ChoiceFilter(choices=GapReportRow.Level.choices)
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")
    occupation = django_filters.CharFilter(field_name="occupation__code", label="Occupation code")
    year = django_filters.NumberFilter()

    class Meta:
        model = GapReportRow
        fields = ["level", "code", "occupation", "year"]


class ScenarioFilterSet(PortalFilterSet):
    """Scenarios: `q` searches names and descriptions; `ics` (its code), `shared`, `created_by` (username)."""

    search_fields = ("name", "description")
    ics = django_filters.CharFilter(field_name="ics__code", lookup_expr="iexact", label="ICS code")
    shared = django_filters.BooleanFilter(label="Shared with the ICS")
    created_by = django_filters.CharFilter(field_name="created_by__username", label="Created by (username)")

    class Meta:
        model = Scenario
        fields = ["ics", "shared", "created_by"]
