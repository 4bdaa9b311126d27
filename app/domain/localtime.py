"""Local (Vietnam, UTC+7) dates and times for instants stored in UTC."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def to_local(instant: datetime) -> datetime:
    """The instant in Vietnam time."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: cannot tell which instant it is")
    return instant.astimezone(VN_TZ)


def local_date(instant: datetime) -> date:
    """The calendar day in Vietnam at ``instant`` (a reception date, YYMMDD)."""
    return to_local(instant).date()


def start_of_day(day: date) -> datetime:
    """The instant a local (Vietnam) day begins."""
    return datetime.combine(day, time(), VN_TZ)
