"""``flask iso-pack``: the ISO record pack of a unit and period, written to a file.

The same pack as the "Tải bộ hồ sơ ISO" button, for long periods (a whole
year of a large commune renders thousands of control slips) or for a
scheduled copy. It acts as a named user (a leader of the unit or an
inspector above it) and is written to the audit log under that name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.config import render_helpers
from app.db import get_session
from app.domain.errors import DomainError
from app.domain.objectives import parse_period
from app.services import iso_pack
from app.services.errors import ServiceError
from models import Unit, User


@click.command("iso-pack")
@with_appcontext
@click.option("--username", required=True, help="Who makes the pack (a leader of the unit, or an inspector).")
@click.option("--period", "period_text", required=True, help="2026-11 (month), 2026-q4 (quarter) or 2026 (year).")
@click.option("--unit", "unit_code", default=None, help="The unit's code (default: the user's unit).")
@click.option("--out", "out", type=click.Path(dir_okay=True, path_type=Path), default=Path("."),
              help="A file, or a folder to put it in (default: here).")
def iso_pack_command(username: str, period_text: str, unit_code: str | None, out: Path) -> None:
    """Write the ISO record pack (ZIP) of a unit for a period."""
    session = get_session()
    user = session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))
    if user is None:
        raise click.ClickException(f"Không có người dùng đang hoạt động “{username}”.")
    unit_id = user.unit_id
    if unit_code:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == unit_code))
        if unit_id is None:
            raise click.ClickException(f"Không có đơn vị mã “{unit_code}”.")
    try:
        period = parse_period(period_text)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    base_url = current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000/"
    try:
        made = iso_pack.build(session, user, unit_id, period, base_url=base_url,
                              now=current_app.extensions["motcua.clock"].now(),
                              helpers=render_helpers(current_app.config))
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    target = out / made.filename if out.is_dir() else out
    with made.content, target.open("wb") as handle:
        shutil.copyfileobj(made.content, handle)
    session.commit()
    counts = made.manifest["counts"]
    click.echo(f"Đã ghi {target} ({target.stat().st_size:,} byte): {counts['logbook_entries']} hồ sơ, "
               f"{counts['control_slips']} phiếu kiểm soát, {counts['overdue']} hồ sơ quá hạn, "
               f"{counts['nonconformities']} hồ sơ không phù hợp.")
