"""The reception desk in a real browser: find the procedure, receive, print the receipt."""

from __future__ import annotations

from tests.e2e.helpers import log_in, shots_folder


def test_a_clerk_receives_a_dossier_and_prints_the_receipt(live_server, page, tmp_path):
    shots = shots_folder(tmp_path, "reception")
    log_in(page, live_server, "anbinh.tiepnhan")
    page.get_by_role("link", name="Tiếp nhận hồ sơ").first.click()
    page.get_by_label("Tìm thủ tục").fill("khai sinh")
    with page.expect_navigation():
        page.get_by_role("button", name="Tìm").click()
    page.screenshot(path=str(shots / "1-pick.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="Đăng ký khai sinh").first.click()
    assert "Nếu tiếp nhận ngay bây giờ, hẹn trả" in page.content()
    page.get_by_label("Họ và tên người nộp (hoặc tên tổ chức)").fill("Nguyễn Văn Bình")
    page.get_by_label("Số giấy tờ", exact=True).fill("001203004567")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ", exact=True).fill("Thôn Trung Hoà, xã An Bình")
    page.screenshot(path=str(shots / "2-receive.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()
    heading = page.locator("h1").inner_text()
    assert heading.startswith("Hồ sơ 000.00.31.H99-")
    assert "giờ" in page.locator(".due").inner_text() and "ngày" in page.locator(".due").inner_text()
    page.screenshot(path=str(shots / "3-dossier.png"), full_page=True)
    # One print for the desk: both liên of Mẫu 01 and Mẫu 06 in one PDF, one print dialog.
    with page.context.expect_event("response", lambda r: "/in/01-06" in r.url) as response_info:  # in a new tab
        page.get_by_role("button", name="In giấy tiếp nhận và phiếu kiểm soát").click()
    response = response_info.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert "filename=tiep-nhan-000.00.31.H99-" in response.headers.get("content-disposition", "")
    page.reload()
    assert "Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page.content()
    with page.context.expect_event("response", lambda r: r.url.endswith("/in/01")) as alone:
        page.get_by_role("button", name="In giấy tiếp nhận", exact=True).click()
    assert alone.value.status == 200
    page.screenshot(path=str(shots / "4-printed.png"), full_page=True)

