from datetime import datetime, timedelta, timezone

from app.domain.lockout import (
    ACCOUNT_FAILURES,
    MAX_LOCK_MINUTES,
    LoginState,
    Scope,
    after_failure,
    after_success,
    lock_minutes,
)

T = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def test_four_failures_from_a_source_do_not_lock_the_fifth_locks_it_for_15_minutes():
    state = LoginState()
    for _ in range(4):
        state = after_failure(state, T)
        assert not state.is_locked(T)
    state = after_failure(state, T)
    assert state == LoginState(5, T + timedelta(minutes=15))
    assert state.is_locked(T + timedelta(minutes=14, seconds=59)) and not state.is_locked(T + timedelta(minutes=15))


def test_attempts_while_locked_are_not_counted():
    locked = LoginState(5, T + timedelta(minutes=15))
    assert after_failure(locked, T + timedelta(minutes=5)) == locked
    assert after_failure(locked, T + timedelta(minutes=5), Scope.ACCOUNT) == locked


def test_each_failure_of_a_locked_out_source_doubles_its_lock_up_to_a_day():
    assert [lock_minutes(n) for n in range(4, 10)] == [0, 15, 30, 60, 120, 240]
    assert lock_minutes(12) == MAX_LOCK_MINUTES == lock_minutes(10**6)
    later = T + timedelta(minutes=15)
    assert after_failure(LoginState(5, later), later) == LoginState(6, later + timedelta(minutes=30))


def test_the_account_locks_unknown_sources_for_15_minutes_after_20_failures_in_an_hour_never_longer():
    state = LoginState()
    for n in range(ACCOUNT_FAILURES - 1):
        state = after_failure(state, T + timedelta(minutes=n), Scope.ACCOUNT)
        assert not state.is_locked(T + timedelta(minutes=n))
    at = T + timedelta(minutes=30)
    state = after_failure(state, at, Scope.ACCOUNT)
    assert state.locked_until == at + timedelta(minutes=15)
    # Once it ends, the count starts afresh: the next lock needs 20 more failures, and lasts 15 minutes again.
    later = at + timedelta(minutes=15)
    again = after_failure(state, later, Scope.ACCOUNT)
    assert not again.is_locked(later) and again.failures == 1


def test_failures_spread_over_more_than_an_hour_never_lock_the_account():
    state = LoginState()
    for n in range(100):
        state = after_failure(state, T + timedelta(minutes=4 * n), Scope.ACCOUNT)  # 15 an hour
        assert not state.is_locked(T + timedelta(minutes=4 * n))


def test_a_success_starts_the_count_afresh():
    assert after_success() == LoginState(0, None)
