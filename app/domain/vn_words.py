"""Dates, times and amounts written out in Vietnamese, as on the legal forms and pages.

Every function takes an aware instant (stored in UTC) and speaks Vietnam time,
or a plain date; none reads the clock.
"""

from __future__ import annotations

from datetime import date, datetime

from app.domain.localtime import to_local

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def weekday_name(day: date | datetime) -> str:
    """"Thứ Năm" for a Thursday."""
    return WEEKDAYS[day.weekday()]


def instant_in_words(instant: datetime) -> str:
    """"17 giờ 30 phút, thứ Tư, ngày 25/02/2026": how the desk tells a citizen the appointment."""
    local = to_local(instant)
    weekday = weekday_name(local)
    weekday = weekday if weekday == "Chủ nhật" else weekday[0].lower() + weekday[1:]
    return f"{local:%H} giờ {local:%M} phút, {weekday}, ngày {local:%d/%m/%Y}"


def form_instant(instant: datetime) -> str:
    """"09 giờ 05 phút, ngày 25 tháng 11 năm 2026": the wording of the printed forms."""
    local = to_local(instant)
    return f"{local:%H} giờ {local:%M} phút, {form_date(local.date())}"


def form_date(day: date) -> str:
    """"ngày 25 tháng 11 năm 2026"."""
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def place_and_date(place: str, day: date) -> str:
    """"An Bình, ngày 25 tháng 11 năm 2026": the line under the national motto."""
    return f"{place}, {form_date(day)}"


def short_instant(instant: datetime) -> str:
    """"09:05 25/11/2026": for table cells where space is short."""
    local = to_local(instant)
    return f"{local:%H:%M} {local:%d/%m/%Y}"


def money(amount: int) -> str:
    """"1.250.000 đồng" (Vietnamese digit grouping); "Không thu" for zero."""
    if amount == 0:
        return "Không thu"
    return f"{amount:,} đồng".replace(",", ".")
