"""Writes for colleges and course offers: the college import, upserts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from core.audit import audited_delete, audited_save
from core.csv_reading import CsvRefused, CsvRow, csv_template, csv_text_read, iso_date, item_problems, problem
from core.errors import ApplicationError
from core.importing import ImportResult, csv_rows_read, rows_import
from core.permissions import require_write
from core.roles import Role, is_staff
from core.text import display_name
from core.upsert import NaturalKey, UpsertSpec, build, upsert, upsert_preview
from trusts.models import IntegratedCareSystem
from trusts.services import BoardChange, board_today, memberships_for_new_members, memberships_move

from .models import College, CollegeBoard, CourseOffer, QualificationType, offer_rules

# --------------------------------------------------------------------------------------
# Reference data import (format in data/SOURCES.md)
# --------------------------------------------------------------------------------------

COLLEGE_COLUMNS = ("ukprn", "name", "provider_type", "main_delivery_icb_ods_code", "share_of_enrolments_in_main_icb")


def colleges_import(*, path: Path | str) -> ImportResult:
    """Further education colleges, from fe_college_locations.csv (DfE apprenticeship data placed in ICBs).

    A college's ICS is the ICB where most of its apprentices are taught, set when the college is
    first imported; later imports update the name and provider type but keep the ICS.
    """
    boards = {ics.code: ics for ics in IntegratedCareSystem.objects.all()}

    def parse(row: CsvRow) -> dict:
        return {
            "ukprn": row.matching("ukprn", r"1[0-9]{7}", "a UKPRN of 8 digits starting with 1"),
            "name": display_name(row.text("name")),
            "provider_type": row.text("provider_type", required=False),
            "ics": row.lookup("main_delivery_icb_ods_code", boards, "ICB"),
            "ics_share_of_enrolments": row.decimal(
                "share_of_enrolments_in_main_icb", minimum=Decimal(0), maximum=Decimal(1)
            ),
        }

    result = rows_import(
        path=path, model=College, key="ukprn", entity="colleges", required_columns=COLLEGE_COLUMNS, parse=parse,
        columns={"ics": "main_delivery_icb_ods_code", "ics_share_of_enrolments": "share_of_enrolments_in_main_icb"},
        # A college or staff may correct the ICS (DESIGN.md section 7): a re-import keeps the correction.
        keep_on_update=("ics", "ics_share_of_enrolments"),
    )
    memberships_for_new_members(College, CollegeBoard, "college")
    return result


COLLEGE_DISTRICT_COLUMNS = ("ukprn", "main_delivery_lad24_code")


def college_boards_move(*, change: BoardChange, path: Path | str, today: dt.date | None = None) -> ImportResult:
    """Colleges move with their main delivery district (DESIGN.md 7): a college whose board closes at
    `change` joins its successor from the day of the change. Of a split board, it joins the successor
    that took most of its main delivery district's LSOAs in that board (`path`: fe_college_locations.csv,
    `main_delivery_lad24_code`); a college with no district there joins the successor with the largest
    share. `College.ics` = the board today. Re-running changes nothing."""
    from django.utils import timezone

    today = today or timezone.localdate()
    result = ImportResult(entity="colleges' boards")
    districts = {row.raw("ukprn"): row.raw("main_delivery_lad24_code")
                 for row in csv_rows_read(path=path, required_columns=COLLEGE_DISTRICT_COLUMNS)}
    closing = set(change.successors)
    boards = IntegratedCareSystem.objects.in_bulk(field_name="code")
    spans: dict[int, list] = {}
    for span in CollegeBoard.objects.filter(college__boards__ics__code__in=closing).distinct().select_related("ics"):
        spans.setdefault(span.college_id, []).append(span)
    colleges = College.objects.in_bulk(list(spans))
    for college_id, mine in sorted(spans.items()):
        mine.sort(key=lambda s: s.valid_from or dt.date.min)
        college = colleges[college_id]
        before = board_today(mine, change.last_day_before)
        if before is None or before.code not in closing:
            result.unchanged += 1
            continue
        old = before.code
        if change.is_split(old):
            new, why = change.district_successor(old, districts.get(college.ukprn, ""))
        else:
            new, why = change.successors[old][0], f"{old} merged into it"
        moved = memberships_move(member=college, spans=mine, board=boards[new], changed_on=change.changed_on,
                                 make=partial(CollegeBoard, college=college))
        mine = list(CollegeBoard.objects.filter(college=college).select_related("ics"))
        now = board_today(mine, today)
        if now is not None and college.ics_id != now.pk:
            college.ics = now
            college.save(update_fields=["ics"])
            moved = True
        result.changed += moved
        result.unchanged += not moved
        if moved:
            result.notes.append(f"{college.ukprn} {college.name}: {old} -> {new} ({why})")
    return result


# --------------------------------------------------------------------------------------
# Course offers: one create, change or delete, and the natural-key upsert shared by the
# API's bulk endpoint and the CSV upload page. Every write leaves exactly one history entry
# (django-simple-history) naming the user and how the change came in (`source`).
# --------------------------------------------------------------------------------------

# The fields a client gives, by model name; the natural key is college + course_code + academic_year.
OFFER_KEY_FIELDS = ("course_code", "academic_year")
OFFER_VALUE_FIELDS = (
    "title",
    "qualification_type",
    "level",
    "apprenticeship_standard",
    "start_date",
    "duration_months",
    "planned_places",
    "expected_completion_rate",
    "delivery_ics",
)
OFFER_FIELDS = (*OFFER_KEY_FIELDS, *OFFER_VALUE_FIELDS)
OFFER_RELATED_FIELDS = ("college", "apprenticeship_standard", "delivery_ics")
OFFER_PLAIN_FIELDS = tuple(name for name in OFFER_FIELDS if name not in OFFER_RELATED_FIELDS)
BULK_MAX_ITEMS = 5000
COLLEGE_FROM_ACCOUNT = (
    "A college user's offers belong to their own college: leave college out (it is set from your account)."
)
COLLEGE_REQUIRED = "Name the college by its UKPRN."
SOURCE_REASONS = {
    "api": "API",
    "page": "Web form",
    "bulk": "API bulk upsert",
    "csv": "CSV upload",
}


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    if NON_FIELD_ERRORS in errors:
        errors = {**errors, "non_field_errors": errors.pop(NON_FIELD_ERRORS)}
    return errors


def _offer_college_for(*, user, college: College | None) -> College:
    """The college a write is for: staff name it; a college user's is their own."""
    if is_staff(user):
        if college is None:
            raise ApplicationError(COLLEGE_REQUIRED, {"college": [COLLEGE_REQUIRED]})
        return college
    if getattr(user, "role", None) == Role.COLLEGE and user.college_id:
        if college is not None and college.pk != user.college_id:
            raise ApplicationError(COLLEGE_FROM_ACCOUNT, {"college": [COLLEGE_FROM_ACCOUNT]})
        return user.college
    raise PermissionDenied("Only a college's own users and portal staff write its course offers.")


