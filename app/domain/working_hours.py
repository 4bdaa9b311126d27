"""Working windows of a unit (the hours the desk counts as working time).

A unit works in one or more windows a day, by default 07:30–11:30 and
13:30–17:30 (design.md "Time"). Windows are written as text in the admin
form ("07:30-11:30, 13:30-17:30") and stored in that canonical form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from app.domain.errors import DomainError

_TIME = re.compile(r"^\s*(\d{1,2})\s*[:hH.]\s*(\d{2})\s*$")


@dataclass(frozen=True, order=True)
class WorkingWindow:
    """One working period of a day, from ``start`` to ``end`` (end excluded)."""

    start: time
    end: time

    @property
    def minutes(self) -> int:
        """Length of the window in minutes."""
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


DEFAULT_WINDOWS: tuple[WorkingWindow, ...] = (
    WorkingWindow(time(7, 30), time(11, 30)),
    WorkingWindow(time(13, 30), time(17, 30)),
)
DEFAULT_SAME_DAY_CUTOFF = time(15, 0)


def parse_clock_time(text: str) -> time:
    """Read a time of day typed as "15:00", "15h00" or "7.30"; raise DomainError."""
    match = _TIME.match(text or "")
    if not match:
        raise DomainError(f"“{text}” không phải giờ hợp lệ (nhập theo dạng 15:00).")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise DomainError(f"“{text}” không phải giờ hợp lệ (giờ 0–23, phút 0–59).")
    return time(hour, minute)


def parse_windows(text: str) -> tuple[WorkingWindow, ...]:
    """Read windows such as "07:30-11:30, 13:30-17:30"; raise DomainError.

    Windows must each have start before end, and must not overlap; they are
    returned sorted. Separators may be commas, semicolons or new lines.
    """
    parts = [p for p in re.split(r"[,;\n]+", text or "") if p.strip()]
    if not parts:
        raise DomainError("Vui lòng nhập ít nhất một khung giờ làm việc, ví dụ 07:30-11:30.")
    windows = []
    for part in parts:
        bounds = re.split(r"\s*[-–—]\s*", part.strip())
        if len(bounds) != 2:
            raise DomainError(f"“{part.strip()}” phải có dạng giờ bắt đầu-giờ kết thúc, ví dụ 07:30-11:30.")
        start, end = parse_clock_time(bounds[0]), parse_clock_time(bounds[1])
        if start >= end:
            raise DomainError(f"Khung giờ “{part.strip()}”: giờ bắt đầu phải trước giờ kết thúc.")
        windows.append(WorkingWindow(start, end))
    windows.sort()
    for earlier, later in zip(windows, windows[1:]):
        if later.start < earlier.end:
            raise DomainError(f"Các khung giờ {earlier} và {later} chồng lên nhau.")
    return tuple(windows)


def format_windows(windows: tuple[WorkingWindow, ...]) -> str:
    """Write windows in the canonical stored form "07:30-11:30, 13:30-17:30"."""
    return ", ".join(str(w) for w in windows)


def daily_minutes(windows: tuple[WorkingWindow, ...]) -> int:
    """Total working minutes in one working day."""
    return sum(w.minutes for w in windows)

# One working day is 8 working hours (design.md "Time"); durations in days
# are converted with this, so a unit's windows must add up to it.
WORKING_DAY_MINUTES = 8 * 60
