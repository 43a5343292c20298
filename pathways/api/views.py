from rest_framework import viewsets

from .. import selectors
from ..filtersets import ApprenticeshipStandardFilterSet, OccupationFilterSet
from .serializers import ApprenticeshipStandardSerializer, OccupationSerializer


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
