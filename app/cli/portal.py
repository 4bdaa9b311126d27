"""``flask portal …``: the provincial platform (Cổng DVCQG). For now the stand-in server for the demo and tests."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from werkzeug.serving import make_server

from app.integrations.portal.simulator import create_simulator

portal_group = AppGroup("portal", help="Cổng DVCQG / hệ thống của tỉnh.")


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
