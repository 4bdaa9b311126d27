"""Spreadsheet tables: the XLSX sheets of the ISO record workbooks, the leadership reports, Mẫu 07 and
the personal-data export, and the CSV lines of the dossier list.

Every cell goes through ``put`` (XLSX) or ``csv_line`` (CSV), so no text a
user typed ever becomes a formula: in XLSX a string is written as a string
cell (never a formula, whatever it starts with) and one that a spreadsheet
would read as a formula when retyped is marked "quote prefix"; in CSV every
field is quoted and a text starting with ``= + - @``, a tab or a carriage
return gets a leading apostrophe (OWASP, "CSV Injection").

One sheet = title lines centred over the table, an optional row of group
headings, the column headings, the rows (instants as Vietnam wall-clock
date-times, dates as dates, so that a spreadsheet sorts and filters them),
"Không có" when there are none, notes below; A4 landscape, header row frozen
and repeated on every printed page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.localtime import to_local

Cell = str | int | float | date | datetime | None

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E6E9EE")


@dataclass(frozen=True)
class Column:
    heading: str
    width: float = 16


# What a spreadsheet may take for the start of a formula (the full-width forms too: some convert them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def put(sheet: Worksheet, row: int, column: int, value: Cell) -> SheetCell:
    """Write one cell: a string always as text, an instant as Vietnam wall-clock time."""
    cell = sheet.cell(row, column)
    value = excel_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make "=..." a formula
        if formula_like(value):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    return cell


def put_row(sheet: Worksheet, values: Sequence[Cell], row: int | None = None) -> list[SheetCell]:
    """Write a row through ``put``: at ``row``, or below the last one. Writers of many rows pass ``row``:
    openpyxl finds the last row by looking at every cell, so a sheet filled row by row without it costs
    the square of its size."""
    row = sheet.max_row + 1 if row is None else row
    return [put(sheet, row, column, value) for column, value in enumerate(values, start=1)]


def csv_field(value: object) -> str:
    """A CSV field's text: "" for None, numbers as they are, text neutralised (OWASP)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
        return "'" + text if formula_like(text) else text
    return str(value)


def csv_line(values: Iterable[object]) -> str:
    """One CSV line (CRLF), every field quoted and neutralised by ``csv_field``."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerow([csv_field(v) for v in values])
    return buffer.getvalue()


def excel_value(value: Cell) -> Cell:
    """Excel has no time zones: instants as Vietnam wall-clock time."""
    if isinstance(value, datetime):
        return to_local(value).replace(tzinfo=None)
    return value


def table_sheet(workbook: Workbook, name: str, lines: Sequence[str], columns: Sequence[Column],
                rows: Sequence[Sequence[Cell]], *, groups: Sequence[tuple[str, int]] = (),
                notes: Sequence[str] = (), bold_rows: frozenset[int] = frozenset()) -> Worksheet:
    """Add one sheet: ``lines`` above (the 2nd bold, the 3rd the title), then the table.

    ``groups``: (heading, columns it spans) left to right, above the column
    headings; ``bold_rows``: indexes into ``rows`` (totals).
    """
    sheet = workbook.create_sheet(name[:31])  # Excel's limit
    last = get_column_letter(max(len(columns), 1))
    for number, line in enumerate(lines, start=1):
        put(sheet, number, 1, line)
        sheet.merge_cells(f"A{number}:{last}{number}")
        sheet.cell(number, 1).alignment = Alignment(horizontal="center", wrap_text=True)
    if len(lines) > 1:
        sheet["A2"].font = Font(bold=True)
    if len(lines) > 2:
        sheet["A3"].font = Font(bold=True, size=13)
    row = len(lines) + 2
    if groups:
        column = 1
        for label, span in groups:
            cell = put(sheet, row, column, label)
            if span > 1:
                sheet.merge_cells(start_row=row, start_column=column, end_row=row, end_column=column + span - 1)
            for c in range(column, column + span):
                sheet.cell(row, c).border, sheet.cell(row, c).fill = _BORDER, _HEAD_FILL
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            column += span
        row += 1
    for index, column_spec in enumerate(columns, start=1):
        cell = put(sheet, row, index, column_spec.heading)
        cell.font, cell.border, cell.fill = Font(bold=True), _BORDER, _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column_spec.width
    for index, values in enumerate(rows):
        for cell in put_row(sheet, values, row + 1 + index):
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if index in bold_rows:
                cell.font = Font(bold=True)
            if isinstance(cell.value, datetime):
                cell.number_format = "hh:mm dd/mm/yyyy"
            elif isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
    last = row + len(rows)
    if not rows:
        last += 1
        put_row(sheet, ["Không có"], last)
    for note in notes:
        last += 2
        put(sheet, last, 1, note)
    sheet.freeze_panes = sheet.cell(row + 1, 1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = f"{row}:{row}"
    return sheet
