from rest_framework import viewsets

from core.roles import Role

from .. import selectors, services
from ..filtersets import ActivityFilterSet, HubFilterSet, PartnershipFilterSet
from .serializers import ActivitySerializer, HubSerializer, PartnershipSerializer


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
