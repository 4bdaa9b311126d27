"""The catalogue file (docs/integration/catalogue.md) as an XLSX workbook: one sheet per table, headings in row 1."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from printing.workbook import put

GUIDE = (
    "Danh mục thủ tục hành chính để nhập vào Một Cửa (flask catalogue import TỆP [--apply], hoặc trang Quản trị ›"
    " Danh mục thủ tục › Nhập từ tệp).",
    "Bảng “Thủ tục”: mỗi thủ tục một dòng, mã TTHC theo CSDL quốc gia. Loại thời hạn: Ngày làm việc, Giờ làm việc,"
    " Ngày (theo lịch), Trong ngày. Ngày hiệu lực: ngày áp dụng theo quyết định công bố (dd/mm/yyyy).",
    "Bảng “Thành phần hồ sơ”: mỗi giấy tờ một dòng, theo mã TTHC. Yêu cầu: Bắt buộc, Không bắt buộc, Một trong nhóm"
    " (khi đó ghi cùng một tên Nhóm cho các giấy tờ thay thế nhau).",
    "Bảng “Quy trình”: các bước của quy trình nội bộ, theo mã TTHC; Giờ làm việc của các bước cộng lại bằng thời hạn"
    " (1 ngày làm việc = 8 giờ; thủ tục trong ngày: 8 giờ).",
    "Nhập lại cùng một tệp không thay đổi gì. Nội dung khác với phiên bản đang áp dụng trở thành phiên bản mới từ ngày"
    " hiệu lực ghi trong tệp; hồ sơ đang giải quyết giữ phiên bản khi tiếp nhận. Thủ tục không còn trong tệp bị bãi"
    " bỏ từ ngày nhập.",
)
WIDTHS = {"Mã định danh": 16, "Cơ quan": 40, "Tên đơn vị": 36, "Họ và tên": 24, "Vai trò": 30, "Mã TTHC": 12, "Tên thủ tục": 48, "Lĩnh vực": 18, "Tên giấy tờ": 48, "Tên bước": 36, "Căn cứ pháp lý": 48,
          "Phí, lệ phí": 30, "Kết quả": 28, "Quyết định công bố": 36, "Bộ phận": 22}


def catalogue_workbook(tables: Mapping[str, tuple[Sequence[str], Sequence[Mapping[str, Any]]]], *,
                       guide: Sequence[str] = GUIDE) -> bytes:
    """The workbook of ``tables`` (name → (column headings, rows keyed by heading)), a guide sheet first."""
    book = Workbook()
    first = book.active
    first.title = "Hướng dẫn"
    first.column_dimensions["A"].width = 120
    for number, line in enumerate(guide, start=1):
        put(first, number, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
    for name, (columns, rows) in tables.items():
        sheet = book.create_sheet(name)
        for index, heading in enumerate(columns, start=1):
            put(sheet, 1, index, heading).font = Font(bold=True)
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = WIDTHS.get(heading, 14)
        for number, row in enumerate(rows, start=2):
            for index, heading in enumerate(columns, start=1):
                cell = put(sheet, number, index, row.get(heading))
                if heading == "Ngày hiệu lực":
                    cell.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
