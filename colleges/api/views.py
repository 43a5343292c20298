from rest_framework import viewsets

from .. import selectors
from ..filtersets import CollegeFilterSet
from .serializers import CollegeSerializer


class CollegeViewSet(viewsets.ModelViewSet):
    """Further education colleges, keyed by UKPRN."""

    queryset = selectors.college_list()
    serializer_class = CollegeSerializer
    filterset_class = CollegeFilterSet
    lookup_field = "ukprn"
    ordering_fields = ["ukprn", "name"]
