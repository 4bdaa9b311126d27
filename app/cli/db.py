"""``flask db``: run Alembic migrations against the configured database."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

ROOT = Path(__file__).resolve().parent.parent.parent


def alembic_config(connection=None) -> Config:  # type: ignore[no-untyped-def]
    """Alembic's configuration, bound to ``connection`` when one is given."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["skip_logging"] = True
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _run(action, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
    engine = current_app.extensions["motcua.engine"]
    with engine.begin() as connection:
        action(alembic_config(connection), *args, **kwargs)


@click.group("db")
def db_group() -> None:
    """Database schema migrations (Alembic)."""


@db_group.command("upgrade")
@with_appcontext
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Bring the schema up to REVISION (default: the newest)."""
    _run(command.upgrade, revision)
    click.echo(f"Cơ sở dữ liệu đã ở phiên bản {revision}.")


@db_group.command("downgrade")
@with_appcontext
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Take the schema back to REVISION (e.g. -1 or base)."""
    _run(command.downgrade, revision)


@db_group.command("current")
@with_appcontext
def current() -> None:
    """Show the schema revision of the database."""
    _run(command.current, verbose=True)


@db_group.command("check")
@with_appcontext
def check() -> None:
    """Fail if the models hold changes that no migration carries."""
    _run(command.check)
    click.echo("Models and migrations agree.")


@db_group.command("revision")
@with_appcontext
@click.option("-m", "--message", required=True, help="Short description of the change.")
def revision(message: str) -> None:
    """Generate a migration from the difference between models and database."""
    _run(command.revision, message=message, autogenerate=True)
