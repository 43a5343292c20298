"""Writes for regions, ICSs, NHS trusts and vacancies: imports of the publishers' files, upserts."""

from __future__ import annotations

import re
from pathlib import Path

from portal.services import CsvRow, ImportResult, display_name, rows_import

from .models import IntegratedCareSystem, Region, Trust, TrustKind

# --------------------------------------------------------------------------------------
# Reference data imports (formats in data/SOURCES.md)
# --------------------------------------------------------------------------------------

REGION_COLUMNS = ("region_ods_code", "region_ons_code_2022", "region_name")
ICB_COLUMNS = ("icb_ons_code", "icb_ods_code", "icb_name", "region_ods_code")
TRUST_COLUMNS = ("ods_code", "name", "nhs_region_code", "icb_ods_code", "town", "postcode", "open_date", "close_date")

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
# in this order. Staff may correct a kind in the admin; a re-import derives it again.
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
    """NHS trusts, from the ODS trust file (etr.csv with a header row: nhs_trusts_ods.csv).

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

    return rows_import(
        path=path, model=Trust, key="ods_code", entity="NHS trusts", required_columns=TRUST_COLUMNS, parse=parse,
        columns={"ics": "icb_ods_code", "opened_on": "open_date", "closed_on": "close_date"},
    )
