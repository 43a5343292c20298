from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from core.api_filters import PortalFilterBackend, check_query_parameters
from core.roles import Role

from .. import selectors, services
from ..filtersets import ActivityFilterSet, HubFilterSet, PartnershipFilterSet, PlacementFilterSet
from ..models import Activity
from .serializers import ActivitySerializer, HubSerializer, PartnershipSerializer, PlacementSerializer


class HubViewSet(viewsets.ModelViewSet):
    """Employer hubs for health and care, keyed by their region's code. Written by staff."""

    queryset = selectors.hub_list()
    serializer_class = HubSerializer
    filterset_class = HubFilterSet
    lookup_field = "region__code"
    lookup_url_kwarg = "code"
    ordering_fields = ["name"]

    def perform_create(self, serializer):
        serializer.instance = services.hub_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        services.hub_update(user=self.request.user, hub=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.hub_delete(user=self.request.user, hub=instance)


class PartnershipViewSet(viewsets.ModelViewSet):
    """College-NHS partnerships. Coordinators write those whose college is in their hub."""

    queryset = selectors.partnership_list()
    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilterSet
    write_roles = (Role.COORDINATOR,)
    ordering_fields = ["id", "started_on", "status"]

    def perform_create(self, serializer):
        serializer.instance = services.partnership_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        partnership = services.partnership_update(
            user=self.request.user, partnership=serializer.instance, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=partnership.pk)

    def perform_destroy(self, instance):
        services.partnership_delete(user=self.request.user, partnership=instance)


class ActivityViewSet(viewsets.ModelViewSet):
    """Activities logged against partnerships. Coordinators write those of their hub's colleges."""

    queryset = selectors.activity_list()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    write_roles = (Role.COORDINATOR,)
    ordering_fields = ["id", "happened_on", "kind"]

    def perform_create(self, serializer):
        serializer.instance = services.activity_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.activity_update(
            user=self.request.user, activity=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.activity_delete(user=self.request.user, activity=instance)


class PlacementViewSet(viewsets.GenericViewSet):
    """T Level industry placements by ICS, region and England, per academic year (DESIGN.md 6.5): need,
    offered, filled and shortfall, computed live. Read by every signed-in user; filters `level`, `code`,
    `academic_year`."""

    queryset = Activity.objects.none()  # the rows are not a model's: the filterset only checks the filters
    serializer_class = PlacementSerializer
    filterset_class = PlacementFilterSet
    filter_backends = [PortalFilterBackend]

    def list(self, request):
        check_query_parameters(request, self, self.filterset_class)
        filterset = self.filterset_class(request.query_params, queryset=self.queryset, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        rows = selectors.placement_rows(**filterset.placement_filters())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
