"""The API's pagination: page numbers for every list, and keyset cursors for the large ones.

Every list answers `{"count", "next", "previous", "results"}` (DESIGN.md section 5).

- A view may read its page as dicts: `view.list_values(queryset)` gives the page's `.values()`, while
  the count is of the filtered queryset itself (no joins but those its filters need).
- `?page=` and `?page_size=` (up to 1000) work everywhere. The count is exact on every page: a
  list may say where its count never changes (`view.list_count_cache_key(queryset)`, e.g. the rows
  of a stored gap report), and only then is it counted once and kept. Such a list may also say
  where its pages never change (`view.list_page_cache_key(queryset)`, with `view.list_page_version_key`
  naming a token that changes with anything else the pages show). A view's `list_render(values)`
  answers a page of its values as JSON data; with a page key, each page is read and rendered once,
  then answered from the cache (one read for its count, page and token).
- `?cursor=` (lists whose view declares `cursor_ordering`, with `pagination_class =
  PortalCursorPagination`): `?cursor=` (empty) starts a walk in the list's default order; `next`
  and `previous` carry opaque, signed cursors. A page is one index range after (or before) the
  last row seen, however deep the walk, and the count is counted once, when the walk starts, and
  carried by its cursors (it is the count as of the first page). A cursor belongs to the filters it
  was made with; `ordering` and `page` do not combine with it.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.core import signing
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

COUNT_CACHE_SECONDS = 24 * 60 * 60  # only for counts that never change (a stored report's rows)
CURSOR_SALT = "core.api_pagination.cursor"


class _CachedCountPaginator(Paginator):
    """Django's paginator, taking its count from the cache under `count_key` when one is given
    (`count`: its value already read from the cache, or None)."""

    def __init__(self, *args, count_key: str | None = None, count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key, self._kept_count = count_key, count

    @cached_property
    def count(self):
        if self.count_key is None:
            return super().count
        count = self._kept_count if self._kept_count is not None else cache.get(self.count_key)
        if count is None:
            count = super().count
            cache.set(self.count_key, count, COUNT_CACHE_SECONDS)
        return count


def version_token(key: str, known: str | None = None) -> str:
    """The token kept under `key` (`known`: its value already read), made anew when the cache has
    none: whoever changes what it stands for deletes it, and what was kept with the old one is not used."""
    if known is not None:
        return known
    token = cache.get(key)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(key, token, None):
            token = cache.get(key) or token
    return token


class _ValuesList:
    """A filtered list counted as its queryset (no joins but its filters') and read as `values(queryset)`
    (the page's columns, natural keys joined): a view's `list_values`, answered as `render(values)` when
    the view renders its pages. With `page_key`, the rendered page is kept in the cache under that key
    with the token under `version_key` (when given), and used while the token is the same; `kept` holds
    what was already read from the cache."""

    ordered = True

    def __init__(self, queryset, values, *, render=None, page_key: str | None = None,
                 version_key: str | None = None, kept: dict | None = None):
        self.queryset, self.values, self.render = queryset, values, render
        self.page_key, self.version_key, self.kept = page_key, version_key, kept or {}

    def count(self):
        return self.queryset.count()

    def __getitem__(self, index):
        if self.render is None or not isinstance(index, slice):
            return self.values(self.queryset)[index]
        if self.page_key is None:
            return self.render(list(self.values(self.queryset)[index]))
        version = version_token(self.version_key, self.kept.get(self.version_key)) if self.version_key else ""
        stored = self.kept.get(self.page_key)
        if stored is not None and stored[0] == version:
            return stored[1]
        page = self.render(list(self.values(self.queryset)[index]))
        cache.set(self.page_key, (version, page), COUNT_CACHE_SECONDS)
        return page


class PortalPageNumberPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (up to 1000), answering {count, next, previous, results}.

    A page_size that is not a whole number of 1 or more answers 400 naming it (DRF would
    silently use the default); one over 1000 is served 1000 at a time.
    """

    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:  # absent or empty: the default
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({self.page_size_query_param: ["Give a whole number of 1 or more."]})
        return min(size, self.max_page_size)

    def django_paginator_class(self, object_list, per_page, **kwargs):
        view = getattr(self, "_view", None)
        key_for = getattr(view, "list_count_cache_key", None)
        count_key = key_for(object_list) if key_for else None
        values = getattr(view, "list_values", None)
        kept: dict = {}
        if values is not None and isinstance(object_list, QuerySet):
            page_key_for, render = getattr(view, "list_page_cache_key", None), getattr(view, "list_render", None)
            # Pages are kept only where the count is (a list that never changes).
            page_key = page_key_for(object_list) if page_key_for and render and count_key else None
            version_key = getattr(view, "list_page_version_key", None) if page_key else None
            if page_key:  # the page as asked for (its size and number), read with the count and token at once
                number = self.request.query_params.get(self.page_query_param) or "1"
                page_key = f"{page_key}:{per_page}:{hashlib.sha256(number.encode()).hexdigest()[:16]}"
                kept = cache.get_many([key for key in (count_key, page_key, version_key) if key])
            object_list = _ValuesList(object_list, values, render=render, page_key=page_key,
                                      version_key=version_key, kept=kept)
        return _CachedCountPaginator(object_list, per_page, count_key=count_key, count=kept.get(count_key),
                                     **kwargs)

    def paginate_queryset(self, queryset, request, view=None):
        self._view = view
        return super().paginate_queryset(queryset, request, view)


class PortalCursorPagination(PortalPageNumberPagination):
    """Page numbers as everywhere, plus keyset cursors (`?cursor=`) in the view's `cursor_ordering`.

    `cursor_ordering` lists columns of the model's own table, all ascending or all descending, whose
    values together are unique and never null (e.g. `("-period", "-id")`), with a matching index.
    """

    cursor_query_param = "cursor"
    invalid_cursor_message = "This cursor is not one this list gave: start again with cursor= (empty)."

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_mode = self.cursor_query_param in request.query_params
        if not self.cursor_mode:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        for clash in (self.page_query_param, "ordering"):
            if clash in request.query_params:
                raise ValidationError({clash: [f"Leave out {clash} when walking the list by cursor."]})
        ordering = list(view.cursor_ordering)
        self._list = f"{queryset.model._meta.label}:{','.join(ordering)}"
        descending = ordering[0].startswith("-")
        columns = [name.lstrip("-") for name in ordering]
        page_size = self.get_page_size(request)
        filters = self._filters_digest(request)
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            position = self._decode(raw, filters, queryset.model, columns)
            backwards, keys, self.count = position["b"], position["k"], position["c"]
        else:
            backwards, keys, self.count = False, None, queryset.order_by().count()
        walk_descending = descending != backwards
        rows = queryset.order_by(*[f"-{c}" if walk_descending else c for c in columns])
        if keys is not None:
            lookup = TupleLessThan if walk_descending else TupleGreaterThan
            rows = rows.filter(lookup(Tuple(*[F(c) for c in columns]), tuple(keys)))
        values = getattr(view, "list_values", None)
        page = list((values(rows) if values is not None else rows)[: page_size + 1])
        more = len(page) > page_size
        page = page[:page_size]
        if backwards:
            page.reverse()
        self._columns, self._filters = columns, filters
        has_next, has_previous = (True, more) if backwards else (more, keys is not None)
        self._next = self._token(page[-1], False) if page and has_next else None
        self._previous = self._token(page[0], True) if page and has_previous else None
        return page

    def get_paginated_response(self, data):
        if not getattr(self, "cursor_mode", False):
            return super().get_paginated_response(data)
        return Response({"count": self.count, "next": self._link(self._next), "previous": self._link(self._previous),
                         "results": data})

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Walk the list by keyset cursor instead of page numbers: send it empty for the first "
                "page, then follow `next` and `previous`. The count is the count when the walk started.",
                "schema": {"type": "string"},
            },
        ]

    # --- cursors -----------------------------------------------------------------------------------

    def _filters_digest(self, request) -> str:
        params = sorted(
            (name, value) for name, values in request.query_params.lists() for value in values
            if name not in (self.cursor_query_param, self.page_size_query_param)
        )
        return hashlib.sha256(json.dumps(params).encode()).hexdigest()[:16]

    def _token(self, row, backwards: bool) -> str:
        keys = [_value(row, column) for column in self._columns]
        return signing.dumps({"k": keys, "b": backwards, "c": self.count, "f": self._filters},
                             salt=f"{CURSOR_SALT}:{self._list}", compress=True)

    def _decode(self, raw: str, filters: str, model, columns: list[str]) -> dict:
        try:  # signed for this list (its model and order): another list's cursor is not one of its own
            position = signing.loads(raw, salt=f"{CURSOR_SALT}:{self._list}")
        except signing.BadSignature:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None
        if position.get("f") != filters:
            raise ValidationError({self.cursor_query_param: [
                "This cursor was made for other filters: start again with cursor= (empty)."
            ]})
        fields = [model._meta.get_field(column) for column in columns]
        position["k"] = [field.to_python(value) for field, value in zip(fields, position["k"], strict=True)]
        return position

    def _link(self, token):
        if token is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, token)


def _value(row, column: str):
    value = row[column] if isinstance(row, dict) else getattr(row, column)
    return value.isoformat() if hasattr(value, "isoformat") else value
