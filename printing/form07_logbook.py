"""Mẫu 07 — Sổ theo dõi hồ sơ (domain.md §2), A4 landscape PDF and XLSX.

One book (quyển) per unit and year, numbered by the dossier's running number
(số thứ tự). The PDF is the record to print and sign; the XLSX is for filing
and analysis. The logbook has no QR: it is not about one dossier.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from app.domain.localtime import to_local
from app.domain.paper import PaperSize
from printing.base import (
    FONT,
    Header,
    Orientation,
    Page,
    PagedRegister,
    header_block,
    line,
    styles,
    text,
)
from printing.base import render as render_pdf
from printing.workbook import put, put_row

TITLE = "SỔ THEO DÕI HỒ SƠ"
DATE_GROUP = "Ngày, tháng, năm"
COLUMNS = (
    # (heading, width in mm on A4 landscape, XLSX width in characters, under DATE_GROUP). The widths are
    # those of the longest token each column holds at CELL_SIZE (a code up to its dash, a date, a phone
    # number, "Tư pháp - Hộ tịch"), so a token never breaks; names and addresses take the room left.
    ("Số thứ tự", 7.5, 7, False),
    ("Mã hồ sơ", 20, 26, False),
    ("Tên thủ tục hành chính", 42, 40, False),
    ("Số lượng hồ sơ (bộ)", 9.5, 8, False),
    ("Tên cá nhân, tổ chức", 26, 24, False),
    ("Địa chỉ, số điện thoại", 39, 30, False),
    ("Cơ quan chủ trì giải quyết", 22, 24, False),
    ("Nhận hồ sơ", 14.5, 16, True),
    ("Hẹn trả kết quả", 14.5, 16, True),
    ("Chuyển hồ sơ đến cơ quan giải quyết", 14.5, 16, True),
    ("Nhận kết quả từ cơ quan giải quyết", 14.5, 16, True),
    ("Trả kết quả cho cá nhân, tổ chức", 14.5, 16, True),
    ("Ký nhận", 10, 12, False),
    ("Ghi chú", 0, 24, False),  # takes the rest of the page width (about 22 mm)
)
CELL_SIZE = 8  # points: a register, not a letter (ND 30/2020's 13–14 pt is for the text of documents)
CELL_PADDING = 2  # points each side


@dataclass(frozen=True)
class LogbookEntry:
    """One line of the book: a dossier received in the period."""

    number: int
    code: str
    procedure: str
    sets_count: int
    applicant: str
    contact: str  # address and phone
    processing_body: str
    received_at: datetime
    due_at: datetime
    sent_at: datetime | None = None
    result_received_at: datetime | None = None
    returned_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class LogbookData:
    """The book's pages for one unit and period."""

    header: Header
    unit_name: str
    book: str  # quyển số
    period_from: date
    period_to: date
    entries: tuple[LogbookEntry, ...]


def _cells(entry: LogbookEntry) -> list[object]:
    return [
        entry.number, entry.code, entry.procedure, entry.sets_count, entry.applicant, entry.contact,
        entry.processing_body, entry.received_at, entry.due_at, entry.sent_at, entry.result_received_at,
        entry.returned_at, "", entry.note,
    ]


def _period(data: LogbookData) -> str:
    return f"Quyển số: {data.book} — Từ ngày {data.period_from:%d/%m/%Y} đến ngày {data.period_to:%d/%m/%Y}"


