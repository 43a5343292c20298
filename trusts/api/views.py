from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api_pagination import PortalCursorPagination
from core.roles import Role
from core.upsert import BULK_CONTENTION

from .. import selectors, services
from ..filtersets import IntegratedCareSystemFilterSet, RegionFilterSet, TrustFilterSet, VacancyFilterSet
from ..models import TrustBoard
from .serializers import (
    IntegratedCareSystemSerializer,
    RegionSerializer,
    TrustSerializer,
    VacancyBulkResultSerializer,
    VacancySerializer,
    VacancyWriteSerializer,
    render_vacancy_values,
)


class RegionViewSet(viewsets.ModelViewSet):
    """NHS England regions. Read by everyone signed in; written by staff."""

    queryset = selectors.region_list()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name"]


class IntegratedCareSystemViewSet(viewsets.ModelViewSet):
    """Integrated care systems, keyed by their ICB ODS code."""

    queryset = selectors.integrated_care_system_list()
    serializer_class = IntegratedCareSystemSerializer
    filterset_class = IntegratedCareSystemFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name"]


class TrustViewSet(viewsets.ModelViewSet):
    """NHS trusts, keyed by ODS code."""

    queryset = selectors.trust_list()
    serializer_class = TrustSerializer
    filterset_class = TrustFilterSet
    lookup_field = "ods_code"
    ordering_fields = ["ods_code", "name"]

    def perform_create(self, serializer):
        services.board_open_today_check(serializer.validated_data.get("ics"))
        with transaction.atomic():
            services.membership_follow_board(member=serializer.save(), membership_model=TrustBoard)

    def perform_update(self, serializer):
        if "ics" in serializer.validated_data and serializer.validated_data["ics"] != serializer.instance.ics:
            services.board_open_today_check(serializer.validated_data["ics"])
        with transaction.atomic():
            services.membership_follow_board(member=serializer.save(), membership_model=TrustBoard)


class VacancyViewSet(viewsets.ModelViewSet):
    """Vacancies by occupation and month: NHS rows per trust, social-care rows per ICS.

    Read by everyone signed in; written by staff and by an ICS's own analysts within their ICS.
    `POST vacancies/bulk/` upserts a list by series and month, all or nothing.
    """

    queryset = selectors.vacancy_list()
    serializer_class = VacancySerializer
    filterset_class = VacancyFilterSet
    write_roles = (Role.ICS,)
    ordering_fields = ["period", "vacancies_fte", "staff_in_post_fte", "id"]
    pagination_class = PortalCursorPagination
    cursor_ordering = ("-period", "-id")  # the default order, an index range (vacancy_period_id)

    def list_values(self, rows):
        """The list's page is read as dicts, not model instances (issue 13); its count is of the rows alone."""
        return selectors.vacancy_values(rows) if self.action == "list" else rows

    def list(self, request, *args, **kwargs):
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(render_vacancy_values(rows))

    @extend_schema(request=VacancyWriteSerializer, responses={201: VacancySerializer})
    def create(self, request, *args, **kwargs):
        vacancy = services.vacancy_create(data=_body(request), user=request.user)
        vacancy = self.get_queryset().get(pk=vacancy.pk)
        return Response(self.get_serializer(vacancy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VacancyWriteSerializer, responses=VacancySerializer)
    def update(self, request, *args, **kwargs):
        vacancy = self.get_object()
        data = _body(request)
        if not kwargs.get("partial"):
            data = {name: data.get(name) for name in services.VACANCY_FIELDS}
        services.vacancy_update(vacancy=vacancy, data=data, user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=vacancy.pk)).data)

    @extend_schema(request=VacancyWriteSerializer, responses=VacancySerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance):
        services.vacancy_delete(vacancy=instance, user=self.request.user)

    @extend_schema(
        request=VacancyWriteSerializer(many=True),
        responses={200: VacancyBulkResultSerializer, **BULK_CONTENTION},
        description=(
            "Create or update rows by series (sector + trust-or-ics + occupation) and month. All or nothing: "
            "any invalid item -> 400 {\"errors\": {index: {field: [messages]}}}; an item outside an ICS "
            "analyst's ICS -> 403 naming it. Nothing is written in either case."
        ),
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        counts = services.vacancies_upsert(rows=_items(request), user=request.user, source="bulk")
        return Response(counts, status=status.HTTP_200_OK)


def _body(request) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["Send one vacancy as a JSON object."]})
    return request.data


def _items(request) -> list:
    if not isinstance(request.data, list):
        raise ValidationError({"non_field_errors": ["Send a JSON list of vacancy rows."]})
    return request.data
