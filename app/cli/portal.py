"""``flask portal …``: the provincial platform (Cổng DVCQG): send what is waiting, and the stand-in server."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from werkzeug.serving import make_server

from app.integrations.portal.client import poster
from app.integrations.portal.simulator import create_simulator
from app.services import portal_sync

portal_group = AppGroup("portal", help="Cổng DVCQG / hệ thống của tỉnh.")


def sync_portal(app: Flask) -> str:
    """Send the messages that are due to the platform at PORTAL_SYNC_URL; what happened, in words."""
    url = app.config.get("PORTAL_SYNC_URL")
    if not url:
        return "Chưa cấu hình PORTAL_SYNC_URL: không gửi gì."
    post = poster(url, app.config.get("PORTAL_SYNC_TOKEN") or "", timeout=float(app.config["PORTAL_SYNC_TIMEOUT"]))
    with app.app_context():
        now = app.extensions["motcua.clock"].now()
        with app.extensions["motcua.session_factory"]() as session:
            report = portal_sync.deliver(session, post, now=now)
            session.commit()
    return (f"Hệ thống của tỉnh: đã gửi {report.delivered} gói tin, {report.retried} sẽ gửi lại sau, "
            f"{report.rejected} bị từ chối.")


@portal_group.command("sync")
def sync_command() -> None:
    """Gửi ngay các gói tin đang chờ lên hệ thống của tỉnh (bộ lập lịch làm việc này mỗi phút)."""
    click.echo(sync_portal(current_app._get_current_object()))  # type: ignore[attr-defined]


@portal_group.command("simulate")
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe (chỉ máy này).")
@click.option("--port", default=8900, show_default=True, type=click.IntRange(1, 65535))
@click.option("--token", envvar="PORTAL_SIM_TOKEN", default="", help="Khoá Bearer bắt buộc (mặc định: không).")
def simulate_command(host: str, port: int, token: str) -> None:
    """Chạy máy chủ mô phỏng hệ thống của tỉnh: kiểm tra gói tin theo đặc tả, lưu, tra cứu, giả lập lỗi."""
    server = make_server(host, port, create_simulator(token=token), threaded=True)
    click.echo(f"Mô phỏng hệ thống của tỉnh tại http://{host}:{server.server_port}/ (Ctrl+C để dừng).", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
