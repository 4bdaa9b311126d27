"""Processing a received dossier: every change of its status, step or holder goes through here.

``apply_action`` is the only writer of a dossier's status. It locks the
dossier's row, refuses a form made from an older version ("hồ sơ vừa được cập
nhật"), checks the transition table and the process, then changes the dossier
and writes, in the same transaction, one append-only event, the control-slip
row (Handover) and the numbered letter (DossierNotice) the action produces.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.domain.durations import SupplementPolicy
from app.domain.errors import DomainError
from app.domain.localtime import to_local
from app.domain.process import (
    CITIZEN,
    DESK,
    STATE_FIELDS,
    Holding,
    Person,
    Process,
    Step,
    may_act_on,
    may_hold,
    planned_deadlines,
)
from app.domain.timeliness import DEFAULT_DUE_SOON, Urgency, classify_finished, urgency_of
from app.domain.workflow import (
    INPUT,
    OPEN_STATUSES,
    ROLE,
    STATE,
    Action,
    DossierStatus,
    ResultDelivery,
    allowed_actions,
    check_reschedule,
    check_transition,
)
from app.domain.worktime import WorkCalendar, share_duration
from app.services import portal_sync
from app.services.access import can_see_unit
from app.services.calendar import unit_calendar
from app.services.errors import Conflict, Forbidden, NotFound, StateConflict, ValidationFailed
from app.services.rows import MAX_ID, find, insert_numbered, next_number
from app.services.validation import Errors, text_field
from models import Department, Dossier, DossierEvent, DossierNotice, Handover, Procedure, ProcedureStep, User

STALE = "Hồ sơ vừa được cập nhật, vui lòng tải lại trang để xem thay đổi rồi thao tác lại."
NOTICE_SUFFIX = {"02": "PYCBS", "04": "XL", "05": "TB-DGQ"}


@dataclass(frozen=True)
class ActionInput:
    """What a person asks to do to a dossier, from a form or the API."""

    action: Action
    version: int | None  # the dossier's version the form was made from; None skips the check (API reads-then-acts)
    reason: str = ""
    to_user_id: int | None = None  # hand over / assign: the person who takes the dossier
    missing: tuple[str, ...] = ()  # request supplement: one line per document
    new_due_at: datetime | None = None  # reschedule
    return_method: ResultDelivery | None = None  # return: at the desk, by post, electronically
    return_note: str = ""  # return: who collected it, the postal tracking number …
    requested_at: datetime | None = None  # stop: when the citizen asked
    fee_handling: str = ""  # stop: what happens to the fees paid
    # Lời nhắn cho công dân: shown on the public status page (redacted) for the actions in CITIZEN_MESSAGE_ACTIONS;
    # ``reason`` and every other note stay with the staff.
    citizen_message: str = ""


# Which inputs each action takes besides the version: the action's form and its API body.
ACTION_INPUTS: dict[Action, tuple[str, ...]] = {
    Action.HAND_OVER: ("to_user_id", "reason"),
    Action.ASSIGN: ("to_user_id", "reason"),
    Action.SEND_BACK: ("reason",),
    Action.REQUEST_SUPPLEMENT: ("missing", "reason", "citizen_message"),
    Action.RECEIVE_SUPPLEMENT: ("reason",),
    Action.REQUEST_PAYMENT: ("reason",),
    Action.CONFIRM_PAYMENT: ("reason",),
    Action.RESCHEDULE: ("new_due_at", "reason", "citizen_message"),
    Action.FINISH: ("reason",),
    Action.RETURN_RESULT: ("return_method", "return_note", "reason"),
    Action.REFUSE: ("reason", "citizen_message"),
    Action.WITHDRAW: ("reason", "citizen_message"),
    Action.STOP: ("requested_at", "fee_handling", "reason", "citizen_message"),
}

CITIZEN_MESSAGE_MAX = 1000
REASON_MAX = 2000
# The actions whose message the citizen's page shows: a request to supplement, a new date, a closing.
CITIZEN_MESSAGE_ACTIONS = frozenset({Action.REQUEST_SUPPLEMENT, Action.RESCHEDULE, Action.REFUSE, Action.WITHDRAW,
                                     Action.STOP})


def process_of(procedure: Procedure) -> Process:
    """The procedure's steps as the domain's Process."""
    return Process([
        Step(
            position=s.position,
            name=s.name,
            share=s.share,
            department_id=s.department_id,
            department_name=s.department.name if s.department else "",
            role=s.responsible_role,
        )
        for s in procedure.steps
    ])


def load_process(session: Session, procedure_id: int) -> Process:
    """The Process of a procedure in one query, without loading the procedure itself."""
    rows = session.execute(
        select(ProcedureStep.position, ProcedureStep.name, ProcedureStep.share, ProcedureStep.department_id,
               Department.name, ProcedureStep.responsible_role)
        .outerjoin(Department, Department.id == ProcedureStep.department_id)
        .where(ProcedureStep.procedure_id == procedure_id).order_by(ProcedureStep.position)
    ).all()
    return Process([
        Step(position=position, name=name, share=share, department_id=department_id,
             department_name=department or "", role=role)
        for position, name, share, department_id, department, role in rows
    ])


def person(user: User) -> Person:
    return Person(user.id, user.unit_id, user.department_id, user.roles, user.full_name)


def holding(dossier: Dossier) -> Holding:
    return Holding(dossier.step_position, dossier.holder_user_id)


def start_process(dossier: Dossier, procedure: Procedure, calendar: WorkCalendar, clerk: User, now: datetime) -> None:
    """Put a dossier just received into the first step, held by the clerk who received it."""
    process = process_of(procedure)
    first = process.step(1)
    dossier.step_position = 1
    dossier.holder_department_id = first.department_id
    dossier.holder_role = first.role
    dossier.holder_user_id = clerk.id if may_hold(person(clerk), clerk.unit_id, first) else None
    dossier.step_started_at = now
    dossier.step_due_at = _step_due(calendar, procedure, first, now, dossier.due_at)
    dossier.supplement_count = 0
    dossier.events = [DossierEvent(
        action="receive", from_status=None, status=DossierStatus.RECEIVED, at=now, actor_id=clerk.id,
        payload=snapshot(dossier, STATE_FIELDS),
    )]


def snapshot(dossier: Dossier, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """The dossier's values of ``fields`` as JSON-ready values (what an event's payload holds)."""
    return {name: _json(getattr(dossier, name)) for name in fields}


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


# --- what a person may do ----------------------------------------------------------------


def available_actions(session: Session, actor: User, dossier: Dossier) -> list[Action]:
    """The actions ``actor`` may take on ``dossier`` now: the buttons of the dossier page."""
    if actor.unit_id != dossier.unit_id:
        return []
    process = process_of(dossier.procedure)
    me = person(actor)
    here = may_act_on(me, dossier.unit_id, process, holding(dossier))
    result = []
    for action in allowed_actions(dossier.status, actor.roles):
        if action is Action.HAND_OVER:
            following = process.next_position(dossier.step_position)
            if following is None:
                continue
            if not (here or may_hold(me, dossier.unit_id, process.step(following))):
                continue
        elif action is Action.FINISH:
            if not (here and process.can_finish_at(dossier.step_position)):
                continue
        elif action is Action.SEND_BACK:
            if not (here and dossier.step_position > 1):
                continue
        elif action is Action.RESCHEDULE:
            if dossier.due_rescheduled_at is not None or not here:
                continue
        elif action in (Action.REQUEST_SUPPLEMENT, Action.REQUEST_PAYMENT) and not here:
            continue
        result.append(action)
    return result


def is_taking_over(actor: User, dossier: Dossier) -> bool:
    """Whether a handover by ``actor`` takes the dossier (scanned at the next desk) rather than gives it."""
    process = process_of(dossier.procedure)
    return not may_act_on(person(actor), dossier.unit_id, process, holding(dossier))


@dataclass(frozen=True)
class Progress:
    """Where a dossier stands, for its page: the step, who holds it, time left, the flags."""

    step_name: str
    holder: str  # department or office, and the person if named
    step_due_at: datetime
    step_left: timedelta | None  # working time to the step's deadline; None when closed or paused
    step_urgency: Urgency | None
    due_left: timedelta | None
    paused: bool
    in_process: bool  # open and not yet done: the steps are worth showing
    late_apology: bool  # less than one working day before the due instant: too late for Mẫu 04 by the rules
    flags: tuple[str, ...]


def progress(session: Session, dossier: Dossier, *, now: datetime) -> Progress:
    """The dossier's position in its process and what is worth flagging."""
    process = process_of(dossier.procedure)
    step = process.step(dossier.step_position)
    holder = step.holder_label + (f" — {dossier.holder_user.full_name}" if dossier.holder_user else "")
    open_ = dossier.status in OPEN_STATUSES or dossier.status is DossierStatus.DONE
    paused = dossier.status is DossierStatus.SUPPLEMENT_REQUESTED
    calendar = unit_calendar(session, dossier.unit) if open_ and not paused else None
    flags = []
    if dossier.supplement_count > 1:
        flags.append(f"Đã yêu cầu bổ sung {dossier.supplement_count} lần: hồ sơ được tính là quá hạn "
                     "trong chỉ số đánh giá (Quyết định 766).")
    if dossier.due_rescheduled_at is not None:
        flags.append("Đã xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04); chỉ số đánh giá vẫn tính theo ngày hẹn ban đầu.")
    step_left = calendar.elapsed(now, dossier.step_due_at) if calendar and dossier.status in OPEN_STATUSES else None
    due_left = calendar.elapsed(now, dossier.due_at) if calendar else None
    return Progress(
        step_name=step.name, holder=holder,
        step_due_at=dossier.step_due_at, step_left=step_left,
        step_urgency=urgency_of(step_left) if step_left is not None else None,
        due_left=due_left, paused=paused, in_process=dossier.status in OPEN_STATUSES,
        late_apology=due_left is not None and due_left < DEFAULT_DUE_SOON, flags=tuple(flags),
    )


