"""Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ (domain.md §2).

One row pair per handover: who hands over to whom, when (with both signatures),
the result of the step just finished (trước hạn / đúng hạn / quá hạn) and its
deadline. At reception the rows come from the procedure's steps and are blank
for filling in by hand; reprinted later, the recorded handovers fill them.
A4 portrait by default; extra pages as rows grow, the table header repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from app.domain.paper import PaperSize
from app.domain.vn_words import form_instant, short_instant
from printing.base import (
    field,
    FONT,
    grid_table,
    Header,
    header_block,
    line,
    Page,
    Pause,
    pause_lines,
    styles,
    text,
    top_strip,
    Tracking,
)
from printing.base import render as render_pdf

TITLE = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"
COPY = "Liên: lưu tại Bộ phận tiếp nhận và trả kết quả"
BLANK_TIME = "…… giờ …… phút, ngày …… tháng …… năm ……"
NOTE = (
    "Trường hợp hồ sơ được chuyển qua dịch vụ bưu chính thì thời gian giao, nhận hồ sơ và việc ký nhận "
    "thể hiện trong hóa đơn của cơ quan bưu chính. Kết quả giải quyết hồ sơ do bên nhận ghi khi nhận "
    "hồ sơ, so với thời hạn của bước trước."
)


@dataclass(frozen=True)
class HandoverRow:
    """One handover: a row pair of the slip."""

    giver: str  # "Bộ phận tiếp nhận và trả kết quả"
    receiver: str  # "Tư pháp - Hộ tịch"
    deadline: datetime | None = None  # the deadline of the step the giver finishes
    at: datetime | None = None  # when it happened; None leaves the line to fill in by hand
    result: str = ""  # "Trước hạn" / "Đúng hạn" / "Quá hạn"
    giver_person: str = ""
    receiver_person: str = ""
    note: str = ""


@dataclass(frozen=True)
class ControlSlipData:
    """Everything Mẫu 06 shows."""

    header: Header
    tracking: Tracking
    code: str
    applicant_name: str
    procedure: str
    received_at: datetime
    due_at: datetime
    processing_body: str  # cơ quan (bộ phận) giải quyết hồ sơ
    coordinating_body: str  # cơ quan phối hợp giải quyết hồ sơ ("" → dotted line)
    rows: tuple[HandoverRow, ...]
    rescheduled_due_at: datetime | None = None
    pauses: tuple[Pause, ...] = ()  # supplement pauses, with their reasons
    original_due_at: datetime | None = None  # the appointment before the pauses moved it


def render(data: ControlSlipData, *, paper: PaperSize = PaperSize.A4) -> bytes:
    """Mẫu 06 as PDF bytes."""
    page = Page(paper)
    s = styles(page)
    story: list[Flowable] = [*top_strip(data.tracking, page, "Quét mã để giao, nhận hoặc tra cứu hồ sơ."),
                             *header_block(data.header, page)]
    story += [
        line([(TITLE, f"{FONT}-Bold")], s["title"], page.width),
        line([("Mã hồ sơ: ", FONT), (data.code, f"{FONT}-Bold")], s["subtitle"], page.width),
        Paragraph(f"<i>({COPY})</i>", s["subtitle"]),
        Spacer(1, 2 * mm),
        field("Kèm theo hồ sơ của", data.applicant_name, page, bold_value=True),
        field("Nội dung yêu cầu giải quyết", data.procedure, page),
        Paragraph(f"Ngày nhận hồ sơ: {form_instant(data.received_at)}", s["body"]),
        Paragraph(f"Ngày, giờ hẹn trả kết quả: <b>{form_instant(data.due_at)}</b>", s["body"]),
    ]
    story += pause_lines(data.pauses, data.original_due_at, data.due_at, page)
    if data.rescheduled_due_at is not None:
        story.append(Paragraph(f"Ngày, giờ hẹn trả kết quả mới (gia hạn): <b>{form_instant(data.rescheduled_due_at)}</b>",
                               s["body"]))
    story += [
        field("Cơ quan (bộ phận) giải quyết hồ sơ", data.processing_body, page),
        field("Cơ quan phối hợp giải quyết hồ sơ", data.coordinating_body, page),
        Spacer(1, 2 * mm),
        _handover_table(data.rows, page),
        Spacer(1, 2 * mm),
        KeepTogether([Paragraph(f"<b>Ghi chú:</b> <i>{NOTE}</i>", s["note"])]),  # never split over two pages
    ]
    return render_pdf(story, page, title=f"{TITLE} {data.code}", author=data.header.unit_name, footer=f"Mẫu 06 · Mã hồ sơ {data.code}")


def _handover_table(rows: tuple[HandoverRow, ...], page: Page) -> Flowable:
    s = styles(page)
    width = page.width
    name_w = width * 0.26
    sign_w = width * 0.185  # "Người nhận (Ký)" on one line
    result_w = width * 0.18
    note_w = width - name_w - 2 * sign_w - result_w
    table_rows: list[list[object]] = [[
        "TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ", "",
        "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ đúng hạn/ quá hạn)", "GHI CHÚ",
    ]]
    spans: list[tuple] = [("SPAN", (1, 0), (2, 0))]  # type: ignore[type-arg]
    sign_space = Spacer(1, 7 * mm)
    for index, row in enumerate(rows):
        top = 1 + 2 * index
        names = Paragraph(f"1. Giao: {text(row.giver)}<br/>2. Nhận: {text(row.receiver)}", s["cell"])
        when = form_instant(row.at) if row.at else BLANK_TIME
        notes = []
        if row.deadline is not None:
            notes.append(f"Hạn bước: {short_instant(row.deadline)}")
        if row.note:
            notes.append(row.note)
        table_rows.append([names, Paragraph(text(when), s["cell_center"]), "", Paragraph(f"<b>{text(row.result)}</b>", s["cell_center"]),
                           "\n".join(notes)])  # a long note: its start here, the whole of it after the table
        table_rows.append(["", _signer("Người giao", row.giver_person, page, sign_space),
                           _signer("Người nhận", row.receiver_person, page, sign_space), "", ""])
        spans += [
            ("SPAN", (0, top), (0, top + 1)),
            ("SPAN", (1, top), (2, top)),
            ("SPAN", (3, top), (3, top + 1)),
            ("SPAN", (4, top), (4, top + 1)),
        ]
    return grid_table(table_rows, [name_w, sign_w, sign_w, result_w, note_w], page, extra_style=spans)


def _signer(role: str, person: str, page: Page, space: Spacer) -> list[Flowable]:
    s = styles(page)
    cell: list[Flowable] = [Paragraph(f"{role} <i>(Ký)</i>", s["cell_center"])]
    if person:
        cell += [Spacer(1, 2 * mm), Paragraph(f"<b>{text(person)}</b>", s["cell_center"])]
    else:
        cell.append(space)
    return cell
