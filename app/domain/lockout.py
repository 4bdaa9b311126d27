"""Throttling failed logins without handing strangers a way to lock people out.

Failures are counted per *source* of attempts on one username, whether the
username exists or not (so that a locked account and an unknown one answer
alike):

- a **source** is the browser, when it carries the device cookie that a
  successful login of that username set in it, else the client's address.
  After ``MAX_FAILURES`` consecutive failures from one source, that source is
  locked out of that username for ``LOCK_MINUTES``; each further failure once
  the lock has expired locks it again for twice as long (at most
  ``MAX_LOCK_MINUTES``). A stranger thus locks out only himself: the real
  user's own browser keeps its five tries.
- the **account** counts the failures of every source without the device
  cookie: ``ACCOUNT_FAILURES`` within ``ACCOUNT_WINDOW_MINUTES`` close the
  username to every such source for ``ACCOUNT_LOCK_MINUTES``, never longer
  (a guesser spread over many addresses gets about 20 tries an hour), while
  the browsers its user logged in from before are not affected.

A success, or an administrator's new password, starts every count afresh.
Plain rules over (failures so far, window start, lock end, now): no clock, no
database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MAX_FAILURES = 5
LOCK_MINUTES = 15
MAX_LOCK_MINUTES = 24 * 60
ACCOUNT_FAILURES = 20
ACCOUNT_WINDOW_MINUTES = 60
ACCOUNT_LOCK_MINUTES = 15


class Scope(StrEnum):
    SOURCE = "source"  # one browser (device cookie) or one address, on one username
    ACCOUNT = "account"  # every source without the device cookie, on one username


@dataclass(frozen=True)
class LoginState:
    """A counter's failures, when its window began (ACCOUNT) and when its lock ends (None: not locked)."""

    failures: int = 0
    locked_until: datetime | None = None
    window_started_at: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def lock_minutes(failures: int) -> int:
    """How long the ``failures``-th consecutive failure from one source locks it out (0: not at all)."""
    if failures < MAX_FAILURES:
        return 0
    return min(LOCK_MINUTES * 2 ** min(failures - MAX_FAILURES, 10), MAX_LOCK_MINUTES)


def after_failure(state: LoginState, now: datetime, scope: Scope = Scope.SOURCE) -> LoginState:
    """The state after a failed attempt at ``now`` (an attempt while locked is not counted)."""
    if state.is_locked(now):
        return state
    if scope is Scope.SOURCE:
        failures = state.failures + 1
        minutes = lock_minutes(failures)
        return LoginState(failures, now + timedelta(minutes=minutes) if minutes else state.locked_until)
    window = state.window_started_at
    if window is None or now >= window + timedelta(minutes=ACCOUNT_WINDOW_MINUTES):
        window, failures = now, 1  # a new window
    else:
        failures = state.failures + 1
    if failures >= ACCOUNT_FAILURES:
        return LoginState(0, now + timedelta(minutes=ACCOUNT_LOCK_MINUTES), None)  # locked; counting starts afresh
    return LoginState(failures, state.locked_until, window)


def after_success() -> LoginState:
    return LoginState()
