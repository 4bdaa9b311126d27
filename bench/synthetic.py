"""What the large benchmarks share: a fresh database with the demo loaded and many copies of its commune."""

from __future__ import annotations

from alembic import command
from sqlalchemy.orm import Session

from app.cli.db import alembic_config
from models import Unit


def migrate_fresh(engine) -> None:  # type: ignore[no-untyped-def]
    """An empty schema at the latest migration (PostgreSQL: the public schema dropped first)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        command.upgrade(alembic_config(connection), "head")


def copy_commune(session: Session, commune: Unit, count: int) -> int:
    """Add ``count`` communes like ``commune`` (codes ….000, ….001, …); returns the first one's id."""
    columns = [c.key for c in Unit.__table__.columns if c.key != "id"]
    first = None
    for number in range(count):
        values = {c: getattr(commune, c) for c in columns}
        values["code"] = f"{commune.code[:30]}.{number:03d}"
        unit = Unit(**values)
        session.add(unit)
        session.flush()
        first = first or unit.id
    session.commit()
    assert first is not None
    return first
