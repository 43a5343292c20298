from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core.roles import Role

from .. import selectors, services
from ..filtersets import GapReportFilterSet, GapReportRowFilterSet, ScenarioFilterSet
from ..models import GapReportRow, Scenario
from .serializers import (
    GapReportAcceptedSerializer,
    GapReportRequestSerializer,
    GapReportRowSerializer,
    GapReportSerializer,
    ScenarioHistorySerializer,
    ScenarioSerializer,
    gap_report_rows_data,
)

# Query parameters of `rows/` that read only the rows' own stored columns (not the occupation's).
ROW_OWN_PARAMETERS = frozenset({"level", "code", "year", "ordering", "page", "page_size", "format"})


class GapReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Gap reports (DESIGN.md section 6). ICS analysts and staff ask for one with POST (202 and a URL
    to poll); everyone signed in reads reports and their rows. `latest/` is the newest succeeded."""

    serializer_class = GapReportSerializer
    filterset_class = GapReportFilterSet
    lookup_value_regex = r"[0-9]+"
    write_roles = (Role.ICS,)
    ordering_fields = ["created_at", "as_of"]

    @extend_schema(request=GapReportRequestSerializer, responses={202: GapReportAcceptedSerializer})
    def create(self, request):
        params = GapReportRequestSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        report = services.gap_report_request(
            as_of=params.validated_data.get("as_of"), horizon_years=params.validated_data["horizon_years"],
            user=request.user, scenario=params.validated_data.get("scenario"),
        )
        url = reverse("api:gapreport-detail", kwargs={"pk": report.pk}, request=request)
        body = {"id": report.pk, "status": report.status, "url": url}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "scenario", int, required=False,
                description="A scenario's id: its newest succeeded report instead of the baseline's.",
            )
        ],
        filters=False,
    )
    @action(detail=False, filterset_class=None, pagination_class=None)
    def latest(self, request):
        """The newest succeeded baseline report; with `?scenario=ID`, the newest of that scenario."""
        scenario = None
        unknown = sorted(set(request.query_params) - {"scenario", "format"})
        if unknown:
            raise ValidationError({name: ["Unknown query parameter. This endpoint understands: scenario."]
                                   for name in unknown})
        if request.query_params.get("scenario"):
            text = request.query_params["scenario"]
            if not text.isascii() or not text.isdigit() or len(text) > 18:
                raise ValidationError({"scenario": ["Give the scenario's id as a whole number."]})
            scenario = Scenario.objects.visible_to(request.user).filter(pk=int(text)).first()
            if scenario is None:
                raise NotFound("No scenario with this id is visible to you.")
        report = selectors.gap_report_latest(scenario=scenario)
        if report is None:
            raise NotFound("No gap report has been computed yet" + (" for this scenario." if scenario else "."))
        return Response(self.get_serializer(report).data)

    def get_queryset(self):
        """Reports; for `rows/`, the rows of the report in the URL (so filters and schema see rows)."""
        if self.action != "rows":
            return selectors.gap_report_list_visible_to(self.request.user)
        if getattr(self, "swagger_fake_view", False):  # drawing the OpenAPI schema
            return GapReportRow.objects.none()
        self.report = selectors.gap_report_for_rows(self.request.user, self.kwargs["pk"])
        if self.report is None:
            raise Http404("No GapReport matches the given query.")
        return selectors.gap_report_rows(self.report)

    def list_values(self, rows):
        """The page of `rows/` is read as dicts (issue 13); reports are read as models."""
        return selectors.gap_report_row_values(rows) if self.action == "rows" else rows

    def list_count_cache_key(self, rows):
        """The pagination keeps the count of a succeeded report's rows (they never change) when the
        filters read only the rows' own columns."""
        if self.action != "rows" or not set(self.request.query_params) <= ROW_OWN_PARAMETERS:
            return None
        return selectors.gap_report_rows_count_key(self.report, dict(self.request.query_params.lists()))

    # The token of the occupations' codes and names the kept pages show (planning.signals).
    list_page_version_key = selectors.OCCUPATION_LABELS_VERSION_KEY

    def list_page_cache_key(self, rows):
        """Where the pagination keeps each rendered page of those rows (issue 13): the report's rows
        never change (and the occupations they show are checked by `list_page_version_key`)."""
        return selectors.gap_report_rows_page_key(self.report, dict(self.request.query_params.lists()))

    def list_render(self, values):
        return gap_report_rows_data(values) if self.action == "rows" else values

    @extend_schema(responses=GapReportRowSerializer(many=True))
    @action(
        detail=True, serializer_class=GapReportRowSerializer, filterset_class=GapReportRowFilterSet,
        ordering_fields=["level", "code", "year", "demand_fte", "supply_fte", "gap_fte", "coverage",
                         "gap_low_fte", "gap_high_fte", "backfill_fte"],
    )
    def rows(self, request, pk=None):
        """The report's rows, paginated, filtered by `level`, `code`, `occupation` and `year`."""
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))  # rendered (list_render)
        return self.get_paginated_response(rows)


class ScenarioViewSet(viewsets.ModelViewSet):
    """Scenarios (DESIGN.md 6.4): named what-ifs that never change the portal's data. An ICS analyst
    reads their ICS's shared scenarios and their own, and writes their ICS's; staff read and write all
    (ics null: England). Others' private scenarios answer 404. `offers` and `adjustments` sent on a write
    replace the scenario's; each write leaves one entry at `scenarios/{id}/history/`."""

    serializer_class = ScenarioSerializer
    filterset_class = ScenarioFilterSet
    write_roles = (Role.ICS,)
    lookup_value_regex = r"[0-9]+"
    ordering_fields = ["id", "name", "created_at", "updated_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Scenario.objects.none()
        return selectors.scenario_list(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.scenario_create(
            user=self.request.user, data=serializer.validated_data, source="api"
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if not serializer.partial:  # a PUT replaces the whole scenario, its lists too
            data.setdefault("offers", [])
            data.setdefault("adjustments", [])
            data.setdefault("description", "")
            data.setdefault("shared", False)
        instance = services.scenario_update(scenario=serializer.instance, user=self.request.user, data=data,
                                            source="api")
        serializer.instance = selectors.scenario_list(self.request.user).get(pk=instance.pk)

    def perform_destroy(self, instance):
        services.scenario_delete(scenario=instance, user=self.request.user, source="api")

    @extend_schema(
        summary="Copy a scenario",
        description="A private copy, with the same hypothetical offers and adjustments, owned by the caller (an "
        "ICS analyst's copy is in their own ICS). Any scenario the caller can read may be copied; the original "
        "is not changed. Answers 201 with the copy.",
        request=None,
        responses={201: ScenarioSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def copy(self, request, pk=None):
        original = self.get_object()  # 404 for a scenario the caller cannot see
        copied = services.scenario_copy(scenario=original, user=request.user, source="api")
        data = self.get_serializer(selectors.scenario_list(request.user).get(pk=copied.pk)).data
        return Response(data, status=status.HTTP_201_CREATED,
                        headers={"Location": reverse("api:scenario-detail", kwargs={"pk": copied.pk}, request=request)})

    @extend_schema(
        summary="The audit trail of one scenario",
        description="Every create, change and delete, newest first: who, when, how, the fields that changed "
        "and what changed in its offers and adjustments.",
        responses={200: ScenarioHistorySerializer(many=True)},
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        if not self.get_queryset().filter(pk=pk).exists():
            raise Http404("No scenario with this id is visible to you.")
        page = self.paginate_queryset(selectors.scenario_history(scenario_id=int(pk)))
        return self.get_paginated_response(ScenarioHistorySerializer(page, many=True).data)
