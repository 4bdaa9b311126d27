"""The engine's database settings: SQLite in WAL mode with a busy timeout, PostgreSQL connections that survive the server dropping them."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from models.engine import POSTGRESQL_RECYCLE_SECONDS, make_engine


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    engine.dispose()


def test_a_sqlite_writer_waits_for_another_instead_of_failing(tmp_path):
    path = tmp_path / "x.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    # Another process holds the write lock for 0.5 s; our write must wait, then succeed.
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO t VALUES (2)")
    assert time.monotonic() - started >= 0.4
    release.join()
    other.close()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 2
    engine.dispose()


def test_an_autocommit_sqlite_connection_commits_each_statement(tmp_path):
    """No BEGIN on an AUTOCOMMIT connection: VACUUM and ANALYZE can run, and what they write stays."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
        connection.exec_driver_sql("CREATE INDEX ix_t ON t (n)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1), (2)")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.exec_driver_sql("VACUUM")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM sqlite_stat1").scalar() >= 1
    engine.dispose()


def test_postgresql_connections_are_pre_pinged_and_recycled(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    assert engine.pool._recycle == POSTGRESQL_RECYCLE_SECONDS
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    # The server drops the pooled connection (a restart, an idle timeout, a failover) …
    killer = make_engine(database_url, poolclass=None)
    with killer.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    killer.dispose()
    # … and the next request gets a fresh one instead of an error.
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    engine.dispose()
