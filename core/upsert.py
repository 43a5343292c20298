"""The one upsert engine: write many records by natural key, all or nothing, with history.

Callers validate first (each item through the same serializer or checks that a single
write uses) and hand over unsaved model instances (or, for thousands of items, the same as
plain rows of values by attname: no instance is built); the engine matches them on the natural
key, writes them in one transaction with exactly one django-simple-history row per created
or changed record (none for an unchanged one) and answers created / changed / unchanged.

On PostgreSQL the database decides: the rows are copied (COPY) into a session's temporary
staging table, then one statement per natural key,

    WITH up AS (INSERT INTO t SELECT ... FROM stage ORDER BY key
                ON CONFLICT (key) DO UPDATE SET ... WHERE (t.values) IS DISTINCT FROM (excluded.values)
                RETURNING t.*, (t.xmax = 0) AS created),
         h AS (INSERT INTO t_history SELECT ... FROM up RETURNING history_type)
    SELECT count(*) FILTER (WHERE created), ... ,

inserts, updates and writes the history rows at once. Concurrent requests overlapping on new
keys wait for each other on the unique index instead of failing; rows are taken in key order
so that they rarely deadlock, and a deadlock or serialization failure is retried a few times
before answering 503 with a JSON message. On other databases (the SQLite default) the same
matching is done with the ORM inside one transaction, retried while the database is locked.

This module is ground floor: it imports no app of the portal; models come as arguments.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import operator
import random
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, OperationalError, ProgrammingError, connection, models, router, transaction
from django.db.models import signals
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException

# Sent (sender: the model) after an upsert that created or changed records, once its transaction
# commits (the engine writes with SQL, so no post_save is sent): `result` is its UpsertResult.
records_upserted = signals.ModelSignal(use_caching=True)

RETRIES = 4  # attempts after the first, on a deadlock, serialization failure or locked database
BATCH_SIZE = 1000  # rows per statement on the ORM path
RETRYABLE_PGCODES = {"40P01", "40001", "55P03"}  # deadlock, serialization failure, lock not available


class UpsertBusy(APIException):
    """Other writers kept the same records locked through every retry: nothing was written (503)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = (
        "Other uploads are changing the same records right now, so nothing was written. "
        "Please send the same request again in a moment."
    )
    default_code = "busy"


class UpsertRefused(APIException):
    """The database refused the rows (a reference deleted meanwhile, say): nothing was written (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "The records could not be written because something they refer to changed at the same time. "
        "Nothing was written: check the references and send the request again."
    )
    default_code = "conflict"


# The two answers above, for the OpenAPI schema of every bulk endpoint.
BULK_CONTENTION = {
    409: OpenApiResponse(description="The database refused the items (something they refer to changed meanwhile): "
                                     '`{"detail": "..."}`; nothing was written.'),
    503: OpenApiResponse(description="Other requests kept the same records locked through every retry: "
                                     '`{"detail": "..."}`; nothing was written: send the request again.'),
}


@dataclass(frozen=True)
class NaturalKey:
    """A unique key of the model: its field names and, for a partial unique index, the index's
    condition in SQL (over the table's columns) with the same condition in Python."""

    fields: tuple[str, ...]
    where: str = ""
    applies: Callable[[models.Model], bool] | None = None

    def covers(self, obj: models.Model) -> bool:
        return self.applies is None or self.applies(obj)


@dataclass(frozen=True)
class UpsertSpec:
    """How a model is upserted: its natural keys (each instance uses the first that applies to it),
    the fields a writer gives (compared and replaced on a match; None: every field; the others
    keep their default on create and their stored value on update), and the fields set only
    when a record is created and then left alone (users correct them)."""

    model: type[models.Model]
    keys: tuple[NaturalKey, ...]
    keep_on_update: tuple[str, ...] = ()
    fields: tuple[str, ...] | None = None
    history: bool = True  # write django-simple-history rows when the model has them

    def key_for(self, obj: models.Model) -> NaturalKey:
        for key in self.keys:
            if key.covers(obj):
                return key
        raise ValueError(f"No natural key of {self.model.__name__} covers {obj!r}")

    def key_value(self, obj: models.Model) -> tuple:
        key = self.key_for(obj)
        return (key.fields, *(getattr(obj, attname) for attname in _key_attnames(self.model, key.fields)))

    @property
    def writable_fields(self) -> list[models.Field]:
        """Every concrete field a caller gives: not the primary key and not the automatic timestamps."""
        return [
            f for f in self.model._meta.concrete_fields
            if not f.primary_key and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)
        ]

    def value_fields(self, key: NaturalKey) -> list[models.Field]:
        """The fields compared and replaced on a match."""
        skip = {*key.fields, *self.keep_on_update}
        given = self.fields
        return [f for f in self.writable_fields if f.name not in skip and (given is None or f.name in given)]

    @property
    def history_model(self):
        history = getattr(self.model, "history", None) if self.history else None
        return getattr(history, "model", None)


