"""``flask catalogue import|export``: the province's procedure catalogue in and out (XLSX or JSON)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.domain.catalogue_file import COLUMNS
from app.domain.localtime import local_date
from app.services import catalogue_import
from app.services.errors import ValidationFailed
from printing.catalogue_file import catalogue_workbook

catalogue_group = AppGroup("catalogue", help="Danh mục thủ tục hành chính: nhập, xuất.")


@catalogue_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True, help="Ghi vào cơ sở dữ liệu (mặc định: chỉ in thay đổi).")
@click.option("--unit", "units", multiple=True, help="Mã đơn vị (lặp lại được; mặc định: mọi xã đang hoạt động).")
def import_command(path: Path, apply_: bool, units: tuple[str, ...]) -> None:
    """In thay đổi so với danh mục hiện có (mới, sửa đổi, bãi bỏ); với --apply thì nhập."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    now = app.extensions["motcua.clock"].now()
    with app.extensions["motcua.session_factory"]() as session:
        try:
            tables = catalogue_import.read_file(path.name, path.read_bytes())
            targets = catalogue_import.target_units(session, units)
            result = (catalogue_import.apply(session, tables, targets, actor=None, now=now) if apply_ else
                      catalogue_import.plan(session, tables, targets, today=local_date(now)))
        except ValidationFailed as error:
            session.rollback()
            for message in error.errors.values():
                for line in message.split("; "):
                    click.echo(f"Lỗi: {line}", err=True)
            raise SystemExit(2) from None
        for problem in result.problems:
            click.echo(f"Lỗi: {problem}", err=True)
        for line in result.lines:
            click.echo(line.text())
        for unit_code, name in result.departments:
            click.echo(f"BỘ PHẬN MỚI {unit_code}: {name}")
        if apply_:
            session.commit()
        verb = "Đã nhập" if apply_ else "Chưa ghi gì (thêm --apply để nhập)"
        click.echo(f"{verb}: {result.entries} thủ tục trong tệp, {len(result.units)} đơn vị, "
                   f"{result.changes} thay đổi.")
        if result.problems:
            raise SystemExit(2)


@catalogue_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--unit", "unit_code", required=True, help="Mã đơn vị.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Ngày áp dụng (mặc định: hôm nay).")
def export_command(path: Path, unit_code: str, day) -> None:  # type: ignore[no-untyped-def]
    """Xuất danh mục đang áp dụng của một đơn vị ra tệp .xlsx hoặc .json (nhập lại được)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.extensions["motcua.session_factory"]() as session:
        try:
            [unit] = catalogue_import.target_units(session, (unit_code,))
        except ValidationFailed as error:
            raise click.ClickException(next(iter(error.errors.values()))) from None
        today: date = day.date() if day else local_date(app.extensions["motcua.clock"].now())
        tables = catalogue_import.export_tables(session, unit, today=today)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(tables, ensure_ascii=False, indent=1, default=lambda d: f"{d:%d/%m/%Y}") + "\n",
                        encoding="utf-8")
    else:
        path.write_bytes(catalogue_workbook({name: (COLUMNS[name], rows) for name, rows in tables.items()}))
    click.echo(f"Đã xuất {len(tables['Thủ tục'])} thủ tục của {unit.code} vào {path}.")
