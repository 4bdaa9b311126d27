"""``flask demo``: load the demo province, communes, users and catalogue."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.db import get_session
from app.services.demo import DEMO_PASSWORD, load_demo


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo data (idempotent) and list the demo accounts."""
    session = get_session()
    summary = load_demo(session, now=current_app.extensions["motcua.clock"].now())
    session.commit()
    click.echo(
        f"Dữ liệu mẫu: thêm {summary.units} đơn vị, {summary.departments} bộ phận, "
        f"{summary.users} tài khoản, {summary.procedures} thủ tục, {summary.dossiers} hồ sơ, "
        f"{summary.online} hồ sơ trực tuyến chờ tiếp nhận."
    )
    click.echo(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
    for username, full_name, unit in summary.accounts:
        click.echo(f"  {username:<18} {full_name:<16} {unit}")
