"""Leadership reports as PDF (A4 landscape) and XLSX: the dashboard summary, Biểu 06, the 766 indicators, lists.

Takes plain tables, returns bytes. A table may carry a row of group headings
above its column headings (Biểu 06: "Số hồ sơ nhận giải quyết", "Số hồ sơ đã
giải quyết", "Số hồ sơ đang giải quyết"), and rows to set in bold (totals).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from app.domain.localtime import to_local
from app.domain.paper import PaperSize
from printing.base import Header, LongTexts, Orientation, Page, header_block, styles, text
from printing.base import render as render_pdf
from printing.workbook import Cell, Column, table_sheet

PAGE = Page(PaperSize.A4, Orientation.LANDSCAPE)


@dataclass(frozen=True)
class ReportTable:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    groups: Sequence[tuple[str, int]] = ()  # (heading, columns it spans), left to right
    notes: Sequence[str] = ()
    bold_rows: frozenset[int] = field(default_factory=frozenset)  # indexes into rows
    sheet_name: str = ""


@dataclass(frozen=True)
class Report:
    header: Header
    title: str
    subtitle: str  # the period and the cut-off
    tables: Sequence[ReportTable]
    signer: str = ""  # "THỦ TRƯỞNG ĐƠN VỊ" under the last table, if the report is signed


def _shown(value: Cell) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        local = to_local(value) if getattr(value, "tzinfo", None) else value  # type: ignore[arg-type]
        return local.strftime("%H:%M %d/%m/%Y") if hasattr(local, "hour") else local.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def _table(spec: ReportTable) -> list[Flowable]:
    s = styles(PAGE)
    total_width = sum(c.width for c in spec.columns) or 1
    widths = [PAGE.width * c.width / total_width for c in spec.columns]
    head: list[list[object]] = []
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    if spec.groups:
        row: list[object] = []
        column = 0
        for label, span in spec.groups:
            row.append(Paragraph(text(label), s["cell_head"]))
            row.extend([""] * (span - 1))
            if span > 1:
                commands.append(("SPAN", (column, 0), (column + span - 1, 0)))
            column += span
        head.append(row)
    head.append([Paragraph(text(c.heading), s["cell_head"]) for c in spec.columns])
    header_rows = len(head)
    commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#E6E9EE")))
    body = []
    long_texts = LongTexts()
    for index, values in enumerate(spec.rows):
        style = s["cell"]
        cells = []
        for column, value in enumerate(values):
            shown = text(long_texts.cell(_shown(value), widths[column] - 4, style,
                                         (spec.columns[column].heading, index + 1)))
            if index in spec.bold_rows:
                shown = f"<b>{shown}</b>"
            cells.append(Paragraph(shown, s["cell_center"] if isinstance(value, int | float) else style))
        body.append(cells)
    if not body:
        body.append([Paragraph("Không có", s["cell"])] + [""] * (len(spec.columns) - 1))
        commands.append(("SPAN", (0, header_rows), (-1, header_rows)))
    flowables: list[Flowable] = [Paragraph(f"<b>{text(spec.title)}</b>", s["left"]), Spacer(1, 1.5 * mm),
                                 Table(head + body, colWidths=widths, repeatRows=header_rows,
                                       style=TableStyle(commands)), *long_texts.section(PAGE)]
    for note in spec.notes:
        flowables += [Spacer(1, 1 * mm), Paragraph(text(note), s["note"])]
    flowables.append(Spacer(1, 5 * mm))
    return flowables


def pdf(report: Report) -> bytes:
    s = styles(PAGE)
    story: list[Flowable] = [*header_block(report.header, PAGE), Paragraph(text(report.title.upper()), s["title"]),
                             Paragraph(text(report.subtitle), s["italic_center"]), Spacer(1, 4 * mm)]
    for spec in report.tables:
        story += _table(spec)
    if report.signer:
        story += [Spacer(1, 4 * mm), Table([["", Paragraph(f"<b>{text(report.signer)}</b>", s["center"])]],
                                           colWidths=[PAGE.width * 0.6, PAGE.width * 0.4])]
    return render_pdf(story, PAGE, title=report.title, author=report.header.unit_name,
                      footer=f"{report.title} — {report.header.unit_name}")


def xlsx(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, spec in enumerate(report.tables, start=1):
        lines = [report.header.governing_body.upper(), report.header.unit_name.upper(), report.title.upper(),
                 report.subtitle, spec.title]
        table_sheet(workbook, spec.sheet_name or f"Bảng {number}", lines, spec.columns, spec.rows,
                    groups=spec.groups, notes=spec.notes, bold_rows=spec.bold_rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
