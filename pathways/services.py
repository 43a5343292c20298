"""Writes for occupations, apprenticeship standards, entry routes and gap reports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from portal.services import CsvRow, ImportResult, csv_rows_read, rows_import

from .models import ApprenticeshipStandard, Occupation, OccupationSector

# --------------------------------------------------------------------------------------
# Reference data imports (formats in data/SOURCES.md)
# --------------------------------------------------------------------------------------

STANDARD_COLUMNS = (
    "Name", "Reference", "Approved for Delivery Date", "Route", "Level", "Typical Duration (months)",
    "LARS code for providers only",
)


def apprenticeship_standards_import(*, path: Path | str) -> ImportResult:
    """Apprenticeship standards, from the IfATE standards CSV export (ifate_standards_health_care_2018.csv).

    Level 0 and duration 0 mean "not yet set" in the export and are stored as blank, as are the
    approval date and LARS code "TBC".
    """

    def parse(row: CsvRow) -> dict:
        lars = row.text("LARS code for providers only", required=False)
        return {
            "reference": row.matching("Reference", r"ST[0-9]{4}(-[0-9]{2})?", "a reference like ST0216"),
            "title": row.text("Name"),
            "level": row.integer("Level", zero_is_blank=True, minimum=1, maximum=8),
            "duration_months": row.integer("Typical Duration (months)", zero_is_blank=True, minimum=1, maximum=72),
            "route": " ".join(row.text("Route", required=False).split()),
            "lars_code": "" if lars.upper() == "TBC" else lars,
            "approved_for_delivery_on": row.date("Approved for Delivery Date", "%d-%m-%Y", blank_words=("TBC",)),
        }

    return rows_import(
        path=path, model=ApprenticeshipStandard, key="reference", entity="apprenticeship standards",
        required_columns=STANDARD_COLUMNS, parse=parse,
        columns={
            "reference": "Reference", "title": "Name", "level": "Level", "duration_months": "Typical Duration (months)",
            "route": "Route", "lars_code": "LARS code for providers only",
            "approved_for_delivery_on": "Approved for Delivery Date",
        },
    )


OCCUPATION_COLUMNS = ("soc2020_code", "code", "name", "sector", "staff_group", "annual_leaver_rate")
SOC_COLUMNS = ("soc2020_code", "title", "health_or_care", "description")


def occupations_import(*, path: Path | str, soc_path: Path | str) -> ImportResult:
    """Occupations: the SOC 2020 unit groups the portal keeps (data/occupations.csv), described from
    the ONS file (soc2020_unit_groups.csv). Unit groups the ONS file flags as health or care that the
    portal leaves out are listed in the result's notes.
    """
    soc_rows = csv_rows_read(path=soc_path, required_columns=SOC_COLUMNS)
    unit_groups = {row.raw("soc2020_code"): row for row in soc_rows}
    kept: set[str] = set()

    def parse(row: CsvRow) -> dict:
        soc_code = row.matching("soc2020_code", r"[1-9][0-9]{3}", "a SOC 2020 unit group code like 6131")
        unit_group = row.lookup("soc2020_code", unit_groups, "SOC 2020 unit group") if soc_code else None
        kept.add(soc_code)
        return {
            "code": row.matching("code", r"[a-z0-9]+(-[a-z0-9]+)*", "a lower-case slug like care-workers"),
            "name": row.text("name"),
            "soc_code": soc_code,
            "sector": row.choice("sector", OccupationSector.values),
            "staff_group": row.text("staff_group", required=False),
            "annual_leaver_rate": row.decimal(
                "annual_leaver_rate", required=True, minimum=Decimal(0), maximum=Decimal(1)
            ),
            "description": unit_group.raw("description") if unit_group else "",
        }

    result = rows_import(
        path=path, model=Occupation, key="code", entity="occupations", required_columns=OCCUPATION_COLUMNS,
        parse=parse, columns={"soc_code": "soc2020_code"},
    )
    for code, row in sorted(unit_groups.items()):
        if row.raw("health_or_care").lower() == "yes" and code not in kept:
            result.notes.append(f"SOC {code} {row.raw('title')}: a health or care unit group (health_or_care=yes) the portal does not keep")
    return result

