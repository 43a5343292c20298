"""Serializer fields shared by every app's API."""

from rest_framework import serializers


class NaturalKeyField(serializers.SlugRelatedField):
    """A related object named by its natural key (a code, a UKPRN, a reference).

    Anything but a non-empty string, and any key naming no object, answers 400 naming the
    field; nothing reaches the database but a string. Each key is looked up once per request:
    the lookups live in the serializer context, so the items of a bulk request share them
    (see `prefetch_natural_keys`).
    """

    default_error_messages = {
        "does_not_exist": "No {model} has {slug_name} {value}.",
        "invalid": "Give the {model}'s {slug_name} as a string.",
    }

    def _cache(self) -> dict:
        model = self.queryset.model  # not get_queryset(): that clones a queryset on every call
        return self.context.setdefault("natural_keys", {}).setdefault((model._meta.label, self.slug_field), {})

    def _key_name(self) -> str:
        return self.slug_field.rsplit("__", 1)[-1]

    def to_internal_value(self, data):
        model_name = self.queryset.model._meta.verbose_name
        if not isinstance(data, str) or not data:
            self.fail("invalid", model=model_name, slug_name=self._key_name())
        cache = self._cache()
        if data not in cache:
            cache[data] = self.get_queryset().filter(**{self.slug_field: data}).first()
        if cache[data] is None:
            self.fail("does_not_exist", model=model_name, slug_name=self._key_name(), value=data)
        return cache[data]


def prefetch_natural_keys(serializer_class, items, context) -> None:
    """Resolve every natural key named in `items` with one query per related model."""
    serializer = serializer_class(context=context)
    for name, field_ in serializer.fields.items():
        if not isinstance(field_, NaturalKeyField) or field_.read_only:
            continue
        # Only well-formed keys are fetched; anything else is left for the field to reject.
        keys = {item.get(name) for item in items if isinstance(item, dict) and isinstance(item.get(name), str)}
        keys.discard("")
        if not keys:
            continue
        cache = field_._cache()
        found = {
            key: obj
            for obj in field_.get_queryset().filter(**{f"{field_.slug_field}__in": keys})
            for key in [field_.to_representation(obj)]
        }
        for key in keys:
            cache[key] = found.get(key)
