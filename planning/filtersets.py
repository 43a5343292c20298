import django_filters

from core.filtersets import PortalFilterSet

from .models import GapReport, GapReportRow


class GapReportFilterSet(PortalFilterSet):
    status = django_filters.ChoiceFilter(choices=GapReport.Status.choices)

    class Meta:
        model = GapReport
        fields = ["status", "as_of", "horizon_years"]


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
