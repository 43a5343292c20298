"""Downloads of a page's tables: CSV (one table) and Excel (every table, one sheet each).

One place for what every download does the same way: `?format=` checked, each value rounded by its
kind (FTE and rates to 2 places, shares to 4, whole numbers and dates kept), text that a spreadsheet
would run as a formula defused, number formats in Excel, an "About" sheet first. The apps turn their
own tables into `ExportTable`s; nothing here knows what a gap or a placement is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404, HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")

# Excel number formats by kind; any other kind is text.
NUMBER_FORMATS = {
    "fte": "#,##0.00", "rate": "#,##0.00", "figure": "#,##0.00",
    "percent": "0.0%", "share": "0.0%", "int": "#,##0", "date": "d mmm yyyy",
}
TWO_PLACES, FOUR_PLACES = Decimal("0.01"), Decimal("0.0001")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_value(value, kind: str):
    """One value as a download carries it: rounded by its kind, or text that is never a formula."""
    if value is None:
        return None
    if kind in ("fte", "rate", "figure"):
        return Decimal(value).quantize(TWO_PLACES)
    if kind in ("percent", "share"):
        return Decimal(value).quantize(FOUR_PLACES)
    if kind in ("int", "date"):
        return value
    text = str(value)
    # A spreadsheet would run text starting with these as a formula: names and titles are typed by users.
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


@dataclass
class ExportTable:
    """A table as downloads see it: a key (for ?table=), a sheet name, a caption, the column labels
    with their kinds, and rows of raw values (exported with `export_value` by their column's kind)."""

    key: str
    sheet: str
    caption: str
    columns: Sequence[tuple[str, str]]
    rows: Iterable[Sequence] = field(default_factory=list)


def requested_format(request) -> str | None:
    """The download asked for (`csv` or `xlsx`), None for the page itself; 404 for any other format."""
    kind = request.GET.get("format")
    if not kind:
        return None
    if kind not in FORMATS:
        raise Http404("Downloads come as format=csv or format=xlsx.")
    return kind


def chosen_table(request, tables: Sequence[ExportTable]) -> ExportTable:
    """The table a CSV download asks for with ?table= (the first without it); 404 for no such table."""
    wanted = request.GET.get("table") or tables[0].key
    table = next((t for t in tables if t.key == wanted), None)
    if table is None:
        raise Http404("No such table on this page.")
    return table


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(table: ExportTable, filename: str) -> HttpResponse:
    response = _attachment(HttpResponse(content_type="text/csv; charset=utf-8"), filename)
    writer = csv.writer(response)
    writer.writerow([label for label, _ in table.columns])
    kinds = [kind for _, kind in table.columns]
    for row in table.rows:
        writer.writerow(["" if (out := export_value(value, kind)) is None else out
                         for value, kind in zip(row, kinds, strict=True)])
    return response


def xlsx_response(tables: Sequence[ExportTable], about: Sequence[tuple], filename: str) -> HttpResponse:
    """A workbook: an "About" sheet of (label, value) lines, then one sheet per table (caption, bold
    header, rows with number formats by kind)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    about_sheet = book.create_sheet("About")
    for line in about:
        about_sheet.append(list(line))
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(table.sheet[:31])
        sheet.append([table.caption])
        header = []
        for label, _ in table.columns:
            cell = WriteOnlyCell(sheet, value=label)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        kinds = [kind for _, kind in table.columns]
        for row in table.rows:
            cells = []
            for value, kind in zip(row, kinds, strict=True):
                value = export_value(value, kind)
                out = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Decimal) else value)
                if kind in NUMBER_FORMATS:
                    out.number_format = NUMBER_FORMATS[kind]
                cells.append(out)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), filename)
