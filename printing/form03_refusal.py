"""Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ (domain.md §2).

The reason is mandatory and written for a person, never an error code.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from app.domain.paper import PaperSize
from printing.base import (
    FONT,
    Applicant,
    Header,
    Page,
    Tracking,
    applicant_lines,
    field,
    header_block,
    line,
    signatures,
    styles,
    text,
    top_strip,
)
from printing.base import render as render_pdf

TITLE = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"


@dataclass(frozen=True)
class RefusalData:
    """Everything Mẫu 03 shows."""

    header: Header  # header.number: "Số: 3/PTC"
    tracking: Tracking | None
    receiving_unit: str
    applicant: Applicant
    procedure: str
    reason: str
    clerk_name: str


def render(data: RefusalData, *, paper: PaperSize = PaperSize.A5) -> bytes:
    """Mẫu 03 as PDF bytes."""
    if not data.reason.strip():
        raise ValueError("Mẫu 03 needs the reason for refusal")
    page = Page(paper)
    s = styles(page)
    story: list[Flowable] = [
        *top_strip(data.tracking, page, "Quét mã QR để xem lại phiếu này."),
        *header_block(data.header, page),
        line([(TITLE, f"{FONT}-Bold")], s["title"], page.width),
        Spacer(1, 2 * mm),
        field("Bộ phận tiếp nhận và trả kết quả", data.receiving_unit, page),
        *applicant_lines(data.applicant, page),
        field("Nội dung yêu cầu giải quyết", data.procedure, page, bold_value=True),
        Paragraph(
            f"Sau khi xem xét, đối chiếu thành phần hồ sơ, {text(data.receiving_unit)} không tiếp nhận, "
            "giải quyết hồ sơ này với lý do cụ thể như sau:",
            s["body"],
        ),
        Paragraph(f"<b>{text(data.reason)}</b>", s["body"]),
        Paragraph(f"Xin thông báo cho {data.applicant.you} được biết và thực hiện./.", s["body"]),
        signatures(page, ("NGƯỜI NỘP HỒ SƠ", data.applicant.name), ("NGƯỜI TIẾP NHẬN HỒ SƠ", data.clerk_name)),
    ]
    return render_pdf(story, page, title=TITLE, author=data.receiving_unit, footer=f"Mẫu 03 · {data.header.number}")
