"""``flask create-admin``: the first unit and administrator of a new deployment."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.db import get_session
from app.domain.roles import Role
from app.services.errors import ValidationFailed
from app.services.units import UnitInput, apply_unit_input
from app.services.users import UserInput, apply_user_input
from models import Unit, User


@click.command("create-admin")
@with_appcontext
@click.option("--unit-code", prompt="Mã định danh điện tử của đơn vị")
@click.option("--governing-body", prompt="Tên cơ quan chủ quản (VD: ỦY BAN NHÂN DÂN TỈNH …)")
@click.option("--unit-name", prompt="Tên đơn vị (VD: VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH)")
@click.option("--place", prompt="Địa danh")
@click.option("--username", prompt="Tên đăng nhập của quản trị viên")
@click.option("--full-name", prompt="Họ và tên")
@click.option("--password", prompt="Mật khẩu", hide_input=True, confirmation_prompt=True)
def create_admin_command(
    unit_code: str, governing_body: str, unit_name: str, place: str, username: str, full_name: str, password: str
) -> None:
    """Create a top-level unit and its first administrator."""
    session = get_session()
    now = current_app.extensions["motcua.clock"].now()
    try:
        unit = Unit(created_at=now)
        apply_unit_input(
            session,
            unit,
            UnitInput(code=unit_code, governing_body_name=governing_body, name=unit_name, place_name=place),
            now=now,
        )
        apply_user_input(
            session,
            User(created_at=now),
            UserInput(
                username=username,
                full_name=full_name,
                unit_id=unit.id,
                roles=frozenset({Role.ADMIN}),
                password=password,
            ),
            now=now,
        )
    except ValidationFailed as error:
        session.rollback()
        for field_name, message in error.errors.items():
            click.echo(f"{field_name}: {message}", err=True)
        raise SystemExit(2) from None
    session.commit()
    click.echo(f"Đã tạo đơn vị {unit.code} và quản trị viên {username}.")
