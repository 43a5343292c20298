"""The reference-data import machinery shared by every app's importers.

An import reads a publisher's CSV by its header names, checks every row before writing
anything, and then writes the whole file in one transaction. A row whose values already
match the database is left alone, so a re-run reports 0 added and 0 changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.csv_reading import CsvRefused, CsvRow, Headerless, csv_file_read, line_of
from core.errors import ApplicationError
from core.upsert import NaturalKey, UpsertBusy, UpsertRefused, UpsertSpec, upsert

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
# Reading a CSV (core.csv_reading) and writing it (core.upsert), all or nothing
# --------------------------------------------------------------------------------------


def csv_rows_read(
    *, path: Path | str, required_columns: Sequence[str], headerless: Headerless | None = None
) -> list[CsvRow]:
    """Every data row of a UTF-8 CSV, keyed by header name. Line numbers count the header as line 1.

    Refuses (ApplicationError) a file that cannot be read or lacks a required column, naming it.
    With `headerless`, a file whose first cell looks like data is read by field position instead.
    """
    try:
        return csv_file_read(path, required_columns=required_columns, headerless=headerless)
    except OSError as exc:
        raise ApplicationError(f"{path} could not be opened: {exc.strerror or exc}.") from exc
    except CsvRefused as exc:
        raise import_refused(path, exc.problems) from exc


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
    """Read, check and upsert a CSV in one go, all or nothing (core.csv_reading, core.upsert).

    `parse(row)` returns the model values for a row, or a string saying why the row is
    skipped on purpose (reported, not an error); problems go on the row (row.error()).
    Every row is checked before anything is written (duplicate keys in the file, full_clean());
    any problem refuses the whole file. The database decides what is added, changed or
    unchanged; unchanged rows are not written. `columns` maps model fields to CSV column names
    for the messages. Fields in `keep_on_update` are set when a row is created and then left
    alone, because users may correct them; fields the rows do not give keep their stored value.
    """
    columns = columns or {}
    result = ImportResult(entity=entity)
    problems: list[str] = []
    first_line: dict = {}
    instances: list[models.Model] = []
    given: set[str] = set()
    for row in csv_rows_read(path=path, required_columns=required_columns, headerless=headerless):
        values = parse(row) if not row.problems else None
        if row.problems:
            problems.extend(row.messages())
            continue
        if isinstance(values, str):
            result.skipped.append(f"line {row.line}: {values}")
            continue
        if values is None:
            continue
        value = values[key]
        if value in first_line:
            problems.append(f"line {row.line}: {columns.get(key, key)}: {value!r} appears again "
                            f"(first on line {first_line[value]})")
            continue
        first_line[value] = row.line
        given.update(values)
        instance = model(**values)
        try:
            # Keys were checked above. The check constraints repeat the field validators and are
            # enforced by the database on write; validating them here would cost a query per row.
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems += [
                f"line {row.line}: {columns.get(name, name)}: {message}"
                for name, messages in exc.message_dict.items() for message in messages
            ]
            continue
        instances.append(instance)

    if problems:
        problems.sort(key=line_of)
        raise import_refused(path, problems)
    spec = UpsertSpec(
        model=model, keys=(NaturalKey((key,)),), keep_on_update=tuple(keep_on_update), fields=tuple(sorted(given)),
    )
    try:
        written = upsert(spec=spec, objs=instances)
    except (UpsertRefused, UpsertBusy) as exc:
        raise import_refused(path, [f"line ?: (file): the database refused the rows: {exc.detail}"]) from exc
    result.added, result.changed, result.unchanged = written.created, written.changed, written.unchanged
    return result
