"""Writes for occupations, apprenticeship standards, entry routes, progressions and default completion rates."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery

from core.csv_reading import CsvRow
from core.importing import DATA_DIR, ImportResult, csv_rows_read, import_refused, rows_import
from core.upsert import NaturalKey, UpsertSpec, upsert

from .models import (
    ApprenticeshipStandard,
    CompletionRate,
    EntryRoute,
    Occupation,
    OccupationSector,
    Progression,
    StandardStatus,
)
from .vocabulary import QualificationType

# --------------------------------------------------------------------------------------
# Reference data imports (formats in data/SOURCES.md)
# --------------------------------------------------------------------------------------

CURRENT_STANDARD_COLUMNS = (
    "programme_type", "name", "reference", "version", "status", "approved_for_delivery_date", "retired_date",
    "route", "level", "typical_duration_months", "lars_code",
)
STANDARD_HISTORY_COLUMNS = (
    "Name", "Reference", "Approved for Delivery Date", "Route", "Level", "Typical Duration (months)",
    "LARS code for providers only",
)
STANDARDS_FILE = "apprenticeship_standards_health_care_2026.csv"  # Skills England, August 2026: the current list
STANDARDS_HISTORY_FILE = "ifate_standards_health_care_2018.csv"  # IfATE, May 2018: kept as history
LEAVERS_FILE = "nhs_leavers_by_staff_group_region_2024_25.csv"  # NHS leaver rates by staff group
REFERENCE_PATTERN = r"ST[0-9]{4}(-[0-9]{2})?"
# The statuses the Skills England export publishes (not the portal's own "not in the current list").
PUBLISHED_STATUSES = {
    label.lower(): value for value, label in StandardStatus.choices if value != StandardStatus.NOT_LISTED
}


def _standard_status(row: CsvRow) -> str:
    published = row.text("status")
    status = PUBLISHED_STATUSES.get(" ".join(published.split()).lower())
    if status is None and published:
        allowed = ", ".join(repr(label) for label in PUBLISHED_STATUSES)
        row.error("status", f"{published!r} is not a status of the Skills England export ({allowed})")
    return status or ""


def apprenticeship_standards_import(*, path: Path | str) -> ImportResult:
    """The current list of apprenticeship standards, from the Skills England standards export
    (apprenticeship_standards_health_care_2026.csv: reference, version, status, level, typical
    duration, route). Every field the file gives replaces the stored one, so for a reference that an
    older list also names this file wins. Duration 0 and approval date "TBC" (standards still in
    development) are stored as blank. Foundation apprenticeships and units are not standards: skipped.
    A standard the file does not name is left as it is.
    """

    def parse(row: CsvRow) -> dict | str:
        programme = row.text("programme_type")
        if programme and programme.lower() != "apprenticeship standard":
            return f"{row.raw('reference')} is a {programme.lower()}, not an apprenticeship standard"
        lars = row.text("lars_code", required=False)
        return {
            "reference": row.matching("reference", REFERENCE_PATTERN, "a reference like ST0216"),
            "title": row.text("name"),
            "version": row.text("version", required=False),
            "status": _standard_status(row),
            "level": row.integer("level", zero_is_blank=True, minimum=1, maximum=8),
            "duration_months": row.integer("typical_duration_months", zero_is_blank=True, minimum=1, maximum=72),
            "route": " ".join(row.text("route", required=False).split()),
            "lars_code": "" if lars.upper() == "TBC" else lars,
            "approved_for_delivery_on": row.date("approved_for_delivery_date", "%d-%m-%Y", blank_words=("TBC",)),
            "retired_on": row.date("retired_date", "%d-%m-%Y"),
        }

    return rows_import(
        path=path, model=ApprenticeshipStandard, key="reference", entity="apprenticeship standards (current list)",
        required_columns=CURRENT_STANDARD_COLUMNS, parse=parse,
        columns={
            "reference": "reference", "title": "name", "duration_months": "typical_duration_months",
            "approved_for_delivery_on": "approved_for_delivery_date", "retired_on": "retired_date",
        },
    )


# Every field the history import gives: set when it adds a standard, never changed after.
HISTORY_FIELDS = (
    "title", "level", "duration_months", "route", "lars_code", "approved_for_delivery_on", "status",
)


def apprenticeship_standards_history_import(*, path: Path | str) -> ImportResult:
    """Standards of an older list, kept as history: the IfATE standards export of May 2018
    (ifate_standards_health_care_2018.csv). A standard not yet stored is added with the status "not in
    the current list"; a stored one (from the current list, or corrected by staff) is left as it is,
    whichever file is imported first.

    A row whose LARS code belongs to a stored standard of another reference is that standard under
    its older reference (the 2018 export's ST0005-02 is ST0005, LARS code 119): skipped, with a note,
    so that a standard is stored once. Import the current list first.

    Level 0 and duration 0 mean "not yet set" in the export and are stored as blank, as are the
    approval date and LARS code "TBC".
    """
    stored_lars: dict[str, set[str]] = {}
    for reference, lars_code in ApprenticeshipStandard.objects.exclude(lars_code="").values_list(
        "reference", "lars_code"
    ):
        stored_lars.setdefault(lars_code, set()).add(reference)

    def parse(row: CsvRow) -> dict | str:
        lars = row.text("LARS code for providers only", required=False)
        reference = row.raw("Reference")
        others = sorted(stored_lars.get(lars, set()) - {reference})
        if others:
            return f"{reference} is {others[0]} (LARS code {lars}), stored from the current list"
        return {
            "reference": row.matching("Reference", REFERENCE_PATTERN, "a reference like ST0216"),
            "title": row.text("Name"),
            "level": row.integer("Level", zero_is_blank=True, minimum=1, maximum=8),
            "duration_months": row.integer("Typical Duration (months)", zero_is_blank=True, minimum=1, maximum=72),
            "route": " ".join(row.text("Route", required=False).split()),
            "lars_code": "" if lars.upper() == "TBC" else lars,
            "approved_for_delivery_on": row.date("Approved for Delivery Date", "%d-%m-%Y", blank_words=("TBC",)),
            "status": StandardStatus.NOT_LISTED,
        }

    return rows_import(
        path=path, model=ApprenticeshipStandard, key="reference",
        entity="apprenticeship standards (older list, kept as history)",
        required_columns=STANDARD_HISTORY_COLUMNS, parse=parse,
        columns={
            "reference": "Reference", "title": "Name", "level": "Level", "duration_months": "Typical Duration (months)",
            "route": "Route", "lars_code": "LARS code for providers only",
            "approved_for_delivery_on": "Approved for Delivery Date",
        },
        keep_on_update=HISTORY_FIELDS,
    )


OCCUPATION_COLUMNS = ("soc2020_code", "code", "name", "sector", "staff_group", "annual_leaver_rate")
SOC_COLUMNS = ("soc2020_code", "title", "health_or_care", "description")
LEAVER_COLUMNS = ("period", "nhse_region_code", "main_staff_group", "staff_group", "denominator_start_fte",
                  "leavers_fte")
ENGLAND = "All NHSE regions"  # the England rows of the NHS leaver rates
RATE_PLACES = Decimal("0.0001")


@dataclasses.dataclass(frozen=True)
class LeaverRate:
    """An NHS staff group's leaver rate (FTE) with its range (DESIGN.md 6.2): England's rate, and the lowest
    and highest of the NHS England regions' rates (widened to take in England's, should a file's regions
    not bracket it)."""

    rate: Decimal
    low: Decimal
    high: Decimal


def nhs_leaver_ranges_read(*, path: Path | str) -> dict[str, LeaverRate]:
    """Each NHS staff group's leaver rate (FTE) with its regional range, from the NHS Workforce Statistics
    turnover table by staff group and NHS England region (nhs_leavers_by_staff_group_region_2024_25.csv), for
    the latest period the file's England rows hold. A rate is leavers (FTE) over staff at the start of the
    period (FTE), to 4 places: England's ("All NHSE regions") is the central rate, the lowest and highest of
    the regions' rates of the same period are its low and high (data/PATHWAYS.md, "Ranges"). A group with no
    regional rows has no spread: its low and high equal England's. The main groups' "All staff groups" rows
    are left out (the name is not one group's)."""
    rows = csv_rows_read(path=path, required_columns=LEAVER_COLUMNS)
    latest = max((row.raw("period") for row in rows if row.raw("nhse_region_code") == ENGLAND), default="")
    england: dict[str, Decimal] = {}
    regions: dict[str, list[Decimal]] = {}
    problems: list[str] = []
    for row in rows:
        group = row.raw("staff_group")
        if row.raw("period") != latest or (group == "All staff groups" != row.raw("main_staff_group")):
            continue
        staff = row.decimal("denominator_start_fte", required=True, minimum=Decimal(0))
        leavers = row.decimal("leavers_fte", required=True, minimum=Decimal(0))
        if staff == 0:
            row.error("denominator_start_fte", "is 0, so no rate can be worked out")
        problems += row.messages()
        if row.problems:
            continue
        rate = (leavers / staff).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
        if row.raw("nhse_region_code") == ENGLAND:
            england[group] = rate
        else:
            regions.setdefault(group, []).append(rate)
    if problems:
        raise import_refused(path, problems)
    if not england:
        raise import_refused(path, [f"line 2: nhse_region_code: no England rows ({ENGLAND!r})"])
    spreads = {group: [rate, *regions.get(group, [])] for group, rate in england.items()}
    return {group: LeaverRate(rate=england[group], low=min(rates), high=max(rates)) for group, rates in spreads.items()}


def nhs_leaver_rates_read(*, path: Path | str) -> dict[str, Decimal]:
    """England's leaver rate (FTE) of each NHS staff group, for the latest period (nhs_leaver_ranges_read)."""
    return {group: leaver.rate for group, leaver in nhs_leaver_ranges_read(path=path).items()}


def occupations_import(
    *, path: Path | str, soc_path: Path | str, leavers_path: Path | str = DATA_DIR / LEAVERS_FILE,
) -> ImportResult:
    """Occupations: the SOC 2020 unit groups the portal keeps (data/occupations.csv), described from
    the ONS file (soc2020_unit_groups.csv). Unit groups the ONS file flags as health or care that the
    portal leaves out are listed in the result's notes.

    An occupation that names an NHS staff group (`nhs_leaver_staff_group`) takes as its leaver rate
    England's published rate for that group, and as its low and high the lowest and highest of the NHS
    England regions' rates (nhs_leaver_ranges_read); the others (social-care roles, general practice) give
    theirs in `annual_leaver_rate`, `annual_leaver_rate_low` and `annual_leaver_rate_high`, documented
    assumptions (data/PATHWAYS.md). A low or high left blank, or a file without those columns, equals the
    central rate.
    """
    soc_rows = csv_rows_read(path=soc_path, required_columns=SOC_COLUMNS)
    unit_groups = {row.raw("soc2020_code"): row for row in soc_rows}
    leaver_rates = nhs_leaver_ranges_read(path=leavers_path)
    kept: set[str] = set()
    rate_bounds = {"minimum": Decimal(0), "maximum": Decimal(1)}

    def leaver_range(row: CsvRow) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
        group = row.raw("nhs_leaver_staff_group")
        if group:
            given = [(column, what) for column, what in (
                ("annual_leaver_rate", "rate is England's published rate"),
                ("annual_leaver_rate_low", "range is the regions' published spread"),
                ("annual_leaver_rate_high", "range is the regions' published spread"),
            ) if row.raw(column)]
            for column, what in given:
                row.error(column, f"leave it blank: the {what} for {group!r} (nhs_leaver_staff_group)")
            if given:
                return None, None, None
            if group not in leaver_rates:
                row.error("nhs_leaver_staff_group",
                          f"unknown NHS staff group {group!r} (not in {Path(leavers_path).name})")
                return None, None, None
            leaver = leaver_rates[group]
            return leaver.rate, leaver.low, leaver.high
        rate = row.decimal("annual_leaver_rate", required=True, **rate_bounds)
        low = row.decimal("annual_leaver_rate_low", **rate_bounds)
        high = row.decimal("annual_leaver_rate_high", **rate_bounds)
        if rate is None:
            return None, None, None
        low, high = rate if low is None else low, rate if high is None else high
        if low > rate:
            row.error("annual_leaver_rate_low", f"{low} is above annual_leaver_rate {rate}")
        if high < rate:
            row.error("annual_leaver_rate_high", f"{high} is below annual_leaver_rate {rate}")
        return rate, low, high

    def parse(row: CsvRow) -> dict:
        soc_code = row.matching("soc2020_code", r"[1-9][0-9]{3}", "a SOC 2020 unit group code like 6131")
        unit_group = row.lookup("soc2020_code", unit_groups, "SOC 2020 unit group") if soc_code else None
        kept.add(soc_code)
        rate, low, high = leaver_range(row)
        return {
            "code": row.matching("code", r"[a-z0-9]+(-[a-z0-9]+)*", "a lower-case slug like care-workers"),
            "name": row.text("name"),
            "soc_code": soc_code,
            "sector": row.choice("sector", OccupationSector.values),
            "staff_group": row.text("staff_group", required=False),
            "annual_leaver_rate": rate,
            "annual_leaver_rate_low": low,
            "annual_leaver_rate_high": high,
            "description": unit_group.raw("description") if unit_group else "",
        }

    result = rows_import(
        path=path, model=Occupation, key="code", entity="occupations", required_columns=OCCUPATION_COLUMNS,
        parse=parse, columns={"soc_code": "soc2020_code"},
    )
    for code, row in sorted(unit_groups.items()):
        if row.raw("health_or_care").lower() == "yes" and code not in kept:
            title = row.raw("title")
            result.notes.append(f"SOC {code} {title}: a health or care unit group (health_or_care=yes) not kept")
    return result


OCCUPATION_DESCRIPTIONS_FILE = "occupation_descriptions.csv"  # the portal's own plain words (data/SOURCES.md)
OCCUPATION_DESCRIPTION_COLUMNS = ("code", "plain_description", "entry_requirements", "pay_band", "source")


def occupation_descriptions_import(*, path: Path | str = DATA_DIR / OCCUPATION_DESCRIPTIONS_FILE) -> ImportResult:
    """Plain words for the public pathway pages: what each occupation does, what it takes to start,
    its typical NHS pay band and where those come from (data/occupation_descriptions.csv). Only the
    occupations named are changed, and only those four fields; a code the portal does not keep is
    refused with its line, and nothing is written. A re-run changes nothing."""
    fields = OCCUPATION_DESCRIPTION_COLUMNS[1:]
    occupations = {o.code: o for o in Occupation.objects.all()}
    problems: list[str] = []
    first_line: dict[str, int] = {}
    writes: list[Occupation] = []
    for row in csv_rows_read(path=path, required_columns=OCCUPATION_DESCRIPTION_COLUMNS):
        occupation = row.lookup("code", occupations, "occupation")
        values = {column: row.text(column, required=False) for column in fields}
        if (values["pay_band"] or values["entry_requirements"]) and not values["source"]:
            row.error("source", "is blank: say where the entry requirements and pay band come from")
        if occupation is not None and occupation.code in first_line:
            row.error("code", f"{occupation.code!r} appears again (first on line {first_line[occupation.code]})")
        if occupation is not None and not row.problems:
            first_line[occupation.code] = row.line
            for name, value in values.items():
                setattr(occupation, name, value)
            try:
                occupation.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    row.error(name, " ".join(messages))
        problems += row.messages()
        if not row.problems:
            writes.append(occupation)
    if problems:
        raise import_refused(path, problems)
    written = upsert(spec=UpsertSpec(model=Occupation, keys=(NaturalKey(("code",)),), fields=fields), objs=writes)
    return ImportResult(entity="occupations' plain words", added=written.created, changed=written.changed,
                        unchanged=written.unchanged)


# --------------------------------------------------------------------------------------
# Career pathways: entry routes (course -> occupation) and progressions, written by staff
# through the admin and the API; the starter set shipped in data/ (see data/PATHWAYS.md).
# --------------------------------------------------------------------------------------

ENTRY_ROUTE_FIELDS = (
    "occupation", "qualification_type", "level", "apprenticeship_standard", "conversion_rate", "conversion_rate_low",
    "conversion_rate_high", "lag_months", "from_occupation", "notes",
)
PROGRESSION_FIELDS = ("from_occupation", "to_occupation", "typical_months", "via")


def _entry_route_save(route: EntryRoute, *, user=None) -> EntryRoute:
    if route.level is None and route.apprenticeship_standard_id and route.apprenticeship_standard.level:
        route.level = route.apprenticeship_standard.level  # a route through a standard is at its level
    route.full_clean()
    route._history_user = user
    route.save()
    return route


def entry_route_create(*, data: Mapping, user=None) -> EntryRoute:
    """One entry route from model values (related objects resolved); the level defaults to the standard's."""
    return _entry_route_save(EntryRoute(**{name: data[name] for name in ENTRY_ROUTE_FIELDS if name in data}), user=user)


def entry_route_update(*, route: EntryRoute, data: Mapping, user=None) -> EntryRoute:
    for name in ENTRY_ROUTE_FIELDS:
        if name in data:
            setattr(route, name, data[name])
    return _entry_route_save(route, user=user)


def progression_create(*, data: Mapping) -> Progression:
    progression = Progression(**{name: data[name] for name in PROGRESSION_FIELDS if name in data})
    progression.full_clean()
    progression.save()
    return progression


def progression_update(*, progression: Progression, data: Mapping) -> Progression:
    for name in PROGRESSION_FIELDS:
        if name in data:
            setattr(progression, name, data[name])
    progression.full_clean()
    progression.save()
    return progression


COMPLETION_RATE_FIELDS = ("qualification_type", "rate", "rate_low", "rate_high", "basis")


def _completion_rate_save(rate: CompletionRate, *, user=None) -> CompletionRate:
    if rate.rate is not None:  # a low or high left empty equals the central rate (DESIGN.md 6.2)
        rate.rate_low = rate.rate if rate.rate_low is None else rate.rate_low
        rate.rate_high = rate.rate if rate.rate_high is None else rate.rate_high
    rate.full_clean()
    rate._history_user = user
    rate.save()
    return rate


def completion_rate_create(*, data: Mapping, user=None) -> CompletionRate:
    """A default completion rate for a qualification type that has none (staff only: the view checks)."""
    return _completion_rate_save(
        CompletionRate(**{name: data[name] for name in COMPLETION_RATE_FIELDS if name in data}), user=user
    )


def completion_rate_update(*, rate: CompletionRate, data: Mapping, user=None) -> CompletionRate:
    for name in COMPLETION_RATE_FIELDS:
        if name in data:
            setattr(rate, name, data[name])
    return _completion_rate_save(rate, user=user)


ENTRY_ROUTE_COLUMNS = (
    "occupation", "qualification_type", "level", "apprenticeship_standard", "conversion_rate", "lag_months", "notes",
)
PROGRESSION_COLUMNS = ("from_occupation", "to_occupation", "typical_months", "via")


STARTER_SET_REASON = "Starter set (data/entry_routes.csv)"  # the history's change reason of its writes
ROUTE_UPSERT = UpsertSpec(
    model=EntryRoute,
    keys=(
        NaturalKey(("occupation", "apprenticeship_standard"), where='"apprenticeship_standard_id" IS NOT NULL',
                   applies=lambda route: route.apprenticeship_standard_id is not None),
        NaturalKey(("occupation", "qualification_type", "level"), where='"apprenticeship_standard_id" IS NULL',
                   applies=lambda route: route.apprenticeship_standard_id is None),
    ),
    fields=(*ENTRY_ROUTE_COLUMNS, "conversion_rate_low", "conversion_rate_high", "from_occupation"),
)
PROGRESSION_UPSERT = UpsertSpec(
    model=Progression, keys=(NaturalKey(("from_occupation", "to_occupation")),), fields=PROGRESSION_COLUMNS
)


def _route_range_check(row: CsvRow, values: dict) -> None:
    """A low or high left blank (or a file without those columns) equals the central rate; low <= rate <= high,
    and a backfill route trains staff of another occupation than its own (DESIGN.md 6.2, 6.3)."""
    rate = values["conversion_rate"]
    if rate is not None:
        for end in ("conversion_rate_low", "conversion_rate_high"):
            if values[end] is None:
                values[end] = rate
        if values["conversion_rate_low"] > rate:
            row.error("conversion_rate_low", f"{values['conversion_rate_low']} is above conversion_rate {rate}")
        if values["conversion_rate_high"] < rate:
            row.error("conversion_rate_high", f"{values['conversion_rate_high']} is below conversion_rate {rate}")
    if values["from_occupation"] is not None and values["from_occupation"] == values["occupation"]:
        row.error("from_occupation", "is the route's own occupation: a backfill route trains staff of another one")


def _routes_as_the_starter_set_left_them() -> set[tuple]:
    """The keys (as `_route_key`) of stored routes whose latest history entry is the starter set's own write:
    routes nobody has changed since the starter set wrote them (one query)."""
    latest = EntryRoute.history.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
    rows = EntryRoute.objects.annotate(
        written_by=Subquery(latest.values("history_change_reason")[:1])
    ).filter(written_by=STARTER_SET_REASON).values_list(
        "occupation_id", "qualification_type", "level", "apprenticeship_standard_id"
    )
    return {_id_key(*row) for row in rows}


def _id_key(occupation_id, qualification_type, level, standard_id) -> tuple:
    if standard_id is not None:
        return (occupation_id, "standard", standard_id)
    return (occupation_id, qualification_type, level)


def _route_id_key(route: EntryRoute) -> tuple:
    return _id_key(route.occupation_id, route.qualification_type, route.level, route.apprenticeship_standard_id)


def _route_key(values: Mapping) -> tuple:
    standard = values["apprenticeship_standard"]
    if standard is not None:
        return (values["occupation"].pk, "standard", standard.pk)
    return (values["occupation"].pk, values["qualification_type"], values["level"])


def pathways_starter_set_import(
    *,
    routes_path: Path | str = DATA_DIR / "entry_routes.csv",
    progressions_path: Path | str = DATA_DIR / "progressions.csv",
    update_existing: bool = False,
) -> ImportResult:
    """The starter set of entry routes and progressions (data/entry_routes.csv, data/progressions.csv).

    Each route and rate is an indicative planning assumption (data/PATHWAYS.md). Unless
    `update_existing`, stored progressions and routes staff changed are kept as they are; a route
    still as the starter set wrote it follows the file (so a later file's ranges and backfill reach
    it); so a re-run of the same files changes nothing. Optional route columns: conversion_rate_low
    and _high (blank: the central rate) and from_occupation (DESIGN.md 6.2, 6.3). All or nothing
    across both files: a malformed row is named with its line and reason, and nothing is written.
    The result counts both files; its notes give each file's counts.
    """
    occupations = {o.code: o for o in Occupation.objects.all()}
    standards = {s.reference: s for s in ApprenticeshipStandard.objects.all()}
    routes = ImportResult(entity="entry routes")
    progressions = ImportResult(entity="progressions")
    problems: dict[str, list[str]] = {str(routes_path): [], str(progressions_path): []}

    route_records: list[tuple[int, dict]] = []
    for row in csv_rows_read(path=routes_path, required_columns=ENTRY_ROUTE_COLUMNS):
        values = {
            "occupation": row.lookup("occupation", occupations, "occupation"),
            "qualification_type": row.choice("qualification_type", QualificationType.values),
            "level": row.integer("level", minimum=1, maximum=8),
            "apprenticeship_standard": (
                row.lookup("apprenticeship_standard", standards, "apprenticeship standard")
                if row.raw("apprenticeship_standard") else None
            ),
            "conversion_rate": row.decimal("conversion_rate", required=True, minimum=Decimal(0), maximum=Decimal(1)),
            "conversion_rate_low": row.decimal("conversion_rate_low", minimum=Decimal(0), maximum=Decimal(1)),
            "conversion_rate_high": row.decimal("conversion_rate_high", minimum=Decimal(0), maximum=Decimal(1)),
            "from_occupation": (
                row.lookup("from_occupation", occupations, "occupation") if row.raw("from_occupation") else None
            ),
            "lag_months": row.integer("lag_months", required=True, minimum=0, maximum=120),
            "notes": row.text("notes", required=False),
        }
        _route_range_check(row, values)
        problems[str(routes_path)] += [f"line {row.line}: {column}: {reason}" for column, reason in row.problems]
        if not row.problems:
            route_records.append((row.line, values))

    progression_records: list[tuple[int, dict]] = []
    for row in csv_rows_read(path=progressions_path, required_columns=PROGRESSION_COLUMNS):
        values = {
            "from_occupation": row.lookup("from_occupation", occupations, "occupation"),
            "to_occupation": row.lookup("to_occupation", occupations, "occupation"),
            "typical_months": row.integer("typical_months", minimum=0, maximum=240),
            "via": row.text("via", required=False),
        }
        problems[str(progressions_path)] += [
            f"line {row.line}: {column}: {reason}" for column, reason in row.problems
        ]
        if not row.problems:
            progression_records.append((row.line, values))

    route_writes: list[EntryRoute] = []
    progression_writes: list[Progression] = []
    first_line: dict[tuple, int] = {}

    for line, values in route_records:
        if values["level"] is None and values["apprenticeship_standard"] is not None:
            values["level"] = values["apprenticeship_standard"].level
        key = _route_key(values)
        if key in first_line:
            problems[str(routes_path)].append(f"line {line}: occupation: the same route appears again "
                                              f"(first on line {first_line[key]})")
            continue
        first_line[key] = line
        route = EntryRoute(**values)
        try:
            route.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems[str(routes_path)] += [
                f"line {line}: {name}: {message}" for name, messages in exc.message_dict.items() for message in messages
            ]
            continue
        route_writes.append(route)

    for line, values in progression_records:
        key = (values["from_occupation"].pk, values["to_occupation"].pk)
        if key in first_line:
            problems[str(progressions_path)].append(f"line {line}: to_occupation: the same step appears again")
            continue
        first_line[key] = line
        progression = Progression(**values)
        try:
            progression.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems[str(progressions_path)] += [
                f"line {line}: {name}: {message}" for name, messages in exc.message_dict.items() for message in messages
            ]
            continue
        progression_writes.append(progression)

    for path, found in problems.items():
        if found:
            raise import_refused(path, sorted(found, key=lambda p: int(p.split(":")[0].removeprefix("line "))))

    # Without update_existing a route or step that staff changed is left as they left it: the writer then
    # gives only the key, so a match is never changed (core.upsert). A route still as the starter set wrote
    # it (its latest history entry is the starter set's) follows the file, so that columns the file gained
    # later (ranges, backfill) reach a portal loaded before; a re-run then finds it unchanged.
    keys_only = dataclasses.replace(ROUTE_UPSERT, fields=())
    progression_spec = PROGRESSION_UPSERT if update_existing else dataclasses.replace(PROGRESSION_UPSERT, fields=())
    if update_existing:
        route_groups = [(ROUTE_UPSERT, route_writes)]
    else:
        following = _routes_as_the_starter_set_left_them()
        route_groups = [
            (ROUTE_UPSERT, [route for route in route_writes if _route_id_key(route) in following]),
            (keys_only, [route for route in route_writes if _route_id_key(route) not in following]),
        ]
    with transaction.atomic():
        for spec, group in route_groups:
            written = upsert(spec=spec, objs=group, reason=STARTER_SET_REASON)
            routes.added += written.created
            routes.changed += written.changed
            routes.unchanged += written.unchanged
        written = upsert(spec=progression_spec, objs=progression_writes)
        progressions.added, progressions.changed = written.created, written.changed
        progressions.unchanged = written.unchanged
    return ImportResult(
        entity="career pathways (entry routes and progressions)",
        added=routes.added + progressions.added,
        changed=routes.changed + progressions.changed,
        unchanged=routes.unchanged + progressions.unchanged,
        notes=[str(routes), str(progressions)],
    )
