from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core.roles import Role

from .. import selectors, services
from ..filtersets import GapReportFilterSet, GapReportRowFilterSet
from ..models import GapReportRow
from .serializers import (
    GapReportAcceptedSerializer,
    GapReportRequestSerializer,
    GapReportRowSerializer,
    GapReportSerializer,
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
        self.report = get_object_or_404(selectors.gap_report_list(), pk=self.kwargs["pk"])
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

    @extend_schema(responses=GapReportRowSerializer(many=True))
    @action(
        detail=True, serializer_class=GapReportRowSerializer, filterset_class=GapReportRowFilterSet,
        ordering_fields=["level", "code", "year", "demand_fte", "supply_fte", "gap_fte", "coverage",
                         "gap_low_fte", "gap_high_fte", "backfill_fte"],
    )
    def rows(self, request, pk=None):
        """The report's rows, paginated, filtered by `level`, `code`, `occupation` and `year`."""
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(gap_report_rows_data(rows))
