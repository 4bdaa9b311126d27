from datetime import datetime, timedelta, timezone

from app.domain.lockout import MAX_LOCK_MINUTES, LoginState, after_failure, after_success, lock_minutes

T = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def test_four_failures_do_not_lock_the_fifth_locks_for_15_minutes():
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


def test_each_failure_after_a_lock_doubles_it_up_to_a_day():
    assert [lock_minutes(n) for n in range(4, 10)] == [0, 15, 30, 60, 120, 240]
    assert lock_minutes(12) == MAX_LOCK_MINUTES == lock_minutes(10**6)
    later = T + timedelta(minutes=15)
    assert after_failure(LoginState(5, later), later) == LoginState(6, later + timedelta(minutes=30))


def test_a_success_starts_the_count_afresh():
    assert after_success() == LoginState(0, None)
