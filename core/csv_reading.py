"""The one CSV reader: uploads (course offers, vacancies) and the reference importers.

Rows are read by header name; line numbers count the header as line 1; every problem is one
string "line N: <column>: <reason>" in words a data officer understands. A file that cannot
be read at all (not UTF-8, NUL characters, a required column missing, a broken quote) is
refused as a whole with CsvRefused, which lists its problems the same way.

This module is ground floor: it imports no app of the portal.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

# How a date may be written in a CSV: ISO (2026-09-07) or the UK's day first (07/09/2026, 7/9/2026).
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
DATE_HINT = "a date like 07/09/2026 or 2026-09-07"


class CsvRefused(ValueError):
    """A file refused as a whole; `problems` are 'line N: column: reason' strings."""

    def __init__(self, problems: Sequence[str]):
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def problem(line: int | str, column: str, reason: str) -> str:
    return f"line {line}: {column}: {reason}"


def line_of(text: str) -> int:
    """The line number a problem string starts with (0 when it names none), for sorting."""
    match = re.match(r"line (\d+):", text)
    return int(match.group(1)) if match else 0


def allowed_codes(value, choices: Iterable[str]) -> str:
    """The reason for a wrong code: "'tlevel' is not one of t_level, apprenticeship, ..."."""
    allowed = ", ".join(str(choice) for choice in choices)
    if value in (None, ""):
        return f"is blank: use one of {allowed}"
    return f"{str(value)!r} is not one of {allowed}"


def date_parse(text: str) -> dt.date | None:
    """A date written 2026-09-07, 07/09/2026 or 7/9/2026 (day first, as in the UK); None when not a date."""
    text = text.strip()
    match = ISO_DATE.fullmatch(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = UK_DATE.fullmatch(text)
        if not match:
            return None
        day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def iso_date(text: str) -> str:
    """A UK or ISO date as ISO (what the API reads); anything else unchanged, for the API's own message."""
    day = date_parse(text) if text else None
    return day.isoformat() if day else text


class CsvRow:
    """One data row of a CSV, with typed getters that record a problem instead of raising.

    Problems are kept as (column, reason); `messages()` gives them as 'line N: column: reason'.
    """

    def __init__(self, line: int, data: dict[str, str]):
        self.line = line
        self.data = data
        self.problems: list[tuple[str, str]] = []

    def error(self, column: str, reason: str) -> None:
        self.problems.append((column, reason))

    def messages(self) -> list[str]:
        return [problem(self.line, column, reason) for column, reason in self.problems]

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
        self, column: str, fmt: str | None = None, *, required: bool = False, blank_words: Sequence[str] = ()
    ) -> dt.date | None:
        """A date in the format `fmt` (a publisher's), or with no format as a person writes it
        (07/09/2026, 7/9/2026 or 2026-09-07); blank (or one of `blank_words`, such as TBC) gives None."""
        value = self.raw(column)
        if not value or value.upper() in blank_words:
            if required:
                self.error(column, "is blank")
            return None
        if fmt is None:
            day = date_parse(value)
            if day is None:
                self.error(column, f"{value!r} is not {DATE_HINT}")
            return day
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
            self.error(column, allowed_codes(value, allowed))
        return value

    def lookup(self, column: str, mapping: Mapping, what: str):
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


def csv_text_read(
    text: str, *, required_columns: Sequence[str], headerless: Headerless | None = None
) -> list[CsvRow]:
    """Every data row of CSV text, keyed by (stripped) header name; blank lines are skipped.

    Refuses (CsvRefused) text with NUL characters, a broken quote, or a required column missing
    from the header, naming each. With `headerless`, text whose first cell looks like data is read
    by field position instead.
    """
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CsvRefused([problem(line, "(file)", "contains a NUL character, so it is not a CSV text file")])
    handle = io.StringIO(text, newline="")
    first = next(csv.reader([handle.readline()]), [])
    handle.seek(0)
    if headerless and first and re.fullmatch(headerless.first_cell, first[0].strip()):
        reader = csv.DictReader(handle, fieldnames=list(headerless.columns), restkey="(further fields)")
    else:
        reader = csv.DictReader(handle)
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
        reader.fieldnames = header
        missing = [column for column in required_columns if column not in header]
        if missing:
            problems = [problem(1, column, "required column is missing from the header") for column in missing]
            if len(missing) > 1:
                problems.append(problem(1, "(header)", f"the header row lacks the columns {', '.join(missing)}"))
            raise CsvRefused(problems)
        rows = []
        start = reader.line_num + 1
        for data in reader:
            data.pop("(further fields)", None)
            if None in data:
                row = CsvRow(start, data)
                cells = len(header) + len(data[None])
                row.error("(row)", f"has {cells} cells but the header has {len(header)}")
                rows.append(row)
            elif any((value or "").strip() for value in data.values()):
                rows.append(CsvRow(start, data))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise CsvRefused([problem(reader.line_num, "(file)", f"cannot be read as CSV ({exc})")]) from exc
    return rows


def csv_file_read(
    path: Path | str, *, required_columns: Sequence[str], headerless: Headerless | None = None
) -> list[CsvRow]:
    """Every data row of a UTF-8 CSV file (a byte order mark is allowed); see csv_text_read.

    Raises OSError when the file cannot be opened, CsvRefused when it cannot be read.
    """
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CsvRefused([problem(line, "(file)", "is not UTF-8 text: save it as 'CSV UTF-8'")]) from exc
    return csv_text_read(text, required_columns=required_columns, headerless=headerless)


def csv_template(columns: Sequence[str], example: Mapping[str, str]) -> str:
    """A CSV template: the header row and one example line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerow([example.get(column, "") for column in columns])
    return buffer.getvalue()


def item_problems(line: int, errors: Mapping[str, object], *, choices: Mapping[str, Iterable[str]] | None = None,
                  values: Mapping[str, object] | None = None) -> list[str]:
    """One item's errors ({field: [messages]}, as the API answers them) as 'line N: field: reason'.

    A wrong code in a field of `choices` is worded with the codes allowed there.
    """
    found = []
    for name, messages in errors.items():
        column = "(row)" if name == "non_field_errors" else name
        if isinstance(messages, Mapping):
            messages = [f"{key}: {value}" for key, value in messages.items()]
        elif not isinstance(messages, list | tuple):
            messages = [messages]
        for message in messages:
            if choices and name in choices and getattr(message, "code", None) == "invalid_choice":
                message = allowed_codes((values or {}).get(name), choices[name])
            found.append(problem(line, column, str(message)))
    return found



def changes_text(changes: Mapping[str, tuple[object, object]]) -> str:
    """{field: (old, new)} as 'field old → new; ...' for an upload's preview."""

    def shown(value) -> str:
        return "(empty)" if value is None or value == "" else str(value)

    return "; ".join(f"{name} {shown(old)} → {shown(new)}" for name, (old, new) in changes.items())