@dataclass
class UpsertResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def as_counts(self) -> dict[str, int]:
        """The API's shape: {created, updated, unchanged}."""
        return {"created": self.created, "updated": self.changed, "unchanged": self.unchanged}


@dataclass
class UpsertPreview:
    """What an upsert would do (a read: nothing locked or written). `changed` pairs each stored
    record, with the new values set on it, with {field: (old, new)}."""

    created: list[models.Model] = field(default_factory=list)
    changed: list[tuple[models.Model, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    unchanged: list[models.Model] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {"created": len(self.created), "updated": len(self.changed), "unchanged": len(self.unchanged)}


def _field(model, name: str) -> models.Field:
    return model._meta.get_field(name)


@functools.lru_cache(maxsize=256)
def _key_attnames(model, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_field(model, name).attname for name in names)


# --------------------------------------------------------------------------------------
# Building the instances to write
# --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _build_plan(model) -> tuple[tuple, frozenset[str]] | None:
    """Per concrete field: (name, attname, the related key's attname or None, field); and every name a
    value may be given under. None when `build` must use the model's own __init__."""
    opts = model._meta
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return None
    if list(opts.fields) != list(opts.concrete_fields) or any(f.generated for f in opts.concrete_fields):
        return None
    plan = []
    for f in opts.concrete_fields:
        if f.is_relation:
            if type(f) is not models.ForeignKey or len(f.foreign_related_fields) != 1:
                return None  # one-to-one (reverse caches) and composite keys: Django's own path
            plan.append((f.name, f.attname, f.target_field.attname, f))
        else:
            plan.append((f.name, f.attname, None, f))
    return tuple(plan), frozenset(name for name, attname, _, _ in plan for name in (name, attname))


def build(model: type[models.Model], values: dict[str, Any]) -> models.Model:
    """`model(**values)`, an unsaved instance, without Django's per-field descriptor work: the same
    attributes, defaults, cached related objects and database state (pinned by
    tests/portal/test_upsert_build.py). Values name concrete fields, related ones by object (`college`)
    or by key (`college_id`). A model with pre_init/post_init receivers, a one-to-one field, or
    values naming anything else is built by `model(**values)` itself."""
    plan = _build_plan(model)
    if plan is None or not values.keys() <= plan[1]:
        return model(**values)
    obj = model.__new__(model)
    state = obj._state = models.base.ModelState()
    cache = state.fields_cache
    attributes = obj.__dict__
    for name, attname, target, f in plan[0]:
        if target is not None and name in values:
            related = values[name]
            if related is None:
                attributes[attname] = None
            else:
                if not isinstance(related, f.remote_field.model):
                    return model(**values)  # Django's own message for the wrong kind of object
                attributes[attname] = getattr(related, target)
                if state.db is None:
                    state.db = router.db_for_write(model, instance=related)
                if related._state.db is None:
                    related._state.db = router.db_for_write(type(related), instance=obj)
            cache[name] = related
        elif attname in values:
            attributes[attname] = values[attname]
        else:
            attributes[attname] = f.get_default()
    return obj


def duplicates(spec: UpsertSpec, objs: Sequence[models.Model]) -> dict[int, int]:
    """{index: index of the first item with the same natural key} for every repeated item."""
    if len(spec.keys) == 1 and spec.keys[0].applies is None:  # one key for all: compare the values at once
        values = operator.attrgetter(*_key_attnames(spec.model, spec.keys[0].fields))
        if len(set(map(values, objs))) == len(objs):
            return {}
    first: dict[tuple, int] = {}
    repeated: dict[int, int] = {}
    for index, obj in enumerate(objs):
        key = spec.key_value(obj)
        if key in first:
            repeated[index] = first[key]
        else:
            first[key] = index
    return repeated


# --------------------------------------------------------------------------------------
# Matching stored records (the preview, and the ORM path)
# --------------------------------------------------------------------------------------


def _stored(spec: UpsertSpec, objs: Sequence[models.Model], *, lock: bool = False,
            select_related: Sequence[str] = ()) -> dict[tuple, models.Model]:
    """The stored records matching `objs`, by natural key value: one query per natural key."""
    found: dict[tuple, models.Model] = {}
    by_key: dict[NaturalKey, list[models.Model]] = {}
    for obj in objs:
        by_key.setdefault(spec.key_for(obj), []).append(obj)
    for key, group in by_key.items():
        attnames = [_field(spec.model, name).attname for name in key.fields]
        rows = spec.model._default_manager.filter(
            **{f"{attname}__in": {getattr(obj, attname) for obj in group} for attname in attnames}
        ).select_related(*select_related)
        if lock:
            rows = rows.select_for_update(of=("self",)) if select_related else rows.select_for_update()
        for row in rows:
            if key.covers(row):
                found[spec.key_value(row)] = row
    return found


def _differences(spec: UpsertSpec, stored: models.Model, obj: models.Model) -> dict[str, tuple[Any, Any]]:
    key = spec.key_for(obj)
    return {
        f.name: (getattr(stored, f.name), getattr(obj, f.name))
        for f in spec.value_fields(key)
        if getattr(stored, f.attname) != getattr(obj, f.attname)
    }


def upsert_preview(
    *, spec: UpsertSpec, objs: Sequence[models.Model], select_related: Sequence[str] = ()
) -> UpsertPreview:
    """What `upsert` would do with `objs` now, computed by reading (one query per natural key)."""
    preview = UpsertPreview()
    stored = _stored(spec, objs, select_related=select_related)
    for obj in objs:
        current = stored.get(spec.key_value(obj))
        if current is None:
            preview.created.append(obj)
            continue
        changes = _differences(spec, current, obj)
        if not changes:
            preview.unchanged.append(current)
            continue
        for name in changes:
            setattr(current, name, getattr(obj, name))
        preview.changed.append((current, changes))
    return preview


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def upsert(*, spec: UpsertSpec, objs: Sequence[models.Model] = (), rows: Sequence[dict[str, Any]] | None = None,
           user=None, reason: str = "") -> UpsertResult:
    """Create or update `objs` by natural key, all or nothing, with one history row per write.

    `objs` are validated, unsaved instances with distinct natural keys (see `duplicates`). Instead,
    `rows` may give the same as plain values, one dict per record by attname (`college_id`), naming
    every writable field: on PostgreSQL they are copied as they are, with no instance built (the bulk
    endpoints' thousands of items); elsewhere they are built into instances (`build`).
    Raises UpsertBusy (503) when other writers keep the records locked through every retry,
    UpsertRefused (409) when the database refuses the rows; nothing is written either way.
    """
    if rows is not None:
        if objs:
            raise ValueError("upsert() takes objs or rows, not both")
        rows = list(rows)
        if not rows:
            return UpsertResult()
        if not _plain_rows_usable(spec):
            objs, rows = [build(spec.model, row) for row in rows], None
    if rows is not None:
        _check_rows(spec, rows)
        write = functools.partial(_pg_write, rows=True)
        objs = rows
    else:
        objs = list(objs)
        if not objs:
            return UpsertResult()
        if duplicates(spec, objs):
            raise ValueError("upsert() was given two items with the same natural key")
        write = _pg_write if connection.vendor == "postgresql" else _orm_write
    for attempt in range(RETRIES + 1):
        try:
            with transaction.atomic():
                result = write(spec, objs, user=user, reason=reason)
                if result.created or result.changed:
                    transaction.on_commit(
                        lambda result=result: records_upserted.send(sender=spec.model, result=result), robust=True
                    )
                return result
        except OperationalError as exc:
            if not _retryable(exc) or attempt == RETRIES:
                if _retryable(exc):
                    raise UpsertBusy() from exc
                raise
        except IntegrityError as exc:
            # On PostgreSQL ON CONFLICT settles every race on the key: what remains is a reference or
            # a rule the database refused. The ORM path may also lose a race on a new key: retry it.
            if connection.vendor == "postgresql" or attempt == RETRIES:
                raise UpsertRefused() from exc
        time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
    raise UpsertBusy()  # not reached


def _plain_rows_usable(spec: UpsertSpec) -> bool:
    """Whether `rows` are written as they are: on PostgreSQL, one natural key for every record, and every
    writable field's value already what COPY reads (PLAIN_TYPES)."""
    return (
        connection.vendor == "postgresql" and len(spec.keys) == 1 and spec.keys[0].applies is None
        and all(f.get_internal_type() in PLAIN_TYPES for f in spec.writable_fields)
    )


def _check_rows(spec: UpsertSpec, rows: list[dict[str, Any]]) -> None:
    """Rows name every writable field (by attname) and have distinct natural keys."""
    needed = {f.attname for f in spec.writable_fields}
    for row in rows:
        if not needed <= row.keys():
            raise ValueError(f"upsert() rows must give every writable field: {sorted(needed - row.keys())} missing")
    if spec.value_fields(spec.keys[0]):
        return  # ON CONFLICT DO UPDATE refuses a key given twice itself (see _pg_write), with no tuple per row here
    key = operator.itemgetter(*_key_attnames(spec.model, spec.keys[0].fields))
    if len(set(map(key, rows))) != len(rows):  # DO NOTHING would skip the second silently
        raise ValueError("upsert() was given two items with the same natural key")


def _retryable(exc: Exception) -> bool:
    cause = exc.__cause__
    code = getattr(cause, "pgcode", None)
    if code is not None:
        return code in RETRYABLE_PGCODES
    return "locked" in str(exc).lower() or "deadlock" in str(exc).lower()


# --- PostgreSQL: COPY into a staging table, then INSERT ... ON CONFLICT ... RETURNING ------


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# Fields whose Python value, as text, is already what PostgreSQL reads (get_db_prep_save is slow).
PLAIN_TYPES = {
    "CharField", "TextField", "SlugField", "EmailField", "URLField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField",
    "DecimalField", "DateField", "BooleanField", "ForeignKey", "OneToOneField",
}


# Python types whose str() is already COPY text (no tab, newline or backslash can occur in it).
_SAFE_TEXT_TYPES = (int, Decimal, dt.date)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_line(values: tuple) -> str:
    """One row of plain values (see PLAIN_TYPES) as a line of COPY text, as `_copy_text` writes each."""
    return "\t".join([
        "\\N" if value is None
        else (value if value.isprintable() and "\\" not in value else value.translate(_COPY_ESCAPES))
        if type(value) is str
        else str(value) if type(value) in _SAFE_TEXT_TYPES
        else _copy_text(value)
        for value in values
    ])


def _copy_column(f: models.Field) -> Callable[[models.Model], str]:
    """The field's value of an instance, as COPY text."""
    attname = f.attname
    if f.get_internal_type() not in PLAIN_TYPES:
        return lambda obj: _copy_text(f.get_db_prep_save(getattr(obj, attname), connection))
    # A relation's attname holds the target's key (a number or text); a number, Decimal or date
    # (not a datetime, not a bool) is written as str() gives it, anything else escaped.

    def text(obj) -> str:
        value = getattr(obj, attname)
        if value is None:
            return "\\N"
        if type(value) in _SAFE_TEXT_TYPES:
            return str(value)
        return _copy_text(value)
    return text


# The staging tables each database session has made and committed (by the driver's connection object:
# a new session is a new object), so that later upserts of the session need not ask for them again.
_STAGES_MADE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _stage_table(spec: UpsertSpec, columns: list[str]) -> str:
    """The session's staging table for the model (named after its columns, so a migration that changes
    them gets a new one): created once per database session, emptied by every commit."""
    quote = connection.ops.quote_name
    table = spec.model._meta.db_table
    digest = hashlib.sha1(",".join(columns).encode()).hexdigest()[:8]
    stage = f"upsert_{table[:40]}_{digest}"
    session = connection.connection
    outermost = len(connection.atomic_blocks) == 1  # the upsert's own transaction, nothing around it
    made = _STAGES_MADE.get(session, set())
    with connection.cursor() as cursor:
        if stage not in made:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {quote(stage)} ON COMMIT DELETE ROWS AS "
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} WITH NO DATA"
            )
            if outermost:
                # Made for good when this transaction commits (a rollback takes the table back); inside an
                # enclosing one, whose fate is not this upsert's to see (tests roll theirs back), it is not kept.
                transaction.on_commit(lambda: _STAGES_MADE.setdefault(session, set()).add(stage))
        if not outermost:
            # Emptied by every commit, so only inside an enclosing transaction (tests, nested calls)
            # can it hold rows of an earlier upsert.
            cursor.execute(f"DELETE FROM {quote(stage)}")
    return stage


