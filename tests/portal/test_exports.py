"""core.exports: what every CSV and Excel download does the same way."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.http import Http404
from django.test import RequestFactory
from openpyxl import load_workbook

from core import exports
from core.exports import ExportTable


def _table(rows):
    return ExportTable("people", "People", "People and figures",
                       [("Name", "text"), ("FTE", "fte"), ("Share", "share"), ("Since", "date")], rows)


def test_text_a_spreadsheet_would_run_as_a_formula_is_defused():
    for text in ("=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)"):
        assert exports.export_value(text, "text") == f"'{text}"
    assert exports.export_value("Riverside College", "text") == "Riverside College"


def test_figures_are_rounded_by_their_kind():
    assert exports.export_value(Decimal("12.346"), "fte") == Decimal("12.35")
    assert exports.export_value(Decimal("0.123456"), "share") == Decimal("0.1235")
    assert exports.export_value(7, "int") == 7
    assert exports.export_value(None, "fte") is None


def test_an_unknown_format_is_a_404_and_no_format_is_the_page():
    factory = RequestFactory()
    assert exports.requested_format(factory.get("/x/")) is None
    assert exports.requested_format(factory.get("/x/?format=xlsx")) == "xlsx"
    with pytest.raises(Http404):
        exports.requested_format(factory.get("/x/?format=pdf"))


def test_a_csv_download_names_its_table_or_gets_a_404():
    tables = [_table([]), ExportTable("other", "Other", "Other", [("A", "text")], [])]
    assert exports.chosen_table(RequestFactory().get("/x/?table=other"), tables).key == "other"
    assert exports.chosen_table(RequestFactory().get("/x/"), tables).key == "people"
    with pytest.raises(Http404):
        exports.chosen_table(RequestFactory().get("/x/?table=nope"), tables)


def test_csv_carries_the_header_and_rounded_rows():
    response = exports.csv_response(_table([["=cmd", Decimal("1.004"), Decimal("0.5"), dt.date(2026, 4, 1)],
                                            ["Ann", None, None, None]]), "people.csv")
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Name", "FTE", "Share", "Since"], ["'=cmd", "1.00", "0.5000", "2026-04-01"], ["Ann", "", "", ""]]


def test_excel_has_an_about_sheet_then_a_sheet_per_table_with_number_formats():
    response = exports.xlsx_response([_table([["Ann", Decimal("2.5"), Decimal("0.25"), dt.date(2026, 4, 1)]])],
                                     [("Report", 7)], "people.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["About", "People"]
    assert [c.value for c in book["About"][1]] == ["Report", 7]
    sheet = book["People"]
    assert sheet["A1"].value == "People and figures"
    assert [c.value for c in sheet[2]] == ["Name", "FTE", "Share", "Since"]
    assert sheet["B3"].value == 2.5 and sheet["B3"].number_format == "#,##0.00"
    assert sheet["C3"].number_format == "0.0%"
