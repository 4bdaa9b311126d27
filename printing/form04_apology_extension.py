"""Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (domain.md §2).

Signed by the head of the agency responsible for the delay, sent to the
citizen through the desk (or electronically for online dossiers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from app.domain.paper import PaperSize
from app.domain.vn_words import form_instant
from printing.base import (
    FONT,
    Header,
    Page,
    Tracking,
    header_block,
    line,
    signatures,
    styles,
    text,
    top_strip,
)
from printing.base import render as render_pdf

TITLE = "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT HỒ SƠ"


@dataclass(frozen=True)
class ApologyData:
    """Everything Mẫu 04 shows."""

    header: Header  # header.number: "Số: 5/XL"
    tracking: Tracking
    agency: str  # the agency responsible for the delay: "Ủy ban nhân dân xã An Bình"
    applicant_name: str
    code: str
    procedure: str
    received_at: datetime
    due_at: datetime
    reason: str
    new_due_at: datetime
    signer_title: str  # "CHỦ TỊCH" / "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    signer_name: str


def render(data: ApologyData, *, paper: PaperSize = PaperSize.A5) -> bytes:
    """Mẫu 04 as PDF bytes."""
    page = Page(paper)
    s = styles(page)
    agency = text(data.agency)
    story: list[Flowable] = [
        *top_strip(data.tracking, page),
        *header_block(data.header, page),
        line([(TITLE, f"{FONT}-Bold")], s["title"], page.width),
        Spacer(1, 2 * mm),
        Paragraph(f"Kính gửi: Ông/Bà <b>{text(data.applicant_name)}</b>", s["center"]),
        Spacer(1, 1.5 * mm),
        Paragraph(
            f"Vào lúc {form_instant(data.received_at)}, {agency} tiếp nhận hồ sơ của Ông/Bà về việc "
            f"<b>{text(data.procedure)}</b>, mã hồ sơ <b>{text(data.code)}</b>; thời gian hẹn trả kết quả "
            f"là {form_instant(data.due_at)}.",
            s["body"],
        ),
        Paragraph(
            f"Tuy nhiên, đến nay {agency} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hạn "
            "ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
            s["body"],
        ),
        Paragraph(f"<b>Lý do:</b> {text(data.reason)}", s["body"]),
        Paragraph(
            f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {agency} xin lỗi Ông/Bà và đề nghị gia hạn thời gian "
            f"trả kết quả đến <b>{form_instant(data.new_due_at)}</b>.",
            s["body"],
        ),
        Paragraph(f"{agency} mong nhận được sự thông cảm của Ông/Bà./.", s["body"]),
        signatures(page, ("", ""), (data.signer_title, data.signer_name, "(Ký, ghi rõ họ tên và đóng dấu)")),
    ]
    return render_pdf(story, page, title=f"Văn bản xin lỗi {data.code}", author=data.agency, footer=data.code)
