"""Units and their departments: settings an admin keeps up to date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.codes import normalize_unit_code
from app.domain.paper import PaperSize
from app.domain.working_hours import (
    WORKING_DAY_MINUTES,
    format_windows,
    parse_clock_time,
    parse_windows,
)
from app.services import audit, status_pages
from app.services.access import (
    can_see_unit,
    get_manageable_unit,
    manageable_unit_ids,
    visible_unit_ids,
)
from app.services.errors import NotFound, ValidationFailed, check_version
from app.services.registers import prefill as prefill_registers
from app.services.validation import Errors, text_field
from app.services.rows import find
from models import Department, Unit, User


@dataclass(frozen=True)
class UnitInput:
    """What an admin types about a unit (strings as typed, checked here)."""

    code: str
    governing_body_name: str
    name: str
    place_name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    working_windows: str = "07:30-11:30, 13:30-17:30"
    same_day_cutoff: str = "15:00"
    receipt_paper: PaperSize = PaperSize.A5
    control_slip_paper: PaperSize = PaperSize.A4
    is_active: bool = True


def list_units(session: Session, actor: User) -> list[Unit]:
    """Units ``actor`` may see, parents before children, by name."""
    query = select(Unit).order_by(Unit.parent_id.is_not(None), Unit.name)
    visible = visible_unit_ids(session, actor)
    if visible is not None:
        query = query.where(Unit.id.in_(visible))
    return list(session.scalars(query))


def can_manage(session: Session, actor: User, unit_id: int) -> bool:
    """Whether ``actor`` may change unit ``unit_id``."""
    return unit_id in manageable_unit_ids(session, actor)


def create_unit(
    session: Session, actor: User, *, parent_id: int, data: UnitInput, now: datetime
) -> Unit:
    """Create a unit below ``parent_id`` (a unit ``actor`` manages)."""
    get_manageable_unit(session, actor, parent_id)
    unit = Unit(parent_id=parent_id, created_at=now)
    apply_unit_input(session, unit, data, now=now)
    audit.record_change(session, actor, "unit.create", unit, None, audit.snapshot(unit), unit_id=unit.id, now=now)
    prefill_registers(session, unit.id)  # ISO 7.5: a new unit starts with the standard entries
    return unit


def update_unit(
    session: Session,
    actor: User,
    unit_id: int,
    *,
    data: UnitInput,
    expected_version: int | None,
    now: datetime,
) -> Unit:
    """Change a unit's settings; Conflict if it changed since the form opened."""
    unit = get_manageable_unit(session, actor, unit_id)
    check_version(unit.version, expected_version)
    if unit.id == actor.unit_id and not data.is_active:
        raise ValidationFailed({"is_active": "Không thể ngừng hoạt động đơn vị của chính bạn."})
    before = audit.snapshot(unit)
    apply_unit_input(session, unit, data, now=now)
    audit.record_change(session, actor, "unit.update", unit, before, audit.snapshot(unit), unit_id=unit.id, now=now)
    status_pages.forget_unit(session, unit.id)  # its name, address, hours on the citizens' pages
    return unit


def apply_unit_input(session: Session, unit: Unit, data: UnitInput, *, now: datetime) -> None:
    """Validate ``data`` and copy it onto ``unit`` (added to the session if new)."""
    errors = Errors()
    code = errors.check("code", normalize_unit_code, data.code)
    unit_fields = {
        "governing_body_name": text_field(errors, "governing_body_name", data.governing_body_name, 255),
        "name": text_field(errors, "name", data.name, 255),
        "place_name": text_field(errors, "place_name", data.place_name, 100),
        "address": text_field(errors, "address", data.address, 500, required=False),
        "phone": text_field(errors, "phone", data.phone, 40, required=False),
        "email": text_field(errors, "email", data.email, 255, required=False),
    }
    windows = errors.check("working_windows", parse_windows, data.working_windows)
    if windows is not None and sum(w.minutes for w in windows) != WORKING_DAY_MINUTES:
        total = sum(w.minutes for w in windows)
        errors.add(
            "working_windows",
            f"Tổng các khung giờ là {total // 60} giờ {total % 60:02d} phút; một ngày làm việc "
            "phải đủ 8 giờ (1 ngày làm việc = 8 giờ làm việc).",
        )
    cutoff = errors.check("same_day_cutoff", parse_clock_time, data.same_day_cutoff)
    if code is not None:
        clash = session.scalar(select(Unit).where(Unit.code == code, Unit.id != unit.id))
        if clash is not None:
            errors.add("code", f"Mã định danh {code} đã được dùng cho đơn vị “{clash.name}”.")
    errors.raise_if_any()

    unit.code = code
    for name, value in unit_fields.items():
        setattr(unit, name, value)
    unit.working_windows = format_windows(windows)
    unit.same_day_cutoff = cutoff
    unit.receipt_paper = PaperSize(data.receipt_paper)
    unit.control_slip_paper = PaperSize(data.control_slip_paper)
    unit.is_active = data.is_active
    unit.updated_at = now
    if unit.id is None:
        session.add(unit)
    session.flush()


def add_department(session: Session, actor: User, unit_id: int, *, name: str, now: datetime) -> Department:
    """Add a department to a unit ``actor`` manages."""
    unit = get_manageable_unit(session, actor, unit_id)
    department = Department(unit_id=unit.id)
    _apply_department_name(session, department, unit.id, name)
    session.add(department)
    session.flush()
    audit.record_change(session, actor, "department.create", department, None, audit.snapshot(department),
                        unit_id=unit.id, now=now)
    return department


def update_department(
    session: Session, actor: User, department_id: int, *, name: str, is_active: bool, now: datetime
) -> Department:
    """Rename or (de)activate a department of a unit ``actor`` manages."""
    department = find(session, Department, department_id)
    if department is None:
        raise NotFound("Không tìm thấy bộ phận.")
    get_manageable_unit(session, actor, department.unit_id)
    before = audit.snapshot(department)
    _apply_department_name(session, department, department.unit_id, name)
    department.is_active = is_active
    session.flush()
    audit.record_change(session, actor, "department.update", department, before, audit.snapshot(department),
                        unit_id=department.unit_id, now=now)
    return department


def _apply_department_name(session: Session, department: Department, unit_id: int, name: str) -> None:
    errors = Errors()
    clean = text_field(errors, "name", name, 255)
    if clean:
        clash = session.scalar(
            select(Department).where(
                Department.unit_id == unit_id,
                func.lower(Department.name) == clean.lower(),
                Department.id != department.id,
            )
        )
        if clash is not None:
            errors.add("name", f"Đơn vị đã có bộ phận “{clash.name}”.")
    errors.raise_if_any()
    department.name = clean


def list_departments(session: Session, unit_id: int, *, active_only: bool = False) -> list[Department]:
    """Departments of a unit, by name (access checked by the caller)."""
    query = select(Department).where(Department.unit_id == unit_id).order_by(Department.name)
    if active_only:
        query = query.where(Department.is_active.is_(True))
    return list(session.scalars(query))


def get_department(session: Session, actor: User, department_id: int) -> Department:
    """A department of a unit ``actor`` may see; NotFound otherwise."""
    department = find(session, Department, department_id)
    if department is None or not can_see_unit(session, actor, department.unit_id):
        raise NotFound("Không tìm thấy bộ phận.")
    return department
