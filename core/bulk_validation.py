"""Validating thousands of bulk items with the API's own serializer, fast.

`validate_items(serializer, items)` answers what `serializer.run_validation(item)` answers for
each item, but first tries a plan compiled from the serializer's own field declarations (types,
lengths, choices, ranges, patterns, related-object lookups): an item the plan accepts gets the
same values the serializer would give, in a fraction of the time; any item the plan does not
accept outright (anything unusual, and every invalid item) goes through the serializer itself,
so every error message is the serializer's. A field the plan does not know sends every item
that carries it to the serializer. Ground floor: imports no app of the portal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import validators as django_validators
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import ISO_8601, fields, relations, serializers
from rest_framework.fields import empty

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_DECIMAL_TEXT = re.compile(r"[0-9]+(\.[0-9]+)?")


class _Refer(Exception):
    """The plan cannot vouch for this value: ask the serializer."""


def _limits(field) -> tuple[Any, Any, bool]:
    """(minimum, maximum, understood) from the field's own limits and its validators."""
    low, high = getattr(field, "min_value", None), getattr(field, "max_value", None)
    for validator in field.validators:
        if isinstance(validator, django_validators.MinValueValidator) and not callable(validator.limit_value):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, django_validators.MaxValueValidator) and not callable(validator.limit_value):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
        elif isinstance(validator, django_validators.DecimalValidator):
            continue
        else:
            return low, high, False
    return low, high, True


def _text_check(field) -> Callable[[Any], str] | None:
    known = (
        django_validators.MaxLengthValidator, django_validators.MinLengthValidator,
        django_validators.ProhibitNullCharactersValidator, fields.ProhibitSurrogateCharactersValidator,
        django_validators.RegexValidator,
    )
    if not all(isinstance(v, known) for v in field.validators) or getattr(field, "allow_blank", False):
        return None
    regexes = [v for v in field.validators if isinstance(v, django_validators.RegexValidator)]
    if any(v.inverse_match or v.flags for v in regexes):
        return None
    patterns = [v.regex for v in regexes]
    longest, shortest, trim = field.max_length, field.min_length, field.trim_whitespace

    def check(value) -> str:
        if type(value) is not str:
            raise _Refer
        text = value.strip() if trim else value
        if not text or (longest is not None and len(text) > longest) or (shortest is not None and len(text) < shortest):
            raise _Refer
        if not text.isascii() and _SURROGATE.search(text):
            raise _Refer
        if "\x00" in text:
            raise _Refer
        for pattern in patterns:
            if not pattern.search(text):
                raise _Refer
        return text

    return check


def _field_check(field) -> Callable[[Any], Any] | None:
    """A function giving the field's value for an input it is sure of (raising _Refer otherwise), or None."""
    if isinstance(field, relations.SlugRelatedField):
        def related(value):
            if type(value) is not str or not value:
                raise _Refer
            try:
                return field.to_internal_value(value)
            except serializers.ValidationError:
                raise _Refer from None
        return related
    if isinstance(field, fields.ChoiceField) and type(field) in (fields.ChoiceField,):
        if field.validators:
            return None
        choices = {key for key in field.choices if isinstance(key, str)}

        def choice(value):
            if type(value) is not str or value not in choices:
                raise _Refer
            return field.choice_strings_to_values[value]
        return choice
    if type(field) in (fields.CharField, fields.RegexField):
        return _text_check(field)
    if type(field) is fields.IntegerField:
        low, high, understood = _limits(field)
        if not understood:
            return None

        def integer(value):
            if type(value) is not int or (low is not None and value < low) or (high is not None and value > high):
                raise _Refer
            return value
        return integer
    if type(field) is fields.DecimalField:
        low, high, understood = _limits(field)
        if not understood or field.localize or field.decimal_places is None:
            return None

        def decimal(value):
            if type(value) is not str or not _DECIMAL_TEXT.fullmatch(value):
                raise _Refer
            try:
                number = field.validate_precision(Decimal(value))
            except (InvalidOperation, serializers.ValidationError):
                raise _Refer from None
            if (low is not None and number < low) or (high is not None and number > high):
                raise _Refer
            return field.quantize(number)
        return decimal
    if type(field) is fields.DateField:
        formats = getattr(field, "input_formats", None) or serializers.api_settings.DATE_INPUT_FORMATS
        if ISO_8601 not in [f.lower() for f in formats]:
            return None
        # Plain validators (e.g. the planning-date range) are run as the serializer runs them; any
        # refusal goes to the serializer for its message. One that needs the serializer's context does not.
        checks = list(field.validators)
        if any(getattr(v, "requires_context", False) for v in checks):
            return None

        def date(value):
            if type(value) is not str or not _ISO_DATE.fullmatch(value):
                raise _Refer
            try:
                day = dt.date.fromisoformat(value)
                for check in checks:
                    check(day)
            except (ValueError, DjangoValidationError, serializers.ValidationError):
                raise _Refer from None
            return day
        return date
    return None


class _Plan:
    def __init__(self, serializer: serializers.Serializer):
        cls = type(serializer)
        self.usable = cls.validate is serializers.Serializer.validate and not serializer.validators
        self.fields: list[tuple[str, Callable | None, dict | None, bool, bool]] = []
        for name, field in serializer.fields.items():
            if field.read_only:
                continue
            check = None if hasattr(serializer, f"validate_{name}") else _field_check(field)
            if field.default is not empty or field.source != name:
                check = None
            # The fields other than integers accept only strings, and the same string always gives the same
            # result within one plan (one request's items): those results are remembered.
            memo = {} if check is not None and type(field) is not fields.IntegerField else None
            self.fields.append((name, check, memo, field.required, field.allow_null))

    def values(self, item) -> dict:
        if type(item) is not dict:
            raise _Refer
        values = {}
        for name, check, memo, required, allow_null in self.fields:
            value = item.get(name, empty)
            if value is empty:
                if required:
                    raise _Refer
                continue
            if value is None:
                if not allow_null:
                    raise _Refer
                values[name] = None
                continue
            if check is None:
                raise _Refer
            if memo is not None and type(value) is str:
                result = memo.get(value, empty)
                if result is empty:
                    result = memo[value] = check(value)
                values[name] = result
            else:
                values[name] = check(value)
        return values


def validate_items(
    serializer: serializers.Serializer, items: Sequence[Any]
) -> tuple[dict[int, Mapping[str, Any]], dict[int, Any]]:
    """({index: validated values} of the valid items, {index: errors} of the others), as
    `serializer.run_validation(item)` answers them item by item."""
    plan = _Plan(serializer)
    rows, errors = {}, {}
    for index, item in enumerate(items):
        if plan.usable:
            try:
                rows[index] = plan.values(item)
                continue
            except _Refer:
                pass
        try:
            rows[index] = serializer.run_validation(item)
        except serializers.ValidationError as exc:
            errors[index] = exc.detail
    return rows, errors
