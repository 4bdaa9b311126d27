"""The procedure form in a real browser: adding rows, the running total, saving."""

import re

from tests.e2e.helpers import log_in


def test_an_admin_builds_a_procedure_with_added_rows_and_sees_the_running_total(live_server, page):
    log_in(page, live_server, "anbinh.quantri")
    page.goto(live_server + "/thu-tuc/moi")
    page.get_by_label("Mã thủ tục").fill("1.000689")
    page.get_by_label("Tên thủ tục").fill("Thủ tục thử nghiệm quy trình năm bước")
    page.get_by_label("Lĩnh vực").fill("Hộ tịch")
    page.get_by_label("Thời hạn giải quyết").fill("5")
    page.locator("#documents-0-name").fill("Tờ khai theo mẫu")
    page.locator("#documents-0-originals").fill("1")

    shares = [("Tiếp nhận", "clerk", "0,5"), ("Thẩm định", "officer", "2"), ("Xác minh", "officer", "1"),
              ("Ký duyệt", "leader", "1"), ("Trả kết quả", "clerk", "0,5")]
    add_step = page.get_by_role("button", name="+ Thêm bước")
    for _ in range(len(shares) - page.locator('table[data-rows="steps"] tbody tr[data-row]').count()):
        add_step.click()
    for index, (name, role, share) in enumerate(shares):
        page.locator(f"#steps-{index}-name").fill(name)
        page.locator(f"#steps-{index}-role").select_option(role)
        page.locator(f"#steps-{index}-share").fill(share)
    assert page.locator(".js-share-total").inner_text() == "5 ngày làm việc"

    # A spare row removed; the rows stay numbered 1..n for the server.
    page.locator(".js-add-row[data-target=steps]").click()
    last = page.locator('table[data-rows="steps"] tbody tr[data-row]').last
    last.get_by_role("button", name="Xoá dòng").click()
    assert page.locator('table[data-rows="steps"] [data-index]').all_inner_texts() == ["1", "2", "3", "4", "5"]

    with page.expect_navigation():
        page.get_by_role("button", name="Lưu thủ tục").click()
    assert "Đã lưu thủ tục" in page.locator(".flashes").inner_text()
    steps = page.locator("section", has_text="Quy trình nội bộ").locator("tbody tr")
    assert steps.count() == 5
    assert re.search(r"Xác minh\s+Công chức chuyên môn\s+1", steps.nth(2).inner_text())


def test_choosing_same_day_hides_the_duration_and_counts_in_hours(live_server, page):
    log_in(page, live_server, "anbinh.quantri")
    page.goto(live_server + "/thu-tuc/moi")
    page.get_by_label("Cách tính thời hạn").select_option("same_day")
    assert page.locator(".js-duration-value").is_hidden()
    assert page.locator(".js-share-unit").inner_text() == "giờ làm việc"
    page.locator("#steps-0-share").fill("6")
    page.locator("#steps-1-share").fill("2")
    assert page.locator(".js-share-total").inner_text() == "8 giờ làm việc"


def test_the_server_keeps_what_was_typed_when_it_refuses_the_form(live_server, page):
    log_in(page, live_server, "anbinh.quantri")
    page.goto(live_server + "/thu-tuc/moi")
    page.get_by_label("Mã thủ tục").fill("1.000690")
    page.get_by_label("Tên thủ tục").fill("Thủ tục thiếu thời gian")
    page.get_by_label("Lĩnh vực").fill("Hộ tịch")
    page.get_by_label("Thời hạn giải quyết").fill("3")
    page.locator("#documents-0-name").fill("Tờ khai")
    page.locator("#documents-0-originals").fill("1")
    page.locator("#steps-0-name").fill("Thẩm định")
    page.locator("#steps-0-role").select_option("officer")
    page.locator("#steps-0-share").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu thủ tục").click()
    assert "Tổng thời gian các bước (2 ngày làm việc) phải bằng thời hạn giải quyết (3 ngày làm việc)." in page.content()
    assert page.locator("#steps-0-name").input_value() == "Thẩm định"
    assert page.get_by_label("Tên thủ tục").input_value() == "Thủ tục thiếu thời gian"