def _pg_copy_text(table: str, columns: list[str], lines: Iterable[str]) -> None:
    """COPY rows given as lines of COPY text (values joined by tabs, no newline)."""
    quote = connection.ops.quote_name
    lines = list(lines)
    if not lines:
        return
    buffer = io.StringIO("\n".join(lines) + "\n")
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN", buffer)


def _pg_write(spec: UpsertSpec, objs: list, *, user, reason: str, rows: bool = False) -> UpsertResult:
    """`objs`: instances, or with `rows` plain values by attname (see `upsert`)."""
    quote = connection.ops.quote_name
    model = spec.model
    table = quote(model._meta.db_table)
    fields = spec.writable_fields
    columns = [f.column for f in fields]
    stage = _stage_table(spec, columns)
    if all(f.get_internal_type() in PLAIN_TYPES for f in fields):
        getter = operator.itemgetter if rows else operator.attrgetter
        if len(fields) > 1:
            values = getter(*[f.attname for f in fields])
        else:
            one = getter(fields[0].attname)

            def values(obj):
                return (one(obj),)
        _pg_copy_text(stage, columns, (_copy_line(values(o)) for o in objs))
    else:
        texts = [_copy_column(f) for f in fields]
        _pg_copy_text(stage, columns, ("\t".join([text(o) for text in texts]) for o in objs))

    now = timezone.now()
    auto_add = [f for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    auto_now = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    history = spec.history_model
    result = UpsertResult()
    used_keys = {spec.keys[0]} if rows else {spec.key_for(obj) for obj in objs}
    for key in spec.keys:
        if key not in used_keys:
            continue
        key_columns = [quote(_field(model, name).column) for name in key.fields]
        values = [quote(f.column) for f in spec.value_fields(key)]
        insert_columns = [quote(c) for c in columns] + [quote(f.column) for f in (*auto_add, *auto_now)]
        select = [f"s.{quote(c)}" for c in columns] + ["%(now)s"] * (len(auto_add) + len(auto_now))
        stage_where = f"WHERE {key.where.replace('%', '%%')}" if key.where else ""
        conflict = f"({', '.join(key_columns)})" + (f" WHERE {key.where.replace('%', '%%')}" if key.where else "")
        if values:
            assignments = [f"{c} = EXCLUDED.{c}" for c in values] + [
                f"{quote(f.column)} = EXCLUDED.{quote(f.column)}" for f in auto_now
            ]
            action = (
                f"DO UPDATE SET {', '.join(assignments)} WHERE ({', '.join(f't.{c}' for c in values)}) "
                f"IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in values)})"
            )
        else:
            action = "DO NOTHING"
        up = (
            f"INSERT INTO {table} AS t ({', '.join(insert_columns)}) "
            f"SELECT {', '.join(select)} FROM {quote(stage)} AS s {stage_where} "
            f"ORDER BY {', '.join(f's.{c}' for c in key_columns)} "
            f"ON CONFLICT {conflict} {action} RETURNING t.*, (t.xmax = 0) AS upsert_created"
        )
        params: dict[str, Any] = {"now": now}
        if history is not None:
            tracked = [f.column for f in history.tracked_fields]
            meta = ["history_date", "history_change_reason", "history_type", "history_user_id"]
            sql = (
                f"WITH up AS ({up}), h AS ("
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(quote(c) for c in [*tracked, *meta])}) "
                f"SELECT {', '.join(f'up.{quote(c)}' for c in tracked)}, %(now)s, %(reason)s, "
                f"CASE WHEN up.upsert_created THEN '+' ELSE '~' END, %(user)s FROM up RETURNING history_type) "
                f"SELECT count(*) FILTER (WHERE history_type = '+'), count(*) FILTER (WHERE history_type = '~') "
                f"FROM h"
            )
            params.update(reason=reason[:100] or None, user=getattr(user, "pk", None))
        else:
            sql = (
                f"WITH up AS ({up}) SELECT count(*) FILTER (WHERE upsert_created), "
                f"count(*) FILTER (WHERE NOT upsert_created) FROM up"
            )
        with connection.cursor() as cursor:
            try:
                cursor.execute(sql, params)
            except ProgrammingError as exc:
                if getattr(exc.__cause__, "pgcode", None) == "21000":  # "cannot affect row a second time"
                    raise ValueError("upsert() was given two items with the same natural key") from exc
                raise
            created, changed = cursor.fetchone()
        result.created += created
        result.changed += changed
    result.unchanged = len(objs) - result.created - result.changed
    return result


