"""Mẫu 05 — Thông báo dừng giải quyết hồ sơ (domain.md §2; ND 118/2025 Điều 21).

Issued by the receiving desk when the citizen asks to stop and no result has
been issued yet. The layout is not fixed by a verified text (domain.md §9):
it carries the fields the decree requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from app.domain.addressing import dear, you
from app.domain.paper import PaperSize
from app.domain.vn_words import form_instant
from printing.base import (
    FONT,
    Header,
    Page,
    Tracking,
    field,
    header_block,
    line,
    signatures,
    styles,
    text,
    top_strip,
)
from printing.base import render as render_pdf

TITLE = "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"


@dataclass(frozen=True)
class SuspensionNoticeData:
    """Everything Mẫu 05 shows."""

    header: Header  # header.number: "Số: 2/TB-DGQ"
    tracking: Tracking
    receiving_unit: str
    applicant_name: str
    code: str
    procedure: str
    received_at: datetime
    requested_at: datetime  # when the citizen asked to stop
    stopped_at: datetime
    reason: str  # the citizen's stated reason
    fee_handling: str  # what happens to fees paid
    clerk_name: str
    organisation: bool = False  # the applicant is an organisation: named, "Quý tổ chức"


def render(data: SuspensionNoticeData, *, paper: PaperSize = PaperSize.A5) -> bytes:
    """Mẫu 05 as PDF bytes."""
    page = Page(paper)
    s = styles(page)
    addressee = you(data.organisation)
    story: list[Flowable] = [
        *top_strip(data.tracking, page),
        *header_block(data.header, page),
        line([(TITLE, f"{FONT}-Bold")], s["title"], page.width),
        Spacer(1, 2 * mm),
        Paragraph(f"Kính gửi: <b>{text(dear(data.applicant_name, data.organisation))}</b>", s["center"]),
        Spacer(1, 1.5 * mm),
        field("Mã hồ sơ", data.code, page, bold_value=True),
        field("Nội dung yêu cầu giải quyết", data.procedure, page),
        Paragraph(f"Ngày tiếp nhận hồ sơ: {form_instant(data.received_at)}", s["body"]),
        Paragraph(
            f"Vào lúc {form_instant(data.requested_at)}, {text(data.receiving_unit)} nhận được đề nghị dừng "
            f"giải quyết hồ sơ của {addressee}. Lý do: {text(data.reason)}",
            s["body"],
        ),
        Paragraph(
            "Do hồ sơ chưa có kết quả giải quyết, " + text(data.receiving_unit)
            + f" thông báo dừng giải quyết hồ sơ nêu trên kể từ <b>{form_instant(data.stopped_at)}</b>. "
            f"Hồ sơ được trả lại cho {addressee} tại Bộ phận tiếp nhận và trả kết quả.",
            s["body"],
        ),
        Paragraph(f"Phí, lệ phí: {text(data.fee_handling)}", s["body"]),
        Paragraph(f"Xin thông báo để {addressee} được biết./.", s["body"]),
        signatures(page, ("NGƯỜI NỘP HỒ SƠ", data.applicant_name), ("NGƯỜI TIẾP NHẬN HỒ SƠ", data.clerk_name)),
    ]
    return render_pdf(story, page, title=f"{TITLE} {data.code}", author=data.receiving_unit, footer=f"Mẫu 05 · Mã hồ sơ {data.code}")
