"""Fixtures: one schema per run built by Alembic, one rolled-back transaction per test.

The suite runs on SQLite by default. Set ``DATABASE_URL`` (or
``TEST_DATABASE_URL``) to a PostgreSQL database whose name contains "test"
to run it there; that database is wiped at the start of the run.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import create_app
from app.cli.db import alembic_config
from app.clock import FixedClock
from models.engine import make_engine, normalize_database_url
from tests import builders

# Tuesday 24 November 2026, 09:00 in Vietnam.
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def _test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    url = normalize_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" and not re.search("test", parsed.database or ""):
        pytest.exit(
            f"Refusing to run the tests on database {parsed.database!r}: the suite wipes it. "
            "Use a database whose name contains 'test'.",
            returncode=2,
        )
    return url


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """scrypt is slow on purpose; the tests hash hundreds of passwords."""
    monkeypatch.setattr("app.services.users.PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _test_database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def engine(database_url: str):
    """An engine on a database brought to the newest schema by Alembic."""
    engine = make_engine(database_url)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        command.upgrade(alembic_config(connection), "head")
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine):
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        if transaction.is_active:
            transaction.rollback()


def _session_on(connection) -> Session:  # type: ignore[no-untyped-def]
    # Commits inside the code under test release a SAVEPOINT; the outer
    # transaction still rolls everything back (SQLAlchemy 2.0 recipe).
    return Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db_session(connection):
    session = _session_on(connection)
    yield session
    session.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def app(connection, clock, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "DB_SESSION_FACTORY": lambda: _session_on(connection),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "CLOCK": clock,
        }
    )
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(db_session):
    """Two communes under a province, with one user per role in each commune."""
    return builders.make_world(db_session, now=NOW)


@pytest.fixture
def login(client):
    """Log ``client`` in as a user (by username); returns the response."""

    def _login(username: str, password: str = builders.PASSWORD):  # type: ignore[no-untyped-def]
        client.post("/dang-xuat")
        return client.post("/dang-nhap", data={"username": username, "password": password})

    return _login
