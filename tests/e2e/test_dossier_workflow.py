"""A dossier's whole way in a real browser: received and printed at the desk, taken over by scanning
the code at the office, handed to the leader, approved, returned to the citizen."""

from __future__ import annotations

from tests.e2e.helpers import log_in, shots_folder


def _log_out(page) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()


def test_receive_scan_hand_over_approve_return(live_server, page, tmp_path):
    shots = shots_folder(tmp_path, "workflow")

    # The desk receives a birth registration and prints the control slip.
    log_in(page, live_server, "anbinh.tiepnhan")
    page.goto(live_server + "/tiep-nhan?q=khai+sinh")
    with page.expect_navigation():
        page.get_by_role("link", name="Đăng ký khai sinh").first.click()
    page.get_by_label("Họ và tên người nộp (hoặc tên tổ chức)").fill("Phạm Thị Thu")
    page.get_by_label("Số giấy tờ", exact=True).fill("001203004568")
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()
    code = page.locator("h1").inner_text().removeprefix("Hồ sơ ").strip()
    with page.context.expect_event("response", lambda r: "/in/06" in r.url) as printed:
        page.get_by_role("button", name="In phiếu kiểm soát", exact=True).click()
    assert printed.value.status == 200 and printed.value.headers["content-type"] == "application/pdf"
    page.screenshot(path=str(shots / "1-received.png"), full_page=True)
    _log_out(page)

    # At the office the officer types (or scans) the code into the scan box: the handover opens.
    log_in(page, live_server, "anbinh.hotich")
    page.get_by_label("Quét hoặc nhập mã hồ sơ").fill(code)
    with page.expect_navigation():
        page.get_by_label("Quét hoặc nhập mã hồ sơ").press("Enter")
    assert page.locator("h1").inner_text() == "Nhận hồ sơ"
    page.screenshot(path=str(shots / "2-take-over.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận nhận hồ sơ").click()
    assert "Đã ghi nhận giao, nhận hồ sơ" in page.content()
    assert "Trần Văn Minh" in page.locator("#handovers-heading + .table-wrap").inner_text()
    page.screenshot(path=str(shots / "3-taken.png"), full_page=True)

    # The officer hands it to the leader.
    with page.expect_navigation():
        page.get_by_role("link", name="Chuyển hồ sơ").click()
    assert page.locator("h1").inner_text() == "Giao hồ sơ"
    page.get_by_label("Người nhận").select_option(label="Lê Văn Hùng — Phó Chủ tịch UBND xã")
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận giao hồ sơ").click()
    _log_out(page)

    # The leader finds it waiting for approval and approves.
    log_in(page, live_server, "anbinh.lanhdao")
    page.get_by_role("link", name="Việc của tôi").click()
    page.get_by_role("link", name="Hồ sơ chờ phê duyệt").click()
    page.screenshot(path=str(shots / "4-approval-queue.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name=code).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Hoàn thành xử lý").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Hoàn thành xử lý").click()
    assert page.locator(".badge").first.inner_text() == "Đã xử lý xong"
    _log_out(page)

    # The desk returns the result to the citizen.
    log_in(page, live_server, "anbinh.tiepnhan")
    page.goto(live_server + "/xu-ly/cho-tra-ket-qua")
    assert code in page.content()
    page.screenshot(path=str(shots / "5-return-queue.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name=code).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Trả kết quả").click()
    page.get_by_label("Ghi chú trả kết quả").fill("Người nộp nhận trực tiếp, đã ký sổ")
    with page.expect_navigation():
        page.get_by_role("button", name="Trả kết quả").click()
    assert page.locator(".badge").first.inner_text() == "Đã trả kết quả"
    rows = page.locator("#handovers-heading + .table-wrap tbody tr")
    assert rows.count() == 4  # desk → officer, officer → leader, leader → desk, desk → citizen
    assert "Tổ chức, cá nhân" in rows.nth(3).inner_text()
    page.screenshot(path=str(shots / "6-returned.png"), full_page=True)
