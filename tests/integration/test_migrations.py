from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import models
from models.base import include_object_for
from app.cli.db import alembic_config


def test_models_and_migrations_agree(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object_for(connection.dialect.name)})
    assert compare_metadata(context, models.Base.metadata) == []


def test_migrations_go_down_to_nothing_and_back_up(connection):
    config = alembic_config(connection)
    command.downgrade(config, "base")
    assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    tables = set(inspect(connection).get_table_names())
    assert set(models.Base.metadata.tables) <= tables
    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object_for(connection.dialect.name)})
    assert compare_metadata(context, models.Base.metadata) == []


def test_the_nfc_migration_puts_existing_rows_in_nfc(scratch_url, tmp_path):
    import unicodedata
    from datetime import datetime, timezone

    from sqlalchemy import insert, select

    from app import create_app
    from models import Unit

    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": scratch_url, "INSTANCE_PATH": str(tmp_path / "i")})
    engine = app.extensions["motcua.engine"]
    at = datetime(2026, 11, 1, tzinfo=timezone.utc)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "f5bd779d063b")  # the schema before the migration
        connection.execute(insert(Unit.__table__).values(
            code="000.00.98.H01", governing_body_name=unicodedata.normalize("NFD", "ỦY BAN NHÂN DÂN XÃ AN BÌNH"),
            name="TRUNG TÂM", place_name=unicodedata.normalize("NFD", "An Bình"), created_at=at, updated_at=at))
        command.upgrade(alembic_config(connection), "head")
    with engine.connect() as connection:
        row = connection.execute(select(Unit.governing_body_name, Unit.place_name)).one()
    assert tuple(row) == ("ỦY BAN NHÂN DÂN XÃ AN BÌNH", "An Bình")
    engine.dispose()
