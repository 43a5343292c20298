import re

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


class PageBooleanSelect(forms.Select):
    """A yes/no filter as a page's drop-down of its own choices ("" for any): it reads values as
    StrictNullBooleanSelect does and shows the chosen one as selected."""

    def value_from_datadict(self, data, files, name):
        return StrictNullBooleanSelect.value_from_datadict(self, data, files, name)

    def format_value(self, value):
        return [{True: "true", False: "false", None: ""}.get(value, str(value))]


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
    # How the list page shows a filter that the API takes as a plain code: {name: (label, choices)},
    # choices a list of (value, text) pairs or a callable returning one; the page gets a drop-down
    # with a first "Any". Declared here, beside the filter, so page and API describe it alike.
    page_selects: dict = {}
    # Labels and hints the page uses where its words differ from the API's ({name: text}).
    page_labels: dict[str, str] = {}
    page_help_texts: dict[str, str] = {}
    # Form fields the page uses instead of the filter's own ({name: callable returning a form field}),
    # e.g. the NHS date input's month and year for a month the API takes as 2026-06-01.
    page_fields: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].label = self.search_label
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.BooleanFilter):
                filter_.field_class = StrictNullBooleanField

    def for_page(self):
        """Shape the filter form for a list page: search first, codes as drop-downs, page labels."""
        fields = self.form.fields
        if "q" in fields:
            self.form.fields = fields = {"q": fields.pop("q"), **fields}
        for name, (label, choices) in self.page_selects.items():
            choices = choices() if callable(choices) else choices
            field = fields[name]
            # A yes/no filter keeps its widget, which reads "true"/"false" as the field expects.
            widget = PageBooleanSelect() if isinstance(field, forms.NullBooleanField) else forms.Select()
            widget.choices = [("", "Any"), *choices]
            field.widget = widget
            field.label = label
        for name, label in self.page_labels.items():
            fields[name].label = label
        for name, text in self.page_help_texts.items():
            fields[name].help_text = text
        for name, make in self.page_fields.items():
            fields[name] = make()
        for field in fields.values():
            if isinstance(field, forms.ChoiceField) and hasattr(field, "empty_label"):
                field.empty_label = "Any"
        return self

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


# --- Word-prefix search: "nurse" finds "Nursing associates" -------------------------------------

WORD_PATTERN = re.compile(r"[a-z0-9]+")
# Endings taken off a search word so that its forms find each other ("nurse", "nurses", "nursing"
# all become "nurs"), longest first; a stem keeps at least MIN_STEM letters.
SUFFIXES = ("ings", "ing", "ists", "ist", "ers", "er", "ies", "es", "s", "e", "y")
MIN_STEM = 4
MAX_SEARCH_WORDS = 10  # words beyond these are ignored: each is one more pattern in the query


def search_stems(value: str) -> list[str]:
    """The stems of the words of a search, in order, each once: lower case letters and digits only."""
    stems: list[str] = []
    for word in WORD_PATTERN.findall(value.lower()):
        stem = word
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                stem = word[: -len(suffix)]
                break
        if stem not in stems:
            stems.append(stem)
    return stems[:MAX_SEARCH_WORDS]


def word_prefix_q(fields: tuple[str, ...], value: str) -> Q:
    """Rows where every word of `value` (as a stem) begins a word of one of `fields`, case aside.

    The pattern is plain enough for PostgreSQL's and Python's (SQLite) regular expressions alike."""
    condition = Q()
    for stem in search_stems(value):
        pattern = r"(^|[^a-z0-9])" + re.escape(stem)
        either = Q()
        for field in fields:
            either |= Q(**{f"{field}__iregex": pattern})
        condition &= either
    return condition
