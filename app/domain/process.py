"""A dossier's way through the procedure's internal process (quy trình nội bộ).

The process is a list of steps, each held by a department and/or a role
(domain.md §4 "Liên thông and step allocation"). By convention, as in the
province-approved processes, the first step is the desk's reception and a
final step held by the desk (role clerk) is the return of the result:

    1 desk: receive and hand over → 2 … n processing steps → (n + 1 desk: return)

- A handover moves the dossier to the next processing step; it can be made
  by the one who gives it or by the one who takes it (scanning the slip).
- "Finish" (the result is signed) is made at the last processing step and
  brings the result back to the desk, into the return step.
- "Send back" returns the dossier to the previous step.

Nothing here reads the clock or the database: the service passes the steps,
the people and the instants in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.durations import Duration
from app.domain.monitoring import FLAG_ACTIONS
from app.domain.roles import Role
from app.domain.workflow import Action, DossierStatus, TransitionNotAllowed, TRANSITIONS
from app.domain.worktime import WorkCalendar, share_duration

DESK = "Bộ phận tiếp nhận và trả kết quả"
CITIZEN = "Tổ chức, cá nhân"
ROLE_HOLDER = {
    Role.CLERK: DESK,
    Role.OFFICER: "Công chức chuyên môn",
    Role.LEADER: "Lãnh đạo phê duyệt",
}


@dataclass(frozen=True)
class Step:
    """One step of a procedure's process: who holds it and its share of the time."""

    position: int  # 1-based
    name: str
    share: Decimal
    department_id: int | None = None
    department_name: str = ""
    role: Role | None = None

    @property
    def holder_label(self) -> str:
        """The holder as written on the control slip: the department, or the role's office."""
        if self.department_name:
            return self.department_name
        return ROLE_HOLDER.get(self.role, DESK) if self.role else DESK

    @property
    def is_desk(self) -> bool:
        return self.department_id is None and self.role in (None, Role.CLERK)


@dataclass(frozen=True)
class Person:
    """What the process needs to know about a person: who, where, which roles."""

    id: int
    unit_id: int
    department_id: int | None
    roles: frozenset[Role]
    name: str = ""


DESK_STEP = Step(position=1, name="Tiếp nhận và trả kết quả", share=Decimal(1), role=Role.CLERK)


