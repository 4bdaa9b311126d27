"""Sample data for every form: the reference images in docs/forms, the tests and the benchmark.

The values are those of the demo commune, written out as a clerk would see them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from printing.base import Applicant, Header, Tracking
from printing.form01_receipt import DocumentLine, ReceiptData
from printing.form02_supplement_request import SupplementRequestData
from printing.form03_refusal import RefusalData
from printing.form04_apology_extension import ApologyData
from printing.form05_suspension_notice import SuspensionNoticeData
from printing.form06_control_slip import ControlSlipData, HandoverRow
from printing.form07_logbook import LogbookData, LogbookEntry

UTC = timezone.utc
RECEIVED = datetime(2026, 11, 25, 2, 5, tzinfo=UTC)  # 09:05 Wednesday 25/11/2026 in Vietnam
CODE = "000.00.31.H99-261125-0001"
URL = "https://motcua.anbinh.gov.vn/tra-cuu/q7Vd0cA9JwZ3mT1sXkLbE4yPnR8uGh2F"
GOVERNING = "ỦY BAN NHÂN DÂN XÃ AN BÌNH"
UNIT = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
RECEIVING = "Trung tâm Phục vụ hành chính công xã An Bình"
APPLICANT = Applicant("Nguyễn Văn Bình", "Thôn Trung Hoà, xã An Bình, tỉnh Hoà An", "0912345678", "binh.nv@example.vn")
PROCEDURE = "Đăng ký khai sinh (mã TTHC 1.001193)"


def header(number: str = "", day: date = date(2026, 11, 25)) -> Header:
    return Header(GOVERNING, UNIT, "An Bình", day, number)


def receipt() -> ReceiptData:
    return ReceiptData(
        header=header(), tracking=Tracking(URL, CODE), code=CODE, receiving_unit=RECEIVING,
        applicant=APPLICANT, applicant_id="Số định danh cá nhân: 001203004567", owner="",
        procedure=PROCEDURE,
        documents=(
            DocumentLine("Tờ khai đăng ký khai sinh theo mẫu", 1),
            DocumentLine("Giấy chứng sinh", 1),
            DocumentLine("Giấy tờ tùy thân của người đi đăng ký (xuất trình)", 0, 0, 1),
        ),
        sets_count=1, duration="03 ngày làm việc", received_at=RECEIVED,
        due_at=datetime(2026, 11, 30, 2, 5, tzinfo=UTC), delivery="Bộ phận tiếp nhận và trả kết quả", fee="8.000 đồng",
        logbook_book="2026", logbook_number=15, clerk_name="Nguyễn Thị Lan", unit_phone="0210 3 812 345",
    )


def control_slip(handed_over: bool = True) -> ControlSlipData:
    at = RECEIVED + timedelta(hours=1) if handed_over else None
    rows = (
        HandoverRow("Bộ phận tiếp nhận và trả kết quả", "Tư pháp - Hộ tịch", RECEIVED + timedelta(hours=4), at,
                    "Trước hạn" if handed_over else "", "Nguyễn Thị Lan" if handed_over else "",
                    "Trần Văn Cường" if handed_over else ""),
        HandoverRow("Tư pháp - Hộ tịch", "Lãnh đạo Ủy ban nhân dân xã", datetime(2026, 11, 27, 2, 5, tzinfo=UTC)),
        HandoverRow("Lãnh đạo Ủy ban nhân dân xã", "Bộ phận tiếp nhận và trả kết quả",
                    datetime(2026, 11, 27, 6, 35, tzinfo=UTC)),
        HandoverRow("Bộ phận tiếp nhận và trả kết quả", "Tổ chức, cá nhân", datetime(2026, 11, 30, 2, 5, tzinfo=UTC)),
    )
    return ControlSlipData(
        header=header(), tracking=Tracking(URL, CODE), code=CODE, applicant_name=APPLICANT.name,
        procedure=PROCEDURE, received_at=RECEIVED, due_at=datetime(2026, 11, 30, 2, 5, tzinfo=UTC),
        processing_body="Tư pháp - Hộ tịch, Ủy ban nhân dân xã An Bình", coordinating_body="", rows=rows,
    )


def supplement_request() -> SupplementRequestData:
    return SupplementRequestData(
        header=header("Số: 12/PHD"), tracking=Tracking(URL, "12/PHD", "Số phiếu"), receiving_unit=RECEIVING,
        applicant=Applicant("Trần Thị Cúc", "Thôn Đông, xã An Bình", "0987654321"),
        procedure="Đăng ký kết hôn (mã TTHC 1.000894)",
        missing=("Bản sao Quyết định công nhận thuận tình ly hôn đã có hiệu lực pháp luật",
                 "Tờ khai đăng ký kết hôn có đủ chữ ký của hai bên nam, nữ"),
        reason="Hồ sơ chưa có giấy tờ chứng minh việc đã ly hôn; tờ khai thiếu chữ ký của bên nam.",
        guide_name="Nguyễn Thị Lan", guide_phone="0210 3 812 345",
    )


def refusal() -> RefusalData:
    return RefusalData(
        header=header("Số: 3/PTC"), tracking=Tracking(URL, "3/PTC", "Số phiếu"), receiving_unit=RECEIVING,
        applicant=Applicant("Lê Văn Dũng", "Thôn Bắc, xã An Bình"),
        procedure="Cấp bản sao trích lục hộ tịch (mã TTHC 2.000635)",
        reason="Sự kiện hộ tịch được đăng ký tại Ủy ban nhân dân xã Phú Lộc; đề nghị Ông liên hệ xã Phú Lộc "
               "hoặc nộp trực tuyến trên Cổng Dịch vụ công quốc gia.",
        clerk_name="Nguyễn Thị Lan",
    )


def apology() -> ApologyData:
    return ApologyData(
        header=Header("", "ỦY BAN NHÂN DÂN\nXÃ AN BÌNH", "An Bình", date(2026, 11, 27), "Số: 5/XL-UBND"),
        tracking=Tracking(URL, CODE),
        agency="Ủy ban nhân dân xã An Bình", applicant_name=APPLICANT.name, code=CODE, procedure=PROCEDURE,
        received_at=RECEIVED, due_at=datetime(2026, 11, 30, 2, 5, tzinfo=UTC),
        reason="Cần xác minh thông tin nơi sinh với cơ sở y tế ngoài tỉnh.",
        new_due_at=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
        signer_lines=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), signer_name="Lê Văn Hùng",
    )


def suspension_notice() -> SuspensionNoticeData:
    return SuspensionNoticeData(
        header=header("Số: 2/TB-DGQ", date(2026, 11, 26)), tracking=Tracking(URL, CODE),
        receiving_unit=RECEIVING, applicant_name=APPLICANT.name, code=CODE, procedure=PROCEDURE,
        received_at=RECEIVED, requested_at=datetime(2026, 11, 26, 1, 30, tzinfo=UTC),
        stopped_at=datetime(2026, 11, 26, 1, 45, tzinfo=UTC), reason="Gia đình muốn bổ sung tên đệm cho cháu.",
        fee_handling="Lệ phí 8.000 đồng đã nộp được hoàn trả tại Bộ phận tiếp nhận và trả kết quả.",
        clerk_name="Nguyễn Thị Lan",
    )


def logbook(count: int = 12) -> LogbookData:
    names = ("Nguyễn Văn Bình", "Trần Thị Cúc", "Lê Văn Dũng", "Phạm Thị Én", "Hoàng Văn Giang", "Vũ Thị Hạnh")
    procedures = ("Đăng ký khai sinh", "Đăng ký kết hôn", "Chứng thực bản sao từ bản chính",
                  "Xác nhận tình trạng hôn nhân")
    entries = []
    for index in range(count):
        received = RECEIVED + timedelta(days=index // 3, hours=2 * (index % 3))
        entries.append(LogbookEntry(
            number=15 + index, code=f"000.00.31.H99-{received + timedelta(hours=7):%y%m%d}-{index + 1:04d}",
            procedure=procedures[index % len(procedures)], sets_count=1, applicant=names[index % len(names)],
            contact=f"Thôn Trung Hoà, xã An Bình; 09123456{index:02d}", processing_body="Tư pháp - Hộ tịch",
            received_at=received, due_at=received + timedelta(days=3),
            sent_at=received + timedelta(hours=1) if index % 3 else None,
            result_received_at=received + timedelta(days=2) if index % 3 == 1 else None,
            returned_at=received + timedelta(days=2, hours=2) if index % 3 == 1 else None,
        ))
    return LogbookData(header=header(day=date(2026, 11, 30)), unit_name=RECEIVING, book="2026",
                       period_from=date(2026, 11, 1), period_to=date(2026, 11, 30), entries=tuple(entries))
