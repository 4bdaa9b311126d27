"""The ISO pages in a real browser: they fit the screen (desk monitor and phone), the leader sets a
target, and the record pack, asked for on the page, is made by the scheduler's runner while the page shows its
progress, then downloads as a ZIP. Screenshots go to MOTCUA_ARTEFACTS/iso."""

from __future__ import annotations

import json
import re
import threading
import zipfile

from app.cli.jobs import make_exports
from tests.e2e.helpers import fits, log_in, shots_folder


def test_iso_pages_fit_and_the_pack_downloads(live_server, live_app, page, tmp_path):
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

    # The pack of the current year is a job: the page queues it and shows its progress; the scheduler (its
    # runner, on the served database and instance folder) makes it; the page turns into a download by itself.
    page.goto(live_server + "/iso/")
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if r.url.endswith("/tien-do") else None)
    page.get_by_role("button", name="Tạo bộ hồ sơ ISO").click()
    page.wait_for_url("**/xuat-file/*")
    assert "Đã gửi yêu cầu tạo bộ hồ sơ ISO" in page.content() and "Đang chờ" in page.content()
    assert page.locator("#export-progress progress").is_visible()
    page.screenshot(path=str(shots / "pack-queued-1280.png"), full_page=True)
    page.wait_for_timeout(1500)  # no scheduler yet: the page keeps asking, the job keeps waiting
    assert polls and "Đang chờ" in page.content()
    worker = threading.Thread(target=make_exports, args=(live_app,), daemon=True)
    worker.start()
    link = page.get_by_role("link", name=re.compile("^Tải về ho-so-iso-"))
    link.wait_for(timeout=60_000)  # the page reloaded itself when the job was done
    worker.join(timeout=60)
    assert "Sẵn sàng tải về" in page.content()
    page.screenshot(path=str(shots / "pack-ready-1280.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    saved = shots / download.value.suggested_filename
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["generated_by"] == "anbinh.lanhdao" and manifest["counts"]["control_slips"] >= 1
    page.goto(live_server + "/thong-bao")
    assert "Tệp đã sẵn sàng: Bộ hồ sơ ISO" in page.content()

    page.set_viewport_size({"width": 360, "height": 740})
    for name, path in (("review", "/iso/"), ("nonconformities", "/iso/khong-phu-hop"), ("registers", "/iso/danh-muc"),
                       ("exports", "/xuat-file/")):
        page.goto(live_server + path)
        assert fits(page), f"{path} scrolls sideways on a phone"
        page.screenshot(path=str(shots / f"{name}-360.png"), full_page=True)
