"""Rate-limit counters in the application's own database, shared by every worker and server.

A ``limits`` storage (the engine of Flask-Limiter), so the same strategies
run on it as on Redis: each counter is one row of ``rate_counter`` (key,
count, expiry), changed by one atomic upsert in a short transaction of its
own. A counter therefore survives a reload, a worker recycled or a server
added, and five workers share one budget instead of having five. A counter
names a client address, which is personal data: expired rows are deleted by
the nightly retention run (``purge_expired``).

The sliding window counter is the ``limits`` one: a window's count plus the
previous window's count weighted by how much of it is still inside the
sliding window; a hit that races past the limit is taken back.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from limits.storage import Storage
from limits.storage.base import SlidingWindowCounterSupport, TimestampedSlidingWindow
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from models import RateCounter

KEY_LENGTH = 255


def _key(key: str) -> str:
    """The row's key: as given when it fits, else a digest of it (a long dossier code, an IPv6 address)."""
    if len(key) <= KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(Storage, SlidingWindowCounterSupport, TimestampedSlidingWindow):
    """Counters in ``rate_counter``, through sessions from ``sessions`` (one short transaction each)."""

    STORAGE_SCHEME = ["motcua+database"]

    def __init__(self, sessions: Callable[[], Session], *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(None)
        self._sessions = sessions
        self._clock = clock
        self._local = threading.local()

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction for every operation inside it (a request's budgets: one round of statements)."""
        current = getattr(self._local, "connection", None)
        if current is not None:
            yield current
            return
        session = self._sessions()
        try:
            self._local.connection = session.connection()
            yield self._local.connection
            session.commit()
        finally:
            self._local.connection = None
            session.close()


    # --- the counter operations of ``limits.storage.Storage`` ------------------------------------

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add ``amount`` to the counter, starting it afresh (expiring ``expiry`` s from now) if it had expired."""
        now = self._clock()
        with self.transaction() as connection:
            return self._incr(connection, _key(key), expiry, amount, now)

    @staticmethod
    def _incr(connection: Connection, key: str, expiry: float, amount: int, now: float) -> int:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        table = RateCounter.__table__
        statement = dialect.insert(table).values(key=key, count=amount, expires_at=now + expiry)
        expired = table.c.expires_at <= now
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((expired, amount), else_=table.c.count + amount),
                "expires_at": case((expired, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.count)
        return int(connection.execute(statement).scalar_one())

    def decr(self, key: str, amount: int = 1) -> int:
        table = RateCounter.__table__
        with self.transaction() as connection:
            count = connection.execute(
                update(table).where(table.c.key == _key(key))
                .values(count=case((table.c.count < amount, 0), else_=table.c.count - amount)).returning(table.c.count)).scalar()
        return int(count or 0)

    def get(self, key: str) -> int:
        return self._read(key)[0]

    def get_expiry(self, key: str) -> float:
        return self._read(key)[1]

    def _read(self, key: str) -> tuple[int, float]:
        now = self._clock()
        table = RateCounter.__table__
        with self.transaction() as connection:
            row = connection.execute(select(table.c.count, table.c.expires_at)
                                     .where(table.c.key == _key(key), table.c.expires_at > now)).first()
        return (int(row.count), float(row.expires_at)) if row else (0, now)

    def check(self) -> bool:
        try:
            with self.transaction() as connection:
                connection.execute(select(RateCounter.key).limit(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.transaction() as connection:
            return connection.execute(delete(RateCounter)).rowcount

    def clear(self, key: str) -> None:
        with self.transaction() as connection:
            connection.execute(delete(RateCounter).where(RateCounter.key == _key(key)))

    # --- the sliding window counter ----------------------------------------------------------------

    def _windows(self, key: str, expiry: int, now: float) -> tuple[int, float, int, float]:
        """(previous count, its weight in seconds, current count, current window's time to live)."""
        previous_key, current_key = (_key(k) for k in self.sliding_window_keys(key, expiry, now))
        with self.transaction() as connection:
            rows = dict(connection.execute(
                select(RateCounter.key, RateCounter.count)
                .where(RateCounter.key.in_((previous_key, current_key)), RateCounter.expires_at > now)).all())
        previous, current = int(rows.get(previous_key, 0)), int(rows.get(current_key, 0))
        previous_ttl = (1 - (((now - expiry) / expiry) % 1)) * expiry if previous else 0.0
        current_ttl = (1 - ((now / expiry) % 1)) * expiry + expiry
        return previous, previous_ttl, current, current_ttl

    def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = self._clock()
        previous, previous_ttl, current, _ = self._windows(key, expiry, now)
        if math.floor(previous * previous_ttl / expiry + current) + amount > limit:
            return False
        _, current_key = self.sliding_window_keys(key, expiry, now)
        with self.transaction() as connection:
            current = self._incr(connection, _key(current_key), 2 * expiry, amount, now)
        if math.floor(previous * previous_ttl / expiry + current) > limit:
            self.decr(current_key, amount)  # another hit got there first: this one is refused
            return False
        return True

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        return self._windows(key, expiry, self._clock())

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        for window in self.sliding_window_keys(key, expiry, self._clock()):
            self.clear(window)


def purge_expired(session: Session, *, now: float | None = None) -> int:
    """Delete the counters whose window is over (they name client addresses); how many were deleted."""
    moment = time.time() if now is None else now
    return session.execute(delete(RateCounter).where(RateCounter.expires_at <= moment)).rowcount
