"""A year of a working calendar laid out as month grids (Monday first), for people to read."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date

from app.domain.worktime import DayInfo, WorkCalendar

MONTH_NAMES = [f"Tháng {m}" for m in range(1, 13)]
WEEKDAY_NAMES = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]


@dataclass(frozen=True)
class MonthView:
    """One month: weeks of seven cells (None outside the month) and its working-day count."""

    month: int
    name: str
    weeks: tuple[tuple[DayInfo | None, ...], ...]
    working_days: int


def year_view(cal: WorkCalendar, year: int) -> list[MonthView]:
    """The twelve months of ``year`` as they count for deadlines."""
    months = []
    for month in range(1, 13):
        rows = []
        for week in _calendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
            rows.append(tuple(cal.day_info(date(year, month, d)) if d else None for d in week))
        working = sum(1 for row in rows for cell in row if cell is not None and cell.working)
        months.append(MonthView(month, MONTH_NAMES[month - 1], tuple(rows), working))
    return months


def special_days(cal: WorkCalendar, year: int) -> list[DayInfo]:
    """Days of ``year`` that differ from the Monday-to-Friday rule, with their source."""
    days = []
    for month in year_view(cal, year):
        for row in month.weeks:
            for cell in row:
                if cell is not None and cell.source is not None:
                    days.append(cell)
    return days
