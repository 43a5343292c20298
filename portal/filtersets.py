import django_filters
from django.db.models import Q


class PortalFilterSet(django_filters.FilterSet):
    """Base FilterSet shared by a list page and its API endpoint: adds free-text `q`.

    Subclasses name the fields `q` searches in `search_fields` (icontains on each).
    """

    q = django_filters.CharFilter(method="search", label="Search")
    search_fields: tuple[str, ...] = ()
    search_label = "Search"  # what `q` searches, in the list's own words

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].label = self.search_label

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)
