"""Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (domain.md §2, TT 03/2025).

Issued by the authority that decides the dossier at least one working day before the appointment, when it
sees it cannot keep it: it apologises and proposes a new date. It states why the dossier cannot be finished in
time; it never says a delay has already happened (issued on time, none has). Header, body and signature name
the same authority, the signature in the thể thức of Nghị định 30/2020/NĐ-CP (TM./KT./Q./TL., position,
name), with the "Nơi nhận" of an administrative letter.
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
    header_block,
    line,
    recipients,
    signatures,
    styles,
    text,
    top_strip,
)
from printing.base import render as render_pdf

TITLE = "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"
FORM = "Mẫu 04"


@dataclass(frozen=True)
class ApologyData:
    """Everything Mẫu 04 shows."""

    header: Header  # the authority as issuer (no governing-body line), header.number: "Số: 5/XL-UBND"
    tracking: Tracking
    agency: str  # the same authority in running text: "Ủy ban nhân dân xã An Bình"
    applicant_name: str
    code: str
    procedure: str
    received_at: datetime
    due_at: datetime
    reason: str
    new_due_at: datetime
    signer_lines: tuple[str, ...]  # app.domain.addressing.signature_lines: ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    signer_name: str
    organisation: bool = False  # the applicant is an organisation: named, "Quý tổ chức"
    desk: str = "Bộ phận tiếp nhận và trả kết quả"  # where the copy is filed (Nơi nhận)


def render(data: ApologyData, *, paper: PaperSize = PaperSize.A5) -> bytes:
    """Mẫu 04 as PDF bytes."""
    page = Page(paper)
    s = styles(page)
    agency = text(data.agency)
    addressee = you(data.organisation)
    story: list[Flowable] = [
        *top_strip(data.tracking, page),
        *header_block(data.header, page),
        line([(TITLE.replace(" THỜI GIAN", "\nTHỜI GIAN"), f"{FONT}-Bold")], s["title"], page.width),
        Spacer(1, 2 * mm),
        Paragraph(f"Kính gửi: <b>{text(dear(data.applicant_name, data.organisation))}</b>", s["center"]),
        Spacer(1, 1.5 * mm),
        Paragraph(
            f"Vào lúc {form_instant(data.received_at)}, {agency} tiếp nhận hồ sơ của {addressee} đề nghị giải quyết "
            f"thủ tục hành chính <b>{text(data.procedure)}</b>, mã hồ sơ <b>{text(data.code)}</b>. Thời gian hẹn "
            f"trả kết quả ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả là {form_instant(data.due_at)}.",
            s["body"],
        ),
        Paragraph(
            f"Trong quá trình giải quyết, {agency} nhận thấy hồ sơ của {addressee} không thể hoàn thành trong "
            f"thời gian đã hẹn vì lý do: {text(data.reason)}",
            s["body"],
        ),
        Paragraph(
            f"{agency} thành thật xin lỗi {addressee} và đề nghị {addressee} đồng ý gia hạn thời gian giải quyết "
            f"hồ sơ; thời gian trả kết quả mới là <b>{form_instant(data.new_due_at)}</b>.",
            s["body"],
        ),
        Paragraph(f"{agency} mong nhận được sự thông cảm của {addressee}./.", s["body"]),
        signatures(page, recipients(page, ("Như trên", data.desk, "Lưu: VT")),
                   (data.signer_lines, data.signer_name, "")),
    ]
    return render_pdf(story, page, title=f"Văn bản xin lỗi {data.code}", author=data.agency,
                      footer=f"{FORM} · Mã hồ sơ {data.code}")
