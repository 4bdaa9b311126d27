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
