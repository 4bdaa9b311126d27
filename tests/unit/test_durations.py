from decimal import Decimal

import pytest

from app.domain.durations import (
    Duration,
    DurationKind,
    format_amount,
    parse_amount,
    validate_step_shares,
)
from app.domain.errors import DomainError

D = Decimal


@pytest.mark.parametrize(
    "text, expected",
    [("3", D("3")), ("0,5", D("0.5")), (" 1.25 ", D("1.25")), ("30", D("30"))],
)
def test_amounts_accept_vietnamese_and_english_decimal_marks(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "ba", "1,2,3", "NaN", "Infinity"])
def test_unreadable_amounts_are_refused_in_vietnamese(text):
    with pytest.raises(DomainError) as error:
        parse_amount(text)
    assert "thời gian" in error.value.message.lower() or "số" in error.value.message


@pytest.mark.parametrize(
    "amount, text", [(D("3"), "3"), (D("3.00"), "3"), (D("0.5"), "0,5"), (D("12.25"), "12,25")]
)
def test_amounts_are_written_the_vietnamese_way(amount, text):
    assert format_amount(amount) == text


def test_same_day_duration_is_one_working_day_of_eight_hours_whatever_was_typed():
    duration = Duration.of(DurationKind.SAME_DAY, "17")
    assert duration.value == 1
    assert duration.share_total == 8
    assert duration.working_minutes() == 480
    assert duration.describe() == "Trong ngày"


@pytest.mark.parametrize(
    "kind, value, minutes",
    [
        (DurationKind.WORKING_DAYS, "3", 3 * 480),
        (DurationKind.WORKING_DAYS, "0,5", 240),
        (DurationKind.WORKING_DAYS, "0.25", 120),
        (DurationKind.WORKING_HOURS, "4", 240),
        (DurationKind.WORKING_HOURS, "1,5", 90),
    ],
)
def test_working_durations_convert_to_working_minutes(kind, value, minutes):
    assert Duration.of(kind, value).working_minutes() == minutes


def test_calendar_days_have_no_working_minute_length():
    with pytest.raises(ValueError):
        Duration.of(DurationKind.CALENDAR_DAYS, "15").working_minutes()


@pytest.mark.parametrize(
    "kind, value, fragment",
    [
        (DurationKind.WORKING_DAYS, "0", "lớn hơn 0"),
        (DurationKind.WORKING_DAYS, "-2", "lớn hơn 0"),
        (DurationKind.WORKING_DAYS, "0,01", "số phút làm việc nguyên"),
        (DurationKind.WORKING_HOURS, "0,001", "số phút làm việc nguyên"),
        (DurationKind.CALENDAR_DAYS, "1,5", "số nguyên"),
        (DurationKind.WORKING_DAYS, "3000", "không được vượt quá 365"),
    ],
)
def test_bad_durations_are_refused_with_a_reason(kind, value, fragment):
    with pytest.raises(DomainError) as error:
        Duration.of(kind, value)
    assert fragment in error.value.message


def test_describe_pads_small_whole_numbers_as_on_the_receipt():
    assert Duration.of(DurationKind.WORKING_DAYS, "3").describe() == "03 ngày làm việc"
    assert Duration.of(DurationKind.WORKING_DAYS, "30").describe() == "30 ngày làm việc"
    assert Duration.of(DurationKind.WORKING_DAYS, "0,5").describe() == "0,5 ngày làm việc"
    assert Duration.of(DurationKind.CALENDAR_DAYS, "15").describe() == "15 ngày"


def test_shares_that_sum_to_the_duration_pass():
    duration = Duration.of(DurationKind.WORKING_DAYS, "30")
    shares = [D(x) for x in ("0.5", "0.5", "1", "1", "16", "1", "1", "7", "2")]  # domain.md §4 example
    validate_step_shares(duration, shares)


def test_same_day_shares_must_sum_to_eight_working_hours():
    duration = Duration.of(DurationKind.SAME_DAY, "")
    validate_step_shares(duration, [D(2), D(3), D(2), D(1)])
    with pytest.raises(DomainError) as error:
        validate_step_shares(duration, [D(2), D(3)])
    assert error.value.message == (
        "Tổng thời gian các bước (5 giờ làm việc) phải bằng thời hạn giải quyết (8 giờ làm việc)."
    )


def test_shares_that_do_not_sum_name_both_totals():
    duration = Duration.of(DurationKind.WORKING_DAYS, "3")
    with pytest.raises(DomainError) as error:
        validate_step_shares(duration, [D("0.5"), D("2")])
    assert "2,5 ngày làm việc" in error.value.message
    assert "3 ngày làm việc" in error.value.message
    assert error.value.field == "steps"


def test_a_step_with_no_time_names_the_step():
    duration = Duration.of(DurationKind.WORKING_DAYS, "3")
    with pytest.raises(DomainError) as error:
        validate_step_shares(duration, [D("3"), D("0")])
    assert error.value.message.startswith("Thời gian của bước 2")


def test_a_process_needs_at_least_one_step():
    with pytest.raises(DomainError):
        validate_step_shares(Duration.of(DurationKind.WORKING_DAYS, "1"), [])


@pytest.mark.parametrize("text", ["3d", "0.5d", "0.25d", "4h", "1.5h", "same-day", "30d"])
def test_the_precomputed_length_matches_the_decimal_one(text):
    duration = Duration.parse(text)
    assert duration.minutes == duration.working_minutes()


def test_calendar_days_have_no_precomputed_working_length_and_equality_ignores_it():
    assert Duration.parse("15cd").minutes is None
    assert Duration.parse("3d") == Duration(DurationKind.WORKING_DAYS, D("3.00"))
    assert len({Duration.parse("3d"), Duration(DurationKind.WORKING_DAYS, D(3))}) == 1