def render(data: LogbookData, *, paper: PaperSize = PaperSize.A4) -> bytes:
    """Mẫu 07 as an A4 (or A5) landscape PDF: its cost and memory grow with its rows, not faster (PagedRegister)."""
    page = Page(paper, Orientation.LANDSCAPE)
    s = styles(page)
    scale = page.width / (270 * mm)
    fixed = sum(width for _, width, _, _ in COLUMNS) * mm * scale
    flexible = [i for i, column in enumerate(COLUMNS) if column[1] == 0]
    widths = [(width * mm * scale if width else (page.width - fixed) / len(flexible)) for _, width, _, _ in COLUMNS]
    first_date = next(i for i, column in enumerate(COLUMNS) if column[3])
    last_date = max(i for i, column in enumerate(COLUMNS) if column[3])
    top = [("" if c[3] else c[0]) for c in COLUMNS]
    top[first_date] = DATE_GROUP
    second = [(c[0] if c[3] else "") for c in COLUMNS]
    numbers = [f"({i})" for i in range(1, len(COLUMNS) + 1)]
    spans: list[tuple] = [("SPAN", (first_date, 0), (last_date, 0))]  # type: ignore[type-arg]
    spans += [("SPAN", (i, 0), (i, 1)) for i, c in enumerate(COLUMNS) if not c[3]]
    story: list[Flowable] = [
        *header_block(data.header, page),
        line([(TITLE, f"{FONT}-Bold")], s["title"], page.width),
        Paragraph(text(_period(data)), s["subtitle"]),
        Spacer(1, 3 * mm),
        PagedRegister(  # a year's book has thousands of rows: laid out a page at a time
            [top, second, numbers], (_row(entry) for entry in data.entries), widths, page,
            center_columns=(0, 3, 7, 8, 9, 10, 11), extra_style=spans, size=CELL_SIZE, padding=CELL_PADDING),
    ]
    if not data.entries:
        story.append(Paragraph("<i>Không có hồ sơ nào được tiếp nhận trong kỳ này.</i>", s["center"]))
    return render_pdf(story, page, title=f"{TITLE} {data.book}", author=data.unit_name, footer=f"Mẫu 07 · Sổ theo dõi hồ sơ, quyển số {data.book} — {data.unit_name}")


def _row(entry: LogbookEntry) -> list[object]:
    cells = [_two_lines(v) if isinstance(v, datetime) else ("" if v is None else v) for v in _cells(entry)]
    cells[1] = entry.code.replace("-", "-\n", 1)  # break after the unit id, never inside a number
    cells[2] = _short_procedure(entry.procedure)
    return cells


def _short_procedure(name: str) -> str:
    """"Thủ tục đăng ký khai sinh" as "Đăng ký khai sinh": the column's heading already says it is a procedure."""
    if name[:8].lower() == "thủ tục " and len(name) > 8:
        return name[8:9].upper() + name[9:]
    return name


def _two_lines(instant: datetime) -> str:
    """"25/11/2026" over "09:05": narrow date columns never break inside a date."""
    local = to_local(instant)
    return f"{local:%d/%m/%Y}\n{local:%H:%M}"


def render_xlsx(data: LogbookData) -> bytes:
    """Mẫu 07 as an XLSX workbook: same columns, instants as Excel date-times in Vietnam time."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Sổ theo dõi {data.book}"[:31]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    last = get_column_letter(len(COLUMNS))
    for row, title_line in enumerate((data.header.governing_body.upper(), data.unit_name.upper(), TITLE, _period(data)),
                                     start=1):
        put(sheet, row, 1, title_line)
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet[f"A{row}"].alignment = Alignment(horizontal="center")
    sheet["A2"].font = bold
    sheet["A3"].font = Font(bold=True, size=14)
    first_date = next(i for i, column in enumerate(COLUMNS) if column[3]) + 1
    last_date = max(i for i, column in enumerate(COLUMNS) if column[3]) + 1
    head = 6
    for index, (heading, _, width, dated) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        if dated:
            put(sheet, head + 1, index, heading)
        else:
            put(sheet, head, index, heading)
            sheet.merge_cells(start_row=head, start_column=index, end_row=head + 1, end_column=index)
        put(sheet, head + 2, index, f"({index})")
    put(sheet, head, first_date, DATE_GROUP)
    sheet.merge_cells(start_row=head, start_column=first_date, end_row=head, end_column=last_date)
    for row in sheet.iter_rows(min_row=head, max_row=head + 2, max_col=len(COLUMNS)):
        for cell in row:
            cell.font, cell.alignment, cell.border = bold, centre, border
    for number, entry in enumerate(data.entries, start=head + 3):
        for cell in put_row(sheet, _cells(entry), number):
            cell.border, cell.alignment = border, wrap
            if isinstance(cell.value, datetime):
                cell.number_format = "hh:mm dd/mm/yyyy"
    sheet.freeze_panes = sheet.cell(head + 3, 3)
    sheet.print_options.gridLines = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{head}:{head + 2}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
