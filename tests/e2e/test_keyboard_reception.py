"""A reception by keyboard and scanner only (issue 22): the CCCD QR fills the applicant, Enter never sends the
form by accident, and one key prints both liên of Mẫu 01 and Mẫu 06 in one PDF."""

from __future__ import annotations

from tests.e2e.helpers import log_in, shots_folder

CARD = "001190012345||Lê Thị Thu Hà|02091990|Nữ|Thôn Đông, xã An Bình, tỉnh Bắc Ninh|15082021"
OTHER = "001085000777|123456789|Trần Văn Nam|01011985|Nam|Xóm Giữa, xã An Bình, tỉnh Bắc Ninh|01012022|extra"


def _focused(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate("document.activeElement.name || document.activeElement.type || ''")


def test_a_reception_by_keyboard_with_a_scanned_card(live_server, page, tmp_path):
    shots = shots_folder(tmp_path, "keyboard")
    log_in(page, live_server, "anbinh.tiepnhan")
    page.goto(live_server + "/tiep-nhan")
    page.get_by_label("Tìm thủ tục").fill("khai sinh")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.get_by_role("link", name="Đăng ký khai sinh").first.focus()
        page.keyboard.press("Enter")
    page.locator("#applicant_name:focus").wait_for()  # the form opens on the applicant's box (autofocus, once loaded)

    page.keyboard.type("00119001234")  # a clerk typing: Enter on a half-typed number only moves on
    page.keyboard.press("Enter")
    assert _focused(page) == "applicant_address" and "/tiep-nhan" in page.url
    page.locator("#applicant_name").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("001190012345||Lê Thị\n")  # a scan cut short: a clear message, nothing filled
    page.locator("#card-status", has_text="chưa được đọc hết").wait_for()
    assert page.input_value("#applicant_id_number") == "" and _focused(page) == "applicant_name"
    page.keyboard.type(CARD + "\n")  # the USB scanner: the QR's text, then Enter
    page.locator("#card-status", has_text="Đã đọc thẻ").wait_for()
    assert page.input_value("#applicant_name") == "Lê Thị Thu Hà"
    assert page.input_value("#applicant_id_number") == "001190012345"
    assert page.input_value("#applicant_address") == "Thôn Đông, xã An Bình, tỉnh Bắc Ninh"
    assert page.input_value("#applicant_id_kind") == "cccd"
    assert page.input_value("#applicant_birth_date") == "02/09/1990"
    assert "sinh ngày 02/09/1990" in page.inner_text("#card-status")
    assert _focused(page) == "applicant_phone"
    # Another card scanned into the scan box at the top of the page: the form takes it, the page stays.
    page.locator("#top-scan").focus()
    page.keyboard.type(OTHER + "\n")
    page.locator("#card-status", has_text="Trần Văn Nam").wait_for()
    assert "/tiep-nhan" in page.url and page.input_value("#top-scan") == ""
    assert page.input_value("#applicant_name") == "Trần Văn Nam"
    assert page.input_value("#applicant_birth_date") == "01/01/1985"
    assert _focused(page) == "applicant_phone"
    page.keyboard.type("0912345678")
    page.screenshot(path=str(shots / "1-card-read.png"), full_page=True)
    for _ in range(60):  # Enter, field after field, to the form's button (Tab out of a note: Enter is a new line)
        if _focused(page) == "submit":
            break
        page.keyboard.press("Tab" if page.evaluate("document.activeElement.tagName") == "TEXTAREA" else "Enter")
    assert _focused(page) == "submit" and "/tiep-nhan" in page.url  # nothing was sent on the way
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text().startswith("Hồ sơ 000.00.31.H99-")
    facts = page.locator("#data-heading + dl").inner_text()
    assert "Trần Văn Nam" in facts and "01/01/1985" in facts  # the birth date is kept
    page.get_by_role("button", name="In giấy tiếp nhận và phiếu kiểm soát").focus()
    with page.context.expect_event("response", lambda r: "/in/01-06" in r.url) as printed:
        page.keyboard.press("Enter")
    assert printed.value.status == 200 and printed.value.headers["content-type"] == "application/pdf"
    page.screenshot(path=str(shots / "2-received.png"), full_page=True)
