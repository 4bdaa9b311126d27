"""Nonconformities and corrective actions (ISO 10.2): the register, manual records, the leader's workflow.

The sweep opens the automatic records (``app.services.sweep``); people open
the others (a complaint, a wrong or lost result, an audit finding) and move
every record through ``app.domain.nonconformity``. Each move checks the
record's version: two leaders editing the same record never overwrite each
other silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import DomainError
from app.domain.localtime import to_local
from app.domain.nonconformity import (
    MANUAL_SOURCES,
    TEXT_MAX,
    Analysis,
    Record,
    Source,
    Status,
    Step,
    check_analysis,
    check_closure,
    check_step,
    describe,
    steps_for,
)
from app.domain.roles import Role
from app.services.access import can_see_unit, visible_unit_ids
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.rows import MAX_ID, find, insert_numbered, next_number
from app.services.validation import Errors, text_field
from models import Dossier, Nonconformity, User

STALE = "Hồ sơ không phù hợp vừa được người khác cập nhật; vui lòng tải lại trang rồi thao tác lại."
PER_PAGE = 30


def record_of(row: Nonconformity) -> Record:
    return Record(row.status, row.source, row.cause, row.owner_id)


def what_happened(row: Nonconformity) -> str:
    """The record's "what happened", worded from its facts for automatic ones."""
    if not row.source.automatic:
        return row.description
    facts = {
        "code": row.dossier.code if row.dossier else "",
        "due": f"{to_local(row.due_at):%H:%M %d/%m/%Y}" if row.due_at else "",
        "step": row.step_name, "holder": row.holder_name, "description": row.description,
    }
    return describe(row.source, facts)


def reference(row: Nonconformity) -> str:
    """“Số 12/2026/KPH”."""
    return f"{row.number:02d}/{row.year}/KPH"


@dataclass(frozen=True)
class NonconformityFilter:
    status: Status | None = None
    source: Source | None = None
    unit_id: int | None = None
    page: int = 1


def list_records(session: Session, actor: User, filters: NonconformityFilter = NonconformityFilter()
                 ) -> tuple[list[Nonconformity], int]:
    """Records of the units ``actor`` sees, open ones first, newest first."""
    visible = visible_unit_ids(session, actor)  # None: every unit (an inspector)
    where = []
    if visible is not None:
        where.append(Nonconformity.unit_id.in_(visible))
    if filters.unit_id is not None:
        where.append(Nonconformity.unit_id == filters.unit_id)
    if filters.status is not None:
        where.append(Nonconformity.status == filters.status)
    if filters.source is not None:
        where.append(Nonconformity.source == filters.source)
    total = session.scalar(select(func.count()).select_from(Nonconformity).where(*where)) or 0
    page = min(max(filters.page, 1), 10_000)
    rows = session.scalars(
        select(Nonconformity).where(*where)
        .options(joinedload(Nonconformity.dossier), joinedload(Nonconformity.owner), joinedload(Nonconformity.unit))
        .order_by((Nonconformity.status == Status.CLOSED).asc(), Nonconformity.opened_at.desc(), Nonconformity.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return list(rows), total


def get_record(session: Session, actor: User, record_id: int) -> Nonconformity:
    row = find(session, Nonconformity, record_id)
    if row is None or not can_see_unit(session, actor, row.unit_id):
        raise NotFound("Không tìm thấy hồ sơ không phù hợp.")
    return row


def open_record(
    session: Session, actor: User, *, source: Source, description: str, dossier_code: str = "", now: datetime,
) -> Nonconformity:
    """A record opened by hand (a complaint, a wrong or lost result, an audit finding)."""
    if not actor.has_role(Role.LEADER, Role.CLERK, Role.OFFICER):
        raise Forbidden("Bạn không có quyền mở hồ sơ không phù hợp.")
    errors = Errors()
    if source not in MANUAL_SOURCES:
        errors.add("source", "Hồ sơ không phù hợp loại này do hệ thống tự mở.")
    text = text_field(errors, "description", description, TEXT_MAX, multiline=True)
    if text is not None and len(text) < 10:
        errors.add("description", "Vui lòng mô tả rõ sự không phù hợp (ít nhất 10 ký tự).")
    dossier = None
    code = "".join(dossier_code.split()).upper()[:64]
    if code:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code, Dossier.unit_id == actor.unit_id))
        if dossier is None:
            errors.add("dossier_code", f"Không tìm thấy hồ sơ “{code}” của đơn vị.")
    errors.raise_if_any()
    year = to_local(now).year

    def build() -> Nonconformity:
        number = next_number(session, Nonconformity.number, Nonconformity.unit_id == actor.unit_id,
                             Nonconformity.year == year)
        return Nonconformity(
            unit_id=actor.unit_id, year=year, number=number, source=source, dossier_id=dossier.id if dossier else None,
            opened_at=now, opened_by_id=actor.id, description=text or "", due_at=dossier.due_at if dossier else None,
            step_position=dossier.step_position if dossier else None, status=Status.OPEN,
        )

    return insert_numbered(session, build, field="description")


