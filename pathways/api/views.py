from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core.roles import Role

from .. import selectors, services
from ..filtersets import (
    ApprenticeshipStandardFilterSet,
    EntryRouteFilterSet,
    GapReportFilterSet,
    GapReportRowFilterSet,
    OccupationFilterSet,
    ProgressionFilterSet,
)
from ..models import GapReportRow
from .serializers import (
    ApprenticeshipStandardSerializer,
    EntryRouteSerializer,
    GapReportAcceptedSerializer,
    GapReportRequestSerializer,
    GapReportRowSerializer,
    GapReportSerializer,
    OccupationSerializer,
    ProgressionSerializer,
)


class OccupationViewSet(viewsets.ModelViewSet):
    """Health and care occupations, keyed by their code (a slug)."""

    queryset = selectors.occupation_list()
    serializer_class = OccupationSerializer
    filterset_class = OccupationFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name", "soc_code"]


class ApprenticeshipStandardViewSet(viewsets.ModelViewSet):
    """Apprenticeship standards, keyed by reference (ST0216, ST0006-02)."""

    queryset = selectors.apprenticeship_standard_list()
    serializer_class = ApprenticeshipStandardSerializer
    filterset_class = ApprenticeshipStandardFilterSet
    lookup_field = "reference"
    lookup_value_regex = r"ST[0-9]{4}(-[0-9]{2})?"
    ordering_fields = ["reference", "title", "level"]


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
        params = GapReportRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        report = services.gap_report_request(
            as_of=params.validated_data.get("as_of"), horizon_years=params.validated_data["horizon_years"],
            user=request.user,
        )
        url = reverse("api:gapreport-detail", kwargs={"pk": report.pk}, request=request)
        body = {"id": report.pk, "status": report.status, "url": url}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})

    @action(detail=False, filterset_class=None, pagination_class=None)
    def latest(self, request):
        report = selectors.gap_report_latest()
        if report is None:
            raise NotFound("No gap report has been computed yet.")
        return Response(self.get_serializer(report).data)

    def get_queryset(self):
        """Reports; for `rows/`, the rows of the report in the URL (so filters and schema see rows)."""
        if self.action != "rows":
            return selectors.gap_report_list()
        if getattr(self, "swagger_fake_view", False):  # drawing the OpenAPI schema
            return GapReportRow.objects.none()
        return selectors.gap_report_rows(get_object_or_404(selectors.gap_report_list(), pk=self.kwargs["pk"]))

    @extend_schema(responses=GapReportRowSerializer(many=True))
    @action(
        detail=True, serializer_class=GapReportRowSerializer, filterset_class=GapReportRowFilterSet,
        ordering_fields=["level", "code", "year", "demand_fte", "supply_fte", "gap_fte", "coverage"],
    )
    def rows(self, request, pk=None):
        """The report's rows, paginated, filtered by `level`, `code`, `occupation` and `year`."""
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class EntryRouteViewSet(viewsets.ModelViewSet):
    """Entry routes from courses to occupations (the supply side of the gap report).
    Read by everyone signed in; written by staff."""

    queryset = selectors.entry_route_list()
    serializer_class = EntryRouteSerializer
    filterset_class = EntryRouteFilterSet
    ordering_fields = ["id", "level", "conversion_rate", "lag_months"]

    def perform_create(self, serializer):
        serializer.instance = services.entry_route_create(data=serializer.validated_data, user=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.entry_route_update(
            route=serializer.instance, data=serializer.validated_data, user=self.request.user
        )


class ProgressionViewSet(viewsets.ModelViewSet):
    """Steps from one occupation to another. Read by everyone signed in; written by staff."""

    queryset = selectors.progression_list()
    serializer_class = ProgressionSerializer
    filterset_class = ProgressionFilterSet
    ordering_fields = ["id", "typical_months"]

    def perform_create(self, serializer):
        serializer.instance = services.progression_create(data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.progression_update(
            progression=serializer.instance, data=serializer.validated_data
        )
