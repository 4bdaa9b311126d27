"""XLSX tables shared by the ISO record workbooks, the leadership reports and Mẫu 07.

One sheet = title lines centred over the table, an optional row of group
headings, the column headings, the rows (instants as Vietnam wall-clock
date-times, dates as dates, so that a spreadsheet sorts and filters them),
"Không có" when there are none, notes below; A4 landscape, header row frozen
and repeated on every printed page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
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
        sheet.cell(number, 1, line)
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
            cell = sheet.cell(row, column, label)
            if span > 1:
                sheet.merge_cells(start_row=row, start_column=column, end_row=row, end_column=column + span - 1)
            for c in range(column, column + span):
                sheet.cell(row, c).border, sheet.cell(row, c).fill = _BORDER, _HEAD_FILL
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            column += span
        row += 1
    for index, column_spec in enumerate(columns, start=1):
        cell = sheet.cell(row, index, column_spec.heading)
        cell.font, cell.border, cell.fill = Font(bold=True), _BORDER, _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column_spec.width
    for index, values in enumerate(rows):
        sheet.append([excel_value(value) for value in values])
        for cell in sheet[sheet.max_row]:
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if index in bold_rows:
                cell.font = Font(bold=True)
            if isinstance(cell.value, datetime):
                cell.number_format = "hh:mm dd/mm/yyyy"
            elif isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
    if not rows:
        sheet.append(["Không có"])
    for note in notes:
        sheet.append([])
        sheet.append([note])
    sheet.freeze_panes = sheet.cell(row + 1, 1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = f"{row}:{row}"
    return sheet
