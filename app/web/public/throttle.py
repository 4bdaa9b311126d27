"""Rate limits of the public pages and of failed logins, on the ``limits`` library (the engine of Flask-Limiter).

Three budgets, each a ``limits`` string in the configuration:

- ``PUBLIC_RATE_LIMIT``: every public request, per client IP (scraping, floods);
- ``LOOKUP_MISS_LIMIT``: lookups that found nothing, per client IP (guessing);
- ``LOOKUP_CODE_MISS_LIMIT``: wrong digit pairs for one dossier code, from any IP
  (guessing the four digits of one dossier from many addresses);
- ``LOGIN_FAILURE_LIMIT``: failed logins per client IP, whatever the username
  (password spraying; each account also locks itself, app.domain.lockout).

Counters live where ``RATELIMIT_STORAGE_URI`` says: ``database`` (the default)
in the application's own database (``app.services.rate_limits``), shared by
every worker and server with nothing more to run; ``redis://…`` for a large
site that runs Redis anyway; ``memory://`` per worker process (one process
only: tests, a laptop). The storage is made lazily in each process, so a
pre-forking server never shares a connection made before the fork.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, RateLimiter, SlidingWindowCounterRateLimiter

from app.services.rate_limits import DatabaseStorage

DATABASE = "database"
FLOOD_BUDGETS = frozenset({"public"})
# The flood budget (every public request) is counted in the shared store in batches: a worker adds its hits of
# one address once it holds a twelfth of the smallest budget (FLOOD_SHARE; 5 for the default 60 a minute) or
# every FLOOD_FLUSH_SECONDS, whichever comes first, and refuses once the shared count is spent. One write per
# batch instead of one per page view; a worker may let through a batch less one more than the budget before it
# knows, and never holds more than a second of hits. The budgets against guessing are exact.
FLOOD_SHARE = 12
FLOOD_FLUSH_SECONDS = 1.0

BUDGETS = {
    "public": "PUBLIC_RATE_LIMIT",
    "miss": "LOOKUP_MISS_LIMIT",
    "code_miss": "LOOKUP_CODE_MISS_LIMIT",
    "login": "LOGIN_FAILURE_LIMIT",
}


@dataclass
class _Batch:
    """A worker's hits of one address not yet added to the shared count of a flood budget."""

    count: int
    flushed_at: float
    blocked_until: float


@dataclass(frozen=True)
class Blocked:
    """A budget is spent: try again after ``retry_after`` seconds."""

    budget: str
    retry_after: int


class Throttle:
    """The public budgets of one application."""

    def __init__(self, storage_uri: str, config: Mapping[str, str], *, enabled: bool = True,
                 sessions: Callable[[], object] | None = None) -> None:
        if storage_uri == DATABASE and sessions is None:
            raise ValueError("the database store needs the application's session factory")
        self.storage_uri = storage_uri
        self._sessions = sessions
        self.enabled = enabled
        self.items: dict[str, list[RateLimitItem]] = {
            name: parse_many(config[key]) for name, key in BUDGETS.items() if config.get(key)
        }
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._limiters: dict[bool, RateLimiter] | None = None
        self._pending: dict[tuple[str, str], _Batch] = {}
        self._pruned_at = 0.0
        self._storage: Storage | None = None

    def _strategy(self, budget: str = "") -> RateLimiter:
        """The flood budget (every public request) counts in fixed windows: one write a request; the budgets
        against guessing count in sliding windows, which a guesser cannot double by straddling two."""
        pid = os.getpid()
        if self._pid != pid or self._limiters is None:
            with self._lock:
                if self._pid != pid or self._limiters is None:
                    self._storage = (DatabaseStorage(self._sessions) if self.storage_uri == DATABASE  # type: ignore[arg-type]
                                     else storage_from_string(self.storage_uri))
                    self._limiters = {True: FixedWindowRateLimiter(self._storage),
                                      False: SlidingWindowCounterRateLimiter(self._storage)}
                    self._pid = pid
        return self._limiters[budget in FLOOD_BUDGETS]

    def hit(self, budget: str, key: str) -> Blocked | None:
        """Count one request against ``budget`` for ``key``; Blocked if that spent it."""
        if not self.enabled:
            return None
        if budget in FLOOD_BUDGETS:
            return self._flood_hit(budget, key)
        limiter = self._strategy(budget)
        with self._transaction():
            for item in self.items.get(budget, ()):
                if not limiter.hit(item, budget, key):
                    return Blocked(budget, self._retry_after(limiter, item, budget, key))
        return None

    def _flood_hit(self, budget: str, key: str) -> Blocked | None:
        now = time.monotonic()
        with self._lock:
            self._prune(now)
            state = self._pending.setdefault((budget, key), _Batch(0, now, 0.0))
            if state.blocked_until > now:
                return Blocked(budget, max(1, math.ceil(state.blocked_until - now)))
            state.count += 1
            if state.count < self._batch(budget) and now - state.flushed_at < FLOOD_FLUSH_SECONDS:
                return None
            cost, state.count, state.flushed_at = state.count, 0, now
        limiter = self._strategy(budget)
        with self._transaction():
            for item in self.items.get(budget, ()):
                if not limiter.hit(item, budget, key, cost=cost):
                    blocked = Blocked(budget, self._retry_after(limiter, item, budget, key))
                    with self._lock:
                        state.blocked_until = now + blocked.retry_after
                    return blocked
        return None

    def _batch(self, budget: str) -> int:
        """How many hits a worker may hold back: a twelfth of the smallest budget, at least one (a budget of 3 a
        minute is counted exactly)."""
        smallest = min((item.amount for item in self.items.get(budget, ())), default=1)
        return max(1, smallest // FLOOD_SHARE)

    def _prune(self, now: float) -> None:
        """Forget the batches of addresses quiet for a minute (their hits were flushed long ago)."""
        if len(self._pending) > 10_000 or now - self._pruned_at > 60:
            self._pruned_at = now
            for key in [k for k, b in self._pending.items() if now - b.flushed_at > 60 and b.blocked_until < now]:
                del self._pending[key]

    def check(self, budget: str, key: str) -> Blocked | None:
        """Whether ``budget`` is already spent for ``key``, without counting."""
        if not self.enabled:
            return None
        limiter = self._strategy(budget)
        with self._transaction():
            for item in self.items.get(budget, ()):
                if not limiter.test(item, budget, key):
                    return Blocked(budget, self._retry_after(limiter, item, budget, key))
        return None

    def _transaction(self) -> AbstractContextManager[object]:
        """The database store answers a request's budget in one transaction; others need none."""
        if isinstance(self._storage, DatabaseStorage):
            return self._storage.transaction()
        return nullcontext()

    def reset(self) -> None:
        """Forget every counter (tests, and an admin's "unblock everybody")."""
        self._strategy()
        if self._storage is not None:
            self._storage.reset()

    @staticmethod
    def _retry_after(limiter: RateLimiter, item: RateLimitItem, *identifiers: str) -> int:
        reset_at = limiter.get_window_stats(item, *identifiers).reset_time
        return max(1, math.ceil(reset_at - time.time()))
