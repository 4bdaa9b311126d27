"""Fetching rows by id, safely for ids that came from a URL or a form."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")

# Primary keys are 32-bit integers on PostgreSQL; a larger number in a URL
# would make the database raise instead of finding nothing.
MAX_ID = 2**31 - 1


def find(session: Session, model: type[T], row_id: int | None) -> T | None:
    """The row of ``model`` with ``row_id``, or None (also for impossible ids)."""
    if row_id is None or not 0 < row_id <= MAX_ID:
        return None
    return session.get(model, row_id)
