"""Writes for colleges and course offers: the college import, upserts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from portal.services import CsvRow, ImportResult, display_name, rows_import
from trusts.models import IntegratedCareSystem

from .models import College

# --------------------------------------------------------------------------------------
# Reference data import (format in data/SOURCES.md)
# --------------------------------------------------------------------------------------

COLLEGE_COLUMNS = ("ukprn", "name", "provider_type", "main_delivery_icb_ods_code", "share_of_enrolments_in_main_icb")


def colleges_import(*, path: Path | str) -> ImportResult:
    """Further education colleges, from fe_college_locations.csv (DfE apprenticeship data placed in ICBs).

    A college's ICS is the ICB where most of its apprentices are taught.
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

    return rows_import(
        path=path, model=College, key="ukprn", entity="colleges", required_columns=COLLEGE_COLUMNS, parse=parse,
        columns={"ics": "main_delivery_icb_ods_code", "ics_share_of_enrolments": "share_of_enrolments_in_main_icb"},
    )