# --- Other databases (the SQLite default): the same matching with the ORM, in one transaction ---


def _orm_write(spec: UpsertSpec, objs: list[models.Model], *, user, reason: str) -> UpsertResult:
    model = spec.model
    result = UpsertResult()
    stored = _stored(spec, objs, lock=connection.features.has_select_for_update)
    created: list[models.Model] = []
    changed: dict[tuple[str, ...], list[models.Model]] = {}
    for obj in objs:
        current = stored.get(spec.key_value(obj))
        if current is None:
            created.append(obj)
            continue
        differences = _differences(spec, current, obj)
        if not differences:
            result.unchanged += 1
            continue
        for name in differences:
            setattr(current, name, getattr(obj, name))
        changed.setdefault(tuple(sorted(differences)), []).append(current)
    history = spec.history_model is not None
    if created:
        # auto_now / auto_now_add are set by bulk_create's pre_save.
        model._default_manager.bulk_create(created, batch_size=BATCH_SIZE)
        if history:
            model.history.bulk_history_create(
                created, batch_size=BATCH_SIZE, default_user=user, default_change_reason=reason
            )
    now = timezone.now()
    auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    for names, group in changed.items():
        for obj in group:
            for name in auto_now:
                setattr(obj, name, now)
        model._default_manager.bulk_update(group, [*names, *auto_now], batch_size=BATCH_SIZE)
        if history:
            model.history.bulk_history_create(
                group, batch_size=BATCH_SIZE, update=True, default_user=user, default_change_reason=reason
            )
    result.created = len(created)
    result.changed = sum(len(group) for group in changed.values())
    return result
