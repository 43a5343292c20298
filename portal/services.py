"""Services shared by every app: the reference-data import machinery, users, and data-load records.

CsvRow and Headerless (core.csv_reading) are re-exported here for the importers.

An import reads a publisher's CSV by its header names, checks every row before writing
anything, and then writes the whole file in one transaction. A row whose values already
match the database is left alone, so a re-run reports 0 added and 0 changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from core.csv_reading import CsvRefused, CsvRow, Headerless, csv_file_read, line_of
from core.upsert import NaturalKey, UpsertBusy, UpsertRefused, UpsertSpec, upsert

from .errors import ApplicationError

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


# --------------------------------------------------------------------------------------
# Display names
# --------------------------------------------------------------------------------------

# Kept in capitals when tidying names published in capitals (ODS, DfE).
ACRONYMS = {
    "NHS", "ICB", "ICS", "UK", "CIC", "CCG", "GP", "HQ", "NE", "NW", "SE", "SW", "II", "III", "IV",
    "BMET", "BCOT", "CCN", "DN", "EKC", "HCUC", "LTE", "NCG", "NESCOT", "RNN", "SGS", "TEC", "UTC", "WCG",
    "WKCIC", "ELATT", "CSR", "NCC", "CITB", "ESB", "LLP", "PLC", "CMB", "BHASVIC", "DCG", "HRUC", "SMB", "SEEVIC",
}
SPECIAL_CASES = {"BMET": "BMet", "MCDONALD": "McDonald"}
SMALL_WORDS = {"and", "of", "the", "for", "in", "on", "at", "upon", "with", "by", "to", "de", "le", "a", "an"}
HYPHENATED_SMALL_WORDS = SMALL_WORDS | {"under", "super", "en"}  # Newcastle-under-Lyme, Weston-super-Mare


def _word_tidy(word: str, first: bool, small_words: set[str] = SMALL_WORDS) -> str:
    core = word.strip("().,&'\"")
    upper = core.upper()
    if upper in SPECIAL_CASES:
        return word.replace(core, SPECIAL_CASES[upper])
    if upper in ACRONYMS:
        return word.replace(core, upper)
    lower = word.lower()
    if not first and core.lower() in small_words:
        return lower
    # Capitalise the first letter and any letter after a hyphen or an opening bracket, not after an apostrophe.
    return re.sub(r"(^|[-(/.])([a-z])", lambda m: m.group(1) + m.group(2).upper(), lower)


def display_name(name: str) -> str:
    """A name published in capitals, tidied for display: 'KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST'
    -> "King's College Hospital NHS Foundation Trust". Names not all in capitals are kept as they are."""
    name = " ".join(name.split())
    if name != name.upper():
        return name
    words = name.split(" ")
    tidied = []
    for index, word in enumerate(words):
        parts = word.split("-")
        # Small words stay lower case inside a name, not first or last ("College, The").
        parts = [
            _word_tidy(
                part,
                first=n == 0 and index in (0, len(words) - 1),
                small_words=HYPHENATED_SMALL_WORDS if n > 0 else SMALL_WORDS,
            )
            for n, part in enumerate(parts)
        ]
        tidied.append("-".join(parts))
    return " ".join(tidied)


# --------------------------------------------------------------------------------------
# Users
# --------------------------------------------------------------------------------------


def user_scope_find(
    *, role: str, hub_code: str | None = None, ics_code: str | None = None, ukprn: str | None = None
) -> dict:
    """The organisation a role acts for, from its code: {"hub": Hub} / {"ics": ICS} / {"college": College}.

    Refuses a scope missing for the role, given for another role, or naming nothing that exists.
    """
    from colleges.models import College
    from hubs.models import Hub
    from trusts.models import IntegratedCareSystem

    from .roles import Role

    if role not in Role.values:
        raise ApplicationError(f"Unknown role {role!r}: choose one of {', '.join(Role.values)}.", {"role": ["unknown"]})
    given = {"hub": hub_code, "ics": ics_code, "college": ukprn}
    needed = {Role.COORDINATOR: "hub", Role.ICS: "ics", Role.COLLEGE: "college"}.get(role)
    flags = {"hub": "--hub REGION_CODE", "ics": "--ics ICB_CODE", "college": "--college UKPRN"}
    nouns = {"hub": "an employer hub", "ics": "an ICS", "college": "a college"}
    who = {
        Role.STAFF: "A portal administrator", Role.COORDINATOR: "A hub coordinator",
        Role.ICS: "An ICS people board analyst", Role.COLLEGE: "A college data officer",
    }[role]
    errors = {}
    for name, value in given.items():
        if value and name != needed:
            errors[name] = [f"{who} does not belong to {nouns[name]}: leave out {flags[name]}."]
    if needed and not given[needed]:
        errors[needed] = [f"{who} must belong to {nouns[needed]}: give {flags[needed]}."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors)
    if needed == "hub":
        found = Hub.objects.filter(region__code=hub_code.strip().upper()).first()
        what = f"No employer hub for region {hub_code!r} (hubs are keyed by their region's code, e.g. Y62)."
    elif needed == "ics":
        found = IntegratedCareSystem.objects.filter(code=ics_code.strip().upper()).first()
        what = f"No integrated care system with ICB code {ics_code!r} (e.g. QYG)."
    elif needed == "college":
        found = College.objects.filter(ukprn=ukprn.strip()).first()
        what = f"No college with UKPRN {ukprn!r} (8 digits, e.g. 10000473)."
    else:
        return {}
    if found is None:
        raise ApplicationError(what, {needed: [what]})
    return {needed: found}


def users_create(
    *,
    username: str,
    password: str,
    role: str,
    hub=None,
    ics=None,
    college=None,
    email: str = "",
    is_superuser: bool = False,
):
    """Create a portal user with one role and the organisation it acts for. Staff may use the Django admin."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    from .roles import Role

    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ApplicationError(f"A user named {username!r} already exists.", {"username": ["already exists"]})
    user = user_model(
        username=username,
        email=email,
        role=role,
        hub=hub,
        ics=ics,
        college=college,
        is_staff=role == Role.STAFF or is_superuser,
        is_superuser=is_superuser,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), {"password": exc.messages}) from exc
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), exc.message_dict) from exc
    user.save()
    return user


# --- audited writes of one record -------------------------------------------------------


def audited_save(obj, *, user, reason: str) -> None:
    """Save one record with its history entry saying who and through what (django-simple-history).

    A unique-key race with a concurrent request is reported as bad input, not a server error.
    """
    obj._history_user = user
    obj._change_reason = reason
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        message = "Another change to the same record arrived at the same time; please try again."
        raise ApplicationError(message, {"non_field_errors": [message]}) from exc


def audited_delete(obj, *, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.delete()
