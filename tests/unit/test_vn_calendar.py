from datetime import date

import pytest

from app.domain.vn_calendar import (
    LAST_YEAR,
    OFFICIAL_NOTICES,
    DaySource,
    national_special_days,
    year_status,
)
from app.domain.worktime import WorkCalendar

CAL = WorkCalendar()


@pytest.mark.parametrize(
    "day",
    # domain.md §4, 2026 state-sector calendar (TB 9441/TB-BNV).
    ["2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-27",
     "2026-04-30", "2026-05-01", "2026-08-31", "2026-09-01", "2026-09-02", "2026-11-24"],
)
def test_the_2026_days_off(day):
    assert not CAL.is_working_day(date.fromisoformat(day))


def test_the_2026_worked_saturday_and_its_source():
    info = CAL.day_info(date(2026, 8, 22))
    assert info.working and info.source is DaySource.NOTICE
    assert "31/08/2026" in info.reason
    assert CAL.day_info(date(2026, 8, 31)).source is DaySource.NOTICE
    assert CAL.day_info(date(2026, 9, 1)).source is DaySource.LAW


def test_2025_swapped_saturday_and_tet_block():
    assert CAL.is_working_day(date(2025, 4, 26))
    assert not CAL.is_working_day(date(2025, 5, 2))
    assert [d for d in range(27, 32) if CAL.is_working_day(date(2025, 1, d))] == []
    assert CAL.is_working_day(date(2025, 2, 3))


def test_a_weekend_holiday_is_not_listed_its_make_up_day_is():
    days = {d.day for d in national_special_days(2026)}
    assert date(2026, 4, 26) not in days and date(2026, 4, 27) in days


def test_years_without_an_official_notice_are_not_confirmed():
    assert year_status(2026) == "confirmed"
    assert year_status(2027) == "computed"
    assert year_status(LAST_YEAR + 1) == "solar-only"


def test_years_beyond_the_package_still_get_weekends_and_solar_holidays():
    year = LAST_YEAR + 5
    cal = WorkCalendar()
    assert not cal.is_working_day(date(year, 9, 2)) or date(year, 9, 2).weekday() >= 5
    assert not cal.is_working_day(date(year, 1, 1)) or date(year, 1, 1).weekday() >= 5
    saturday = next(date(year, 3, d) for d in range(1, 8) if date(year, 3, d).weekday() == 5)
    assert not cal.is_working_day(saturday)


def test_canary_this_years_official_notice_is_recorded():
    """Fails once a year runs without its state-sector notice in OFFICIAL_NOTICES.

    When it fails: read the year's notice (Bộ Nội vụ), check the days off and
    swaps against ``national_special_days(year)`` (upgrade the ``holidays``
    package if they differ) and add the notice to OFFICIAL_NOTICES.
    """
    assert date.today().year in OFFICIAL_NOTICES
