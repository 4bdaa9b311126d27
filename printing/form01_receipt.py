"""Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (domain.md §2, TT 03/2025 Phụ lục I).

Made in two liên on one PDF: one stays at the desk with the control slip, one
goes to the citizen. A5 portrait by default, A4 as the unit chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from app.domain.paper import PaperSize
from app.domain.vn_words import form_instant
from printing.base import (
    Applicant,
    applicant_lines,
    field,
    FONT,
    grid_table,
    Header,
    header_block,
    line,
    Page,
    Pause,
    pause_lines,
    render_copies,
    signatures,
    Slot,
    styles,
    text,
    top_strip,
    Tracking,
)
from printing.base import render as render_pdf

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
COPIES = (
    "Liên 1: Lưu tại Bộ phận tiếp nhận và trả kết quả",
    "Liên 2: Giao cho người nộp hồ sơ",
)
NOTE = (
    "Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 02 liên; 01 liên chuyển kèm theo "
    "Phiếu kiểm soát quá trình giải quyết hồ sơ và được lưu tại Bộ phận tiếp nhận và trả kết quả; "
    "01 liên giao cho cá nhân, tổ chức nộp hồ sơ. Cá nhân, tổ chức có thể đăng ký nhận kết quả tại "
    "Bộ phận tiếp nhận và trả kết quả hoặc qua dịch vụ bưu chính công ích. "
    "Khi đến nhận kết quả, vui lòng mang theo giấy này."
)


@dataclass(frozen=True)
class DocumentLine:
    """A row of "Thành phần hồ sơ nộp gồm": the document and how many of each kind."""

    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0


@dataclass(frozen=True)
class ReceiptData:
    """Everything Mẫu 01 shows, already resolved to text and instants."""

    header: Header
    tracking: Tracking
    code: str
    receiving_unit: str  # "Trung tâm Phục vụ hành chính công xã An Bình"
    applicant: Applicant
    applicant_id: str  # "Số định danh cá nhân: 001203004567"
    owner: str  # chủ hồ sơ if not the applicant, else ""
    procedure: str  # "Đăng ký khai sinh (mã TTHC 1.001193)"
    documents: tuple[DocumentLine, ...]
    sets_count: int
    duration: str  # "03 ngày làm việc"
    received_at: datetime
    due_at: datetime
    delivery: str  # "Tại Bộ phận Một cửa" or the postal address
    fee: str  # "8.000 đồng" / "Không thu"
    logbook_book: str  # quyển số
    logbook_number: int  # số thứ tự
    clerk_name: str
    unit_phone: str = ""
    pauses: tuple[Pause, ...] = ()  # a reprint after a supplement was requested
    original_due_at: datetime | None = None  # the appointment before the pauses moved it


def render(data: ReceiptData, *, paper: PaperSize = PaperSize.A5) -> bytes:
    """Mẫu 01 as PDF bytes, both liên."""
    page = Page(paper)
    title = f"{TITLE} {data.code}"
    # Usually each liên fits one page: lay it out once, print it twice with its label.
    italic = styles(page)["italic_center"]
    slot = Slot(italic.leading)
    once = render_copies(_copy(data, page, slot), slot, [f"({copy})" for copy in COPIES], page,
                         style=italic, title=title, author=data.receiving_unit)
    if once is not None:
        return once
    story: list[Flowable] = []
    for index, copy in enumerate(COPIES):
        if index:
            story.append(PageBreak())
        story.extend(_copy(data, page, Paragraph(f"<i>({text(copy)})</i>", styles(page)["subtitle"])))
    return render_pdf(story, page, title=title, author=data.receiving_unit, footer=f"Mẫu 01 · Mã hồ sơ {data.code}")


def _copy(data: ReceiptData, page: Page, copy_label: Flowable) -> list[Flowable]:
    s = styles(page)
    gap = Spacer(1, 1.2 * mm)
    story: list[Flowable] = [*top_strip(data.tracking, page), *header_block(data.header, page)]
    story += [
        line([(TITLE, f"{FONT}-Bold")], s["title"], page.width),
        line([("Mã hồ sơ: ", FONT), (data.code, f"{FONT}-Bold")], s["subtitle"], page.width),
        copy_label,
        Spacer(1, 1.5 * mm),
        field("Bộ phận tiếp nhận và trả kết quả", data.receiving_unit, page),
        *applicant_lines(data.applicant, page),
        Paragraph(text(data.applicant_id), s["body"]),
    ]
    if data.owner:
        story.append(field("Chủ hồ sơ", data.owner, page))
    story += [
        field("Nội dung yêu cầu giải quyết", data.procedure, page, bold_value=True),
        gap,
        Paragraph("1. Thành phần hồ sơ nộp gồm:", s["body"]),
        _documents_table(data.documents, page),
        gap,
        Paragraph(f"2. Số lượng hồ sơ: {data.sets_count:02d} (bộ)", s["body"]),
        Paragraph(f"3. Thời gian giải quyết hồ sơ theo quy định là: {text(data.duration)}", s["body"]),
        Paragraph(f"4. Thời gian nhận hồ sơ: {form_instant(data.received_at)}", s["body"]),
        Paragraph(f"5. Thời gian trả kết quả giải quyết hồ sơ: <b>{form_instant(data.due_at)}</b>", s["body"]),
        *pause_lines(data.pauses, data.original_due_at, data.due_at, page),
        Paragraph(f"6. Đăng ký nhận kết quả tại: {text(data.delivery)}", s["body"]),
        Paragraph(f"7. Phí, lệ phí: {text(data.fee)}", s["body"]),
        Paragraph(
            f"Vào Sổ theo dõi hồ sơ, Quyển số: {text(data.logbook_book)}, Số thứ tự: {data.logbook_number}",
            s["body"],
        ),
        signatures(page, ("NGƯỜI NỘP HỒ SƠ", data.applicant.name), ("NGƯỜI TIẾP NHẬN HỒ SƠ", data.clerk_name)),
        Spacer(1, 2 * mm),
        Paragraph(f"<b>Ghi chú:</b> <i>{text(NOTE)}</i>", s["note"]),
    ]
    if data.unit_phone:
        story.append(Paragraph(f"<i>Điện thoại liên hệ: {text(data.unit_phone)}.</i>", s["note"]))
    return story


def _documents_table(documents: tuple[DocumentLine, ...], page: Page) -> Flowable:
    width = page.width
    number_w, count_w = 8 * mm, (14 if page.small else 20) * mm
    widths = [number_w, width - number_w - 3 * count_w, count_w, count_w, count_w]
    rows: list[list[object]] = [
        ["TT", "Tên giấy tờ", "Bản chính", "Bản sao (chứng thực)", "Bản photo"],
    ]
    for index, document in enumerate(documents, start=1):
        rows.append([
            index, document.name,
            _count(document.originals), _count(document.certified_copies), _count(document.photocopies),
        ])
    return grid_table(rows, widths, page, center_columns=(0, 2, 3, 4))


def _count(value: int) -> str:
    return f"{value:02d}" if value else ""
