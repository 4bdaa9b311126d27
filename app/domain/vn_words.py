"""Dates, times and amounts written out in Vietnamese, as on the legal forms and pages.

Every function takes an aware instant (stored in UTC) and speaks Vietnam time,
or a plain date; none reads the clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

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


def working_span(span: timedelta) -> str:
    """"1 ngày 2 giờ 30 phút" of working time (a working day is 8 working hours); sign ignored."""
    minutes = abs(int(span.total_seconds())) // 60
    days, rest = divmod(minutes, 8 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} ngày" if days else "", f"{hours} giờ" if hours else "", f"{minutes} phút" if minutes else ""]
    return " ".join(p for p in parts if p) or "0 phút"


def time_left(span: timedelta) -> str:
    """"còn 3 giờ 15 phút" or "quá hạn 1 ngày 2 giờ" (working time)."""
    return f"còn {working_span(span)}" if span >= timedelta(0) else f"quá hạn {working_span(span)}"
