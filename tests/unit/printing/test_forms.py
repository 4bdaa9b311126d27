"""Every legal form: page size, every field value with its diacritics, and a QR that decodes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from app.domain.paper import PaperSize
from printing import (
    form01_receipt,
    form02_supplement_request,
    form03_refusal,
    form04_apology_extension,
    form05_suspension_notice,
    form06_control_slip,
    form07_logbook,
    samples,
)
from printing.base import Applicant
from printing.form06_control_slip import HandoverRow
from tests.pdfcheck import decoded_codes, page_sizes_mm, pdf_text

A5 = (148, 210)
A4 = (210, 297)
HEADER = (
    "ỦY BAN NHÂN DÂN XÃ AN BÌNH", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
)


def assert_contains(page_text: str, *expected: str) -> None:
    missing = [e for e in expected if e not in page_text]
    assert not missing, f"missing {missing} in: {page_text}"


def test_receipt_has_two_copies_with_every_field():
    data = samples.receipt()
    pdf = form01_receipt.render(data)
    pages = pdf_text(pdf)
    assert page_sizes_mm(pdf) == [A5, A5]
    for page, copy in zip(pages, form01_receipt.COPIES, strict=True):
        assert_contains(
            page, *HEADER, "An Bình, ngày 25 tháng 11 năm 2026",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {samples.CODE}", copy,
            "Trung tâm Phục vụ hành chính công xã An Bình", "Nguyễn Văn Bình",
            "Thôn Trung Hoà, xã An Bình, tỉnh Hoà An", "0912345678", "binh.nv@example.vn",
            "Số định danh cá nhân: 001203004567", "Đăng ký khai sinh (mã TTHC 1.001193)",
            "Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh", "Giấy tờ tùy thân của người đi đăng ký",
            "2. Số lượng hồ sơ: 01 (bộ)", "03 ngày làm việc",
            "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 25 tháng 11 năm 2026",
            "5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 05 phút, ngày 30 tháng 11 năm 2026",
            "Bộ phận tiếp nhận và trả kết quả", "7. Phí, lệ phí: 8.000 đồng",
            "Quyển số: 2026, Số thứ tự: 15", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Thị Lan",
            "được lập thành 02 liên",
        )
    assert ("QRCode", samples.URL) in decoded_codes(pdf, page=1)
    assert ("QRCode", samples.URL) in decoded_codes(pdf, page=2)


def test_receipt_on_a4_and_with_an_owner():
    data = replace(samples.receipt(), owner="Nguyễn Văn An (con)")
    pdf = form01_receipt.render(data, paper=PaperSize.A4)
    assert page_sizes_mm(pdf) == [A4, A4]
    assert_contains(pdf_text(pdf)[0], "Chủ hồ sơ: Nguyễn Văn An (con)")


def test_user_text_is_escaped_not_interpreted_as_markup():
    data = replace(samples.receipt(), applicant=replace(samples.APPLICANT, name="Công ty <b>A&B</b>"))
    assert_contains(pdf_text(form01_receipt.render(data))[0], "Công ty <b>A&B</b>")


def test_a_long_document_list_flows_onto_more_pages_with_the_table_header_repeated():
    documents = tuple(form01_receipt.DocumentLine(f"Giấy tờ số {i} về quyền sử dụng đất", 1) for i in range(1, 41))
    pdf = form01_receipt.render(replace(samples.receipt(), documents=documents))
    pages = pdf_text(pdf)
    assert len(pages) >= 4  # two copies, each more than a page
    text = " ".join(pages)
    for i in (1, 20, 40):
        assert text.count(f"Giấy tờ số {i} về quyền sử dụng đất") == 2  # never clipped, once per copy
    continuation = pages[1]
    assert "Tên giấy tờ" in continuation and "Giấy tờ số" in continuation
    assert "Trang 2/" in continuation


def test_control_slip_rows_come_from_handovers_blank_or_filled():
    pdf = form06_control_slip.render(samples.control_slip())
    assert page_sizes_mm(pdf) == [A4]
    (page,) = pdf_text(pdf)
    assert_contains(
        page, *HEADER, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", f"Mã hồ sơ: {samples.CODE}",
        "Liên: lưu tại Bộ phận tiếp nhận và trả kết quả", "Kèm theo hồ sơ của: Nguyễn Văn Bình",
        "Ngày nhận hồ sơ: 09 giờ 05 phút, ngày 25 tháng 11 năm 2026",
        "Ngày, giờ hẹn trả kết quả: 09 giờ 05 phút, ngày 30 tháng 11 năm 2026",
        "Cơ quan (bộ phận) giải quyết hồ sơ: Tư pháp - Hộ tịch", "Cơ quan phối hợp giải quyết hồ sơ",
        "TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ", "KẾT QUẢ GIẢI QUYẾT HỒ SƠ", "GHI CHÚ",
        "1. Giao: Bộ phận tiếp nhận và trả kết quả 2. Nhận: Tư pháp - Hộ tịch",
        "10 giờ 05 phút, ngày 25 tháng 11 năm 2026", "Trước hạn", "Trần Văn Cường",
        "2. Nhận: Tổ chức, cá nhân", "Hạn bước: 09:05 30/11/2026",
    )
    assert page.count("…… giờ …… phút") == 3  # the three handovers not made yet, to fill by hand
    assert ("QRCode", samples.URL) in decoded_codes(pdf)


def test_control_slip_with_many_handovers_repeats_the_table_header_on_every_page():
    data = samples.control_slip()
    rows = tuple(
        HandoverRow(f"Bộ phận {i}", f"Bộ phận {i + 1}", data.received_at + timedelta(hours=i)) for i in range(1, 25)
    )
    pdf = form06_control_slip.render(replace(data, rows=rows), paper=PaperSize.A5)
    pages = pdf_text(pdf)
    assert len(pages) > 2 and set(page_sizes_mm(pdf)) == {A5}
    for page in pages:
        assert "1. Giao:" not in page or "TÊN CƠ QUAN" in page
    assert sum("1. Giao:" in page for page in pages) > 2
    text = " ".join(pages)
    assert all(f"1. Giao: Bộ phận {i} 2. Nhận: Bộ phận {i + 1}" in text for i in range(1, 25))


def test_supplement_request_lists_what_is_missing_and_why():
    pdf = form02_supplement_request.render(samples.supplement_request())
    assert page_sizes_mm(pdf) == [A5]
    assert_contains(
        pdf_text(pdf)[0], *HEADER, "Số: 12/PHD", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Trần Thị Cúc",
        "Đăng ký kết hôn (mã TTHC 1.000894)", "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
        "Bản sao Quyết định công nhận thuận tình ly hôn đã có hiệu lực pháp luật",
        "Tờ khai đăng ký kết hôn có đủ chữ ký của hai bên nam, nữ", "Lý do: Hồ sơ chưa có giấy tờ chứng minh",
        "NGƯỜI HƯỚNG DẪN", "Nguyễn Thị Lan", "0210 3 812 345",
    )


def test_refusal_states_its_reason_and_requires_one():
    data = samples.refusal()
    pdf = form03_refusal.render(data, paper=PaperSize.A4)
    assert page_sizes_mm(pdf) == [A4]
    assert_contains(
        pdf_text(pdf)[0], *HEADER, "Số: 3/PTC", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Lê Văn Dũng",
        "Cấp bản sao trích lục hộ tịch", "không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        "Sự kiện hộ tịch được đăng ký tại Ủy ban nhân dân xã Phú Lộc",
        "Xin thông báo cho Ông/Bà được biết và thực hiện", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ",
    )
    with pytest.raises(ValueError):
        form03_refusal.render(replace(data, reason="  "))


def test_apology_gives_the_reason_and_the_new_date():
    pdf = form04_apology_extension.render(samples.apology())
    assert page_sizes_mm(pdf) == [A5]
    page = pdf_text(pdf)[0]
    assert_contains(
        page, "ỦY BAN NHÂN DÂN XÃ AN BÌNH", *HEADER[2:], "Số: 5/XL-UBND", "An Bình, ngày 27 tháng 11 năm 2026",
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", "Kính gửi: Ông/Bà Nguyễn Văn Bình",
        samples.CODE, "09 giờ 05 phút, ngày 30 tháng 11 năm 2026",
        "không thể hoàn thành trong thời gian đã hẹn vì lý do: Cần xác minh thông tin nơi sinh",
        "16 giờ 00 phút, ngày 03 tháng 12 năm 2026", "Ủy ban nhân dân xã An Bình thành thật xin lỗi Ông/Bà",
        "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
        "Lê Văn Hùng",
    )
    # Issued before the appointment: it claims no delay that has not happened, and names one authority.
    assert "chưa trả kết quả" not in page and "chậm trễ" not in page
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" not in page
    assert ("QRCode", samples.URL) in decoded_codes(pdf)


def test_an_organisation_is_named_never_called_ong_ba():
    company = "Công ty TNHH Xây dựng và Thương mại Hoà Bình"
    apology = form04_apology_extension.render(replace(samples.apology(), applicant_name=company, organisation=True))
    refusal = form03_refusal.render(replace(samples.refusal(), applicant=Applicant(company, organisation=True)))
    for pdf in (apology, refusal):
        page = " ".join(pdf_text(pdf))
        assert "Ông/Bà" not in page and company in page
    assert_contains(pdf_text(apology)[0], f"Kính gửi: {company}", "xin lỗi Quý tổ chức")
    assert_contains(pdf_text(refusal)[0], f"Tiếp nhận hồ sơ của: {company}", "cho Quý tổ chức được biết")


def test_suspension_notice_confirms_the_stop_and_the_fee_handling():
    pdf = form05_suspension_notice.render(samples.suspension_notice())
    assert page_sizes_mm(pdf) == [A5]
    assert_contains(
        pdf_text(pdf)[0], *HEADER, "Số: 2/TB-DGQ", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {samples.CODE}", "08 giờ 30 phút, ngày 26 tháng 11 năm 2026",
        "Lý do: Gia đình muốn bổ sung tên đệm cho cháu.", "08 giờ 45 phút, ngày 26 tháng 11 năm 2026",
        "Lệ phí 8.000 đồng đã nộp được hoàn trả",
    )


def test_logbook_is_a4_landscape_with_every_entry_and_repeated_headers():
    data = samples.logbook(40)
    pdf = form07_logbook.render(data)
    sizes = page_sizes_mm(pdf)
    assert len(sizes) > 1 and set(sizes) == {(297, 210)}
    pages = pdf_text(pdf)
    assert_contains(pages[0], *HEADER, "SỔ THEO DÕI HỒ SƠ", "Quyển số: 2026 — Từ ngày 01/11/2026 đến ngày 30/11/2026",
                    "Ngày, tháng, năm", "Hẹn trả kết quả", "Trả kết quả cho cá nhân, tổ chức")
    assert all("Mã hồ sơ" in page and "Nhận hồ sơ" in page for page in pages)
    text = " ".join(pages)
    for entry in data.entries:
        assert entry.code.replace("-", "- ", 1) in text or entry.code in text
    assert "25/11/2026 09:05" in text  # 09:05 local, not the stored 02:05 UTC


def test_empty_logbook_says_so():
    data = replace(samples.logbook(0))
    assert_contains(pdf_text(form07_logbook.render(data))[0], "Không có hồ sơ nào được tiếp nhận trong kỳ này.")


def test_logbook_xlsx_has_the_same_columns_and_local_times():
    from io import BytesIO

    from openpyxl import load_workbook

    data = samples.logbook(5)
    sheet = load_workbook(BytesIO(form07_logbook.render_xlsx(data))).active
    assert sheet.title == "Sổ theo dõi 2026"
    assert sheet["A3"].value == "SỔ THEO DÕI HỒ SƠ"
    headings = [c.value for c in sheet[6]] + [c.value for c in sheet[7]]
    for heading, *_ in form07_logbook.COLUMNS:
        assert heading in headings
    first = [c.value for c in sheet[9]]
    entry = data.entries[0]
    assert first[:7] == [entry.number, entry.code, entry.procedure, 1, entry.applicant, entry.contact, "Tư pháp - Hộ tịch"]
    assert first[7] == datetime(2026, 11, 25, 9, 5)  # Vietnam wall-clock time
    assert sheet.max_row == 8 + 5


def test_identical_data_gives_identical_bytes():
    assert form01_receipt.render(samples.receipt()) == form01_receipt.render(samples.receipt())


def test_times_are_printed_in_vietnam_time_whatever_zone_they_come_in():
    data = samples.receipt()
    shifted = replace(data, received_at=data.received_at.astimezone(timezone(timedelta(hours=-5))))
    assert pdf_text(form01_receipt.render(shifted)) == pdf_text(form01_receipt.render(data))
