"""What the browser tests share: logging in as a demo user, where screenshots go, whether a page fits."""

from __future__ import annotations

import os
from pathlib import Path

from app.services.demo import DEMO_PASSWORD


def log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Đăng nhập").click()


def shots_folder(tmp_path: Path, name: str) -> Path:
    """Where screenshots go: MOTCUA_ARTEFACTS/<name> if set (CI keeps them), else the test's temp dir."""
    folder = Path(os.environ.get("MOTCUA_ARTEFACTS", tmp_path)) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def fits(page) -> bool:  # type: ignore[no-untyped-def]
    """No sideways scrolling at the page's current width."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
