"""Account lockout after repeated failed logins (a guessed password must take forever, a typo must not).

After ``MAX_FAILURES`` consecutive failures an account is locked for
``LOCK_MINUTES``; while locked even the right password is refused. Each further
failure once the lock has expired locks it again, for twice as long as the
previous lock (at most ``MAX_LOCK_MINUTES``), until a successful login or an
administrator's new password starts the count afresh. So a guesser gets at most
five tries, then one try per 15, 30, 60 … minutes; a colleague who mistyped
five times waits a quarter of an hour.

Plain rules over (failures so far, lock, now): no clock, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILURES = 5
LOCK_MINUTES = 15
MAX_LOCK_MINUTES = 24 * 60


@dataclass(frozen=True)
class LoginState:
    """An account's consecutive failed logins and the instant its lock ends (None: not locked)."""

    failures: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def lock_minutes(failures: int) -> int:
    """How long the ``failures``-th consecutive failure locks the account (0: not at all)."""
    if failures < MAX_FAILURES:
        return 0
    return min(LOCK_MINUTES * 2 ** min(failures - MAX_FAILURES, 10), MAX_LOCK_MINUTES)


def after_failure(state: LoginState, now: datetime) -> LoginState:
    """The state after a failed attempt at ``now`` (an attempt while locked is not counted)."""
    if state.is_locked(now):
        return state
    failures = state.failures + 1
    minutes = lock_minutes(failures)
    return LoginState(failures, now + timedelta(minutes=minutes) if minutes else state.locked_until)


def after_success() -> LoginState:
    return LoginState()
