"""``flask api-token``: tokens for systems that call the JSON API (/api/v1/)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.db import get_session
from app.services import api_tokens
from app.services.errors import ServiceError
from models import User


@click.group("api-token")
def api_token_group() -> None:
    """Tokens for the JSON API."""


@api_token_group.command("create")
@with_appcontext
@click.option("--username", required=True, help="The user the token acts as.")
@click.option("--name", required=True, help="What the token is for, e.g. 'Cổng DVC tỉnh'.")
def create(username: str, name: str) -> None:
    """Make a token and print it once."""
    session = get_session()
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"Không có người dùng “{username}”.")
    now = current_app.extensions["motcua.clock"].now()
    try:
        row, token = api_tokens.create_token(session, user, user.id, name, now=now)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    session.commit()
    click.echo(f"Khoá API số {row.id} cho {user.username} (chỉ hiện một lần, hãy lưu lại):")
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
    api_tokens.revoke_token(session, row.user, token_id, now=current_app.extensions["motcua.clock"].now())
    session.commit()
    click.echo(f"Đã thu hồi khoá API số {token_id}.")
