"""The Vietnamese state-sector calendar: which days are off, which weekend days are worked.

Built on the ``holidays`` package (country "VN"), which carries the Labour
Code 2019 Art. 112 holidays with their lunar dates (Tết, Giỗ Tổ), the make-up
days of Art. 111(3), Ngày Văn hóa Việt Nam (24/11, from 2026) and the day
swaps of the annual state-sector notices (e.g. Monday 31/08/2026 off in
exchange for Saturday 22/08/2026 worked). Nothing here is hard-coded: the
package is the data, refreshed by upgrading it.

A year's lunar holidays are only *confirmed* once the annual notice has been
checked against the package and recorded in ``OFFICIAL_NOTICES``; other years
are computed (correct lunar dates, but the exact Tết block and any swaps are
the Prime Minister's yearly decision).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

import holidays
from holidays.countries.vietnam import Vietnam, VietnamStaticHolidays

# Annual state-sector notices checked against the package, by year (domain.md §4).
# Add the new year's notice here when it is issued; tests/unit/test_vn_calendar.py
# fails (a canary) once a year runs without one.
OFFICIAL_NOTICES: dict[int, str] = {
    2025: "Thông báo 6150/TB-BLĐTBXH",
    2026: "Thông báo 9441/TB-BNV; Công văn 3383/BNV-CVL",
}

FIRST_YEAR = Vietnam.start_year
LAST_YEAR = Vietnam.end_year


class DaySource(StrEnum):
    """Where a day off or a worked weekend day comes from."""

    LAW = "law"
    NOTICE = "notice"
    UNIT = "unit"

    @property
    def label(self) -> str:
        """Vietnamese name of the source."""
        return {
            DaySource.LAW: "Bộ luật Lao động",
            DaySource.NOTICE: "Thông báo nghỉ lễ của cơ quan nhà nước",
            DaySource.UNIT: "Đơn vị",
        }[self]


@dataclass(frozen=True)
class SpecialDay:
    """A weekday off or a weekend day worked, with its reason and source."""

    day: date
    working: bool
    reason: str
    source: DaySource


def _swaps(year: int) -> list[tuple[date, date]]:
    """(day off, weekend day worked instead) pairs of the year's notices."""
    entries = VietnamStaticHolidays.special_public_holidays.get(year, ())
    if entries and isinstance(entries[0], int):
        entries = (entries,)
    pairs = []
    for entry in entries:
        month, day, from_month, from_day, *from_year = entry
        pairs.append((date(year, month, day), date(from_year[0] if from_year else year, from_month, from_day)))
    return pairs


@lru_cache(maxsize=256)
def national_special_days(year: int) -> tuple[SpecialDay, ...]:
    """Weekdays off and weekend days worked in ``year`` for the state sector.

    Weekend holidays are left out: they are off anyway, and their make-up
    day (nghỉ bù) is listed instead.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return _solar_only(year)
    days: dict[date, SpecialDay] = {}
    swapped_off = {}
    for off, worked in _swaps(year):
        swapped_off[off] = worked
    for day, name in holidays.country_holidays("VN", years=year, language="vi").items():
        if day.weekday() >= 5:
            continue
        source = DaySource.NOTICE if day in swapped_off else DaySource.LAW
        days[day] = SpecialDay(day, False, name, source)
    for off, worked in _swaps(year) + _swaps(year + 1):
        if worked.year == year:
            days[worked] = SpecialDay(
                worked, True, f"Làm việc bù cho ngày nghỉ {off:%d/%m/%Y}", DaySource.NOTICE
            )
    return tuple(sorted(days.values(), key=lambda d: d.day))


def _solar_only(year: int) -> tuple[SpecialDay, ...]:
    """Outside the package's years: only the fixed solar holidays are known."""
    fixed = [(1, 1, "Tết Dương lịch"), (4, 30, "Ngày Chiến thắng"), (5, 1, "Ngày Quốc tế Lao động"),
             (9, 2, "Quốc khánh")]
    if year >= 2026:
        fixed.append((11, 24, "Ngày Văn hóa Việt Nam"))
    return tuple(
        SpecialDay(date(year, m, d), False, name, DaySource.LAW)
        for m, d, name in fixed
        if date(year, m, d).weekday() < 5
    )


def year_status(year: int) -> str:
    """"confirmed" (notice recorded), "computed" (package only) or "solar-only"."""
    if year in OFFICIAL_NOTICES:
        return "confirmed"
    if FIRST_YEAR <= year <= LAST_YEAR:
        return "computed"
    return "solar-only"
