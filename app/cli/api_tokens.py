"""``flask api-token``: tokens for systems that call the JSON API (/api/v1/)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.db import get_session
from app.services import api_tokens
from app.services.errors import ServiceError
from models import Unit, User


@click.group("api-token")
def api_token_group() -> None:
    """Tokens for the JSON API."""


@api_token_group.command("create")
@with_appcontext
@click.option("--scope", type=click.Choice([api_tokens.STAFF, api_tokens.INTEGRATION]), default=api_tokens.STAFF,
              show_default=True, help="staff: acts as a user; integration: the provincial platform handing over "
                                      "online dossiers (POST /api/v1/online-dossiers).")
@click.option("--username", help="The user a staff token acts as.")
@click.option("--unit", "unit_code", help="Integration: only this unit (electronic code) and the units below it.")
@click.option("--name", required=True, help="What the token is for, e.g. 'Cổng DVC tỉnh'.")
def create(scope: str, username: str | None, unit_code: str | None, name: str) -> None:
    """Make a token and print it once."""
    session = get_session()
    now = current_app.extensions["motcua.clock"].now()
    try:
        if scope == api_tokens.INTEGRATION:
            if username:
                raise click.ClickException("Khoá tích hợp không gắn với người dùng: bỏ --username.")
            unit = session.scalar(select(Unit).where(Unit.code == unit_code)) if unit_code else None
            if unit_code and unit is None:
                raise click.ClickException(f"Không có đơn vị mã “{unit_code}”.")
            row, token = api_tokens.create_integration_token(session, name, unit_id=unit.id if unit else None, now=now)
            whom = f"tích hợp ({unit.code if unit else 'mọi đơn vị'})"
        else:
            if not username:
                raise click.ClickException("Khoá cho cán bộ: cần --username.")
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise click.ClickException(f"Không có người dùng “{username}”.")
            row, token = api_tokens.create_token(session, user, user.id, name, now=now)
            whom = user.username
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    session.commit()
    click.echo(f"Khoá API số {row.id} cho {whom} (chỉ hiện một lần, hãy lưu lại):")
    click.echo(token)


@api_token_group.command("revoke")
@with_appcontext
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke a token by its number."""
    session = get_session()
    from models import ApiToken

    row = session.get(ApiToken, token_id)
    if row is None:
        raise click.ClickException("Không tìm thấy khoá API.")
    now = current_app.extensions["motcua.clock"].now()
    if row.user is None:
        api_tokens.revoke_integration_token(session, token_id, now=now)
    else:
        api_tokens.revoke_token(session, row.user, token_id, now=now)
    session.commit()
    click.echo(f"Đã thu hồi khoá API số {token_id}.")
