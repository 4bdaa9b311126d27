"""Properties that must hold for any start and any working duration."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.durations import Duration, DurationKind
from app.domain.localtime import VN_TZ
from app.domain.worktime import WorkCalendar

CAL = WorkCalendar()
WINDOWS = CAL.windows

starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31, 23, 59))
# Multiples of 3 minutes are exact in hours (k/20 h), as a Duration requires.
minutes = st.integers(min_value=1, max_value=20 * 8 * 120).map(lambda k: 3 * k)  # up to 120 working days
durations = minutes.map(lambda m: Duration(DurationKind.WORKING_HOURS, Decimal(m) / 60))


def _inside_a_window(instant: datetime) -> bool:
    t = instant.time()
    return any(w.start <= t <= w.end for w in WINDOWS)


@settings(max_examples=300, deadline=None)
@given(starts, durations)
def test_due_is_after_the_start_on_a_working_day_inside_a_window(start, duration):
    due = CAL.add(start, duration)
    assert due > start
    assert CAL.is_working_day(due.date())
    assert _inside_a_window(due)
    # Only a window's end may be an end point: never a window's start after the first minute.
    assert due.time() not in (w.start for w in WINDOWS) or due == CAL.start_of_clock(start)


@settings(max_examples=300, deadline=None)
@given(starts, durations)
def test_elapsed_undoes_add(start, duration):
    due = CAL.add(start, duration)
    assert CAL.elapsed(start, due) == timedelta(minutes=duration.working_minutes())


@settings(max_examples=300, deadline=None)
@given(starts, minutes, minutes)
def test_adding_in_two_parts_equals_adding_the_sum(start, first, second):
    hours = lambda m: Duration(DurationKind.WORKING_HOURS, Decimal(m) / 60)  # noqa: E731
    assert CAL.add(CAL.add(start, hours(first)), hours(second)) == CAL.add(start, hours(first + second))


@settings(max_examples=200, deadline=None)
@given(starts, st.integers(min_value=1, max_value=60))
def test_calendar_days_land_on_a_working_day_no_earlier_than_the_count(start, days):
    due = CAL.add(start, Duration(DurationKind.CALENDAR_DAYS, Decimal(days)))
    assert CAL.is_working_day(due.date())
    assert due >= CAL.start_of_clock(start) + timedelta(days=days)


@settings(max_examples=200, deadline=None)
@given(starts)
def test_same_day_is_the_end_of_a_working_day_within_two_working_days(start):
    due = CAL.add(start, "same-day")
    assert due.time() == time(17, 30) and CAL.is_working_day(due.date())
    assert timedelta(0) < CAL.elapsed(start, due) <= timedelta(hours=16)


@settings(max_examples=200, deadline=None)
@given(starts, durations, st.lists(st.tuples(starts, st.integers(1, 60 * 24 * 10)), max_size=3))
def test_a_pause_never_makes_the_due_instant_earlier(start, duration, raw_pauses):
    pauses = [(a, a + timedelta(minutes=m)) for a, m in raw_pauses]
    assert CAL.add(start, duration, pauses=pauses) >= CAL.add(start, duration)


@settings(max_examples=500, deadline=None)
@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31, 23, 59, 59, 999999)), durations,
       st.booleans())
def test_the_fast_path_agrees_with_the_general_one_to_the_microsecond(start, duration, aware):
    """``add`` without pauses takes a lean path of lookups (app.domain.worktime._add_working); a pause that
    ended before the start sends it down the general path, which must give the same instant (seconds and
    microseconds of the start included, naive or in Vietnam time)."""
    if aware:
        start = start.replace(tzinfo=VN_TZ)
    long_ago = (datetime(2000, 1, 3, 8, tzinfo=VN_TZ), datetime(2000, 1, 3, 9, tzinfo=VN_TZ)) if aware else \
        (datetime(2000, 1, 3, 8), datetime(2000, 1, 3, 9))
    assert CAL.add(start, duration) == CAL.add(start, duration, pauses=[long_ago])


def test_the_fast_path_agrees_at_every_minute_of_a_day_with_and_without_seconds():
    """Every minute of a Friday (a window's start and end, lunch, night) with no seconds, half a minute and the
    last microsecond, for durations that land on a window's end, just past it, or on the next working day:
    the lean path (whole working minutes, the seconds apart) gives what the general path gives."""
    long_ago = [(datetime(2000, 1, 3, 8), datetime(2000, 1, 3, 9))]
    friday = datetime(2026, 11, 27)
    durations_ = [Duration(DurationKind.WORKING_HOURS, Decimal(m) / 60) for m in (3, 30, 60, 123, 240, 480, 483)] + \
        [Duration(DurationKind.WORKING_DAYS, Decimal(d)) for d in ("0.5", "1", "1.5", "3")]
    for minute in range(24 * 60):
        for past in (timedelta(0), timedelta(seconds=30), timedelta(seconds=59, microseconds=999_999)):
            start = friday + timedelta(minutes=minute) + past
            for duration in durations_:
                assert CAL.add(start, duration) == CAL.add(start, duration, pauses=long_ago), (start, duration)
