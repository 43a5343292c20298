"""Large lists read as `.values()` and rendered exactly as their ModelSerializer renders instances.

A page of 100 vacancies as model instances builds five objects a row (the row and its joined
trust, board, region and occupation) and runs a serializer per row: most of a list request's time
at England scale (issue 13). A `ValuesRendering` renders dicts instead, with the serializer's own
fields (their `to_representation`: the same rounding of decimals, the same dates and time zones),
so the JSON stays key for key and character for character what the serializer gives.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable

from django.utils.functional import cached_property
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField


def decimal_representation(field: serializers.DecimalField) -> Callable:
    """`field.to_representation` of a non-null value, with its context made once instead of per value:
    the same quantize (places, rounding, max_digits as precision) and the same text. Fields with
    options that change the text (not coerced to a string, localized, normalized) keep their own."""
    coerce = getattr(field, "coerce_to_string", serializers.api_settings.COERCE_DECIMAL_TO_STRING)
    if field.decimal_places is None or not coerce or field.localize or field.normalize_output:
        return field.to_representation
    exponent = decimal.Decimal(".1") ** field.decimal_places
    rounding = field.rounding
    context = decimal.DefaultContext.copy()  # DRF copies the thread's context, which starts as this one
    if field.max_digits is not None:
        context.prec = field.max_digits

    def represent(value):
        if not isinstance(value, decimal.Decimal):
            value = decimal.Decimal(str(value).strip())
        return f"{value.quantize(exponent, rounding=rounding, context=context):f}"

    return represent


def representation(field) -> Callable:
    """How `field` shows a non-null value."""
    if isinstance(field, serializers.DecimalField):
        return decimal_representation(field)
    return field.to_representation


class ValuesRendering:
    """Render `.values()` rows as `serializer_class` renders instances.

    `sources` names the values key of a field when it is not the field's name (a related field's
    natural key, e.g. {"trust": "trust_code"}): a related field's value is its key, shown as is.
    `computed` gives a field's value from the whole row (e.g. a property of the model); the field
    then renders it. None is shown as null, as a serializer does.
    """

    def __init__(self, serializer_class, *, sources: dict[str, str] | None = None,
                 computed: dict[str, Callable[[dict], object]] | None = None):
        self.serializer_class = serializer_class
        self.sources = sources or {}
        self.computed = computed or {}

    @cached_property
    def plan(self) -> list[tuple[str, str, Callable | None, Callable | None]]:
        plan = []
        for name, field in self.serializer_class().fields.items():
            if field.write_only:
                continue
            related = isinstance(field, RelatedField | ManyRelatedField)
            plan.append((name, self.sources.get(name, name), self.computed.get(name),
                         None if related else representation(field)))
        return plan

    def __call__(self, rows: Iterable[dict]) -> list[dict]:
        plan = self.plan
        rendered = []
        for row in rows:
            item = {}
            for name, key, compute, represent in plan:
                value = compute(row) if compute is not None else row[key]
                item[name] = None if value is None else (represent(value) if represent is not None else value)
            rendered.append(item)
        return rendered
