"""The API's filter backend: django-filter, plus the two rules every list obeys.

- A query parameter the endpoint does not understand answers 400 naming it (a misspelt
  filter must not silently return everything).
- Every parameter's name and value is storable text (no NUL, no lone surrogate), checked by
  the same rule as request bodies (core.text).
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from core.text import check_text

# Understood by every endpoint: DRF's format override.
GENERAL_PARAMETERS = frozenset({"format"})


def known_parameters(request, view, filterset_class) -> set[str]:
    """The query parameters `view` understands: its filters, ordering and pagination."""
    known = set(GENERAL_PARAMETERS)
    if filterset_class is not None:
        known |= set(filterset_class.base_filters)
    for backend in getattr(view, "filter_backends", ()):
        if issubclass(backend, OrderingFilter):
            known.add(backend.ordering_param)
    paginator = getattr(view, "paginator", None)
    for attribute in ("page_query_param", "page_size_query_param", "limit_query_param", "offset_query_param",
                      "cursor_query_param"):
        name = getattr(paginator, attribute, None)
        if name:
            known.add(name)
    return known


def check_query_parameters(request, view, filterset_class) -> None:
    for name, values in request.query_params.lists():
        for value in values:
            check_text(value, name=name)
    unknown = sorted(set(request.query_params) - known_parameters(request, view, filterset_class))
    if unknown:
        known = ", ".join(sorted(known_parameters(request, view, filterset_class)))
        raise ValidationError(
            {name: [f"Unknown query parameter. This endpoint understands: {known}."] for name in unknown}
        )


class PortalFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        check_query_parameters(request, view, self.get_filterset_class(view, queryset))
        return super().filter_queryset(request, queryset, view)
