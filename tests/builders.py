"""Builders for test data: keyword-only, defaults that form a valid object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from app.domain.catalogue import DocumentSpec, ProcedureLevel, StepSpec
from app.domain.durations import DurationKind
from app.domain.roles import Role  # noqa: F401  (re-exported for tests)
from app.services.catalogue import ProcedureInput, apply_procedure_input
from app.services.units import UnitInput, apply_unit_input
from app.services.users import UserInput, apply_user_input
from models import Department, Procedure, Unit, User

PASSWORD = "Mat-khau-2026"
_sequence = count(1)


def make_unit(session: Session, *, now: datetime, parent: Unit | None = None, **overrides) -> Unit:  # type: ignore[no-untyped-def]
    n = next(_sequence)
    data = dict(
        code=f"000.00.{n:02d}.H77",
        governing_body_name=f"ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM {n}",
        name="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        place_name=f"Thử Nghiệm {n}",
    )
    data.update(overrides)
    unit = Unit(parent_id=parent.id if parent else None, created_at=now)
    apply_unit_input(session, unit, UnitInput(**data), now=now)
    return unit


def make_department(session: Session, *, unit: Unit, name: str = "Tư pháp - Hộ tịch") -> Department:
    department = Department(unit_id=unit.id, name=name)
    session.add(department)
    session.flush()
    return department


def make_user(session: Session, *, unit: Unit, roles: set[Role], now: datetime, **overrides) -> User:  # type: ignore[no-untyped-def]
    n = next(_sequence)
    data = dict(
        username=f"user{n}",
        full_name=f"Người Dùng {n}",
        unit_id=unit.id,
        roles=frozenset(roles),
        password=PASSWORD,
    )
    data.update(overrides)
    user = User(created_at=now)
    apply_user_input(session, user, UserInput(**data), now=now)
    return user


def procedure_input(**overrides) -> ProcedureInput:  # type: ignore[no-untyped-def]
    data = dict(
        code="1.004873",
        name="Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        field_name="Hộ tịch",
        level=ProcedureLevel.COMMUNE,
        duration_kind=DurationKind.WORKING_DAYS,
        duration_value="3",
        effective_from=date(2025, 7, 1),
        documents=(DocumentSpec("Tờ khai theo mẫu", 1),),
        steps=(
            StepSpec("Tiếp nhận", Decimal("0.5"), role=Role.CLERK),
            StepSpec("Thẩm định", Decimal("2"), role=Role.OFFICER),
            StepSpec("Ký duyệt, trả kết quả", Decimal("0.5"), role=Role.LEADER),
        ),
    )
    data.update(overrides)
    return ProcedureInput(**data)


def make_procedure(session: Session, *, unit: Unit, now: datetime, **overrides) -> Procedure:  # type: ignore[no-untyped-def]
    procedure = Procedure(unit_id=unit.id, created_at=now)
    apply_procedure_input(session, procedure, procedure_input(**overrides), now=now)
    return procedure


@dataclass
class Commune:
    unit: Unit
    clerk: User
    officer: User
    leader: User
    admin: User
    procedure: Procedure


@dataclass
class World:
    province: Unit
    province_admin: User
    inspector: User
    a: Commune
    b: Commune


def make_world(session: Session, *, now: datetime) -> World:
    """A province with two communes, each with one user per role and a procedure."""
    province = make_unit(session, now=now, governing_body_name="ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM")
    communes = []
    for label in ("a", "b"):
        unit = make_unit(session, now=now, parent=province)
        users = {
            role: make_user(session, unit=unit, roles={role}, now=now, username=f"{label}.{role.value}")
            for role in (Role.CLERK, Role.OFFICER, Role.LEADER, Role.ADMIN)
        }
        communes.append(
            Commune(
                unit=unit,
                clerk=users[Role.CLERK],
                officer=users[Role.OFFICER],
                leader=users[Role.LEADER],
                admin=users[Role.ADMIN],
                procedure=make_procedure(session, unit=unit, now=now),
            )
        )
    return World(
        province=province,
        province_admin=make_user(session, unit=province, roles={Role.ADMIN}, now=now, username="tinh.admin"),
        inspector=make_user(session, unit=province, roles={Role.INSPECTOR}, now=now, username="tinh.inspector"),
        a=communes[0],
        b=communes[1],
    )
