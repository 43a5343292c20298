from rest_framework import viewsets

from .. import selectors
from ..filtersets import IntegratedCareSystemFilterSet, RegionFilterSet, TrustFilterSet
from .serializers import IntegratedCareSystemSerializer, RegionSerializer, TrustSerializer


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