@dataclass(frozen=True)
class MoveInput:
    step: Step
    version: int | None
    cause: str = ""
    correction: str = ""
    corrective_action: str = ""
    owner_id: int | None = None
    action_due_on: date | None = None
    report: str = ""
    effectiveness: str = ""


def available_steps(actor: User, row: Nonconformity) -> list[Step]:
    if actor.unit_id != row.unit_id:
        return []
    return steps_for(record_of(row), actor.id, actor.roles)


def move(session: Session, actor: User, record_id: int, data: MoveInput, *, now: datetime) -> Nonconformity:
    """Apply one step of the workflow, or raise a 4xx error saying why not."""
    row = session.scalars(
        select(Nonconformity).where(Nonconformity.id == record_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none() if 0 < record_id <= MAX_ID else None
    if row is None or not can_see_unit(session, actor, row.unit_id):
        raise NotFound("Không tìm thấy hồ sơ không phù hợp.")
    if data.version is not None and data.version != row.version:
        raise Conflict(STALE)
    if actor.unit_id != row.unit_id:
        raise Forbidden("Chỉ cán bộ của đơn vị được xử lý hồ sơ không phù hợp này.")
    try:
        target = check_step(record_of(row), data.step, actor.id, actor.roles)
    except DomainError as error:
        raise ValidationFailed({"step": error.message}) from None
    errors = Errors()
    if data.step is Step.ANALYSE:
        values = {name: text_field(errors, name, getattr(data, name), TEXT_MAX, required=False, multiline=True) or ""
                  for name in ("cause", "correction", "corrective_action")}
        owner = find(session, User, data.owner_id)
        if data.owner_id is not None and (owner is None or owner.unit_id != row.unit_id or not owner.is_active):
            errors.add("owner_id", "Người được giao phải là cán bộ đang làm việc của đơn vị.")
        errors.raise_if_any()
        problems = check_analysis(Analysis(owner_id=data.owner_id, action_due_on=data.action_due_on, **values),
                                  opened_on=to_local(row.opened_at).date())
        if problems:
            raise ValidationFailed(problems)
        row.cause, row.correction, row.corrective_action = values["cause"], values["correction"], values["corrective_action"]
        row.owner_id, row.action_due_on = data.owner_id, data.action_due_on
        row.analysed_at, row.analysed_by_id = now, actor.id
    elif data.step is Step.COMPLETE:
        report = text_field(errors, "report", data.report, TEXT_MAX, multiline=True)
        errors.raise_if_any()
        row.action_report, row.action_done_at = report or "", now
    elif data.step is Step.CLOSE:
        problems = check_closure(record_of(row), data.effectiveness)
        if problems:
            raise ValidationFailed(problems)
        row.effectiveness = text_field(errors, "effectiveness", data.effectiveness, TEXT_MAX, multiline=True)
        errors.raise_if_any()
        row.closed_at, row.closed_by_id = now, actor.id
    elif data.step is Step.REOPEN:
        text = text_field(errors, "effectiveness", data.effectiveness, TEXT_MAX, multiline=True)
        errors.raise_if_any()
        row.effectiveness = f"Chưa hiệu quả ({to_local(now):%d/%m/%Y}): {text}"
        row.action_done_at = None
    row.status = target
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(STALE) from None
    return row


def counts_by_status(session: Session, unit_ids: list[int]) -> dict[Status, int]:
    rows = session.execute(
        select(Nonconformity.status, func.count()).where(Nonconformity.unit_id.in_(unit_ids))
        .group_by(Nonconformity.status)
    ).all()
    result = {status: 0 for status in Status}
    result.update({status: count for status, count in rows})
    return result


def possible_owners(session: Session, unit_id: int) -> list[User]:
    """Who may own a corrective action: the unit's active staff."""
    return list(session.scalars(
        select(User).where(User.unit_id == unit_id, User.is_active.is_(True)).order_by(User.full_name)
    ))
