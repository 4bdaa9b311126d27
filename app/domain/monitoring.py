"""What the overdue sweep looks for (domain.md §4 "Expected delay", "Classification"; §6 clause 8.7).

The sweep is level-triggered: at each run it looks for every dossier and step
in a state worth flagging that is not flagged yet, so a missed run is caught up
by the next one and a re-run finds nothing new.

- Due soon: open, the clock running (not waiting for the citizen's
  supplement), in time, and less than the procedure's threshold of working
  time left (``due_soon_threshold``): a third of its legal duration, at most
  ``DUE_SOON`` (two working days: the holder then still has one working day to
  decide that the dossier will be late, and the apology with a new date,
  Mẫu 04, must be sent at least one working day before the due instant), and
  one hour for a same-day procedure. So a same-day or half-day dossier is not
  "due soon" the moment it is received.
- Overdue: the due instant passed while the clock ran (open and not paused,
  paused after the due instant, or finished after it: a dossier finished late
  while nobody swept is still caught).
- A step is due soon with less than ``STEP_DUE_SOON`` left (steps are often
  half a day long), overdue once its deadline passed. A step due soon is shown
  in the queues and lists but sends no message: it would be most steps.
- A second supplement request opens a nonconformity of its own: the national
  indicator counts such a dossier late (Quyết định 766, 2.1).
- The holder hears of their dossiers at the run that flags them; a unit's
  leaders get a digest of where the unit stands (overdue, due soon) at fixed
  times of the working day (``LEADER_DIGEST_TIMES``), not at every run.

Working-time thresholds become instants once per unit and run ("due soon" is
``due_at < limit``), so the database compares columns with constants and never
needs the calendar: that is what makes the sweep set-based.

Plain Python: no clock, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from app.domain.durations import Duration, DurationKind
from app.domain.worktime import WorkCalendar

DUE_SOON = timedelta(hours=16)  # two working days
STEP_DUE_SOON = timedelta(hours=2)  # a quarter of a working day (a desk step is often half a day)
APOLOGY_LEAD = timedelta(hours=8)  # Mẫu 04 leaves at least one working day before the due instant
DUE_SOON_SHARE = 3  # due soon with less than a third of the legal duration left …
SAME_DAY_DUE_SOON = timedelta(hours=1)  # … or, for a same-day procedure, less than an hour
LEADER_DIGEST_TIMES = (time(8, 0), time(14, 0))  # local: the start of the morning and of the afternoon
LEADER_DIGEST_WINDOW = timedelta(hours=2)  # a slot missed by longer (the scheduler was down) is skipped


def due_soon_threshold(duration: Duration) -> timedelta:
    """The working time left below which a dossier of a procedure of ``duration`` is due soon (a third of
    the duration, down to a quarter hour, between 30 minutes and DUE_SOON).

    >>> due_soon_threshold(Duration.of("working_days", 15)), due_soon_threshold(Duration.of("working_days", 3))
    (datetime.timedelta(seconds=57600), datetime.timedelta(seconds=28800))
    >>> due_soon_threshold(Duration.of("working_hours", 4)), due_soon_threshold(Duration.of("same_day", None))
    (datetime.timedelta(seconds=4500), datetime.timedelta(seconds=3600))
    """
    if duration.kind is DurationKind.SAME_DAY:
        return SAME_DAY_DUE_SOON
    per_unit = 60 if duration.kind is DurationKind.WORKING_HOURS else 8 * 60  # a calendar day as a working day
    minutes = int(Decimal(duration.value) * per_unit / DUE_SOON_SHARE) // 15 * 15  # quarter hours: whole minutes
    return max(timedelta(minutes=30), min(DUE_SOON, timedelta(minutes=minutes)))


def leader_digest_slot(local_now: datetime, working_day: bool) -> datetime | None:
    """The digest slot (a local instant of LEADER_DIGEST_TIMES) the leaders are due at ``local_now``, if any:
    the latest slot of the day already reached, on a working day, less than LEADER_DIGEST_WINDOW ago."""
    if not working_day:
        return None
    day: date = local_now.date()
    reached = [datetime.combine(day, t, local_now.tzinfo) for t in LEADER_DIGEST_TIMES
               if datetime.combine(day, t, local_now.tzinfo) <= local_now]
    if not reached or local_now - reached[-1] >= LEADER_DIGEST_WINDOW:
        return None
    return reached[-1]


class Flag(StrEnum):
    """What the sweep marks; each is one event on the dossier, written once."""

    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    STEP_DUE_SOON = "step_due_soon"
    STEP_OVERDUE = "step_overdue"
    SECOND_SUPPLEMENT = "second_supplement"

    @property
    def label(self) -> str:
        return _FLAG_LABELS[self]

    @property
    def notifies(self) -> bool:
        """Whether the holder and the leaders get a message when it is set."""
        return self is not Flag.STEP_DUE_SOON

    @property
    def column(self) -> str:
        """The dossier's column holding when the flag was set."""
        return f"flag_{self.value}_at"


_FLAG_LABELS = {
    Flag.DUE_SOON: "Hồ sơ sắp đến hạn",
    Flag.OVERDUE: "Hồ sơ quá hạn",
    Flag.STEP_DUE_SOON: "Bước xử lý sắp đến hạn",
    Flag.STEP_OVERDUE: "Bước xử lý quá hạn",
    Flag.SECOND_SUPPLEMENT: "Yêu cầu bổ sung lần thứ hai",
}

# The event each flag writes (dossier_event.action) and its words in the dossier's history.
FLAG_ACTIONS = {flag: f"flag_{flag.value}" for flag in Flag}
FLAG_ACTION_LABELS = {action: f"Hệ thống ghi nhận: {flag.label.lower()}" for flag, action in FLAG_ACTIONS.items()}


@dataclass(frozen=True)
class Limits:
    """A unit's thresholds at one instant, as instants the database compares with."""

    now: datetime
    due_soon_before: datetime  # a dossier due before this instant has less than DUE_SOON left
    step_due_soon_before: datetime


def limits(calendar: WorkCalendar, now: datetime, *, due_soon: timedelta = DUE_SOON,
           step_due_soon: timedelta = STEP_DUE_SOON) -> Limits:
    """The instants that make ``due_at < limit`` mean "less than the threshold of working time left".

    ``calendar.elapsed(now, due) < threshold`` if and only if ``due`` is before
    the instant the threshold's working time ends, counted from ``now``.
    """
    return Limits(
        now=now,
        due_soon_before=calendar.add(now, _hours(due_soon)),
        step_due_soon_before=calendar.add(now, _hours(step_due_soon)),
    )


def _hours(threshold: timedelta) -> Duration:
    minutes = int(threshold.total_seconds() // 60)
    if minutes <= 0 or minutes * 60 != threshold.total_seconds():
        raise ValueError("a threshold is a positive whole number of minutes")
    return Duration.of(DurationKind.WORKING_HOURS, Decimal(minutes) / 60)


def apology_send_by(calendar: WorkCalendar, due_at: datetime) -> datetime:
    """The latest instant Mẫu 04 may leave: one working day before the due instant."""
    return calendar.subtract(due_at, APOLOGY_LEAD)