def planned_steps(dossier: Dossier, calendar: WorkCalendar) -> list[tuple[Step, datetime]]:
    """The current step and those still to come, with their planned deadlines (see domain.process)."""
    return planned_deadlines(process_of(dossier.procedure), dossier.procedure.duration, calendar,
                             position=dossier.step_position, step_due_at=dossier.step_due_at, due_at=dossier.due_at)


def receivers(session: Session, dossier: Dossier, action: Action) -> list[User]:
    """The people who may take the dossier by ``action`` (hand over: the next step; assign: this step)."""
    process = process_of(dossier.procedure)
    position = dossier.step_position
    if action is Action.HAND_OVER:
        position = process.next_position(position) or position
    step = process.step(position)
    users = session.scalars(
        select(User)
        .where(User.unit_id == dossier.unit_id, User.is_active.is_(True))
        .options(selectinload(User.role_rows))
        .order_by(User.full_name)
    ).all()
    return [u for u in users if may_hold(person(u), dossier.unit_id, step)]


# --- the one writer ----------------------------------------------------------------------


def apply_action(session: Session, actor: User, dossier_id: int, data: ActionInput, *, now: datetime) -> Dossier:
    """Apply ``data.action`` to the dossier, or raise a 4xx error saying why not."""
    dossier = _locked(session, actor, dossier_id)
    if data.version is not None and data.version != dossier.version:
        raise Conflict(STALE)
    if actor.unit_id != dossier.unit_id:
        raise Forbidden("Chỉ cán bộ của đơn vị tiếp nhận hồ sơ được xử lý hồ sơ này.")
    errors = Errors()
    reason = text_field(errors, "reason", data.reason, REASON_MAX, required=False, multiline=True)
    message = text_field(errors, "citizen_message", data.citizen_message, CITIZEN_MESSAGE_MAX, required=False,
                         multiline=True)
    if message and data.action not in CITIZEN_MESSAGE_ACTIONS:
        errors.add("citizen_message", "Thao tác này không gửi lời nhắn cho công dân.")
    errors.raise_if_any()
    try:
        target = check_transition(
            dossier.status, data.action, actor.roles, reason=reason, has_holder=True
        )
    except DomainError as error:
        _refuse(error)
    context = _Context(session, actor, dossier, process_of(dossier.procedure), unit_calendar(session, dossier.unit),
                       now, reason)
    before = dossier.status
    handler = _HANDLERS[data.action]
    changed = handler(context, data)
    if "finished_at" in changed:
        dossier.work_minutes = work_minutes(session, context.calendar, dossier)
        changed.append("work_minutes")
    dossier.status = target
    payload = snapshot(dossier, changed)
    payload.update(context.extra)
    event = DossierEvent(
        dossier_id=dossier.id, action=data.action.value, from_status=before, status=target, at=now,
        actor_id=actor.id, reason=reason, citizen_message=message, payload=payload,
    )
    session.add(event)
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(STALE) from None
    portal_sync.enqueue(session, dossier, event, now=now)  # the platform hears of it, later
    return dossier


