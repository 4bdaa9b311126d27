"""The ISO pages in a real browser: they fit the screen (desk monitor and phone), the leader sets a
target, and the record pack downloads as a ZIP. Screenshots go to MOTCUA_ARTEFACTS/iso."""

from __future__ import annotations

import json
import zipfile

from tests.e2e.helpers import fits, log_in, shots_folder


def test_iso_pages_fit_and_the_pack_downloads(live_server, page, tmp_path):
    shots = shots_folder(tmp_path, "iso")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "anbinh.lanhdao")
    for name, path in (("review", "/iso/"), ("objectives", "/iso/muc-tieu"), ("nonconformities", "/iso/khong-phu-hop"),
                       ("registers", "/iso/danh-muc")):
        response = page.goto(live_server + path)
        assert response.status == 200, path
        assert fits(page), f"{path} scrolls sideways at 1280 px"
        page.screenshot(path=str(shots / f"{name}-1280.png"), full_page=True)

    # The leader changes a target; the table shows it.
    page.goto(live_server + "/iso/muc-tieu")
    page.get_by_label("Tỷ lệ hồ sơ giải quyết đúng hạn").fill("97,5")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu mục tiêu").click()
    assert "Đã lưu mục tiêu chất lượng" in page.content() and "≥ 97,5 %" in page.content()

    # The pack of the current year.
    page.goto(live_server + "/iso/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải bộ hồ sơ ISO").click()
    saved = shots / download.value.suggested_filename
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["generated_by"] == "anbinh.lanhdao" and manifest["counts"]["control_slips"] >= 1

    page.set_viewport_size({"width": 360, "height": 740})
    for name, path in (("review", "/iso/"), ("nonconformities", "/iso/khong-phu-hop"), ("registers", "/iso/danh-muc")):
        page.goto(live_server + path)
        assert fits(page), f"{path} scrolls sideways on a phone"
        page.screenshot(path=str(shots / f"{name}-360.png"), full_page=True)
