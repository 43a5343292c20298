"""Writes for regions, ICSs, NHS trusts and vacancies: imports of the publishers' files, upserts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone

from core.audit import audited_delete, audited_save
from core.csv_reading import (
    CsvRefused,
    CsvRow,
    Headerless,
    csv_template,
    csv_text_read,
    iso_date,
    item_problems,
    line_of,
)
from core.errors import ApplicationError
from core.importing import ImportResult, csv_rows_read, import_refused, rows_import
from core.permissions import require_write
from core.roles import Role, is_staff
from core.text import display_name
from core.upsert import NaturalKey, UpsertSpec, upsert, upsert_preview
from pathways.models import Occupation

from .models import (
    ICB_CODE_PATTERN,
    LAD_CODE,
    BoardSuccession,
    CouncilArea,
    IntegratedCareSystem,
    Region,
    Sector,
    Trust,
    TrustBoard,
    TrustKind,
    Vacancy,
    open_on_q,
)

# --------------------------------------------------------------------------------------
# Reference data imports (formats in data/SOURCES.md)
# --------------------------------------------------------------------------------------

REGION_COLUMNS = ("region_ods_code", "region_ons_code_2022", "region_name")
ICB_COLUMNS = ("icb_ons_code", "icb_ods_code", "icb_name", "region_ods_code")
TRUST_COLUMNS = ("ods_code", "name", "nhs_region_code", "icb_ods_code", "town", "postcode", "open_date", "close_date")
# The ODS bulk file etr.csv as published: no header row, 27 fields, of which the first 12 are these.
ODS_ETR_FIELDS = Headerless(
    columns=(
        "ods_code", "name", "nhs_region_code", "icb_ods_code", "address_line_1", "address_line_2", "address_line_3",
        "town", "county", "postcode", "open_date", "close_date",
    ),
    first_cell=r"[A-Z0-9]{3,5}",
)

ODS_DATE = "%Y%m%d"


def regions_import(*, path: Path | str) -> ImportResult:
    """The NHS England regions, from nhs_england_regions.csv (NHS Digital practice mapping format)."""

    def parse(row: CsvRow) -> dict:
        return {
            "code": row.matching("region_ods_code", r"Y[0-9]{2}", "a region code like Y56"),
            "ons_code": row.matching("region_ons_code_2022", r"(E[0-9]{8})?", "an ONS code like E40000003"),
            "name": row.text("region_name"),
        }

    return rows_import(
        path=path, model=Region, key="code", entity="regions", required_columns=REGION_COLUMNS, parse=parse,
        columns={"code": "region_ods_code", "ons_code": "region_ons_code_2022", "name": "region_name"},
    )


def integrated_care_systems_import(*, path: Path | str) -> ImportResult:
    """The integrated care boards, from integrated_care_boards.csv (ONS names and codes, ODS region)."""
    regions = {region.code: region for region in Region.objects.all()}

    def parse(row: CsvRow) -> dict:
        return {
            "code": row.matching("icb_ods_code", r"Q[A-Z0-9]{2}", "an ICB ODS code like QE1"),
            "ons_code": row.matching("icb_ons_code", r"(E54[0-9]{6})?", "an ONS ICB code like E54000008"),
            "name": display_name(row.text("icb_name")),
            "region": row.lookup("region_ods_code", regions, "NHS England region"),
        }

    return rows_import(
        path=path, model=IntegratedCareSystem, key="code", entity="integrated care systems",
        required_columns=ICB_COLUMNS, parse=parse,
        columns={"code": "icb_ods_code", "ons_code": "icb_ons_code", "name": "icb_name", "region": "region_ods_code"},
    )


# The ODS file does not say what kind of trust each is: the portal derives it from the name, checked
# in this order, when it first imports a trust. Staff may correct a kind; a re-import keeps it.
SPECIALIST_NAME = re.compile(
    r"\bCHILDREN('?S)?\b|\bWOMEN('?S)?\b|ORTHOPAEDIC|CANCER|\bEYE\b|HEART AND CHEST|BROMPTON|PAPWORTH|MARSDEN"
    r"|\bCHRISTIE\b|WALTON CENTRE|QUEEN VICTORIA HOSPITAL|RHEUMATIC"
)
MENTAL_HEALTH_NAME = re.compile(r"MENTAL HEALTH|PSYCHIATRIC|LEARNING DISABILIT|\bPARTNERSHIP\b")
COMMUNITY_NAME = re.compile(r"\bCOMMUNITY\b|\bCARE SERVICES\b")
# "Mersey Care", "Gloucestershire Health and Care" (once community names are out), but not
# "Integrated Care" or "Health Care", which name acute trusts.
CARE_TRUST_NAME = re.compile(r"(?<!INTEGRATED )(?<!HEALTH )\bCARE NHS")
# Trusts whose published names do not say what they are (mostly mental health trusts named after
# their area), by ODS code.
KIND_NOT_IN_NAME = {
    **dict.fromkeys(
        ["G6V2S", "RAT", "RHA", "RKL", "RLY", "RMY", "RNK", "RNU", "RP1", "RPG", "RT1", "RTV", "RV3", "RV5", "RV9",
         "RW1", "RW5", "RWK", "RWX", "RX3", "RX4", "RXE", "RXM", "RDY"],
        TrustKind.MENTAL_HEALTH,
    ),
    **dict.fromkeys(["R1C", "R1G", "RYK"], TrustKind.COMMUNITY),
    "RYH": TrustKind.OTHER,  # NHS Direct, the former telephone advice service
}


def trust_kind_from_name(name: str, ods_code: str = "") -> str:
    """The kind of a trust, from its published name (the ODS file has no such field)."""
    if ods_code in KIND_NOT_IN_NAME:
        return KIND_NOT_IN_NAME[ods_code]
    upper = name.upper()
    if "AMBULANCE" in upper:
        return TrustKind.AMBULANCE
    if SPECIALIST_NAME.search(upper):
        return TrustKind.SPECIALIST
    if MENTAL_HEALTH_NAME.search(upper):
        return TrustKind.MENTAL_HEALTH
    if COMMUNITY_NAME.search(upper):
        return TrustKind.COMMUNITY
    if CARE_TRUST_NAME.search(upper):
        return TrustKind.MENTAL_HEALTH
    return TrustKind.ACUTE


def trusts_import(*, path: Path | str) -> ImportResult:
    """NHS trusts, from the ODS trust file: etr.csv as published (no header row), or with a header row
    naming its fields (nhs_trusts_ods.csv).

    Closed trusts are kept, with their close date. Trusts with neither an NHS England region nor
    an ICB lie outside England (the Welsh trusts in the file) and are skipped, not refused.
    """
    boards = {ics.code: ics for ics in IntegratedCareSystem.objects.all()}

    def parse(row: CsvRow) -> dict | str:
        ods_code = row.matching("ods_code", r"[A-Z0-9]{3,5}", "an ODS code of 3 to 5 capital letters or digits")
        if not row.raw("icb_ods_code") and not row.raw("nhs_region_code"):
            return f"{ods_code}: outside England: no ICB"
        name = row.text("name")
        opened_on = row.date("open_date", ODS_DATE)
        closed_on = row.date("close_date", ODS_DATE)
        if opened_on and closed_on and closed_on < opened_on:
            row.error("close_date", "is before open_date")
        return {
            "ods_code": ods_code,
            "name": display_name(name),
            "kind": trust_kind_from_name(name, ods_code),
            "ics": row.lookup("icb_ods_code", boards, "ICB"),
            "town": display_name(row.text("town", required=False)),
            "postcode": row.text("postcode", required=False),
            "opened_on": opened_on,
            "closed_on": closed_on,
        }

    result = rows_import(
        path=path, model=Trust, key="ods_code", entity="NHS trusts", required_columns=TRUST_COLUMNS, parse=parse,
        columns={"ics": "icb_ods_code", "opened_on": "open_date", "closed_on": "close_date"},
        # kind is derived, not published: a correction by staff stands. The board is set when a trust is
        # first imported; after that it moves by memberships (trust_boards_import), never by this file.
        keep_on_update=("kind", "ics"),
        headerless=ODS_ETR_FIELDS,
    )
    memberships_for_new_members(Trust, TrustBoard, "trust")
    return result


def memberships_for_new_members(model, membership_model, member_field: str) -> int:
    """An open-ended membership of its board for each trust or college that has none yet (one query
    to find them, one to write)."""
    new = model.objects.filter(boards__isnull=True).values_list("pk", "ics_id")
    created = membership_model.objects.bulk_create(
        [membership_model(**{f"{member_field}_id": pk, "ics_id": ics_id}) for pk, ics_id in new]
    )
    return len(created)


# --------------------------------------------------------------------------------------
# Vacancies: one create, change or delete, and the upsert by series and month shared by the
# API's bulk endpoint and the CSV upload page. Rows arrive as plain values keyed by the API's
# field names (codes for related objects), so the API and the CSV are checked by the same
# code. Every write leaves one history entry naming the user and how the change came in.
# --------------------------------------------------------------------------------------

VACANCY_FIELDS = ("sector", "trust", "ics", "occupation", "period", "vacancies_fte", "staff_in_post_fte")
VACANCY_BULK_MAX_ITEMS = 20_000
VACANCY_FTE_MAX = Decimal("99999999.99")
VACANCY_SOURCES = {"api": "API", "bulk": "API bulk upsert", "csv": "CSV upload", "page": "Web form"}


@dataclass
class VacancyPlan:
    """What an upsert would do, item by item. `errors` and `out_of_scope` map an item's index
    to {field: [messages]}; an item outside the user's ICS is listed in `out_of_scope`."""

    created: list[Vacancy] = field(default_factory=list)
    updated: list[Vacancy] = field(default_factory=list)
    unchanged: list[Vacancy] = field(default_factory=list)
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    out_of_scope: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    # For each updated row: {field: (before, after)}, in the order of `updated`.
    changes: list[dict[str, tuple[Any, Any]]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {"created": len(self.created), "updated": len(self.updated), "unchanged": len(self.unchanged)}

    @property
    def updated_with_changes(self) -> list[tuple[Vacancy, dict[str, tuple[Any, Any]]]]:
        return list(zip(self.updated, self.changes, strict=True))

    @property
    def ok(self) -> bool:
        return not self.errors and not self.out_of_scope

    def problems(self) -> dict[int, dict[str, list[str]]]:
        """Every problem by item index, out-of-scope ones included, in item order."""
        merged: dict[int, dict[str, list[str]]] = {}
        for source in (self.out_of_scope, self.errors):
            for index, fields in source.items():
                for name, messages in fields.items():
                    merged.setdefault(index, {}).setdefault(name, []).extend(messages)
        return dict(sorted(merged.items()))


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _period_parse(value) -> tuple[dt.date | None, str | None]:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value, None
    text = _text(value)
    if not text:
        return None, "A period is required: the first day of a month, like 2026-06-01."
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            return dt.datetime.strptime(text, fmt).date(), None
        except ValueError:
            continue
    return None, f"{text!r} is not a month: write its first day, like 2026-06-01."


def _fte_parse(value, *, required: bool) -> tuple[Decimal | None, str | None]:
    if isinstance(value, bool):
        return None, "Enter a number of full-time equivalents, like 12.5."
    text = _text(value)
    if not text:
        return None, ("A number is required." if required else None)
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None, f"{text!r} is not a number: enter full-time equivalents, like 12.5."
    if not number.is_finite():
        return None, f"{text!r} is not a number: enter full-time equivalents, like 12.5."
    if number < 0:
        return None, f"{text} is negative: enter 0 or more."
    if number > VACANCY_FTE_MAX:
        return None, f"{text} is too large: at most {VACANCY_FTE_MAX:,}."
    if number != number.quantize(Decimal("0.01")):
        return None, f"{text} has more than 2 decimal places."
    return number.quantize(Decimal("0.01")), None


def _ics_for(user) -> IntegratedCareSystem | None:
    return user.ics if getattr(user, "role", None) == Role.ICS and user.ics_id else None


def _vacancy_writer_check(user) -> None:
    if not (is_staff(user) or _ics_for(user) is not None):
        raise PermissionDenied("Only an ICS's own analysts and portal staff write its vacancies.")


class _VacancyLookups:
    """The trusts, ICSs and occupations a set of rows names, one query per model."""

    def __init__(self, items: Iterable[Mapping[str, Any]]):
        items = [item for item in items if isinstance(item, Mapping)]
        trust_codes = {_text(item.get("trust")) for item in items} - {""}
        ics_codes = {_text(item.get("ics")) for item in items} - {""}
        occupation_codes = {_text(item.get("occupation")) for item in items} - {""}
        # Memberships and successions are prefetched: the month's board checks read no more rows.
        self.trusts = Trust.objects.select_related("ics").prefetch_related(
            Prefetch("boards", queryset=TrustBoard.objects.select_related("ics"))  # Meta order: by first day
        ).in_bulk(trust_codes, field_name="ods_code")
        self.boards = IntegratedCareSystem.objects.prefetch_related(
            Prefetch("successions_out", to_attr="successors",
                     queryset=BoardSuccession.objects.select_related("successor").order_by("-share"))
        ).in_bulk(ics_codes, field_name="code")
        self.occupations = Occupation.objects.in_bulk(occupation_codes, field_name="code")


def _vacancy_build(
    item: Mapping[str, Any], *, user, lookups: _VacancyLookups
) -> tuple[Vacancy | None, dict[str, list[str]], dict[str, list[str]]]:
    """One row's Vacancy (unsaved), its problems by field, and its scope problems by field."""
    errors: dict[str, list[str]] = {}
    scope: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not isinstance(item, Mapping):
        return None, {"non_field_errors": ["Each item must be an object with the vacancy's fields."]}, {}
    own_ics = _ics_for(user)

    sector = _text(item.get("sector"))
    if sector not in Sector.values:
        fail("sector", f"{sector!r} is not one of {', '.join(Sector.values)}." if sector else "A sector is required.")

    trust = None
    trust_code = _text(item.get("trust"))
    if trust_code:
        trust = lookups.trusts.get(trust_code)
        if trust is None:
            fail("trust", f"No NHS trust has ODS code {trust_code!r}.")

    ics = None
    ics_code = _text(item.get("ics"))
    if ics_code:
        ics = lookups.boards.get(ics_code)
        if ics is None:
            fail("ics", f"No ICS has code {ics_code!r}.")
    elif trust is not None:
        ics = None  # the trust's board in the month of the period, once the period is read
    elif own_ics is not None:
        ics = own_ics
    elif sector == Sector.SOCIAL_CARE:
        fail("ics", "A social-care row needs the ICS code it estimates for.")

    occupation = None
    occupation_code = _text(item.get("occupation"))
    if not occupation_code:
        fail("occupation", "An occupation code is required, like care-workers.")
    else:
        occupation = lookups.occupations.get(occupation_code)
        if occupation is None:
            fail("occupation", f"No occupation has code {occupation_code!r}.")

    period, message = _period_parse(item.get("period"))
    if message:
        fail("period", message)
    if trust is not None and ics is None and not ics_code:
        boards = trust.boards_in_month(period) if period else [trust.ics]
        ics = boards[-1] if boards else trust.ics  # in a month of change, its board at the month's end
    vacancies_fte, message = _fte_parse(item.get("vacancies_fte"), required=True)
    if message:
        fail("vacancies_fte", message)
    staff_in_post_fte, message = _fte_parse(item.get("staff_in_post_fte"), required=False)
    if message:
        fail("staff_in_post_fte", message)

    if own_ics is not None and not is_staff(user):
        outside = f"outside your ICS ({own_ics.code} {own_ics.short_name}): you may write only its vacancies."
        boards = trust.boards_in_month(period) if trust is not None and period else [getattr(trust, "ics", None)]
        if trust is not None and own_ics.pk not in {board.pk for board in boards if board is not None}:
            where = " or ".join(board.code for board in boards if board is not None) or trust.ics.code
            scope["trust"] = [f"{trust.ods_code} lies in ICS {where}, {outside}"]
        elif ics is not None and ics.pk != own_ics.pk:
            scope["ics"] = [f"{ics.code} is {outside}"]

    vacancy = Vacancy(
        sector=sector, trust=trust, ics=ics, occupation=occupation, period=period,
        vacancies_fte=vacancies_fte, staff_in_post_fte=staff_in_post_fte,
    )
    if not errors:
        try:
            # The related objects were just looked up: skip Django's one-query-per-row existence checks.
            vacancy.full_clean(
                exclude=["trust", "ics", "occupation"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for name, messages in _vacancy_error_dict(exc).items():
                errors.setdefault(name, []).extend(messages)
    return vacancy, errors, scope


def _vacancy_error_dict(exc: ValidationError) -> dict[str, list[str]]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    if NON_FIELD_ERRORS in errors:
        errors = {**errors, "non_field_errors": errors.pop(NON_FIELD_ERRORS)}
    return errors


def _vacancy_key(vacancy: Vacancy) -> tuple:
    where = ("trust", vacancy.trust_id) if vacancy.trust_id else ("ics", vacancy.ics_id)
    return (vacancy.sector, *where, vacancy.occupation_id, vacancy.period)


def _vacancy_series_name(vacancy: Vacancy) -> str:
    where = vacancy.trust.ods_code if vacancy.trust_id else vacancy.ics.code
    return f"{vacancy.occupation.code} at {where} in {vacancy.period:%B %Y}"


VACANCY_UPSERT = UpsertSpec(
    model=Vacancy,
    keys=(
        NaturalKey(("sector", "trust", "occupation", "period"), where='"trust_id" IS NOT NULL',
                   applies=lambda vacancy: vacancy.trust_id is not None),
        NaturalKey(("sector", "ics", "occupation", "period"), where='"trust_id" IS NULL',
                   applies=lambda vacancy: vacancy.trust_id is None),
    ),
)


def vacancies_check(*, rows: Sequence[Mapping[str, Any]], user) -> tuple[list[Vacancy], VacancyPlan]:
    """Check every row the way a single write is checked, reading no vacancy: (the rows to write,
    in item order; a plan holding only the errors and out-of-scope rows).

    Queries: one each for the trusts, ICSs and occupations named, whatever the number of rows.
    """
    _vacancy_writer_check(user)
    if not isinstance(rows, Sequence) or isinstance(rows, str | bytes):
        raise ApplicationError("Send a list of vacancy rows.", {"non_field_errors": ["Send a list of vacancy rows."]})
    if len(rows) > VACANCY_BULK_MAX_ITEMS:
        message = f"Send at most {VACANCY_BULK_MAX_ITEMS:,} vacancy rows at once."
        raise ApplicationError(message, {"non_field_errors": [message]})
    plan = VacancyPlan()
    lookups = _VacancyLookups(rows)
    built: list[Vacancy] = []
    seen: dict[tuple, int] = {}
    for index, item in enumerate(rows):
        vacancy, errors, scope = _vacancy_build(item, user=user, lookups=lookups)
        if scope:
            plan.out_of_scope[index] = scope
        if errors:
            plan.errors[index] = errors
        if errors or scope:
            continue
        key = _vacancy_key(vacancy)
        if key in seen:
            message = f"Item {seen[key]} already gives {_vacancy_series_name(vacancy)}."
            plan.errors[index] = {"period": [message]}
            continue
        seen[key] = index
        vacancy.synthetic = False  # real figures replace generated ones
        built.append(vacancy)
    return built, plan


def vacancies_plan(*, rows: Sequence[Mapping[str, Any]], user) -> VacancyPlan:
    """Check every row and say what an upsert would do now (the upload's preview), writing nothing.

    Queries: one each for the trusts, ICSs and occupations named, one per natural key for the
    existing rows, whatever the number of rows.
    """
    built, plan = vacancies_check(rows=rows, user=user)
    if not plan.ok or not built:
        return plan
    preview = upsert_preview(spec=VACANCY_UPSERT, objs=built, select_related=("trust", "ics", "occupation"))
    plan.created = preview.created
    plan.updated = [vacancy for vacancy, _ in preview.changed]
    plan.changes = [changes for _, changes in preview.changed]
    plan.unchanged = preview.unchanged
    return plan


def _vacancy_scope_refused(out_of_scope: Mapping[int, Mapping[str, list[str]]], *, label: str = "Item") -> str:
    lines = [
        f"{label} {index}: {name}: {message}"
        for index, fields in sorted(out_of_scope.items())
        for name, messages in fields.items()
        for message in messages
    ]
    shown = lines[:20] + ([f"... and {len(lines) - 20} more"] if len(lines) > 20 else [])
    return "Nothing was written: some rows lie outside your ICS.\n" + "\n".join(shown)


def vacancies_upsert(*, rows: Sequence[Mapping[str, Any]], user, source: str = "bulk") -> dict[str, int]:
    """Create or update vacancy rows by series (sector + trust-or-ics + occupation) and month,
    all or nothing, in one transaction (core.upsert). Answers the counts {created, updated, unchanged}.

    A row outside an ICS analyst's own ICS -> PermissionDenied (403) naming it; any other bad
    row -> ApplicationError {"errors": {index: {field: [messages]}}}; either way nothing is written.
    """
    built, plan = vacancies_check(rows=rows, user=user)
    if plan.out_of_scope:
        raise PermissionDenied(_vacancy_scope_refused(plan.out_of_scope))
    if plan.errors:
        count = len(plan.errors)
        raise ApplicationError(
            f"{count} vacancy row{'s' if count != 1 else ''} not valid: nothing was written.",
            {"errors": {str(index): plan.errors[index] for index in sorted(plan.errors)}},
        )
    return upsert(spec=VACANCY_UPSERT, objs=built, user=user, reason=VACANCY_SOURCES[source]).as_counts()


def _vacancy_as_item(vacancy: Vacancy) -> dict[str, Any]:
    return {
        "sector": vacancy.sector,
        "trust": vacancy.trust.ods_code if vacancy.trust_id else None,
        "ics": vacancy.ics.code,
        "occupation": vacancy.occupation.code,
        "period": vacancy.period,
        "vacancies_fte": vacancy.vacancies_fte,
        "staff_in_post_fte": vacancy.staff_in_post_fte,
    }


def _vacancy_one(*, item: Mapping[str, Any], user, exclude_pk: int | None = None) -> Vacancy:
    """Check one row (scope first), and that no other row holds its series and month."""
    _vacancy_writer_check(user)
    vacancy, errors, scope = _vacancy_build(item, user=user, lookups=_VacancyLookups([item]))
    if scope:
        raise PermissionDenied(" ".join(message for messages in scope.values() for message in messages))
    if errors:
        raise ApplicationError("The vacancy row is not valid.", errors)
    clash = Vacancy.objects.filter(
        sector=vacancy.sector, occupation=vacancy.occupation, period=vacancy.period
    ).filter(Q(trust=vacancy.trust) if vacancy.trust_id else Q(trust__isnull=True, ics=vacancy.ics))
    clash = clash.exclude(pk=exclude_pk).first()
    if clash is not None:
        message = f"A row for {_vacancy_series_name(vacancy)} already exists (id {clash.pk}): change that one."
        raise ApplicationError(message, {"period": [message]})
    return vacancy


def vacancy_create(*, data: Mapping[str, Any], user, source: str = "api") -> Vacancy:
    """Create one row; its series and month must be new (the bulk endpoint upserts)."""
    item = {name: data.get(name) for name in VACANCY_FIELDS}
    vacancy = _vacancy_one(item=item, user=user)
    audited_save(vacancy, user=user, reason=VACANCY_SOURCES[source])
    return vacancy


def vacancy_update(*, vacancy: Vacancy, data: Mapping[str, Any], user, source: str = "api") -> Vacancy:
    """Change the given fields of one row; both the row as it is and as it becomes must be in scope."""
    require_write(user, vacancy)
    item = _vacancy_as_item(vacancy)
    given = {name: data[name] for name in VACANCY_FIELDS if name in data}
    item.update(given)
    if "trust" in given and "ics" not in given:
        item["ics"] = None  # follows the new trust
    if item.get("sector") == Sector.SOCIAL_CARE and "trust" not in given and "sector" in given:
        item["trust"] = None
    checked = _vacancy_one(item=item, user=user, exclude_pk=vacancy.pk)
    attnames = {name: Vacancy._meta.get_field(name).attname for name in VACANCY_FIELDS}
    changed = [name for name, attname in attnames.items() if getattr(vacancy, attname) != getattr(checked, attname)]
    if not changed:
        return vacancy
    for name in changed:
        setattr(vacancy, name, getattr(checked, name))
    vacancy.synthetic = False
    audited_save(vacancy, user=user, reason=VACANCY_SOURCES[source])
    return vacancy


def vacancy_delete(*, vacancy: Vacancy, user, source: str = "api") -> None:
    require_write(user, vacancy)
    audited_delete(vacancy, user=user, reason=VACANCY_SOURCES[source])


VACANCY_CSV_COLUMNS = ("sector", "trust", "ics", "occupation", "period", "vacancies_fte", "staff_in_post_fte")
VACANCY_CSV_REQUIRED = ("sector", "occupation", "period", "vacancies_fte")


@dataclass
class VacancyCsv:
    """An uploaded vacancy CSV read and checked: the plan, and each problem as 'line N: column: reason'."""

    plan: VacancyPlan | None
    problems: list[str]
    lines: list[int]
    rows: list[dict[str, str]]

    @property
    def ok(self) -> bool:
        return not self.problems


VACANCY_CSV_EXAMPLE = {
    "sector": "nhs", "trust": "RXN", "ics": "", "occupation": "registered-nurses", "period": "01/06/2026",
    "vacancies_fte": "12.5", "staff_in_post_fte": "310",
}


def vacancies_csv_template() -> str:
    return csv_template(VACANCY_CSV_COLUMNS, VACANCY_CSV_EXAMPLE)


def vacancies_csv_read(*, text: str, user) -> VacancyCsv:
    """Read a vacancy CSV (header row with the API's field names) and check it, writing nothing.

    Line numbers count the header as line 1. Every problem is named by its line and column;
    rows outside an ICS analyst's ICS are problems too. The month may be written 01/06/2026.
    """
    _vacancy_writer_check(user)
    try:
        read = csv_text_read(text, required_columns=VACANCY_CSV_REQUIRED)
    except CsvRefused as exc:
        return VacancyCsv(plan=None, problems=exc.problems, lines=[], rows=[])
    problems = [message for row in read for message in row.messages()]
    read = [row for row in read if not row.problems]
    rows = []
    for row in read:
        values = {name: row.raw(name) for name in VACANCY_CSV_COLUMNS}
        values["period"] = iso_date(values["period"])
        rows.append(values)
    lines = [row.line for row in read]
    if not rows and not problems:
        problems.append("line 2: (file): the file has no vacancy rows")
    if len(rows) > VACANCY_BULK_MAX_ITEMS:
        problems.append(f"line 1: (file): at most {VACANCY_BULK_MAX_ITEMS:,} rows may be uploaded at once")
        return VacancyCsv(plan=None, problems=problems, lines=lines, rows=rows)
    plan = vacancies_plan(rows=rows, user=user)
    for index, fields in plan.problems().items():
        problems += item_problems(lines[index], fields)
    problems.sort(key=line_of)
    return VacancyCsv(plan=plan, problems=problems, lines=lines, rows=rows)


def vacancies_csv_import(*, text: str, user) -> dict[str, int]:
    """Check and write a vacancy CSV, all or nothing; any problem -> ApplicationError naming each line."""
    result = vacancies_csv_read(text=text, user=user)
    if not result.ok:
        raise ApplicationError(
            f"The file was not imported ({len(result.problems)} problems); nothing was changed.",
            {"file": result.problems},
        )
    return vacancies_upsert(rows=result.rows, user=user, source="csv")


# --------------------------------------------------------------------------------------
# Board changes (1 April 2026, and any later change published the same way): new boards
# opened, replaced boards closed with their successions and shares, and the trusts'
# memberships moved on the day. Formats in data/SOURCES.md; derivations on the "about the
# data" page. Re-running changes nothing.
# --------------------------------------------------------------------------------------

BOARDS_CHANGED_ON = dt.date(2026, 4, 1)
NEW_BOARD_COLUMNS = ("icb_ods_code", "icb_name", "region_ods_code")
BOARD_MAP_COLUMNS = ("old_icb_ods_code", "new_icb_ods_code")
SUB_ICB_MAP_COLUMNS = ("sub_icb_ods_code", "icb_ods_code_dec2025", "icb_ods_code_apr2026")
LSOA_COUNT_COLUMNS = ("lad24_code", "lad24_name", "sicbl24_ods_code", "icb_ods_code", "lsoa21_count")
SPLIT_ASSUMPTION_COLUMNS = ("old_icb_ods_code", "lad24_code", "new_icb_ods_code", "assumption")
SHARE_PLACES = Decimal("0.000001")
BASIS_MAX = 200


@dataclass
class BoardChange:
    """A published board change, read and checked: which boards open, which close, and where each
    closed board's area went, with the LSOA counts behind the shares of a split board.

    `successors[old]` lists the new boards of a closed board; `lsoas[old][new]` counts the LSOAs
    (2021) of `old` that lie in `new` from the change on; `districts[(old, lad)][new]` does the same
    for one local authority district, and `assumed[old]` names the districts placed by a written
    assumption (data/board_split_assumptions.csv) because their sub-ICB location is in no 2026 board.
    """

    changed_on: dt.date
    boards: list[dict] = field(default_factory=list)
    successors: dict[str, list[str]] = field(default_factory=dict)
    lsoas: dict[str, dict[str, int]] = field(default_factory=dict)
    sub_icbs: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    districts: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    district_names: dict[str, str] = field(default_factory=dict)
    assumed: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def last_day_before(self) -> dt.date:
        return self.changed_on - dt.timedelta(days=1)

    def is_split(self, old: str) -> bool:
        return len(self.successors.get(old, ())) > 1

    def shares(self, old: str) -> list[tuple[str, Decimal, str]]:
        """(successor code, share, basis) for a closed board: share 1 for a merger; for a split, each
        successor's LSOAs over the board's, rounded to 6 places, the largest absorbing the rounding so
        that the shares sum to exactly 1."""
        successors = self.successors[old]
        if len(successors) == 1:
            return [(successors[0], Decimal(1), f"Merger: all of {old} went into {successors[0]} "
                                                  "(icb_2024_to_2026_map.csv).")]
        counts = self.lsoas[old]
        total = sum(counts.values())
        shares = {new: (Decimal(counts[new]) / Decimal(total)).quantize(SHARE_PLACES) for new in successors}
        largest = max(successors, key=lambda new: (counts[new], new))
        shares[largest] += Decimal(1) - sum(shares.values())
        rows = []
        for new in successors:
            parts = []
            if self.sub_icbs.get(old, {}).get(new):
                parts.append("sub-ICB locations " + ", ".join(sorted(self.sub_icbs[old][new])))
            if self.assumed.get(old, {}).get(new):
                parts.append("the districts " + ", ".join(self.assumed[old][new]) + " (by a written assumption)")
            basis = (f"Split by LSOA (2021) counts: {counts[new]} of {total} LSOAs of {old} lie in "
                     + " and ".join(parts) + f", now in {new}.")
            if len(basis) > BASIS_MAX:
                basis = basis[: BASIS_MAX - 1] + "…"
            rows.append((new, shares[new], basis))
        return rows

    def district_successor(self, old: str, lad_code: str) -> tuple[str, str]:
        """The successor of split board `old` holding most of district `lad_code`'s LSOAs in it, with
        the reason in words; a district not in the board goes to the successor with the largest share."""
        counts = self.districts.get((old, lad_code))
        name = self.district_names.get(lad_code, lad_code)
        if not counts:
            new = max(self.successors[old], key=lambda code: (self.lsoas[old][code], code))
            return new, f"its district {name} lies outside {old}: the successor with the largest share"
        new = max(counts, key=lambda code: (counts[code], code))
        return new, f"{counts[new]} of {sum(counts.values())} LSOAs of its district {name} in {old} went to {new}"


def board_change_read(
    *, boards_path: Path | str, map_path: Path | str, sub_icb_path: Path | str, lsoa_path: Path | str,
    assumptions_path: Path | str, changed_on: dt.date = BOARDS_CHANGED_ON,
) -> BoardChange:
    """Read and check the files of a board change, writing nothing; any problem refuses it (naming the
    file, line and column). The boards named as predecessors must already be stored."""
    change = BoardChange(changed_on=changed_on)
    stored = set(IntegratedCareSystem.objects.values_list("code", flat=True))
    regions = set(Region.objects.values_list("code", flat=True))

    problems: list[str] = []
    for row in csv_rows_read_checked(boards_path, NEW_BOARD_COLUMNS):
        code = row.matching("icb_ods_code", ICB_CODE_PATTERN.strip("^$"), "an ICB ODS code like QE1 or Z9B2Z")
        name = display_name(row.text("icb_name"))
        region = row.raw("region_ods_code")
        if region not in regions:
            row.error("region_ods_code", f"unknown NHS England region {region!r}")
        problems += row.messages()
        change.boards.append({"code": code, "name": name, "region": region, "line": row.line})
    _refuse_if(boards_path, problems)
    new_codes = {board["code"] for board in change.boards}

    for row in csv_rows_read_checked(map_path, BOARD_MAP_COLUMNS):
        old, new = row.raw("old_icb_ods_code"), row.raw("new_icb_ods_code")
        if old not in stored:
            row.error("old_icb_ods_code", f"{old!r} is not a stored board: load the earlier boards first")
        if new not in new_codes:
            row.error("new_icb_ods_code", f"{new!r} is not in {Path(boards_path).name}")
        problems += row.messages()
        if not row.problems and old != new and new not in change.successors.setdefault(old, []):
            change.successors[old].append(new)
    _refuse_if(map_path, problems)
    # A board whose code carries on is not closed, whatever else the file says of it.
    change.successors = {old: news for old, news in change.successors.items() if news and old not in new_codes}

    split = {old for old in change.successors if change.is_split(old)}
    sub_icb_board: dict[str, str] = {}
    for row in csv_rows_read_checked(sub_icb_path, SUB_ICB_MAP_COLUMNS):
        if row.raw("icb_ods_code_dec2025") in split and row.raw("icb_ods_code_apr2026"):
            sub_icb_board[row.raw("sub_icb_ods_code")] = row.raw("icb_ods_code_apr2026")
    assumptions: dict[tuple[str, str], str] = {}
    for row in csv_rows_read_checked(assumptions_path, SPLIT_ASSUMPTION_COLUMNS):
        old, new = row.raw("old_icb_ods_code"), row.raw("new_icb_ods_code")
        if old in split and new not in change.successors[old]:
            row.error("new_icb_ods_code", f"{new!r} is not a successor of {old}")
        problems += row.messages()
        assumptions[(old, row.raw("lad24_code"))] = new
    _refuse_if(assumptions_path, problems)

    for row in csv_rows_read_checked(lsoa_path, LSOA_COUNT_COLUMNS):
        old = row.raw("icb_ods_code")
        if old not in split:
            continue
        lad, sub_icb = row.raw("lad24_code"), row.raw("sicbl24_ods_code")
        count = row.integer("lsoa21_count", required=True, minimum=0, maximum=100_000)
        change.district_names[lad] = row.raw("lad24_name")
        new = sub_icb_board.get(sub_icb)
        if new in change.successors[old]:
            change.sub_icbs.setdefault(old, {}).setdefault(new, []).append(sub_icb)
            change.sub_icbs[old][new] = sorted(set(change.sub_icbs[old][new]))
        elif (old, lad) in assumptions:
            new = assumptions[(old, lad)]
            change.assumed.setdefault(old, {}).setdefault(new, []).append(row.raw("lad24_name"))
        else:
            row.error("sicbl24_ods_code", f"{sub_icb} ({row.raw('lad24_name')}) of {old} is in no 2026 successor in "
                      f"{Path(sub_icb_path).name}, and {Path(assumptions_path).name} says nothing of {lad}")
        problems += row.messages()
        if not row.problems:
            change.lsoas.setdefault(old, {}).setdefault(new, 0)
            change.lsoas[old][new] += count
            change.districts.setdefault((old, lad), {}).setdefault(new, 0)
            change.districts[(old, lad)][new] += count
    for old in sorted(split):
        for new in change.successors[old]:
            if not change.lsoas.get(old, {}).get(new):
                problems.append(f"line ?: icb_ods_code: no LSOA of {old} lies in its successor {new}: its share "
                                "cannot be derived")
    _refuse_if(lsoa_path, problems)
    return change


def csv_rows_read_checked(path: Path | str, columns: Sequence[str]) -> list[CsvRow]:
    return csv_rows_read(path=path, required_columns=columns)


def _refuse_if(path: Path | str, problems: list[str]) -> None:
    if problems:
        raise import_refused(path, sorted(problems, key=line_of))


def boards_change_import(*, change: BoardChange) -> ImportResult:
    """Open the new boards (`opened_on` = the day of the change), close the replaced ones (`closed_on`
    = the day before) and store their successions with shares. Boards whose code carries on stay
    open. Stored names of continuing boards are kept (the ONS spelling)."""
    result = ImportResult(entity="board changes")
    stored = IntegratedCareSystem.objects.in_bulk(field_name="code")
    regions = Region.objects.in_bulk(field_name="code")
    for board in change.boards:
        if board["code"] in stored:
            result.unchanged += 1
            continue
        ics = IntegratedCareSystem(code=board["code"], name=board["name"], region=regions[board["region"]],
                                   opened_on=change.changed_on)
        ics.full_clean(validate_constraints=False)
        ics.save()
        stored[ics.code] = ics
        result.added += 1
        result.notes.append(f"{ics.code} {ics.short_name} opened on {change.changed_on:%-d %B %Y}")
    for old, _ in sorted(change.successors.items()):
        board = stored[old]
        if board.closed_on is None:
            board.closed_on = change.last_day_before
            board.save(update_fields=["closed_on"])
            result.changed += 1
            result.notes.append(f"{old} {board.short_name} closed on {board.closed_on:%-d %B %Y}")
        elif board.closed_on != change.last_day_before:
            result.notes.append(f"{old} had already closed on {board.closed_on:%-d %B %Y}: kept")
        wanted = {new: (share, basis) for new, share, basis in change.shares(old)}
        existing = {s.successor.code: s for s in BoardSuccession.objects.filter(predecessor=board)
                    .select_related("successor")}
        for code, succession in existing.items():
            if code not in wanted:
                succession.delete()
                result.changed += 1
        for new, (share, basis) in wanted.items():
            succession = existing.get(new)
            if succession is None:
                BoardSuccession.objects.create(predecessor=board, successor=stored[new], share=share, basis=basis)
                result.added += 1
            elif succession.share != share or succession.basis != basis:
                succession.share, succession.basis = share, basis
                succession.save(update_fields=["share", "basis"])
                result.changed += 1
            else:
                result.unchanged += 1
            result.notes.append(f"{old} -> {new}: share {share} ({basis})")
    return result


TRUST_BOARD_COLUMNS = ("ods_code", "name", "open_date", "close_date")
TRUST_BOARD_CODE_COLUMNS = ("icb_ods_code_2026", "icb_ods_code")  # our extract's name, then etr.csv's


def memberships_move(
    *, member, spans: list, board: IntegratedCareSystem, changed_on: dt.date, make, starts_on: dt.date | None = None
) -> bool:
    """Put `member` (a trust or college) in `board` from `changed_on` on, closing the membership that
    spans the change the day before. `spans` are its memberships, `make(**values)` builds a new one.
    Answers whether anything was written. Shared by trusts and colleges (one rule for both)."""
    starts_on = starts_on or changed_on
    spanning = [s for s in spans if (s.valid_from is None or s.valid_from <= starts_on)
                and (s.valid_to is None or s.valid_to >= starts_on)]
    if spanning and spanning[0].ics_id == board.pk:
        return False
    if spanning:
        current = spanning[0]
        if current.valid_from == starts_on:  # starts on the day already: it names the wrong board
            current.ics = board
            current.save(update_fields=["ics"])
            return True
        valid_to = current.valid_to
        current.valid_to = starts_on - dt.timedelta(days=1)
        current.save(update_fields=["valid_to"])
        make(ics=board, valid_from=starts_on, valid_to=valid_to).save()
        return True
    later = [s.valid_from for s in spans if s.valid_from and s.valid_from > starts_on]
    make(ics=board, valid_from=starts_on, valid_to=(min(later) - dt.timedelta(days=1)) if later else None).save()
    return True


def board_today(spans: list, today: dt.date):
    """The board of the membership valid on `today`, or None."""
    for span in spans:
        if (span.valid_from is None or span.valid_from <= today) and (span.valid_to is None or span.valid_to >= today):
            return span.ics
    return None


def trust_boards_import(*, path: Path | str, changed_on: dt.date = BOARDS_CHANGED_ON,
                        today: dt.date | None = None) -> ImportResult:
    """Trusts' boards from a later ODS trust file (nhs_trusts_icb_2026.csv, or etr.csv as published):
    where a trust's board changed, its membership closes the day before the change and a new one opens
    on the day; a trust new to the portal is added with its membership from the change (or from its
    opening, if later). Trusts closed before the change keep their history. `Trust.ics` = the board today."""
    today = today or timezone.localdate()
    result = ImportResult(entity="trusts' boards")
    rows = csv_rows_read(path=path, required_columns=TRUST_BOARD_COLUMNS, headerless=ODS_ETR_FIELDS)
    code_column = next((c for c in TRUST_BOARD_CODE_COLUMNS if rows and c in rows[0].data), None)
    if rows and code_column is None:
        _refuse_if(path, [f"line 1: (header): needs a column {' or '.join(TRUST_BOARD_CODE_COLUMNS)}"])
    boards = IntegratedCareSystem.objects.in_bulk(field_name="code")
    problems: list[str] = []
    parsed = []
    for row in rows:
        ods_code = row.matching("ods_code", r"[A-Z0-9]{3,5}", "an ODS code of 3 to 5 capital letters or digits")
        if not row.raw(code_column):
            result.skipped.append(f"line {row.line}: {ods_code}: outside England: no ICB")
            continue
        board = row.lookup(code_column, boards, "ICB")
        opened_on, closed_on = row.date("open_date", ODS_DATE), row.date("close_date", ODS_DATE)
        problems += row.messages()
        parsed.append((row, ods_code, board, opened_on, closed_on))
    _refuse_if(path, problems)

    trusts = Trust.objects.in_bulk([p[1] for p in parsed], field_name="ods_code")
    spans: dict[int, list] = {}
    for span in TrustBoard.objects.filter(trust__in=list(trusts.values())).select_related("ics"):
        spans.setdefault(span.trust_id, []).append(span)
    for row, ods_code, board, opened_on, closed_on in parsed:
        trust = trusts.get(ods_code)
        if trust is None:
            if closed_on and closed_on < changed_on:
                result.skipped.append(f"line {row.line}: {ods_code}: closed before the change and not stored")
                continue
            name = row.text("name")
            trust = Trust(ods_code=ods_code, name=display_name(name), kind=trust_kind_from_name(name, ods_code),
                          ics=board, opened_on=opened_on, closed_on=closed_on)
            trust.full_clean(validate_unique=False, validate_constraints=False)
            trust.save()
            starts_on = max(opened_on, changed_on) if opened_on else changed_on
            TrustBoard.objects.create(trust=trust, ics=board, valid_from=starts_on)
            result.added += 1
            result.notes.append(f"{ods_code} {trust.name} added in {board.code} from {starts_on:%-d %B %Y}")
            continue
        if trust.closed_on and trust.closed_on < changed_on:
            result.unchanged += 1  # closed before the change: its history stays as it was
            continue
        mine = sorted(spans.get(trust.pk, []), key=lambda s: s.valid_from or dt.date.min)
        starts_on = max(trust.opened_on, changed_on) if trust.opened_on else changed_on
        moved = memberships_move(member=trust, spans=mine, board=board, changed_on=changed_on,
                                 make=partial(TrustBoard, trust=trust), starts_on=starts_on)
        if moved:
            mine = list(TrustBoard.objects.filter(trust=trust).select_related("ics"))
            result.notes.append(f"{ods_code} {trust.name}: in {board.code} from {starts_on:%-d %B %Y}")
        now = board_today(mine, today)
        if now is not None and trust.ics_id != now.pk:
            trust.ics = now
            trust.save(update_fields=["ics"])
            moved = True
        if moved:
            result.changed += 1
        else:
            result.unchanged += 1
    return result


# --------------------------------------------------------------------------------------
# Council areas (local authority districts) and the board each lies in today, for the public
# pathway pages: the board open today with the largest share of the district's LSOAs (2021).
# --------------------------------------------------------------------------------------

COUNCIL_AREA_UPSERT = UpsertSpec(model=CouncilArea, keys=(NaturalKey(("code",)),), fields=("name", "ics", "share"))


def council_areas_import(
    *, lsoa_path: Path | str, sub_icb_path: Path | str, assumptions_path: Path | str, today: dt.date | None = None,
) -> ImportResult:
    """Council areas from the LSOA counts by district and sub-ICB location (lad_sub_icb_lsoa_counts.csv).

    Each count is placed in a board of today's map: its sub-ICB location's later board
    (sub_icb_2025_to_icb_2026.csv) when it has one, else the written assumption for its district
    (board_split_assumptions.csv), else the board the counts file names; a board closed today passes
    on to its successor with the largest share (board_successor_today). The district's board is the
    one with most of its LSOAs (ties by code), stored with that share to 6 places. All or nothing;
    a re-run changes nothing."""
    today = today or timezone.localdate()
    boards = {board.code: board for board in IntegratedCareSystem.objects.prefetch_related(
        Prefetch("successions_out", queryset=BoardSuccession.objects.select_related("successor"), to_attr="successors")
    )}
    later_board = {row.raw("sub_icb_ods_code"): row.raw("icb_ods_code_apr2026")
                   for row in csv_rows_read_checked(sub_icb_path, SUB_ICB_MAP_COLUMNS)
                   if row.raw("icb_ods_code_apr2026")}
    assumed = {(row.raw("old_icb_ods_code"), row.raw("lad24_code")): row.raw("new_icb_ods_code")
               for row in csv_rows_read_checked(assumptions_path, SPLIT_ASSUMPTION_COLUMNS)}

    def open_today(code: str) -> IntegratedCareSystem | None:
        board = boards.get(code)
        if board is None or board.is_open_on(today):
            return board
        return board_successor_today(board, today)

    problems: list[str] = []
    names: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    for row in csv_rows_read_checked(lsoa_path, LSOA_COUNT_COLUMNS):
        lad = row.matching("lad24_code", LAD_CODE.regex.pattern.strip("^$"), "a district code like E06000001")
        name = row.text("lad24_name")
        count = row.integer("lsoa21_count", required=True, minimum=0, maximum=100_000)
        old = row.raw("icb_ods_code")
        code = later_board.get(row.raw("sicbl24_ods_code")) or assumed.get((old, lad)) or old
        board = open_today(code)
        if board is None:
            row.error("icb_ods_code", f"{code!r} is not a stored board open on {today:%-d %B %Y} and names no "
                                      "successor that is: load the boards first")
        problems += row.messages()
        if not row.problems and count:
            names[lad] = name
            counts.setdefault(lad, {}).setdefault(board.code, 0)
            counts[lad][board.code] += count
    _refuse_if(lsoa_path, problems)

    areas = []
    for lad, by_board in sorted(counts.items()):
        code = max(by_board, key=lambda board: (by_board[board], [-ord(c) for c in board]))
        share = (Decimal(by_board[code]) / Decimal(sum(by_board.values()))).quantize(SHARE_PLACES)
        area = CouncilArea(code=lad, name=names[lad], ics=boards[code], share=share)
        area.full_clean(validate_unique=False, validate_constraints=False)
        areas.append(area)
    written = upsert(spec=COUNCIL_AREA_UPSERT, objs=areas)
    return ImportResult(entity="council areas", added=written.created, changed=written.changed,
                        unchanged=written.unchanged)


# --------------------------------------------------------------------------------------
# ICS users of a closed board: moved to its successor (the one with the largest share).
# --------------------------------------------------------------------------------------


def board_successor_today(ics: IntegratedCareSystem, today: dt.date | None = None) -> IntegratedCareSystem | None:
    """The board open today that carries on a closed board: its successor with the largest share (ties
    by code), followed on while that one is itself closed. None for a board open today or one with no
    successor recorded."""
    today = today or timezone.localdate()
    seen = set()
    board = ics
    while not board.is_open_on(today) and board.pk not in seen:
        seen.add(board.pk)
        rows = getattr(board, "successors", None)
        if rows is None:
            rows = list(board.successions_out.select_related("successor"))
        if not rows:
            return None
        board = max(rows, key=lambda row: (row.share, [-ord(c) for c in row.successor.code])).successor
    return board if board is not ics and board.is_open_on(today) else None


@dataclass
class BoardUserMove:
    username: str
    old: IntegratedCareSystem
    new: IntegratedCareSystem | None


def board_users_move(*, dry_run: bool = False, today: dt.date | None = None) -> list[BoardUserMove]:
    """Move each ICS user of a board closed today to its successor (board_successor_today), writing
    nothing with `dry_run`. A user whose board has no successor is listed with `new` None and left."""
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    users = get_user_model().objects.filter(role=Role.ICS, ics__isnull=False).exclude(
        open_on_q(today, prefix="ics__")).select_related("ics").order_by("username")
    moves = [BoardUserMove(username=user.username, old=user.ics, new=board_successor_today(user.ics, today))
             for user in users]
    if not dry_run:
        by_name = {user.username: user for user in users}
        for move in moves:
            if move.new is not None:
                user = by_name[move.username]
                user.ics = move.new
                user.save(update_fields=["ics"])
    return moves


def membership_follow_board(*, member, membership_model, today: dt.date | None = None) -> bool:
    """Keep a trust's or college's memberships in step with `ics` (its board today) after a write through
    the API: a member with none gets an open-ended one; a member whose board today differs leaves it
    yesterday and joins `ics` from today. Answers whether anything was written."""
    today = today or timezone.localdate()
    spans = sorted(membership_model.objects.filter(**{membership_model.member_field: member}).select_related("ics"),
                   key=lambda s: s.valid_from or dt.date.min)
    if not spans:
        membership_model.objects.create(**{membership_model.member_field: member}, ics_id=member.ics_id)
        return True
    return memberships_move(member=member, spans=spans, board=member.ics, changed_on=today, starts_on=today,
                            make=partial(membership_model, **{membership_model.member_field: member}))


def board_open_today_check(ics: IntegratedCareSystem | None) -> None:
    """A trust's or college's board today must be open today: 400 naming `ics` otherwise."""
    if ics is not None and not ics.is_open_today:
        message = ics.closed_in_month_message(timezone.localdate()) if ics.closed_on else (
            f"{ics.name} opens on {ics.opened_on:%-d %B %Y}: it is not anyone's board today.")
        raise ApplicationError(message, {"ics": [message]})