def work_minutes(session: Session, calendar: WorkCalendar, dossier: Dossier) -> int:
    """Working minutes from reception to finish, supplement waits left out (QĐ 766 indicator 2.2)."""
    assert dossier.finished_at is not None
    pauses = [(at, resolved or dossier.finished_at) for at, resolved in session.execute(
        select(DossierNotice.at, DossierNotice.resolved_at)
        .where(DossierNotice.dossier_id == dossier.id, DossierNotice.form == "02"))]
    elapsed = calendar.elapsed_excluding(dossier.received_at, dossier.finished_at, pauses)
    return max(0, int(elapsed.total_seconds() // 60))


def _locked(session: Session, actor: User, dossier_id: int) -> Dossier:
    """The dossier, row locked (PostgreSQL; SQLite has one writer at a time) and re-read; NotFound if not visible."""
    dossier = None
    if 0 < dossier_id <= MAX_ID:
        dossier = session.scalars(
            select(Dossier).where(Dossier.id == dossier_id).with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()
    if dossier is None or not can_see_unit(session, actor, dossier.unit_id):
        raise NotFound("Không tìm thấy hồ sơ.")
    return dossier


def _refuse(error: DomainError) -> None:
    """A domain refusal as the service error it is: the person's roles (403), the dossier's state (409), or
    the input (400)."""
    reason = getattr(error, "reason", INPUT)
    if reason == ROLE:
        raise Forbidden(error.message) from None
    if reason == STATE:
        raise StateConflict({error.field or "action": error.message}) from None
    raise ValidationFailed({error.field or "action": error.message}) from None


@dataclass
class _Context:
    session: Session
    actor: User
    dossier: Dossier
    process: Process
    calendar: WorkCalendar
    now: datetime
    reason: str

    def __post_init__(self) -> None:
        self.extra: dict[str, Any] = {}
        self.me = person(self.actor)

    def require_holder(self) -> None:
        if not may_act_on(self.me, self.dossier.unit_id, self.process, holding(self.dossier)):
            raise Forbidden("Hồ sơ đang do người khác xử lý; bạn chưa được giao hồ sơ này.")

    def step_due(self, step: Step, start: datetime) -> datetime:
        return _step_due(self.calendar, self.dossier.procedure, step, start, self.dossier.due_at)

    def handover(
        self, kind: Action, *, giver: str, giver_user: User | None, receiver: str, receiver_user: User | None,
        result: bool = True, note: str = "", deadline: datetime | None = None,
    ) -> Handover:
        dossier = self.dossier
        deadline = deadline or dossier.step_due_at
        seq = next_number(self.session, Handover.seq, Handover.dossier_id == dossier.id)  # the row is locked
        row = Handover(
            dossier_id=dossier.id, seq=seq, kind=kind.value, at=self.now, step_position=dossier.step_position,
            giver=giver, giver_user_id=giver_user.id if giver_user else None,
            giver_person=giver_user.full_name if giver_user else "",
            receiver=receiver, receiver_user_id=receiver_user.id if receiver_user else None,
            receiver_person=receiver_user.full_name if receiver_user else "",
            step_deadline=deadline, step_result=classify_finished(self.now, deadline) if result else None,
            note=note, actor_id=self.actor.id,
        )
        self.session.add(row)
        self.extra["handover_seq"] = seq
        return row

    def move_to(self, position: int, user: User | None) -> list[str]:
        step = self.process.step(position)
        dossier = self.dossier
        dossier.step_position = position
        dossier.holder_department_id = step.department_id
        dossier.holder_role = step.role
        dossier.holder_user_id = user.id if user else None
        dossier.step_started_at = self.now
        dossier.step_due_at = self.step_due(step, self.now)
        clear_step_flags(dossier)
        return ["step_position", "holder_department_id", "holder_role", "holder_user_id", "step_started_at",
                "step_due_at"]

    def notice(self, form: str, **values: Any) -> DossierNotice:
        dossier = self.dossier
        year = to_local(self.now).year

        def build() -> DossierNotice:
            number = next_number(self.session, DossierNotice.number, DossierNotice.unit_id == dossier.unit_id,
                                 DossierNotice.form == form, DossierNotice.year == year)
            return DossierNotice(
                unit_id=dossier.unit_id, dossier_id=dossier.id, form=form, number=number, year=year, at=self.now,
                by_id=self.actor.id, reason=self.reason, **values,
            )

        notice = insert_numbered(self.session, build, field="action")  # another letter took it: the next one
        self.extra["notice_id"] = notice.id
        return notice

    def user(self, user_id: int | None, step: Step, what: str) -> User | None:
        if user_id is None:
            return None
        user = find(self.session, User, user_id)
        if user is None or not user.is_active or not may_hold(person(user), self.dossier.unit_id, step):
            raise StateConflict({"to_user_id": f"Người được chọn không thể {what} ở bước “{step.name}”."})
        return user


def clear_step_flags(dossier: Dossier) -> None:
    """A new step (or a step deadline moved): the sweep's step flags no longer apply."""
    dossier.flag_step_due_soon_at = None
    dossier.flag_step_overdue_at = None


def _step_due(calendar: WorkCalendar, procedure: Procedure, step: Step, start: datetime, due_at: datetime) -> datetime:
    """A step's deadline: its share from its start, never after the dossier's due instant."""
    if step.share <= 0:
        return due_at
    return min(calendar.add(start, share_duration(procedure.duration, step.share)), due_at)


def _holder_user(context: _Context) -> User | None:
    return context.dossier.holder_user


def _hand_over(context: _Context, data: ActionInput) -> list[str]:
    dossier, process = context.dossier, context.process
    following = process.next_position(dossier.step_position)
    if following is None:
        raise StateConflict({"action": "Đây là bước cuối của quy trình: dùng “Hoàn thành xử lý” để chuyển kết quả "
                                          "về Bộ phận tiếp nhận và trả kết quả."})
    current, target = process.step(dossier.step_position), process.step(following)
    here = may_act_on(context.me, dossier.unit_id, process, holding(dossier))
    if here:
        giver_user = context.actor
        receiver_user = context.user(data.to_user_id, target, "nhận hồ sơ")
    elif may_hold(context.me, dossier.unit_id, target):
        if data.to_user_id not in (None, context.actor.id):
            raise Forbidden("Bạn chỉ có thể nhận hồ sơ về mình; người đang giữ hồ sơ mới chọn được người nhận khác.")
        giver_user, receiver_user = _holder_user(context), context.actor
    else:
        raise Forbidden("Hồ sơ đang do người khác xử lý và bạn không thuộc bước tiếp theo của quy trình.")
    context.handover(Action.HAND_OVER, giver=current.holder_label, giver_user=giver_user,
                     receiver=target.holder_label, receiver_user=receiver_user, note=context.reason)
    return context.move_to(following, receiver_user)


def _assign(context: _Context, data: ActionInput) -> list[str]:
    dossier, process = context.dossier, context.process
    if data.to_user_id is None:
        raise ValidationFailed({"to_user_id": "Vui lòng chọn người được phân công xử lý."})
    step = process.step(dossier.step_position)
    user = context.user(data.to_user_id, step, "xử lý")
    if user is not None and user.id == dossier.holder_user_id:
        raise StateConflict({"to_user_id": "Người này đang xử lý hồ sơ."})
    context.handover(Action.ASSIGN, giver=step.holder_label, giver_user=context.actor, receiver=step.holder_label,
                     receiver_user=user, result=False, note=context.reason or "Phân công xử lý")
    dossier.holder_user_id = user.id if user else None
    return ["holder_user_id"]


def _send_back(context: _Context, data: ActionInput) -> list[str]:
    context.require_holder()
    dossier, process = context.dossier, context.process
    if dossier.step_position <= 1:
        raise StateConflict({"action": "Hồ sơ đang ở bước đầu tiên, không có bước trước để trả lại."})
    previous = process.step(dossier.step_position - 1)
    # Back to the person who handed it over, if they may still hold that step.
    last = context.session.scalar(
        select(Handover).where(
            Handover.dossier_id == dossier.id, Handover.kind == Action.HAND_OVER.value,
            Handover.step_position == previous.position,
        ).order_by(Handover.seq.desc()).limit(1)
    )
    back_to = find(context.session, User, last.giver_user_id) if last and last.giver_user_id else None
    if back_to is not None and not may_hold(person(back_to), dossier.unit_id, previous):
        back_to = None
    current = process.step(dossier.step_position)
    context.handover(Action.SEND_BACK, giver=current.holder_label, giver_user=context.actor,
                     receiver=previous.holder_label, receiver_user=back_to, result=False,
                     note=f"Trả lại: {context.reason}")
    return context.move_to(previous.position, back_to)


def _request_supplement(context: _Context, data: ActionInput) -> list[str]:
    context.require_holder()
    dossier = context.dossier
    missing = [" ".join(m.split()) for m in data.missing if m.strip()]
    if not missing:
        raise ValidationFailed({"missing": "Vui lòng ghi các giấy tờ, nội dung cần bổ sung, hoàn thiện."})
    if any(len(m) > 500 for m in missing):
        raise ValidationFailed({"missing": "Mỗi dòng tối đa 500 ký tự."})
    context.notice("02", missing="\n".join(missing))
    dossier.paused_at = context.now
    dossier.supplement_count += 1
    context.extra["missing"] = missing
    return ["paused_at", "supplement_count"]


def _receive_supplement(context: _Context, data: ActionInput) -> list[str]:
    dossier, session, now = context.dossier, context.session, context.now
    notice = session.scalar(
        select(DossierNotice).where(
            DossierNotice.dossier_id == dossier.id, DossierNotice.form == "02", DossierNotice.resolved_at.is_(None)
        ).order_by(DossierNotice.id.desc()).limit(1)
    )
    if notice is not None:
        notice.resolved_at, notice.resolved_by_id = now, context.actor.id
    pauses = [
        (n.at, n.resolved_at) for n in session.scalars(
            select(DossierNotice).where(DossierNotice.dossier_id == dossier.id, DossierNotice.form == "02")
        ) if n.resolved_at is not None
    ]
    procedure = dossier.procedure
    restart = procedure.supplement_policy is SupplementPolicy.RESTART
    dossier.due_at = context.calendar.add(dossier.received_at, procedure.duration, pauses=pauses, restart=restart)
    step = context.process.step(dossier.step_position)
    if restart:
        dossier.step_due_at = context.step_due(step, now)
    elif step.share > 0:
        dossier.step_due_at = min(
            context.calendar.add(dossier.step_started_at, share_duration(procedure.duration, step.share),
                                 pauses=pauses),
            dossier.due_at,
        )
    else:
        dossier.step_due_at = dossier.due_at
    dossier.paused_at = None
    clear_step_flags(dossier)
    dossier.flag_due_soon_at = None  # the due instant moved: the sweep looks at it afresh
    return ["due_at", "step_due_at", "paused_at"]


def _request_payment(context: _Context, data: ActionInput) -> list[str]:
    context.require_holder()
    return []


def _confirm_payment(context: _Context, data: ActionInput) -> list[str]:
    return []


def _reschedule(context: _Context, data: ActionInput) -> list[str]:
    context.require_holder()
    dossier = context.dossier
    if data.new_due_at is None:
        raise ValidationFailed({"new_due_at": "Vui lòng chọn ngày hẹn trả kết quả mới."})
    try:
        check_reschedule(now=context.now, due_at=dossier.due_at, rescheduled_due_at=dossier.due_rescheduled_at,
                         new_due_at=data.new_due_at)
    except DomainError as error:
        _refuse(error)
    if not context.calendar.is_working_day(to_local(data.new_due_at).date()):
        raise StateConflict({"new_due_at": "Ngày hẹn mới phải là ngày làm việc."})
    context.notice("04", new_due_at=data.new_due_at)
    dossier.due_rescheduled_at = data.new_due_at
    return ["due_rescheduled_at"]


def _finish(context: _Context, data: ActionInput) -> list[str]:
    context.require_holder()
    dossier, process = context.dossier, context.process
    if not process.can_finish_at(dossier.step_position):
        following = process.step(process.next_position(dossier.step_position) or dossier.step_position)
        raise StateConflict({"action": f"Hồ sơ còn phải qua bước “{following.name}” trước khi hoàn thành."})
    current = process.step(dossier.step_position)
    context.handover(Action.FINISH, giver=current.holder_label, giver_user=context.actor,
                     receiver=DESK, receiver_user=None, note=context.reason or "Chuyển kết quả")
    dossier.finished_at = context.now
    changed = context.move_to(process.result_position, None)
    dossier.step_due_at = max(dossier.due_at, context.now)
    return [*changed, "finished_at"]


def _return_result(context: _Context, data: ActionInput) -> list[str]:
    dossier = context.dossier
    method = data.return_method or dossier.result_delivery
    errors = Errors()
    note = text_field(errors, "return_note", data.return_note, 500, required=False)
    errors.raise_if_any()
    if method is ResultDelivery.POST and not note:
        # Which way the result goes may come from the dossier (the citizen chose it at the desk).
        refusal = {"return_note": "Trả qua bưu chính: vui lòng ghi số hiệu bưu gửi."}
        raise ValidationFailed(refusal) if data.return_method else StateConflict(refusal)
    finished = dossier.finished_at or context.now
    row = context.handover(Action.RETURN_RESULT, giver=DESK, giver_user=context.actor, receiver=CITIZEN,
                           receiver_user=None, deadline=dossier.due_at, note=method.label)
    row.step_result = classify_finished(finished, dossier.due_at)
    dossier.returned_at, dossier.returned_by_id = context.now, context.actor.id
    dossier.return_method, dossier.return_note = method, note
    return ["returned_at", "returned_by_id", "return_method"]


def _refuse_dossier(context: _Context, data: ActionInput) -> list[str]:
    context.dossier.finished_at = context.now
    return ["finished_at"]


def _withdraw(context: _Context, data: ActionInput) -> list[str]:
    context.dossier.finished_at = context.now
    return ["finished_at"]


def _stop(context: _Context, data: ActionInput) -> list[str]:
    dossier = context.dossier
    requested = data.requested_at or context.now
    if not dossier.received_at <= requested <= context.now:
        raise StateConflict({"requested_at": "Thời điểm công dân đề nghị dừng phải sau khi tiếp nhận và không ở tương lai."})
    errors = Errors()
    fee = text_field(errors, "fee_handling", data.fee_handling, 500, required=False)
    errors.raise_if_any()
    context.notice("05", requested_at=requested, fee_handling=fee)
    dossier.finished_at = context.now
    return ["finished_at"]


_HANDLERS = {
    Action.HAND_OVER: _hand_over,
    Action.ASSIGN: _assign,
    Action.SEND_BACK: _send_back,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.RECEIVE_SUPPLEMENT: _receive_supplement,
    Action.REQUEST_PAYMENT: _request_payment,
    Action.CONFIRM_PAYMENT: _confirm_payment,
    Action.RESCHEDULE: _reschedule,
    Action.FINISH: _finish,
    Action.RETURN_RESULT: _return_result,
    Action.REFUSE: _refuse_dossier,
    Action.WITHDRAW: _withdraw,
    Action.STOP: _stop,
}


# --- finding a dossier from what a scanner typed ----------------------------------------

_TOKEN = re.compile(r"/tra-cuu/([A-Za-z0-9_-]{16,64})")


def find_by_scan(session: Session, actor: User, scanned: str) -> Dossier:
    """The dossier whose control-slip QR (the status URL) or code was scanned or typed.

    A USB scanner types the QR's content and Enter; people type the code
    printed beside it. Other units' dossiers are not found.
    """
    text = "".join(scanned.split())[:300]
    if not text:
        raise ValidationFailed({"ma": "Vui lòng quét mã QR trên phiếu hoặc nhập mã hồ sơ."})
    match = _TOKEN.search(text)
    column, value = (Dossier.token, match.group(1)) if match else (Dossier.code, text.upper())
    dossier = session.scalar(select(Dossier).where(column == value))
    if dossier is None or not can_see_unit(session, actor, dossier.unit_id):
        raise ValidationFailed({"ma": f"Không tìm thấy hồ sơ có mã “{text[:80]}”. Kiểm tra lại mã trên phiếu."})
    return dossier
