from datetime import datetime as dt

import pytest

from app.domain.durations import Duration
from app.domain.errors import DomainError
from app.domain.timeliness import Timeliness, classify_finished, classify_open, is_due_soon
from app.domain.worktime import WorkCalendar

DUE = dt(2026, 11, 26, 16, 0)


@pytest.mark.parametrize(
    "finished, expected",
    [
        (dt(2026, 11, 25, 17, 0), Timeliness.EARLY),     # a day before the due day
        (dt(2026, 11, 26, 8, 0), Timeliness.ON_TIME),    # the due day, before the due instant
        (dt(2026, 11, 26, 16, 0), Timeliness.ON_TIME),   # exactly at the due instant
        (dt(2026, 11, 26, 16, 1), Timeliness.LATE),      # a minute late
        (dt(2026, 11, 30, 9, 0), Timeliness.LATE),
    ],
)
def test_finished_work(finished, expected):
    assert classify_finished(finished, DUE) is expected


def test_open_work_at_a_cut_off():
    assert classify_open(dt(2026, 11, 26, 16, 0), DUE) is Timeliness.OPEN_IN_TIME
    assert classify_open(dt(2026, 11, 26, 16, 1), DUE) is Timeliness.OPEN_LATE
    assert Timeliness.OPEN_LATE.label == "Quá hạn" and Timeliness.EARLY.label == "Trước hạn"


def test_due_soon_counts_working_time_not_clock_time():
    cal = WorkCalendar()
    # Mon 23/11 16:00 → Wed 25/11 10:00 is 90 + 150 = 240 working minutes (Tue 24/11 off).
    assert is_due_soon(cal, dt(2026, 11, 23, 16, 0), dt(2026, 11, 25, 10, 0))
    # Fri 20/11 10:00 → Wed 25/11 10:00 is 330 + 480 + 150 = 960: not soon.
    assert not is_due_soon(cal, dt(2026, 11, 20, 10, 0), dt(2026, 11, 25, 10, 0))
    assert not is_due_soon(cal, dt(2026, 11, 26, 9, 0), dt(2026, 11, 25, 10, 0))  # already late


@pytest.mark.parametrize(
    "text, kind, value",
    [("3d", "working_days", "3"), ("0.5d", "working_days", "0.5"), ("4h", "working_hours", "4"),
     ("15cd", "calendar_days", "15"), ("same-day", "same_day", "1"), (" 2,5D ", "working_days", "2.5")],
)
def test_duration_short_forms(text, kind, value):
    duration = Duration.parse(text)
    assert (duration.kind, str(duration.value.normalize())) == (kind, value)


@pytest.mark.parametrize("text", ["", "3", "d", "3 ngày", "-1d", "0h", "1.5cd", "abc"])
def test_bad_duration_short_forms_raise_value_error(text):
    with pytest.raises(ValueError):
        Duration.parse(text)
    assert issubclass(DomainError, ValueError)


def test_urgency_of_open_work():
    from datetime import timedelta

    from app.domain.timeliness import Urgency, urgency_of

    assert urgency_of(timedelta(hours=8)) is Urgency.OK
    assert urgency_of(timedelta(hours=7, minutes=59)) is Urgency.SOON
    assert urgency_of(timedelta(0)) is Urgency.SOON
    assert urgency_of(-timedelta(minutes=1)) is Urgency.OVERDUE
    assert urgency_of(-timedelta(hours=3), paused=True) is Urgency.PAUSED
    assert urgency_of(timedelta(hours=20), threshold=timedelta(hours=24)) is Urgency.SOON
