"""``flask units import`` and ``flask users import``: a province's units, departments and staff (dry run first)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.services import org_import
from app.services.errors import ValidationFailed
from app.services.table_files import read_tables

units_group = AppGroup("units", help="Đơn vị (xã, phường, cơ quan cấp tỉnh) và bộ phận.")
users_group = AppGroup("users", help="Tài khoản cán bộ.")


def _export(path: Path, tables) -> None:  # type: ignore[no-untyped-def]
    import json

    from printing.catalogue_file import catalogue_workbook

    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(tables, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    else:
        path.write_bytes(catalogue_workbook({name: (org_import.COLUMNS[name], rows) for name, rows in tables.items()},
                                            guide=org_import.GUIDE))
    click.echo(f"Đã xuất {', '.join(f'{len(rows)} dòng {name}' for name, rows in tables.items())} vào {path}.")


@units_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def units_export(path: Path) -> None:
    """Xuất mọi đơn vị và bộ phận ra tệp .xlsx hoặc .json theo mẫu nhập."""
    with current_app.extensions["motcua.session_factory"]() as session:
        _export(path, org_import.export_units(session))


@users_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def users_export(path: Path) -> None:
    """Xuất mọi tài khoản (không có mật khẩu) ra tệp .xlsx hoặc .json theo mẫu nhập."""
    with current_app.extensions["motcua.session_factory"]() as session:
        _export(path, org_import.export_users(session))


def _run(path: Path, apply_: bool, work):  # type: ignore[no-untyped-def]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    now = app.extensions["motcua.clock"].now()
    with app.extensions["motcua.session_factory"]() as session:
        try:
            tables = read_tables(path.name, path.read_bytes(), org_import.COLUMNS)
        except ValidationFailed as error:
            raise click.ClickException(next(iter(error.errors.values()))) from None
        outcome = work(session, tables, apply=apply_, now=now)
        for problem in outcome.problems:
            click.echo(f"Lỗi: {problem}", err=True)
        for line in outcome.lines:
            click.echo(line)
        if outcome.problems:
            session.rollback()
            click.echo("Tệp có lỗi: không ghi gì.", err=True)
            raise SystemExit(2)
        if apply_:
            session.commit()
        click.echo(f"{'Đã nhập' if apply_ else 'Chưa ghi gì (thêm --apply để nhập)'}: {len(outcome.lines)} thay đổi.")
        return outcome


@units_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True, help="Ghi vào cơ sở dữ liệu (mặc định: chỉ in thay đổi).")
def units_import(path: Path, apply_: bool) -> None:
    """Nhập đơn vị (trang “Đơn vị”) và bộ phận (trang “Bộ phận”) từ tệp XLSX hoặc JSON."""
    _run(path, apply_, org_import.import_units)


@users_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True, help="Ghi vào cơ sở dữ liệu (mặc định: chỉ in thay đổi).")
@click.option("--passwords", "passwords_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Ghi mật khẩu lần đầu của tài khoản mới vào tệp này (chỉ chủ tệp đọc được) thay vì in ra.")
def users_import(path: Path, apply_: bool, passwords_path: Path | None) -> None:
    """Nhập tài khoản cán bộ (trang “Cán bộ”); tài khoản mới phải đổi mật khẩu ở lần đăng nhập đầu."""
    outcome = _run(path, apply_, org_import.import_users)
    if not outcome.passwords:
        return
    lines = [f"{username}\t{password}" for username, password in outcome.passwords]
    if passwords_path:
        descriptor = os.open(passwords_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        click.echo(f"Mật khẩu lần đầu của {len(lines)} tài khoản mới: {passwords_path} (giao riêng cho từng người).")
    else:
        click.echo("Mật khẩu lần đầu (chỉ hiện một lần; phải đổi khi đăng nhập):")
        click.echo("\n".join(lines))
