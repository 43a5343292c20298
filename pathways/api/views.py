from rest_framework import viewsets

from .. import selectors, services
from ..filtersets import (
    ApprenticeshipStandardFilterSet,
    CompletionRateFilterSet,
    EntryRouteFilterSet,
    OccupationFilterSet,
    ProgressionFilterSet,
)
from .serializers import (
    ApprenticeshipStandardSerializer,
    CompletionRateSerializer,
    EntryRouteSerializer,
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


class CompletionRateViewSet(viewsets.ModelViewSet):
    """Default completion rates by qualification type, with their low and high values (DESIGN.md 6.2), keyed
    by the type (t_level, apprenticeship, ...). Read by everyone signed in; written by staff. A type without
    a row here uses the portal's seed value (pathways.vocabulary.DEFAULT_COMPLETION_RATES)."""

    queryset = selectors.completion_rate_list()
    serializer_class = CompletionRateSerializer
    filterset_class = CompletionRateFilterSet
    lookup_field = "qualification_type"
    lookup_value_regex = r"[a-z_]+"
    ordering_fields = ["qualification_type", "rate", "rate_low", "rate_high"]

    def perform_create(self, serializer):
        serializer.instance = services.completion_rate_create(data=serializer.validated_data, user=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.completion_rate_update(
            rate=serializer.instance, data=serializer.validated_data, user=self.request.user
        )
