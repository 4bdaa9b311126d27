"""``flask backup`` and ``flask restore``: the whole database to a file and back (app.services.backup)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.services import backup as backups


@click.command("backup")
@with_appcontext
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path | None) -> None:
    """Copy the database to TARGET (default: instance/backups/motcua-<date>-<time>.sqlite3 or .dump)."""
    engine = current_app.extensions["motcua.engine"]
    if target is None:
        now = current_app.extensions["motcua.clock"].now()
        target = Path(current_app.instance_path) / "backups" / backups.default_name(engine, now)
    try:
        written = backups.backup(engine, target)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Đã sao lưu vào {written} ({written.stat().st_size:,} byte).")


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the whole database with the backup SOURCE (stop the service first)."""
    engine = current_app.extensions["motcua.engine"]
    if not yes:
        click.confirm(f"Toàn bộ dữ liệu hiện có sẽ được thay bằng bản sao lưu {source}. Tiếp tục?", abort=True)
    try:
        backups.restore(engine, source)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    tables = backups.fingerprint(engine)
    click.echo(f"Đã khôi phục từ {source}: {len(tables)} bảng, {sum(n for n, _ in tables.values()):,} dòng.")
