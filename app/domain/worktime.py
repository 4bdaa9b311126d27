"""Working time: due instants, elapsed working time and pauses, in Vietnamese working days.

Rules: design.md "Time" and domain.md §4.

- A working day is Monday to Friday, minus the state-sector days off
  (``app.domain.vn_calendar``), plus worked weekend days of official swaps,
  then the unit's own overrides, which win.
- Every working day has the unit's windows (default 07:30–11:30, 13:30–17:30).
  One working day is 8 working hours whatever the windows (Duration).
- The clock starts at the start instant; a start outside the windows moves to
  the next window's start. A due instant that falls exactly on a window's end
  stays there (17:30 Wednesday, not 07:30 Thursday).

How it is fast: each working day gets an index, so an instant maps to a point
on a "working-minute axis" (index × minutes per day + minutes worked so far
that day). Adding working time is adding on that axis and mapping back, with a
binary search over the precomputed working days; nothing loops over days.

Time zones: naive datetimes are read as local time (Asia/Ho_Chi_Minh), as a
clerk types them; aware ones are converted to local time first. Results have
the same kind as the start: aware (in local time) for an aware start, naive
local for a naive one.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Iterable, Sequence

from app.domain.durations import Duration, DurationKind
from app.domain.errors import DomainError
from app.domain.localtime import VN_TZ
from app.domain.vn_calendar import DaySource, SpecialDay, national_special_days, year_status
from app.domain.working_hours import (
    DEFAULT_SAME_DAY_CUTOFF,
    DEFAULT_WINDOWS,
    WorkingWindow,
    parse_clock_time,
    parse_windows,
)

_MINUTE = 60_000_000  # the axis counts microseconds, so every result is exact
_WORKING_KINDS = frozenset({DurationKind.WORKING_DAYS, DurationKind.WORKING_HOURS})
_WHOLE_MINUTES = tuple(timedelta(minutes=m) for m in range(24 * 60 + 1))  # reused, never rebuilt
_WINDOW_MARGIN_YEARS = 1  # extra years precomputed around the ones asked for


def _minute_of(t: time) -> int:
    return t.hour * 60 + t.minute


@dataclass(frozen=True)
class DayInfo:
    """Whether a day is worked, and why (for the admin calendar and explanations)."""

    day: date
    working: bool
    reason: str
    source: DaySource | None  # None: an ordinary weekday or weekend


@dataclass(frozen=True)
class CountedDay:
    """One working day counted towards a due instant, for "thử tính ngày hẹn"."""

    day: date
    minutes: int  # working minutes of this day used by the duration


class WorkCalendar:
    """A unit's working calendar: windows, the national calendar and the unit's overrides."""

    def __init__(
        self,
        windows: Iterable[tuple[str, str]] | Sequence[WorkingWindow] | str = DEFAULT_WINDOWS,
        days_off: Iterable[date | tuple[date, str]] = (),
        workdays: Iterable[date | tuple[date, str]] = (),
        same_day_cutoff: str | time = DEFAULT_SAME_DAY_CUTOFF,
    ) -> None:
        self.windows = _read_windows(windows)
        self._starts = [_minute_of(w.start) * _MINUTE for w in self.windows]
        self._lengths = [w.minutes * _MINUTE for w in self.windows]
        self._day = sum(self._lengths)  # length of a working day on the axis
        self._day_minutes = self._day // _MINUTE
        self._year_minutes = 200 * self._day_minutes  # less than a year's working time: years an amount may span
        self._table = tuple(zip(self._starts, self._lengths))
        # The hot path's lookups, by minute of the day: the working minutes elapsed before minute m, whether m
        # lies inside a window (its seconds then count too), and the wall-clock offset of the w-th working
        # minute (a window's end stays a window's end: minute 0 of the afternoon is the morning's end).
        self._elapsed_at: list[int] = []
        self._inside: list[bool] = []
        for minute in range(24 * 60 + 1):
            clock = minute * _MINUTE
            self._elapsed_at.append(sum(min(max(clock - b, 0), n) for b, n in self._table) // _MINUTE)
            self._inside.append(any(b <= clock < b + n for b, n in self._table))
        self._wall_of: list[timedelta] = []
        for worked in range(self._day // _MINUTE + 1):
            rest = worked * _MINUTE
            for begin, length in self._table:
                if rest <= length:
                    self._wall_of.append(_WHOLE_MINUTES[(begin + rest) // _MINUTE])
                    break
                rest -= length
        self.same_day_cutoff = (
            same_day_cutoff if isinstance(same_day_cutoff, time) else parse_clock_time(same_day_cutoff)
        )
        self._unit_off = dict(_with_reasons(days_off, "Ngày nghỉ của đơn vị"))
        self._unit_work = dict(_with_reasons(workdays, "Ngày làm việc bù của đơn vị"))
        both = set(self._unit_off) & set(self._unit_work)
        if both:
            first = min(both)
            raise DomainError(f"Ngày {first:%d/%m/%Y} vừa là ngày nghỉ vừa là ngày làm việc của đơn vị.")
        # Precomputed years: working days as ordinals and as datetimes at midnight.
        self._first_year, self._last_year = 10**6, -1
        self._ordinals: list[int] = []
        self._midnights: list[datetime] = []
        self._day_at: list[int] = []
        self._base = 0

    # --- days ------------------------------------------------------------

    def day_info(self, day: date) -> DayInfo:
        """Whether ``day`` is a working day, with the reason and its source."""
        if day in self._unit_work:
            return DayInfo(day, True, self._unit_work[day], DaySource.UNIT)
        if day in self._unit_off:
            return DayInfo(day, False, self._unit_off[day], DaySource.UNIT)
        special = _national(day.year).get(day)
        if special is not None:
            return DayInfo(day, special.working, special.reason, special.source)
        if day.weekday() >= 5:
            return DayInfo(day, False, "Thứ Bảy" if day.weekday() == 5 else "Chủ nhật", None)
        return DayInfo(day, True, "", None)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` counts towards deadlines."""
        return self.day_info(day).working

    def year_status(self, year: int) -> str:
        """"confirmed", "computed" or "solar-only" (see vn_calendar.year_status)."""
        return year_status(year)

    def _cover(self, first: int, last: int) -> None:
        """Make sure the working days of years ``first``..``last`` are precomputed."""
        if self._first_year <= first and last <= self._last_year:
            return
        first = max(min(first, self._first_year) - _WINDOW_MARGIN_YEARS, 1)
        last = min(max(last, self._last_year) + _WINDOW_MARGIN_YEARS, 9998)
        day, end = date(first, 1, 1), date(last, 12, 31)
        ordinals = []
        one = timedelta(days=1)
        while day <= end:
            if self.is_working_day(day):
                ordinals.append(day.toordinal())
            day += one
        self._ordinals = ordinals
        self._midnights = [datetime.fromordinal(o) for o in ordinals]
        # _day_at[o - _base]: the working minutes before day o if it is a working day, else ~ (bitwise not) those
        # before the next working day: an O(1) stand-in for bisect_left(_ordinals, o), for the lean path of add.
        self._base = date(first, 1, 1).toordinal()
        day_at, index = [], 0
        for ordinal in range(self._base, date(last, 12, 31).toordinal() + 1):
            while index < len(ordinals) and ordinals[index] < ordinal:
                index += 1
            start = index * self._day_minutes  # where working day ``index`` begins, in working minutes
            day_at.append(start if index < len(ordinals) and ordinals[index] == ordinal else ~start)
        self._day_at = day_at
        self._first_year, self._last_year = first, last

    def next_working_day(self, day: date, *, include: bool = True) -> date:
        """The first working day on or after ``day`` (after it if not ``include``)."""
        self._cover(day.year, day.year + 1)
        ordinal = day.toordinal() + (0 if include else 1)
        index = bisect_left(self._ordinals, ordinal)
        while index >= len(self._ordinals):
            self._cover(self._first_year, self._last_year + 2)
            index = bisect_left(self._ordinals, ordinal)
        return date.fromordinal(self._ordinals[index])

    # --- the working-time axis ---------------------------------------------
    # A point on the axis is the working time, in microseconds, from the start
    # of the first precomputed working day. Day i of the precomputed working
    # days spans [i * day, (i + 1) * day).

    def _position(self, local: datetime) -> int:
        """The axis point of ``local`` (the next working start if outside the windows)."""
        ordinal = local.toordinal()
        index = bisect_left(self._ordinals, ordinal)
        base = index * self._day
        if index < len(self._ordinals) and self._ordinals[index] == ordinal:
            clock = (
                (local.hour * 60 + local.minute) * _MINUTE
                + local.second * 1_000_000
                + local.microsecond
            )
            for start, length in zip(self._starts, self._lengths):
                base += min(max(clock - start, 0), length)
        return base

    def _instant(self, position: int) -> datetime:
        """The local instant at ``position``; a window's end stays a window's end."""
        index, rest = divmod(position, self._day)
        if rest == 0 and index > 0:
            index, rest = index - 1, self._day
        self._ordinal(index)
        midnight = self._midnights[index]
        for start, length in zip(self._starts, self._lengths):
            if rest <= length:
                return midnight + timedelta(microseconds=start + rest)
            rest -= length
        raise AssertionError("position beyond the day's windows")  # pragma: no cover

    def _ordinal(self, index: int) -> int:
        while index >= len(self._ordinals):
            self._cover(self._first_year, self._last_year + 2)
        return self._ordinals[index]

    def _covering(self, *instants: datetime, working_days: int = 0) -> None:
        years = [i.year for i in instants]
        self._cover(min(years), max(years) + 1 + working_days // 200)

    # --- public operations ---------------------------------------------------

    def start_of_clock(self, start: datetime) -> datetime:
        """Where the clock really starts: ``start``, or the next window's start."""
        local, aware = _local(start)
        self._covering(local)
        index, rest = divmod(self._position(local), self._day)
        if rest:
            return _back(self._instant(index * self._day + rest), aware)
        day = date.fromordinal(self._ordinal(index))
        return _back(datetime.combine(day, time()) + timedelta(microseconds=self._starts[0]), aware)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two instants (negative if ``end`` is before ``start``)."""
        a, b = _local(start)[0], _local(end)[0]
        self._covering(a, b)
        return timedelta(microseconds=self._position(b) - self._position(a))

    def elapsed_excluding(
        self, start: datetime, end: datetime, pauses: Iterable[tuple[datetime, datetime]] = ()
    ) -> timedelta:
        """Working time between two instants, the ``pauses`` (supplement waits) left out.

        The processing time of QĐ 766 indicator 2.2: pauses are clipped to
        [start, end] and merged, so overlapping ones count once.
        """
        total = self.elapsed(start, end)
        a_end, b_end = _local(start)[0], _local(end)[0]
        for a, b in _merge(pauses):
            a, b = max(a, a_end), min(b, b_end)
            if b > a:
                total -= timedelta(microseconds=self._position(b) - self._position(a))
        return total

    def add(
        self,
        start: datetime,
        duration: Duration | str,
        *,
        pauses: Iterable[tuple[datetime, datetime]] = (),
        restart: bool = False,
    ) -> datetime:
        """The due instant of ``duration`` started at ``start``.

        ``pauses`` are the intervals the clock stood still (waiting for the
        citizen's supplement): the due instant moves by the working time they
        cover after ``start``. With ``restart`` the whole duration counts
        again from the end of the last pause instead.
        """
        try:
            minutes = duration.working_micros and duration.minutes  # type: ignore[union-attr]
        except AttributeError:  # the short form, "3d"
            minutes = None
        if minutes is None or pauses:
            if isinstance(duration, str):
                return self.add(start, Duration.parse(duration), pauses=pauses, restart=restart)
            if pauses or duration.kind not in _WORKING_KINDS:
                return self._add_general(start, duration, pauses, restart)
            minutes = duration.working_minutes()  # no whole number of minutes: working_minutes() says so
        # The common case, kept lean (it computes every due date of a sweep or a report): working days or
        # hours, no pauses. The arithmetic of _instant(_position(start) + amount), inlined, counted in whole
        # working minutes (small integers) with the start's seconds, if it has any, apart.
        aware = start.tzinfo is not None
        local = start.astimezone(VN_TZ).replace(tzinfo=None) if aware else start
        year = local.year
        if not (self._first_year <= year < self._last_year and minutes < self._year_minutes):
            self._cover(year, year + 1 + minutes // self._year_minutes)  # returns at once when they are covered
        # Position of the start on the axis: its day's start (or the next working day's), and its time.
        position = self._day_at[local.toordinal() - self._base]
        seconds = 0  # microseconds past the start's minute, when it lies inside a window
        if position >= 0:  # a working day
            minute = local.hour * 60 + local.minute
            position += self._elapsed_at[minute] + minutes
            if self._inside[minute]:
                seconds = local.second * 1_000_000 + local.microsecond
        else:
            position = ~position + minutes
        # Back to an instant; a window's end stays a window's end.
        day = self._day_minutes
        index = position // day
        rest = position - index * day
        if not seconds and rest == 0 and index > 0:
            index, rest = index - 1, day
        try:
            midnight = self._midnights[index]
        except IndexError:  # beyond the precomputed years
            self._ordinal(index)
            midnight = self._midnights[index]
        if not seconds:
            due = midnight + self._wall_of[rest]
            return due.replace(tzinfo=VN_TZ) if aware else due
        rest = rest * _MINUTE + seconds  # within the day: rest < day, and seconds < a minute
        for begin, length in self._table:
            if rest <= length:
                due = midnight + timedelta(microseconds=begin + rest)
                return due.replace(tzinfo=VN_TZ) if aware else due
            rest -= length
        raise AssertionError("position beyond the day's windows")  # pragma: no cover

    def _add_general(self, start: datetime, duration: Duration, pauses: Iterable[tuple[datetime, datetime]],
                     restart: bool) -> datetime:
        """``add`` with pauses, or of calendar days or a same-day duration."""
        local, aware = _local(start)
        intervals = [(max(a, local), b) for a, b in _merge(pauses) if b > local]
        if restart and intervals:
            return self.add(_back(intervals[-1][1], aware), duration)
        if duration.kind is DurationKind.CALENDAR_DAYS:
            return _back(self._add_calendar_days(local, duration, intervals), aware)
        minutes = duration.working_minutes()
        self._covering(local, *(b for _, b in intervals), working_days=minutes // 480 + 2)
        paused = sum(self._position(b) - self._position(a) for a, b in intervals)
        if duration.kind is DurationKind.SAME_DAY:
            due = self._position(self._same_day_due(local)) + paused
        else:
            due = self._position(local) + minutes * _MINUTE + paused
        return _back(self._instant(due), aware)

    def subtract(self, end: datetime, amount: timedelta) -> datetime:
        """The latest instant with ``amount`` of working time left before ``end``.

        The inverse of adding working hours: ``elapsed(subtract(end, a), end) == a``.
        A window's end stays a window's end (one working day before 07:30
        Thursday is 17:30 Tuesday, not 07:30 Wednesday).
        """
        local, aware = _local(end)
        microseconds = round(amount.total_seconds() * 1_000_000)
        years = microseconds // (200 * self._day) + 1 if self._day else 1
        self._cover(local.year - years, local.year + 1)
        position = self._position(local) - microseconds
        if position <= 0:
            raise ValueError("before the first day the calendar covers")
        return _back(self._instant(position), aware)

    def _same_day_due(self, local: datetime) -> datetime:
        """End of the working day the clock starts on, or of the next one after the cut-off."""
        clock = _local(self.start_of_clock(local))[0]
        day = clock.date()
        if clock.time() >= self.same_day_cutoff:
            day = self.next_working_day(day, include=False)
        return datetime.combine(day, self.windows[-1].end)

    def _add_calendar_days(
        self, local: datetime, duration: Duration, intervals: list[tuple[datetime, datetime]]
    ) -> datetime:
        """Calendar days from the clock's start, rolled forward to a working day."""
        clock = _local(self.start_of_clock(local))[0]
        paused = sum((b - a for a, b in intervals), timedelta())
        due = clock + timedelta(days=int(duration.value)) + paused
        if not self.is_working_day(due.date()):
            due = datetime.combine(self.next_working_day(due.date()), due.time())
        return due

    def counted_days(self, start: datetime, due: datetime) -> list[CountedDay]:
        """The working days between ``start`` and ``due``, with the minutes used on each."""
        a, b = _local(start)[0], _local(due)[0]
        self._covering(a, b)
        first, last = self._position(a), self._position(b)
        days = []
        index = first // self._day
        while index * self._day < last:
            used = min(last, (index + 1) * self._day) - max(first, index * self._day)
            if used > 0:
                days.append(CountedDay(date.fromordinal(self._ordinal(index)), used // _MINUTE))
            index += 1
        return days

    def step_deadlines(
        self, start: datetime, duration: Duration, shares: Sequence[Decimal]
    ) -> list[datetime]:
        """The planned deadline of each step, if each starts when the previous one's time ends.

        A step handed over late keeps its own share from its actual start
        (``add(step_start, share_duration(duration, share))``); a late step
        never moves the dossier's due instant, and no planned step deadline
        lies after it.
        """
        due = self.add(start, duration)
        deadlines, total = [], Decimal(0)
        for share in shares:
            total += share
            deadlines.append(min(self.add(start, share_duration(duration, total)), due))
        return deadlines


def share_duration(duration: Duration, share: Decimal) -> Duration:
    """A step's share as a duration of its own (same-day shares are working hours)."""
    if duration.kind is DurationKind.SAME_DAY:
        return Duration(DurationKind.WORKING_HOURS, Decimal(share))
    return Duration(duration.kind, Decimal(share))


# --- helpers -----------------------------------------------------------------


@lru_cache(maxsize=256)
def _national(year: int) -> dict[date, SpecialDay]:
    return {special.day: special for special in national_special_days(year)}


def _read_windows(windows) -> tuple[WorkingWindow, ...]:  # type: ignore[no-untyped-def]
    if isinstance(windows, str):
        return parse_windows(windows)
    items = list(windows)
    if items and isinstance(items[0], WorkingWindow):
        return tuple(sorted(items))
    return parse_windows(", ".join(f"{a}-{b}" for a, b in items))


def _with_reasons(days, default_reason: str):  # type: ignore[no-untyped-def]
    for item in days:
        if isinstance(item, tuple):
            yield item[0], item[1] or default_reason
        else:
            yield item, default_reason


def _local(instant: datetime) -> tuple[datetime, bool]:
    """Naive local time of ``instant`` and whether it was aware."""
    if instant.tzinfo is None:
        return instant, False
    return instant.astimezone(VN_TZ).replace(tzinfo=None), True


def _back(local: datetime, aware: bool) -> datetime:
    """``local`` in the same kind (aware or naive) as the caller's start."""
    return local.replace(tzinfo=VN_TZ) if aware else local


def _merge(pauses: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Pause intervals in local time, sorted, overlaps merged, empty ones dropped."""
    intervals = sorted((_local(a)[0], _local(b)[0]) for a, b in pauses)
    merged: list[tuple[datetime, datetime]] = []
    for a, b in intervals:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
