import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

_BOOLEANS = {
    True: True, "True": True, "true": True, "1": True, "2": True,
    False: False, "False": False, "false": False, "0": False, "3": False,
    None: None, "": None, "unknown": None,
}


class StrictNullBooleanSelect(forms.NullBooleanSelect):
    """Django's select maps any unknown value to "no filter"; this one passes it on to be refused."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        return _BOOLEANS.get(value, value) if isinstance(value, str | bool | None) else value


class StrictNullBooleanField(forms.NullBooleanField):
    """A yes/no filter: true or false (or empty, for no filter); anything else is an error,
    never silently "no filter" (which would return every row)."""

    widget = StrictNullBooleanSelect

    def to_python(self, value):
        # Pages may show it with a plain select, which hands over the raw text.
        if isinstance(value, str | bool | None) and value in _BOOLEANS:
            return _BOOLEANS[value]
        raise ValidationError("Enter true or false.", code="invalid")

    def validate(self, value):
        pass


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
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.BooleanFilter):
                filter_.field_class = StrictNullBooleanField

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)
