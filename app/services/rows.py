"""Fetching rows by id, safely for ids that came from a URL or a form; inserting numbered rows."""

from __future__ import annotations

import random
import time
from typing import Any, Callable, TypeVar

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.services.errors import ValidationFailed
from models.engine import READ_ONLY

T = TypeVar("T")

# Primary keys are 32-bit integers on PostgreSQL; a larger number in a URL
# would make the database raise instead of finding nothing.
MAX_ID = 2**31 - 1
MAX_ATTEMPTS = 60
# After a few clashes in a row, wait a moment (random, growing) before numbering again: when many desks (or a
# restarted worker's queue) number at once, retrying at once only clashes again.
BACKOFF_AFTER = 3
BACKOFF_SECONDS = 0.004
BUSY = "Hệ thống đang bận; vui lòng thử lại."


def find(session: Session, model: type[T], row_id: int | None) -> T | None:
    """The row of ``model`` with ``row_id``, or None (also for impossible ids)."""
    if row_id is None or not 0 < row_id <= MAX_ID:
        return None
    return session.get(model, row_id)


def next_number(session: Session, column: Any, *where: Any) -> int:
    """One more than the largest ``column`` among the rows matching ``where`` (1 for none)."""
    return 1 + session.scalar(select(func.coalesce(func.max(column), 0)).where(*where))


def insert_numbered(session: Session, build: Callable[[], T], *, field: str, message: str = BUSY) -> T:
    """Insert the row ``build()`` makes, numbered from what is in the database when it is called.

    Two people numbering at the same instant read the same "last number"; a
    unique constraint makes the second insert fail inside its SAVEPOINT, and
    ``build`` is called again to take the next number. Nothing else of the use
    case is lost. After too many clashes the user is asked to try again
    (``message`` under ``field``).
    """
    for attempt in range(MAX_ATTEMPTS):
        row = build()
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            if attempt >= BACKOFF_AFTER:
                time.sleep(random.uniform(0, BACKOFF_SECONDS * (attempt - BACKOFF_AFTER + 1)))
            continue
        return row
    raise ValidationFailed({field: message})


def read_only(session: Session) -> Connection:
    """The session's connection, in a read-only transaction when none is open yet (no write lock)."""
    if session.in_transaction():
        return session.connection()
    return session.connection(execution_options={READ_ONLY: True})
