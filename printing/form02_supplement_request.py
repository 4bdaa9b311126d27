"""Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (domain.md §2).

Issued at the counter when the documents are incomplete (nothing is received,
no clock starts), or later by the processing unit during appraisal.
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
    grid_table,
    header_block,
    line,
    signatures,
    styles,
    text,
    top_strip,
)
from printing.base import render as render_pdf

TITLE = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"


@dataclass(frozen=True)
class SupplementRequestData:
    """Everything Mẫu 02 shows."""

    header: Header  # header.number: "Số: 12/PYCBS"
    tracking: Tracking | None
    receiving_unit: str
    applicant: Applicant
    procedure: str
    missing: tuple[str, ...]  # one line per document or content to add or complete
    reason: str
    guide_name: str  # the official who guided (signs)
    guide_phone: str = ""


def render(data: SupplementRequestData, *, paper: PaperSize = PaperSize.A5) -> bytes:
    """Mẫu 02 as PDF bytes."""
    page = Page(paper)
    s = styles(page)
    rows: list[list[object]] = [["TT", "Thành phần hồ sơ, nội dung cần bổ sung, hoàn thiện"]]
    rows += [[index, line] for index, line in enumerate(data.missing, start=1)]
    story: list[Flowable] = [
        *top_strip(data.tracking, page),
        *header_block(data.header, page),
        line([(TITLE, f"{FONT}-Bold")], s["title"], page.width),
        Spacer(1, 2 * mm),
        field("Bộ phận tiếp nhận và trả kết quả", data.receiving_unit, page),
        *applicant_lines(data.applicant, page, "Tiếp nhận hồ sơ/yêu cầu của"),
        field("Nội dung yêu cầu giải quyết", data.procedure, page, bold_value=True),
        Paragraph("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", s["body"]),
        grid_table(rows, [9 * mm, page.width - 9 * mm], page, center_columns=(0,)),
        Spacer(1, 1.5 * mm),
        Paragraph(f"<b>Lý do:</b> {text(data.reason)}", s["body"]),
        Paragraph(
            f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, {data.applicant.you} liên hệ "
            f"{text(data.guide_name)}{' (điện thoại ' + text(data.guide_phone) + ')' if data.guide_phone else ''} "
            "để được hướng dẫn. Thông tin về thủ tục hành chính được công khai tại Bộ phận tiếp nhận và "
            "trả kết quả và trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn).",
            s["body"],
        ),
        signatures(page, ("", ""), ("NGƯỜI HƯỚNG DẪN", data.guide_name)),
    ]
    return render_pdf(story, page, title=TITLE, author=data.receiving_unit, footer=f"Mẫu 02 · {data.header.number}")
