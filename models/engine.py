"""Engine creation shared by the app, the CLI, Alembic and the tests.

SQLite gets foreign keys, WAL and a busy timeout (a writer waits up to 15 s
for another instead of failing), plus SQLAlchemy's documented
pysqlite recipe (the driver's own transaction handling off, an explicit BEGIN
on the ``begin`` event) so that SAVEPOINTs behave; without it the savepoint
test fixture silently leaks rows between tests. PostgreSQL connections are
pre-pinged and recycled.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


# Execution option: this connection's transaction only reads (see _install_sqlite_recipe).
READ_ONLY = "motcua_read_only"
POSTGRESQL_RECYCLE_SECONDS = 1800


def normalize_database_url(url: str) -> str:
    """Pick the psycopg 3 driver for PostgreSQL URLs written the usual ways."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the settings each database needs."""
    url = normalize_database_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        connect_args = kwargs.pop("connect_args", {})
        connect_args.setdefault("check_same_thread", False)
        connect_args.setdefault("timeout", 15)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _install_sqlite_recipe(engine)
        return engine
    # A connection the server or a firewall dropped (restart, failover, idle timeout) is noticed at
    # checkout and replaced, and none is kept longer than half an hour.
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_recycle", POSTGRESQL_RECYCLE_SECONDS)
    return create_engine(url, **kwargs)


def _install_sqlite_recipe(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        # IMMEDIATE: take the write lock at the start, so that a transaction that
        # read and then writes never fails on a snapshot another writer moved
        # (the default Rails adopted in 7.1 for the same reason). A connection
        # marked READ_ONLY (the public status pages) only reads: a deferred BEGIN
        # lets any number of them run beside each other and beside a writer (WAL).
        # An AUTOCOMMIT connection (VACUUM, ANALYZE, backups) gets no BEGIN at all.
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        if options.get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
