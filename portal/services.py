"""Services shared by every app: the reference-data import machinery, users, and data-load records.

An import reads a publisher's CSV by its header names, checks every row before writing
anything, and then writes the whole file in one transaction. A row whose values already
match the database is left alone, so a re-run reports 0 added and 0 changed.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from core.errors import ApplicationError

DATA_DIR = Path(settings.BASE_DIR) / "data"

# How many problems an import error message lists in its text (all are in `errors`).
MESSAGE_PROBLEMS_SHOWN = 20


# --------------------------------------------------------------------------------------
# Results and errors
# --------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What one import did: rows added, changed and left alone, and rows it skipped on purpose."""

    entity: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.changed + self.unchanged

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
        }

    def __str__(self) -> str:
        text = f"{self.entity}: {self.added} added, {self.changed} changed, {self.unchanged} unchanged"
        if self.skipped:
            text += f", {len(self.skipped)} skipped"
        return text


def import_refused(path: Path | str, problems: Sequence[str]) -> ApplicationError:
    """The error for a malformed file: every problem as 'line N: field: reason'."""
    name = Path(path).name
    shown = list(problems[:MESSAGE_PROBLEMS_SHOWN])
    more = len(problems) - len(shown)
    lines = "\n".join(f"  {problem}" for problem in shown)
    if more > 0:
        lines += f"\n  ... and {more} more"
    noun = "problem" if len(problems) == 1 else "problems"
    message = f"{name} was not imported ({len(problems)} {noun}); nothing was changed.\n{lines}"
    return ApplicationError(message, errors={"file": list(problems)})


# --------------------------------------------------------------------------------------
# Reading a CSV
# --------------------------------------------------------------------------------------


