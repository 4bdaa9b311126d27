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
from datetime import datetime

from openpyxl import Workbook

from app.domain.localtime import to_local
from printing.workbook import Cell, Column, table_sheet

__all__ = ["Cell", "Column", "Heading", "Sheet", "render"]


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
    for spec in sheets:
        lines = [heading.governing_body.upper(), heading.unit_name.upper(), spec.title.upper(),
                 f"{heading.period} — lập lúc {to_local(heading.made_at):%H:%M %d/%m/%Y}"]
        table_sheet(workbook, spec.name, lines, spec.columns, spec.rows, notes=spec.notes)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
