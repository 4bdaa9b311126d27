from datetime import time

import pytest

from app.domain.errors import DomainError
from app.domain.working_hours import (
    DEFAULT_WINDOWS,
    WorkingWindow,
    daily_minutes,
    format_windows,
    parse_clock_time,
    parse_windows,
)


def test_default_windows_make_an_eight_hour_day():
    assert format_windows(DEFAULT_WINDOWS) == "07:30-11:30, 13:30-17:30"
    assert daily_minutes(DEFAULT_WINDOWS) == 480


@pytest.mark.parametrize(
    "text",
    ["07:30-11:30, 13:30-17:30", "13:30 - 17:30; 7:30-11:30", "7h30–11h30\n13h30-17h30"],
)
def test_windows_are_read_in_the_ways_people_type_them(text):
    assert parse_windows(text) == (
        WorkingWindow(time(7, 30), time(11, 30)),
        WorkingWindow(time(13, 30), time(17, 30)),
    )


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "ít nhất một khung giờ"),
        ("07:30", "giờ bắt đầu-giờ kết thúc"),
        ("11:30-07:30", "giờ bắt đầu phải trước giờ kết thúc"),
        ("07:30-12:00, 11:00-17:00", "chồng lên nhau"),
        ("25:00-26:00", "không phải giờ hợp lệ"),
        ("07:61-11:00", "không phải giờ hợp lệ"),
        ("sáng-chiều", "không phải giờ hợp lệ"),
    ],
)
def test_malformed_windows_are_refused_in_vietnamese(text, fragment):
    with pytest.raises(DomainError) as error:
        parse_windows(text)
    assert fragment in error.value.message


@pytest.mark.parametrize("text, expected", [("15:00", time(15)), ("7.30", time(7, 30)), ("14h45", time(14, 45))])
def test_clock_times(text, expected):
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize("text", ["", "15", "3pm", "24:00", "12:60"])
def test_bad_clock_times(text):
    with pytest.raises(DomainError):
        parse_clock_time(text)
