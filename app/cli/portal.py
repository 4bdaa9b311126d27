"""``flask portal …``: the provincial platform (Cổng DVCQG): send what is waiting, and the stand-in server."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from werkzeug.serving import make_server

from datetime import datetime, timedelta

from sqlalchemy import select

from app.domain.localtime import local_date
from app.domain.reconcile import Rate
from app.integrations.portal.client import configured_listing, poster
from app.integrations.portal.simulator import create_simulator
from app.services import portal_sync, reconciliation
from models import Unit

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


def reconcile_nightly(app: Flask) -> str:
    """The nightly reconciliation of the last 30 days, every unit; nonconformities for trễ hạn ảo."""
    listing = configured_listing(app.config)
    if listing is None:
        return "Chưa cấu hình PORTAL_SYNC_URL: không đối chiếu."
    with app.app_context():
        now = app.extensions["motcua.clock"].now()
        with app.extensions["motcua.session_factory"]() as session:
            runs = reconciliation.nightly(session, listing, now=now)
            if runs is None:
                return "Đêm nay đã đối chiếu (một bộ lập lịch khác)."
            return "; ".join(_summary(run) for run in runs) or "Không có hồ sơ để đối chiếu."


def _summary(run) -> str:  # type: ignore[no-untyped-def]
    if run.error:
        return f"{run.unit_id}: không đối chiếu được ({run.error})"
    return (f"đơn vị {run.unit_id}: {run.ours} hồ sơ ở Một Cửa, {run.theirs} trên cổng, {len(run.differences)} "
            f"chênh lệch, {len(run.late_only_there)} trễ hạn ảo")


@portal_group.command("reconcile")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Ngày tiếp nhận cần đối chiếu (mặc định: 30 ngày đến hôm qua).")
@click.option("--unit", "unit_code", default=None, help="Mã đơn vị (mặc định: mọi đơn vị có hồ sơ).")
@click.option("--open-nonconformities/--no-nonconformities", default=False,
              help="Mở hồ sơ không phù hợp cho hồ sơ trễ hạn ảo (việc của lượt chạy hằng đêm).")
def reconcile_command(day: datetime | None, unit_code: str | None, open_nonconformities: bool) -> None:
    """Đối chiếu hồ sơ với hệ thống của tỉnh: trạng thái, hạn, thời điểm kết thúc, hồ sơ thiếu, tỷ lệ đúng hạn."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    listing = configured_listing(app.config)
    if listing is None:
        raise click.ClickException("Chưa cấu hình PORTAL_SYNC_URL.")
    now = app.extensions["motcua.clock"].now()
    first = last = day.date() if day else local_date(now) - timedelta(days=1)
    if day is None:
        first = last - timedelta(days=29)
    with app.extensions["motcua.session_factory"]() as session:
        query = select(Unit).where(Unit.is_active.is_(True)).order_by(Unit.code)
        if unit_code:
            query = query.where(Unit.code == unit_code)
        units = session.scalars(query).all()
        if unit_code and not units:
            raise click.ClickException(f"Không có đơn vị mã “{unit_code}”.")
        failed = False
        for unit in units:
            run = reconciliation.reconcile(session, unit, first, last, listing, now=now)
            opened = reconciliation.open_nonconformities(session, run, now=now) if open_nonconformities else 0
            session.commit()
            _print_run(unit, run, opened)
            failed = failed or bool(run.error)
    if failed:
        raise SystemExit(1)


def _print_run(unit: Unit, run, opened: int) -> None:  # type: ignore[no-untyped-def]
    period = f"{run.first_day:%d/%m/%Y}–{run.last_day:%d/%m/%Y}"
    if run.error:
        click.echo(f"{unit.code} ({period}): không đối chiếu được: {run.error}")
        return
    def rate(done: int, on_time: int) -> str:
        percent = Rate(done, on_time).percent
        return f"{on_time}/{done}" + (f" ({percent} %)" if percent is not None else "")

    click.echo(f"{unit.code} ({period}): {run.ours} hồ sơ ở Một Cửa, {run.theirs} trên cổng; đúng hạn "
               f"Một Cửa {rate(run.our_finished, run.our_on_time)}, cổng {rate(run.their_finished, run.their_on_time)}")
    for difference in run.differences:
        click.echo(f"  {difference['code']}  {difference['gap']}: Một Cửa {difference['ours']} | cổng {difference['theirs']}")
    for code in run.late_only_there:
        click.echo(f"  {code}  cổng tính trễ hạn, Một Cửa không (trễ hạn ảo)")
    if opened:
        click.echo(f"  đã mở {opened} hồ sơ không phù hợp")


@portal_group.command("simulate")
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe (chỉ máy này).")
@click.option("--port", default=8900, show_default=True, type=click.IntRange(1, 65535))
@click.option("--token", envvar="PORTAL_SIM_TOKEN", default="", help="Khoá Bearer bắt buộc (mặc định: không).")
@click.option("--motcua-url", envvar="MOTCUA_URL", default="", help="Địa chỉ Một Cửa nhận hồ sơ trực tuyến.")
@click.option("--motcua-token", envvar="MOTCUA_INTEGRATION_TOKEN", default="",
              help="Khoá tích hợp của Một Cửa (flask api-token create --scope integration).")
def simulate_command(host: str, port: int, token: str, motcua_url: str, motcua_token: str) -> None:
    """Chạy máy chủ mô phỏng hệ thống của tỉnh: kiểm tra gói tin theo đặc tả, lưu, tra cứu, giả lập lỗi,
    chuyển hồ sơ trực tuyến cho Một Cửa (POST /_sim/nop-truc-tuyen)."""
    server = make_server(host, port, create_simulator(token=token, motcua_url=motcua_url, motcua_token=motcua_token),
                         threaded=True)
    click.echo(f"Mô phỏng hệ thống của tỉnh tại http://{host}:{server.server_port}/ (Ctrl+C để dừng).", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
