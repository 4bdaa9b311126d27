"""Whether work was, or is, in time (design.md "Time", domain.md §4 Classification).

- Finished: trước hạn (EARLY) if it finished on a day before the due day;
  đúng hạn (ON_TIME) if on the due day and not after the due instant;
  quá hạn (LATE) if after the due instant.
- Open at a cut-off: trong hạn (OPEN_IN_TIME) if the cut-off is not after the
  due instant, else quá hạn (OPEN_LATE).
- Due soon: open, in time, and less than a threshold of working time left
  (default one working day).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from app.domain.localtime import to_local

if TYPE_CHECKING:
    from app.domain.worktime import WorkCalendar

DEFAULT_DUE_SOON = timedelta(hours=8)  # one working day


class Timeliness(StrEnum):
    """Timeliness of a dossier or a step."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    OPEN_IN_TIME = "open_in_time"
    OPEN_LATE = "open_late"

    @property
    def label(self) -> str:
        """Vietnamese wording as on the control slip and in Biểu 06."""
        return {
            Timeliness.EARLY: "Trước hạn",
            Timeliness.ON_TIME: "Đúng hạn",
            Timeliness.LATE: "Quá hạn",
            Timeliness.OPEN_IN_TIME: "Trong hạn",
            Timeliness.OPEN_LATE: "Quá hạn",
        }[self]

    @property
    def counts_as_on_time(self) -> bool:
        """Whether the on-time rate counts it in its numerator."""
        return self in (Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.OPEN_IN_TIME)


def _day(instant: datetime):  # type: ignore[no-untyped-def]
    return (to_local(instant) if instant.tzinfo else instant).date()


def classify_finished(finished_at: datetime, due_at: datetime) -> Timeliness:
    """Trước hạn, đúng hạn or quá hạn for work finished at ``finished_at``."""
    if finished_at > due_at:
        return Timeliness.LATE
    if _day(finished_at) < _day(due_at):
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def classify_open(now: datetime, due_at: datetime) -> Timeliness:
    """Trong hạn or quá hạn for work still open at ``now``."""
    return Timeliness.OPEN_IN_TIME if now <= due_at else Timeliness.OPEN_LATE


def is_due_soon(
    calendar: WorkCalendar, now: datetime, due_at: datetime, *, threshold: timedelta = DEFAULT_DUE_SOON
) -> bool:
    """Whether open work is still in time but has less than ``threshold`` of working time left."""
    if now > due_at:
        return False
    return calendar.elapsed(now, due_at) < threshold


class Urgency(StrEnum):
    """How pressing open work is, for queues and colours."""

    OK = "ok"
    SOON = "soon"
    OVERDUE = "overdue"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        return {Urgency.OK: "Trong hạn", Urgency.SOON: "Sắp đến hạn", Urgency.OVERDUE: "Quá hạn",
                Urgency.PAUSED: "Tạm dừng chờ bổ sung"}[self]


def urgency_of(left: timedelta, *, paused: bool = False, threshold: timedelta = DEFAULT_DUE_SOON) -> Urgency:
    """Urgency of open work with ``left`` working time to its deadline (negative: overdue)."""
    if paused:
        return Urgency.PAUSED
    if left < timedelta(0):
        return Urgency.OVERDUE
    return Urgency.SOON if left < threshold else Urgency.OK
