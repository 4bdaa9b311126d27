"""Backups of the whole database, restores, and a fingerprint to prove one equals the other.

- SQLite: SQLite's online backup API (``sqlite3.Connection.backup``): a consistent copy taken
  while the service keeps running (WAL), page by page; restoring copies the backup back the
  same way, in one step that readers see either before or after.
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --single-transaction``
  (the client tools of the server's major version or newer must be on PATH).

``fingerprint`` gives each table's row count and a SHA-256 of its rows in primary-key order:
two databases with equal fingerprints hold the same data.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, select
from sqlalchemy.engine import make_url

import models
from app.domain.localtime import to_local


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why (in Vietnamese, for the operator)."""


def default_name(engine: Engine, now: datetime) -> str:
    """``motcua-<date>-<time>`` in Vietnam time, as the operator reads the clock."""
    suffix = "sqlite3" if engine.dialect.name == "sqlite" else "dump"
    return f"motcua-{to_local(now):%Y%m%d-%H%M%S}.{suffix}"


def backup(engine: Engine, target: Path) -> Path:
    """Write a consistent copy of the database to ``target`` (a new file) and return it."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"Tệp {target} đã có; chọn tên khác để không ghi đè bản sao lưu cũ.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        if engine.dialect.name == "sqlite":
            source = sqlite3.connect(_sqlite_path(engine))
            destination = sqlite3.connect(partial)
            try:
                source.backup(destination)
            finally:
                destination.close()
                source.close()
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
                  _libpq_url(engine)], engine.url.password)
        partial.replace(target)  # only a complete backup gets the real name
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with the backup ``source``; all or nothing."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {source}.")
    engine.dispose()  # no pooled connection keeps the old contents
    if engine.dialect.name == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"Tệp {source} bị hỏng, không khôi phục từ tệp này.")
            live = sqlite3.connect(_sqlite_path(engine), timeout=30)
            try:
                backup_db.backup(live)
            finally:
                live.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"Tệp {source} không phải bản sao lưu SQLite hợp lệ ({error}).") from error
        finally:
            backup_db.close()
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", f"--dbname={_libpq_url(engine)}", str(source)], engine.url.password)
    engine.dispose()


def fingerprint(bind: Engine | Connection) -> dict[str, tuple[int, str]]:
    """Each table of the schema (and Alembic's version table): (row count, SHA-256 of the rows).

    ``bind``: an engine, or a connection (then what its open transaction sees).
    """
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return fingerprint(connection)
    metadata = MetaData()
    metadata.reflect(bind, only=[*models.Base.metadata.tables, "alembic_version"])
    result = {}
    for table in metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        digest, count = hashlib.sha256(), 0
        for row in bind.execute(select(table).order_by(*order)):
            digest.update(repr(tuple(row)).encode())
            count += 1
        result[table.name] = (count, digest.hexdigest())
    return result


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return database


def _libpq_url(engine: Engine) -> str:
    """The URL as pg_dump understands it (no SQLAlchemy driver name; the password goes by PGPASSWORD)."""
    url = make_url(engine.url).set(drivername="postgresql", password=None)
    return url.render_as_string(hide_password=False)


def _run(command: list[str], password: str | None = None) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"Không tìm thấy chương trình {command[0]} (gói postgresql-client) trên máy chủ.")
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password  # not on the command line, where ps would show it
    completed = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} báo lỗi: {completed.stderr.strip()[:1000]}")