def _offer_full_clean(offer: CourseOffer, *, check_key: bool, fields_checked: bool = False) -> None:
    """The model's rules. With check_key, also that no other offer has the same natural key.

    Related objects arrive resolved (serializer or form), so their existence is not
    queried again; the database constraints mirror these rules, so they are not queried either.
    """
    try:
        if fields_checked:  # each field already passed CourseOfferSerializer: the rules across fields remain
            offer.clean()
        else:
            offer.full_clean(exclude=OFFER_RELATED_FIELDS, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ApplicationError("The course offer is not valid.", _error_dict(exc)) from exc
    if check_key:
        clash = CourseOffer.objects.filter(
            college=offer.college, course_code=offer.course_code, academic_year=offer.academic_year
        ).exclude(pk=offer.pk)
        if clash.exists():
            message = f"{offer.college} already has an offer {offer.course_code} in {offer.academic_year}."
            raise ApplicationError(message, {"course_code": [message]})


def course_offer_create(*, user, data: Mapping[str, Any], source: str = "api") -> CourseOffer:
    """Create one offer. `data` holds model values (related objects resolved); `college` only from staff."""
    values = {field: data[field] for field in OFFER_FIELDS if field in data}
    college = _offer_college_for(user=user, college=data.get("college"))
    offer = CourseOffer(college=college, **values)
    if offer.level == "":
        offer.level = None
    _offer_full_clean(offer, check_key=True)
    audited_save(offer, user=user, reason=SOURCE_REASONS[source])
    return offer


def course_offer_update(*, offer: CourseOffer, user, data: Mapping[str, Any], source: str = "api") -> CourseOffer:
    """Change the given fields of one offer; a change that changes nothing writes nothing.

    When the apprenticeship standard changes and no level is given, the offer takes the new
    standard's level.
    """
    require_write(user, offer)
    values = {field: data[field] for field in OFFER_FIELDS if field in data}
    if "college" in data:
        if is_staff(user):
            values["college"] = _offer_college_for(user=user, college=data["college"])
        else:
            _offer_college_for(user=user, college=data["college"])
    if (
        "apprenticeship_standard" in values
        and "level" not in values
        and values["apprenticeship_standard"] != offer.apprenticeship_standard
    ):
        values["level"] = None
    changed = {name: value for name, value in values.items() if getattr(offer, name) != value}
    if not changed:
        return offer
    for name, value in changed.items():
        setattr(offer, name, value)
    _offer_full_clean(offer, check_key=bool({"college", *OFFER_KEY_FIELDS} & changed.keys()))
    audited_save(offer, user=user, reason=SOURCE_REASONS[source])
    return offer


def course_offer_delete(*, offer: CourseOffer, user, source: str = "api") -> None:
    require_write(user, offer)
    audited_delete(offer, user=user, reason=SOURCE_REASONS[source])


OFFER_UPSERT = UpsertSpec(model=CourseOffer, keys=(NaturalKey(("college", "course_code", "academic_year")),))


@dataclass
class OfferUpsertPlan:
    """What an upsert would do, item by item; `errors` maps an item's index to {field: [messages]}."""

    created: list[CourseOffer] = field(default_factory=list)
    updated: list[tuple[CourseOffer, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    unchanged: list[CourseOffer] = field(default_factory=list)
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {"created": len(self.created), "updated": len(self.updated), "unchanged": len(self.unchanged)}


def course_offers_check(
    *,
    rows: Mapping[int, Mapping[str, Any]] | Sequence[Mapping[str, Any]],
    user,
    college: College | None = None,
    errors: Mapping[int, Mapping[str, list[str]]] | None = None,
    fields_checked: bool = False,
    item_name: Callable[[int], str] = "Item {}".format,
) -> tuple[list[CourseOffer], dict[int, dict[str, list[str]]]]:
    """Check every row, writing nothing and reading no offer: (the offers to write, in item order;
    {index: {field: [messages]}} of the bad items, with `errors` found earlier).

    `rows` maps each item's index to its model values (related objects resolved). A row's
    `college` is for staff; a college user's rows are their own college's, and `college`
    (the page's college) is used for rows that name none. `fields_checked` says each row's
    fields already passed CourseOfferSerializer (API and CSV), so only the model's rules across
    fields are checked again (the database constraints back both).
    """
    checked, problems = _offers_checked(rows=rows, user=user, college=college, errors=errors,
                                        fields_checked=fields_checked, item_name=item_name)
    return [value if isinstance(value, CourseOffer) else build(CourseOffer, value) for value in checked], problems


def _offers_checked(
    *, rows, user, college: College | None, errors, fields_checked: bool, item_name: Callable[[int], str],
    as_rows: bool = False,
) -> tuple[list[CourseOffer | dict[str, Any]], dict[int, dict[str, list[str]]]]:
    """`course_offers_check`'s work. With `fields_checked`, the rules across fields run over the values
    (`offer_rules`, as `CourseOffer.clean` runs them) and each offer comes back as its values by field
    name (with `as_rows`, as the upsert's plain row by attname), with no instance built; otherwise each
    comes back as an instance that passed `full_clean`."""
    items = dict(enumerate(rows)) if isinstance(rows, Sequence) else dict(rows)
    problems = {
        int(index): dict(item) if isinstance(item, Mapping) else {"non_field_errors": list(item)}
        for index, item in (errors or {}).items()
    }
    if len(items) + len(problems) > BULK_MAX_ITEMS:
        message = f"Send at most {BULK_MAX_ITEMS:,} offers in one request."
        raise ApplicationError(message, {"non_field_errors": [message]})
    built: dict[int, CourseOffer | dict[str, Any]] = {}
    # Keys as text: thousands of tuples would each be tracked by the cyclic garbage collector.
    seen: dict[str, int] = {}
    colleges: dict[int | None, College | ApplicationError] = {}  # each college named is checked once
    for index, row in items.items():
        named = row.get("college") or college
        offer_college = colleges.get(named.pk if named is not None else None)
        if offer_college is None:
            try:
                offer_college = _offer_college_for(user=user, college=named)
                if college is not None and offer_college.pk != college.pk:
                    raise ApplicationError(COLLEGE_FROM_ACCOUNT, {"college": [f"This upload is for {college}."]})
            except ApplicationError as exc:
                offer_college = exc
            colleges[named.pk if named is not None else None] = offer_college
        if isinstance(offer_college, ApplicationError):
            problems[index] = dict(offer_college.errors)
            continue
        if fields_checked:  # each field already passed CourseOfferSerializer: the rules across fields remain
            standard = row.get("apprenticeship_standard")
            level, wrong = offer_rules(
                academic_year=row.get("academic_year"), start_date=row.get("start_date"),
                qualification_type=row.get("qualification_type"), standard=standard, level=row.get("level"),
            )
            if wrong:
                problems[index] = {name: [message] for name, message in wrong.items()}
                continue
            if as_rows:  # the upsert's plain row, by attname
                offer = {name: row.get(name) for name in OFFER_PLAIN_FIELDS}
                delivery = row.get("delivery_ics")
                offer.update(college_id=offer_college.pk, level=level,
                             apprenticeship_standard_id=None if standard is None else standard.pk,
                             delivery_ics_id=None if delivery is None else delivery.pk)
            else:
                offer = {name: row.get(name) for name in OFFER_FIELDS}
                offer.update(college=offer_college, level=level)
        else:
            values = {name: row.get(name) for name in OFFER_FIELDS}
            values["college"] = offer_college
            offer = build(CourseOffer, values)
            try:
                _offer_full_clean(offer, check_key=False)
            except ApplicationError as exc:
                problems[index] = exc.errors
                continue
        key = f"{offer_college.pk}\x1f{row.get('course_code')}\x1f{row.get('academic_year')}"
        if key in seen:
            message = f"{item_name(seen[key])} has the same course code and academic year for this college."
            problems[index] = {"course_code": [message]}
            continue
        seen[key] = index
        built[index] = offer
    return [built[index] for index in sorted(built)], problems


def course_offers_plan(
    *,
    rows: Mapping[int, Mapping[str, Any]] | Sequence[Mapping[str, Any]],
    user,
    college: College | None = None,
    errors: Mapping[int, Mapping[str, list[str]]] | None = None,
    fields_checked: bool = False,
    item_name: Callable[[int], str] = "Item {}".format,
) -> OfferUpsertPlan:
    """Check every row and say what an upsert would do now (the upload's preview), writing nothing.

    Queries: one for the existing offers, whatever the number of rows.
    """
    offers, problems = course_offers_check(
        rows=rows, user=user, college=college, errors=errors, fields_checked=fields_checked, item_name=item_name
    )
    if problems:
        return OfferUpsertPlan(errors=problems)
    preview = upsert_preview(spec=OFFER_UPSERT, objs=offers)
    return OfferUpsertPlan(created=preview.created, updated=preview.changed, unchanged=preview.unchanged)


def course_offers_upsert(
    *,
    rows: Mapping[int, Mapping[str, Any]] | Sequence[Mapping[str, Any]],
    user,
    college: College | None = None,
    errors: Mapping[int, Mapping[str, list[str]]] | None = None,
    source: str = "bulk",
    fields_checked: bool = False,
) -> dict[str, int]:
    """Create or update offers by natural key, all or nothing, in one transaction (core.upsert).

    Answers the counts {created, updated, unchanged}. Any invalid row -> ApplicationError
    with {"errors": {index: {field: [messages]}}} and nothing written. Unchanged rows write
    nothing and leave no history; each created or updated offer leaves one history entry.
    The database decides which offers are new, so concurrent uploads of the same new offers
    do not fail (see core.upsert).
    """
    offers, problems = _offers_checked(
        rows=rows, user=user, college=college, errors=errors, fields_checked=fields_checked,
        item_name="Item {}".format, as_rows=fields_checked,
    )
    if problems:
        count = len(problems)
        raise ApplicationError(
            f"{count} offer{'s' if count != 1 else ''} not valid: nothing was written.",
            {"errors": {str(index): problems[index] for index in sorted(problems)}},
        )
    reason = SOURCE_REASONS[source]
    if fields_checked:  # plain values: no instance is built for thousands of items
        return upsert(spec=OFFER_UPSERT, rows=offers, user=user, reason=reason).as_counts()
    return upsert(spec=OFFER_UPSERT, objs=offers, user=user, reason=reason).as_counts()


# --------------------------------------------------------------------------------------
# The CSV upload of offers: the API's fields as columns, read by core.csv_reading, each row
# checked by CourseOfferSerializer (as one API item), written by course_offers_upsert.
# --------------------------------------------------------------------------------------

OFFER_CSV_COLUMNS = (
    "course_code", "title", "qualification_type", "level", "apprenticeship_standard", "academic_year",
    "start_date", "duration_months", "planned_places", "expected_completion_rate", "delivery_ics",
)
OFFER_CSV_REQUIRED = (
    "course_code", "title", "qualification_type", "academic_year", "start_date", "duration_months", "planned_places",
)
OFFER_CSV_EXAMPLE = {
    "course_code": "HSC-TL-26", "title": "T Level in Health", "qualification_type": "t_level", "level": "3",
    "apprenticeship_standard": "", "academic_year": "2026/27", "start_date": "07/09/2026", "duration_months": "24",
    "planned_places": "40", "expected_completion_rate": "0.85", "delivery_ics": "",
}
OFFER_CSV_CHOICES = {"qualification_type": QualificationType.values}


@dataclass
class OfferCsv:
    """An uploaded offers CSV read and checked: the plan (None when the file itself is unreadable),
    every problem as 'line N: column: reason', and the items in the API's shape."""

    plan: OfferUpsertPlan | None
    problems: list[str]
    items: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def course_offers_csv_template() -> str:
    return csv_template(OFFER_CSV_COLUMNS, OFFER_CSV_EXAMPLE)


def _offer_csv_items(text: str) -> tuple[list[dict[str, str]], list[int], list[str], dict[int, list[tuple]]]:
    """(items in the API's shape, their lines, problems of the file, {index: [(column, reason)]} of rows)."""
    try:
        rows = csv_text_read(text, required_columns=OFFER_CSV_REQUIRED)
    except CsvRefused as exc:
        return [], [], exc.problems, {}
    problems = []
    if not rows:
        problems.append("line 2: (file): the file has a header row but no offers")
    if len(rows) > BULK_MAX_ITEMS:
        problems.append(f"line 1: (file): the file has {len(rows):,} offers: upload at most {BULK_MAX_ITEMS:,} at "
                        "a time")
    if problems:
        return [], [], problems, {}
    items = []
    for row in rows:
        row.date("start_date")  # a date as a person writes it; a problem in those words when it is none
        item = {column: row.raw(column) for column in OFFER_CSV_COLUMNS if row.raw(column)}
        if "start_date" in item:
            item["start_date"] = iso_date(item["start_date"])
        items.append(item)
    row_problems = {index: row.problems for index, row in enumerate(rows) if row.problems}
    return items, [row.line for row in rows], [], row_problems


def course_offers_csv_read(*, text: str, user, college: College, context: Mapping[str, Any]) -> OfferCsv:
    """Read an offers CSV (header row with the API's field names) and check it, writing nothing.

    Dates may be written 07/09/2026, 7/9/2026 or 2026-09-07. Every problem is named by its line
    and column, a wrong code with the codes allowed.
    """
    from .api.serializers import validate_offer_items

    items, lines, problems, row_problems = _offer_csv_items(text)
    if problems:
        return OfferCsv(plan=None, problems=problems)
    rows, errors = validate_offer_items(items, context=dict(context))
    plan = course_offers_plan(rows=rows, errors=errors, user=user, college=college, fields_checked=True,
                              item_name=lambda index: f"Line {lines[index]}")
    for index in sorted(plan.errors.keys() | row_problems.keys()):
        named = row_problems.get(index, [])
        problems += [problem(lines[index], column, reason) for column, reason in named]
        errors_ = {name: messages for name, messages in plan.errors.get(index, {}).items()
                   if name not in {column for column, _ in named}}
        problems += item_problems(lines[index], errors_, choices=OFFER_CSV_CHOICES, values=items[index])
    return OfferCsv(plan=plan, problems=problems, items=items)


def course_offers_csv_import(*, text: str, user, college: College, context: Mapping[str, Any]) -> dict[str, int]:
    """Check and write an offers CSV, all or nothing; any problem -> ApplicationError naming each line."""
    from .api.serializers import validate_offer_items

    items, _, problems, _ = _offer_csv_items(text)
    if problems:
        raise ApplicationError(f"The file was not imported ({len(problems)} problems); nothing was changed.",
                               {"file": problems})
    rows, errors = validate_offer_items(items, context=dict(context))
    return course_offers_upsert(rows=rows, errors=errors, user=user, college=college, source="csv",
                                fields_checked=True)