class CsvRow:
    """One data row of a CSV, with typed getters that record a problem instead of raising.

    Problems are kept as (column, reason); the importer turns them into 'line N: column: reason'.
    """

    def __init__(self, line: int, data: dict[str, str]):
        self.line = line
        self.data = data
        self.problems: list[tuple[str, str]] = []

    def error(self, column: str, reason: str) -> None:
        self.problems.append((column, reason))

    def raw(self, column: str) -> str:
        return (self.data.get(column) or "").strip()

    def text(self, column: str, *, required: bool = True) -> str:
        value = self.raw(column)
        if required and not value:
            self.error(column, "is blank")
        return value

    def matching(self, column: str, pattern: str, hint: str) -> str:
        value = self.raw(column)
        if not re.fullmatch(pattern, value):
            self.error(column, f"{value!r} is not {hint}" if value else f"is blank (expected {hint})")
        return value

    def date(
        self, column: str, fmt: str, *, required: bool = False, blank_words: Sequence[str] = ()
    ) -> dt.date | None:
        """A date in the format `fmt`; blank (or one of `blank_words`, such as TBC) gives None."""
        value = self.raw(column)
        if not value or value.upper() in blank_words:
            if required:
                self.error(column, "is blank")
            return None
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            shown = fmt.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")
            self.error(column, f"{value!r} is not a date written {shown}")
            return None

    def integer(
        self, column: str, *, required: bool = False, zero_is_blank: bool = False, minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, "is blank")
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(column, f"{value!r} is not a whole number")
            return None
        if zero_is_blank and number == 0:
            return None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.error(column, f"{number} is outside {minimum} to {maximum}")
            return None
        return number

    def decimal(
        self, column: str, *, required: bool = False, minimum: Decimal | None = None, maximum: Decimal | None = None
    ) -> Decimal | None:
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, "is blank")
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.error(column, f"{value!r} is not a number")
            return None
        if not number.is_finite() or (minimum is not None and number < minimum) or (
            maximum is not None and number > maximum
        ):
            self.error(column, f"{value} is outside {minimum} to {maximum}")
            return None
        return number

    def choice(self, column: str, choices: Iterable[str]) -> str:
        value = self.raw(column)
        allowed = list(choices)
        if value not in allowed:
            self.error(column, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def lookup(self, column: str, mapping: dict, what: str):
        """The object a code in this column names, or a problem 'unknown <what> CODE'."""
        value = self.raw(column)
        if not value:
            self.error(column, f"is blank (expected a {what} code)")
            return None
        found = mapping.get(value)
        if found is None:
            self.error(column, f"unknown {what} {value!r}")
        return found


@dataclass(frozen=True)
class Headerless:
    """How to read a publisher's file that has no header row (the ODS bulk files): the names of its
    leading fields, in order, and a pattern its first cell matches (so a header row is never taken
    for data). Fields beyond those named are ignored."""

    columns: Sequence[str]
    first_cell: str


def csv_rows_read(
    *, path: Path | str, required_columns: Sequence[str], headerless: Headerless | None = None
) -> list[CsvRow]:
    """Every data row of a UTF-8 CSV, keyed by header name. Line numbers count the header as line 1.

    Refuses (ApplicationError) a file that cannot be read or lacks a required column, naming it.
    With `headerless`, a file whose first cell looks like data is read by field position instead.
    """
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ApplicationError(f"{path} could not be opened: {exc.strerror or exc}.") from exc
    with handle:
        try:
            first = next(csv.reader([handle.readline()]), [])
            handle.seek(0)
            if headerless and first and re.fullmatch(headerless.first_cell, first[0].strip()):
                reader = csv.DictReader(handle, fieldnames=list(headerless.columns), restkey="(further fields)")
            else:
                reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [column for column in required_columns if column not in header]
            if missing:
                raise import_refused(
                    path, [f"line 1: {column}: required column is missing from the header" for column in missing]
                )
            rows = []
            start = reader.line_num + 1
            for data in reader:
                data.pop("(further fields)", None)
                if None in data:
                    rows.append(CsvRow(start, data))
                    cells = len(header) + len(data[None])
                    rows[-1].error("(row)", f"has {cells} cells but the header has {len(header)}")
                elif not any((value or "").strip() for value in data.values()):
                    pass  # a blank line
                else:
                    rows.append(CsvRow(start, data))
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise import_refused(path, [f"line ?: (file): is not UTF-8 text ({exc.reason})"]) from exc
        except csv.Error as exc:
            raise import_refused(path, [f"line {reader.line_num}: (file): {exc}"]) from exc
    return rows


# --------------------------------------------------------------------------------------
# Writing: validate everything, then write all or nothing
# --------------------------------------------------------------------------------------


@dataclass
class Record:
    """The values one CSV row gives one model instance, keyed by model field name."""

    line: int
    values: dict


def _differs(instance: models.Model, name: str, value) -> bool:
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:
        return getattr(instance, model_field.attname) != (value.pk if value is not None else None)
    return getattr(instance, name) != value


def records_upsert(
    *,
    model: type[models.Model],
    key: str,
    records: Sequence[Record],
    entity: str,
    path: Path | str,
    columns: dict[str, str] | None = None,
    problems: Sequence[str] = (),
    result: ImportResult | None = None,
    keep_on_update: Sequence[str] = (),
) -> ImportResult:
    """Create or update one instance per record, keyed by `key`, all or nothing.

    Every record is checked first (duplicate keys in the file, full_clean()); any problem,
    including `problems` found while reading, refuses the whole file. Unchanged instances
    are not saved. `columns` maps model fields to CSV column names for the messages. Fields in
    `keep_on_update` are set when a row is created and then left alone, because users may correct them.
    """
    columns = columns or {}
    result = result or ImportResult(entity=entity)
    problems = list(problems)

    first_line: dict = {}
    for record in records:
        value = record.values[key]
        if value in first_line:
            column = columns.get(key, key)
            first = first_line[value]
            problems.append(f"line {record.line}: {column}: {value!r} appears again (first on line {first})")
        else:
            first_line[value] = record.line

    existing = model.objects.in_bulk(list(first_line), field_name=key)
    to_create: list[models.Model] = []
    to_update: list[tuple[models.Model, list[str]]] = []
    for record in records:
        instance = existing.get(record.values[key])
        if instance is None:
            instance = model(**record.values)
            changed = None
        else:
            changed = [
                name for name, value in record.values.items()
                if name not in keep_on_update and _differs(instance, name, value)
            ]
            if not changed:
                result.unchanged += 1
                continue
            for name in changed:
                setattr(instance, name, record.values[name])
        try:
            # Keys were checked above. The check constraints repeat the field validators and are
            # enforced by the database on write; validating them here would cost a query per row.
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = columns.get(name, name)
                for message in messages:
                    problems.append(f"line {record.line}: {column}: {message}")
            continue
        if changed is None:
            to_create.append(instance)
        else:
            to_update.append((instance, changed))

    if problems:
        problems.sort(key=_line_number)
        raise import_refused(path, problems)

    try:
        with transaction.atomic():
            model.objects.bulk_create(to_create, batch_size=500)
            for instance, changed in to_update:
                instance.save(update_fields=changed)
    except IntegrityError as exc:
        raise import_refused(path, [f"line ?: (file): the database refused the rows: {exc}"]) from exc
    result.added += len(to_create)
    result.changed += len(to_update)
    return result


def _line_number(problem: str) -> int:
    match = re.match(r"line (\d+):", problem)
    return int(match.group(1)) if match else 0


def rows_import(
    *,
    path: Path | str,
    model: type[models.Model],
    key: str,
    entity: str,
    required_columns: Sequence[str],
    parse: Callable[[CsvRow], dict | str | None],
    columns: dict[str, str] | None = None,
    keep_on_update: Sequence[str] = (),
    headerless: Headerless | None = None,
) -> ImportResult:
    """Read, check and upsert a CSV in one go (see records_upsert for `keep_on_update`).

    `parse(row)` returns the model values for a row, or a string saying why the row is
    skipped on purpose (reported, not an error); problems go on the row (row.error()).
    """
    result = ImportResult(entity=entity)
    records, problems = [], []
    for row in csv_rows_read(path=path, required_columns=required_columns, headerless=headerless):
        values = parse(row) if not row.problems else None
        if row.problems:
            problems.extend(f"line {row.line}: {column}: {reason}" for column, reason in row.problems)
        elif isinstance(values, str):
            result.skipped.append(f"line {row.line}: {values}")
        elif values is not None:
            records.append(Record(row.line, values))
    return records_upsert(
        model=model, key=key, records=records, entity=entity, path=path, columns=columns, problems=problems,
        result=result, keep_on_update=keep_on_update,
    )