class Process:
    """The steps of one procedure, with the rules for moving between them."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = tuple(steps) or (DESK_STEP,)
        last = self.steps[-1]
        # The final desk step, if the process ends with one (and has more than it).
        self.return_position = last.position if len(self.steps) > 1 and last.is_desk else None

    def step(self, position: int) -> Step:
        """The step at ``position``; past the end, the desk holding the result."""
        if 1 <= position <= len(self.steps):
            return self.steps[position - 1]
        return Step(position=position, name="Trả kết quả", share=Decimal(0), role=Role.CLERK)

    @property
    def last_processing(self) -> int:
        """The position of the step whose end is the signed result."""
        return (self.return_position or len(self.steps) + 1) - 1

    @property
    def result_position(self) -> int:
        """Where the dossier waits at the desk once the result is signed."""
        return self.return_position or len(self.steps) + 1

    def next_position(self, position: int) -> int | None:
        """The step a handover leads to, or None if the next move is "finish"."""
        if position >= self.last_processing:
            return None
        return position + 1

    def can_finish_at(self, position: int) -> bool:
        return position == self.last_processing or (self.last_processing < 1 and position == 1)

    def shares(self) -> list[Decimal]:
        return [s.share for s in self.steps]


def planned_deadlines(
    process: Process, duration: Duration, calendar: WorkCalendar, *, position: int, step_due_at: datetime,
    due_at: datetime,
) -> list[tuple[Step, datetime]]:
    """The current step and those still to come, each with its planned deadline.

    The current step keeps its own deadline; each following one adds its share
    of the procedure's duration, never beyond the dossier's due instant.
    """
    planned, deadline = [], step_due_at
    while True:
        planned.append((process.step(position), deadline))
        following = process.next_position(position)
        if following is None:
            return planned
        deadline = min(calendar.add(deadline, share_duration(duration, process.step(following).share)), due_at)
        position = following


def may_hold(person: Person, unit_id: int, step: Step) -> bool:
    """Whether ``person`` may work on ``step`` of a dossier of ``unit_id``."""
    if person.unit_id != unit_id:
        return False
    if step.department_id is not None and person.department_id != step.department_id:
        return False
    if step.role is not None:
        return step.role in person.roles
    return bool(person.roles & {Role.OFFICER, Role.LEADER})


@dataclass(frozen=True)
class Holding:
    """Who holds a dossier now: a step, and optionally one person."""

    position: int
    user_id: int | None


def may_act_on(person: Person, unit_id: int, process: Process, holding: Holding) -> bool:
    """Whether ``person`` may act as the holder of the dossier's current step.

    The named holder may; if nobody is named, anyone who may hold the step;
    at the desk, any clerk (the desk works as one team, across shifts); a
    leader of the unit may always act (they supervise every step).
    """
    if person.unit_id != unit_id:
        return False
    if Role.LEADER in person.roles:
        return True
    step = process.step(holding.position)
    if step.is_desk and Role.CLERK in person.roles:
        return True
    if holding.user_id is not None:
        return holding.user_id == person.id
    return may_hold(person, unit_id, step)


# --- the state rebuilt from the events -------------------------------------------

STATE_FIELDS = (
    "step_position", "holder_department_id", "holder_role", "holder_user_id", "step_started_at",
    "step_due_at", "due_at", "due_rescheduled_at", "paused_at", "supplement_count", "finished_at", "work_minutes",
    "returned_at", "returned_by_id", "return_method",
)


# Events the system writes without changing the dossier (the sweep's flags).
SYSTEM_ACTIONS = frozenset(FLAG_ACTIONS.values())


@dataclass
class RebuiltState:
    """What the events say a dossier's state is."""

    status: DossierStatus = DossierStatus.RECEIVED
    values: dict[str, Any] = field(default_factory=dict)


def rebuild(events: Iterable[tuple[str, DossierStatus, Mapping[str, Any]]]) -> RebuiltState:
    """Fold a dossier's events (action, resulting status, payload) into its state.

    Each event's payload holds the values its action set; the status follows
    the transition table, and must agree with the status the event recorded:
    an impossible order or a disagreeing status is a corrupted log.
    """
    state = RebuiltState()
    for index, (action, status, payload) in enumerate(events):
        if index > 0 and action in SYSTEM_ACTIONS:
            # The sweep's flags (app.domain.monitoring): the status stays, no state field moves.
            if status is not state.status:
                raise TransitionNotAllowed("Nhật ký hồ sơ không hợp lệ: trạng thái ghi nhận không khớp.")
            continue
        if index == 0:
            if action != "receive":
                raise TransitionNotAllowed("Nhật ký hồ sơ không hợp lệ: sự kiện đầu tiên phải là tiếp nhận.")
        else:
            transition = TRANSITIONS[Action(action)]
            if state.status not in transition.sources:
                raise TransitionNotAllowed(
                    f"Nhật ký hồ sơ không hợp lệ: “{Action(action).label}” sau “{state.status.label}”."
                )
            expected = transition.target or state.status
            if status is not expected:
                raise TransitionNotAllowed("Nhật ký hồ sơ không hợp lệ: trạng thái ghi nhận không khớp.")
        state.status = status
        unknown = set(payload) - set(STATE_FIELDS) - {"note", "notice_id", "handover_seq", "missing"}
        if unknown:
            raise TransitionNotAllowed(f"Nhật ký hồ sơ không hợp lệ: trường lạ {sorted(unknown)}.")
        state.values.update({k: v for k, v in payload.items() if k in STATE_FIELDS})
    return state
