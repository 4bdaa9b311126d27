"""The leadership dashboard in a real browser on the demo data: it renders its charts (SVG drawn by the app,
nothing fetched from elsewhere), a number leads to its dossiers, Biểu 06 passes its checks, and the
pages fit a desk monitor and a phone. Screenshots go to MOTCUA_ARTEFACTS/reports."""

from __future__ import annotations

from tests.e2e.helpers import fits, log_in, shots_folder


def test_the_dashboard_renders_with_charts_and_drills_down(live_server, page, tmp_path):
    shots = shots_folder(tmp_path, "reports")
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server) else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "anbinh.lanhdao")
    response = page.goto(live_server + "/thong-ke/")
    assert response.status == 200
    charts = page.locator("svg.chart")
    assert charts.count() >= 2
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 150  # drawn, not collapsed
    assert page.locator("svg.chart rect").count() > 4
    assert fits(page), "the dashboard scrolls sideways at 1280 px"
    page.screenshot(path=str(shots / "dashboard-1280.png"), full_page=True)
    assert outside == [], f"the page fetched from elsewhere: {outside}"

    # The on-time card's denominator leads to the dossiers it counts.
    card = page.locator(".card").first
    denominator = int(card.locator("a").nth(1).inner_text())
    with page.expect_navigation():
        card.locator("a").nth(1).click()
    assert page.locator("main table tbody tr").count() == min(denominator, 50)
    assert f"({denominator})" in page.locator("h1").inner_text()

    page.goto(live_server + "/thong-ke/bieu-06")
    assert "dòng khớp" in page.locator(".notice").inner_text()
    page.screenshot(path=str(shots / "bieu-06-1280.png"), full_page=True)

    page.set_viewport_size({"width": 360, "height": 740})
    for name, path in (("dashboard", "/thong-ke/"), ("indicators", "/thong-ke/chi-so-766")):
        page.goto(live_server + path)
        assert fits(page), f"{path} scrolls sideways on a phone"
        page.screenshot(path=str(shots / f"{name}-360.png"), full_page=True)


def test_the_inspector_compares_the_communes(live_server, page, tmp_path):
    shots = shots_folder(tmp_path, "reports")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "tinh.thanhtra")
    page.goto(live_server + "/thong-ke/?ky=2026")
    assert page.get_by_role("heading", name="Xếp hạng đơn vị theo tỷ lệ đúng hạn").is_visible()
    assert "dưới 20 hồ sơ" in page.content()
    assert fits(page)
    page.screenshot(path=str(shots / "province-1280.png"), full_page=True)
