"""ISO 9001 records as XLSX workbooks: the overdue and apology log, nonconformities, objectives, registers.

Takes plain data (sheets of rows), returns bytes. Instants are written as
Vietnam wall-clock date-times, dates as dates, so that a spreadsheet sorts
and filters them; every sheet repeats the unit, the title and the period at
the top, prints A4 landscape and freezes its header row.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from app.domain.localtime import to_local

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Column:
    heading: str
    width: float = 16


@dataclass(frozen=True)
class Sheet:
    name: str  # at most 31 characters (Excel)
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    notes: Sequence[str] = field(default_factory=tuple)  # printed under the table


@dataclass(frozen=True)
class Heading:
    governing_body: str
    unit_name: str
    period: str  # "Tháng 11/2026"
    made_at: datetime


def render(heading: Heading, sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="E6E9EE")
    for spec in sheets:
        sheet = workbook.create_sheet(spec.name[:31])
        width = max(len(spec.columns), 1)
        last = get_column_letter(width)
        lines = [heading.governing_body.upper(), heading.unit_name.upper(), spec.title.upper(),
                 f"{heading.period} — lập lúc {to_local(heading.made_at):%H:%M %d/%m/%Y}"]
        for number, text in enumerate(lines, start=1):
            sheet.cell(number, 1, text)
            sheet.merge_cells(f"A{number}:{last}{number}")
            sheet.cell(number, 1).alignment = Alignment(horizontal="center")
        sheet["A2"].font = Font(bold=True)
        sheet["A3"].font = Font(bold=True, size=13)
        head = len(lines) + 2
        for index, column in enumerate(spec.columns, start=1):
            cell = sheet.cell(head, index, column.heading)
            cell.font, cell.border, cell.fill = Font(bold=True), border, head_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        for values in spec.rows:
            sheet.append([excel_value(value) for value in values])
            for cell in sheet[sheet.max_row]:
                cell.border = border
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                if isinstance(cell.value, datetime):
                    cell.number_format = "hh:mm dd/mm/yyyy"
                elif isinstance(cell.value, date):
                    cell.number_format = "dd/mm/yyyy"
        if not spec.rows:
            sheet.append(["Không có"])
        for note in spec.notes:
            sheet.append([])
            sheet.append([note])
        sheet.freeze_panes = sheet.cell(head + 1, 1)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.print_title_rows = f"{head}:{head}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def excel_value(value: Cell) -> Cell:
    """Excel has no time zones: instants as Vietnam wall-clock time (shared with Mẫu 07's workbook)."""
    if isinstance(value, datetime):
        return to_local(value).replace(tzinfo=None)
    return value
