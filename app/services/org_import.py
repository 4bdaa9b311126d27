"""A province's units and staff imported (flask units import, flask users import), dry run first (issue 21).

Units: sheet "Đơn vị" (electronic agency codes per QĐ 20/2020/QĐ-TTg, the
parent's code, "Thay cho": the codes of units merged into this one or of its
former code) and sheet "Bộ phận" (departments). A unit named in "Thay cho" is
closed, keeps its dossiers and records, and points at its successor: history
stays where it happened. Staff: sheet "Cán bộ"; a new account gets a random
first password, shown once, that must be changed at the first login. Rows
not in the file are left as they are: an import adds and corrects, it never
deletes. Every run is planned whole first; a file with a bad row writes
nothing.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.codes import normalize_unit_code, normalize_username
from app.domain.errors import DomainError
from app.domain.roles import Role
from app.services import audit
from app.services.errors import ServiceError, ValidationFailed
from app.services.units import UnitInput, apply_unit_input
from app.services.users import UserInput, apply_user_input
from models import Department, Unit, User

UNITS, DEPARTMENTS, STAFF = "Đơn vị", "Bộ phận", "Cán bộ"
UNIT_COLUMNS = ("Mã định danh", "Cơ quan", "Tên đơn vị", "Địa danh", "Địa chỉ", "Điện thoại", "Email",
                "Mã đơn vị cấp trên", "Thay cho", "Hoạt động")
DEPARTMENT_COLUMNS = ("Mã định danh", "Tên bộ phận")
STAFF_COLUMNS = ("Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Bộ phận", "Chức vụ", "Email", "Vai trò", "Hoạt động")
COLUMNS = {UNITS: UNIT_COLUMNS, DEPARTMENTS: DEPARTMENT_COLUMNS, STAFF: STAFF_COLUMNS}
GUIDE = (
    "Đơn vị và cán bộ để nhập vào Một Cửa: flask units import TỆP [--apply], flask users import TỆP [--apply]"
    " [--passwords TỆP]. Không có --apply: chỉ in những gì sẽ thay đổi.",
    "Trang “Đơn vị”: mã định danh điện tử theo QĐ 20/2020/QĐ-TTg; “Thay cho”: mã các đơn vị sáp nhập vào đơn vị này"
    " hoặc mã cũ của nó (cách nhau bởi dấu ;): các đơn vị đó ngừng hoạt động, hồ sơ và sổ sách giữ nguyên.",
    "Trang “Bộ phận”: bộ phận của từng đơn vị (chỉ thêm, không xoá).",
    "Trang “Cán bộ”: vai trò là Tiếp nhận và trả kết quả, Công chức chuyên môn, Lãnh đạo, Quản trị, Thanh tra, kiểm"
    " tra (cấp tỉnh), cách nhau bởi dấu ;. Tài khoản mới nhận mật khẩu lần đầu và phải đổi khi đăng nhập.",
)
YES, NO = ("có", "x", "1", "true", "hoạt động", ""), ("không", "0", "false", "ngừng")


@dataclass
class Outcome:
    """What an import did (or, dry, would do): one line per change, problems by sheet and row."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    passwords: list[tuple[str, str]] = field(default_factory=list)  # (username, first password), applied runs only


def _rows(tables: dict[str, Any], name: str) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for number, row in enumerate(tables.get(name) or [], start=2):
        clean = {str(k).strip(): unicodedata.normalize("NFC", str(v)).strip() if v is not None else ""
                 for k, v in row.items() if k is not None}
        if any(clean.values()):
            out.append((number, clean))
    return out


def _active(value: str, where: str) -> bool:
    text = value.casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise DomainError(f"{where}: “Hoạt động” là Có hoặc Không.")


def import_units(session: Session, tables: dict[str, Any], *, apply: bool, now: datetime) -> Outcome:
    """Units and their departments; ``apply`` False: nothing written, the outcome says what would be."""
    outcome = Outcome()
    if UNITS not in tables and DEPARTMENTS not in tables:
        outcome.problems.append(f"Thiếu trang “{UNITS}” (hoặc “{DEPARTMENTS}”).")
        return outcome
    rows = _rows(tables, UNITS)
    known = {u.code: u for u in session.scalars(select(Unit))}
    in_file: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, row in rows:
        where = f"{UNITS}, dòng {number}"
        try:
            code = normalize_unit_code(row.get("Mã định danh", ""))
        except DomainError as error:
            outcome.problems.append(f"{where}: {error.message}")
            continue
        if code in in_file:
            outcome.problems.append(f"{where}: mã {code} lặp lại.")
            continue
        in_file[code] = (number, row)
    for code, (number, row) in in_file.items():
        where = f"{UNITS}, dòng {number}"
        parent = row.get("Mã đơn vị cấp trên", "")
        if parent and parent not in known and parent not in in_file:
            outcome.problems.append(f"{where}: không có đơn vị cấp trên mã {parent}.")
        for old in _codes(row.get("Thay cho", "")):
            if old not in known:
                outcome.problems.append(f"{where}: “Thay cho” mã {old} không có trong hệ thống.")
            elif old == code:
                outcome.problems.append(f"{where}: đơn vị không thay cho chính nó.")
        try:
            _active(row.get("Hoạt động", ""), where)
        except DomainError as error:
            outcome.problems.append(error.message)
    department_rows = _rows(tables, DEPARTMENTS)
    for number, row in department_rows:
        code, name = row.get("Mã định danh", ""), " ".join(row.get("Tên bộ phận", "").split())
        if code not in known and code not in in_file:
            outcome.problems.append(f"{DEPARTMENTS}, dòng {number}: không có đơn vị mã {code}.")
        elif not name or len(name) > 255:
            outcome.problems.append(f"{DEPARTMENTS}, dòng {number}: tên bộ phận từ 1 đến 255 ký tự.")
    if outcome.problems:
        return outcome

    nested = session.begin_nested()  # a dry run tries every row for real, then takes it all back
    try:
        for code in _parents_first(in_file, known):
            number, row = in_file[code]
            _unit_row(session, outcome, known, code, number, row, now)
        for number, row in department_rows:
            unit = known[row["Mã định danh"]]
            name = " ".join(row["Tên bộ phận"].split())
            if session.scalar(select(Department).where(Department.unit_id == unit.id, Department.name == name)) is None:
                session.add(Department(unit_id=unit.id, name=name))
                session.flush()
                outcome.lines.append(f"BỘ PHẬN MỚI {unit.code}: {name}")
    except ServiceError as error:
        outcome.problems.append(str(error))
    if outcome.problems or not apply:
        nested.rollback()
    else:
        nested.commit()
        audit.record(session, None, "units.import", object_type="unit", object_id=None, unit_id=None, now=now,
                     changes=len(outcome.lines))
    return outcome


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace(",", ";").split(";") if c.strip()]


def _parents_first(in_file: dict[str, tuple[int, dict[str, Any]]], known: dict[str, Unit]) -> list[str]:
    order: list[str] = []
    def visit(code: str, trail: frozenset[str]) -> None:
        if code in order or code in trail:
            return
        parent = in_file[code][1].get("Mã đơn vị cấp trên", "")
        if parent in in_file:
            visit(parent, trail | {code})
        order.append(code)
    for code in in_file:
        visit(code, frozenset())
    return order


def _unit_row(session: Session, outcome: Outcome, known: dict[str, Unit], code: str, number: int,
              row: dict[str, Any], now: datetime) -> None:
    where = f"{UNITS}, dòng {number}"
    unit = known.get(code)
    data = UnitInput(
        code=code, governing_body_name=row.get("Cơ quan", ""), name=row.get("Tên đơn vị", ""),
        place_name=row.get("Địa danh", ""), address=row.get("Địa chỉ", ""), phone=row.get("Điện thoại", ""),
        email=row.get("Email", ""), is_active=_active(row.get("Hoạt động", ""), where),
        **({"working_windows": unit.working_windows, "same_day_cutoff": f"{unit.same_day_cutoff:%H:%M}",
            "receipt_paper": unit.receipt_paper, "control_slip_paper": unit.control_slip_paper} if unit else {}),
    )
    parent = known.get(row.get("Mã đơn vị cấp trên", ""))
    before = audit.snapshot(unit) if unit is not None else None
    target = unit or Unit(created_at=now)
    try:
        apply_unit_input(session, target, data, now=now)
    except ValidationFailed as error:
        outcome.problems.append(f"{where}: {'; '.join(error.errors.values())}")
        return
    parent_id = parent.id if parent else None
    if target.parent_id != parent_id:
        target.parent_id = parent_id
        session.flush()
    known[code] = target
    if unit is None:
        outcome.lines.append(f"ĐƠN VỊ MỚI {code}: {target.governing_body_name}")
    else:
        changed = audit.changed_fields(before or {}, audit.snapshot(target))
        changed = [f for f in changed if f not in ("updated_at", "version")]
        if changed:
            outcome.lines.append(f"SỬA {code}: {', '.join(changed)}")
            audit.record(session, None, "unit.update", object_type="unit", object_id=target.id, unit_id=target.id,
                         now=now, fields=changed, source="import")
    for old in _codes(row.get("Thay cho", "")):
        merged = known[old]
        if merged.successor_id != target.id or merged.is_active:
            merged.successor_id, merged.is_active, merged.updated_at = target.id, False, now
            session.flush()
            outcome.lines.append(f"THAY THẾ {old} → {code}: {merged.governing_body_name} ngừng hoạt động, "
                                 "hồ sơ và sổ sách giữ nguyên")
            audit.record(session, None, "unit.succeeded", object_type="unit", object_id=merged.id, unit_id=merged.id,
                         now=now, successor=code)


def import_users(session: Session, tables: dict[str, Any], *, apply: bool, now: datetime,
                 make_password=lambda: secrets.token_urlsafe(9) + "a1") -> Outcome:  # type: ignore[no-untyped-def]
    """Staff accounts; a new one gets a first password (in ``Outcome.passwords``) to change at first login."""
    outcome = Outcome()
    rows = _rows(tables, STAFF)
    if STAFF not in tables:
        outcome.problems.append(f"Thiếu trang “{STAFF}”.")
        return outcome
    units = {u.code: u for u in session.scalars(select(Unit))}
    labels = {r.label.casefold(): r for r in Role} | {r.value: r for r in Role}
    planned: list[tuple[int, UserInput, User | None]] = []
    seen: set[str] = set()
    for number, row in rows:
        where = f"{STAFF}, dòng {number}"
        try:
            username = normalize_username(row.get("Tên đăng nhập", ""))
            if username in seen:
                raise DomainError("tên đăng nhập lặp lại.")
            seen.add(username)
            unit = units.get(row.get("Mã đơn vị", ""))
            if unit is None:
                raise DomainError(f"không có đơn vị mã {row.get('Mã đơn vị', '')}.")
            roles = set()
            for text in [t.strip() for t in row.get("Vai trò", "").split(";") if t.strip()]:  # labels hold commas
                role = labels.get(text.casefold())
                if role is None:
                    raise DomainError(f"vai trò “{text}” không có; dùng: {', '.join(r.label for r in Role)}.")
                roles.add(role)
            department = None
            if row.get("Bộ phận"):
                department = session.scalar(select(Department).where(Department.unit_id == unit.id,
                                                                     Department.name == row["Bộ phận"]))
                if department is None:
                    raise DomainError(f"đơn vị {unit.code} không có bộ phận “{row['Bộ phận']}”.")
            user = session.scalar(select(User).where(User.username == username))
            data = UserInput(username=username, full_name=row.get("Họ và tên", ""), unit_id=unit.id,
                             roles=frozenset(roles), department_id=department.id if department else None,
                             position=row.get("Chức vụ", ""), email=row.get("Email", ""),
                             is_active=_active(row.get("Hoạt động", ""), where),
                             password="" if user else make_password())
        except DomainError as error:
            outcome.problems.append(f"{where}: {error.message}")
            continue
        planned.append((number, data, user))
    if outcome.problems:
        return outcome
    nested = session.begin_nested()
    try:
        for number, data, user in planned:
            before = _user_state(user) if user else None
            target = user or User(created_at=now)
            try:
                apply_user_input(session, target, data, now=now)
            except ValidationFailed as error:
                outcome.problems.append(f"{STAFF}, dòng {number}: {'; '.join(error.errors.values())}")
                continue
            if user is None:
                target.must_change_password = True
                outcome.passwords.append((data.username, data.password))
                outcome.lines.append(f"TÀI KHOẢN MỚI {data.username}: {target.full_name} ({target.unit.code}, "
                                     f"{', '.join(r.label for r in sorted(data.roles))})")
                audit.record(session, None, "user.create", object_type="user_account", object_id=target.id,
                             unit_id=target.unit_id, now=now, source="import")
            else:
                changed = [k for k, v in _user_state(target).items() if before and before[k] != v]
                if changed:
                    outcome.lines.append(f"SỬA {data.username}: {', '.join(changed)}")
                    audit.record(session, None, "user.update", object_type="user_account", object_id=target.id,
                                 unit_id=target.unit_id, now=now, fields=changed, source="import")
    finally:
        if outcome.problems or not apply:
            nested.rollback()
            outcome.passwords = []
        else:
            nested.commit()
    return outcome


def _user_state(user: User) -> dict[str, Any]:
    return {"họ tên": user.full_name, "đơn vị": user.unit_id, "bộ phận": user.department_id, "chức vụ": user.position,
            "email": user.email, "vai trò": sorted(user.roles), "hoạt động": user.is_active}


def export_units(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every unit and department as the import file's tables (edit, then import back)."""
    units = session.scalars(select(Unit).order_by(Unit.parent_id.is_not(None), Unit.code)).all()
    by_id = {u.id: u for u in units}
    replaced: dict[int, list[str]] = {}
    for unit in units:
        if unit.successor_id:
            replaced.setdefault(unit.successor_id, []).append(unit.code)
    return {
        UNITS: [{"Mã định danh": u.code, "Cơ quan": u.governing_body_name, "Tên đơn vị": u.name, "Địa danh": u.place_name,
                 "Địa chỉ": u.address, "Điện thoại": u.phone, "Email": u.email,
                 "Mã đơn vị cấp trên": by_id[u.parent_id].code if u.parent_id else "",
                 "Thay cho": "; ".join(replaced.get(u.id, [])), "Hoạt động": "Có" if u.is_active else "Không"}
                for u in units],
        DEPARTMENTS: [{"Mã định danh": by_id[d.unit_id].code, "Tên bộ phận": d.name}
                      for d in session.scalars(select(Department).order_by(Department.unit_id, Department.name))],
    }


def export_users(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every account as the import file's table (never a password)."""
    return {STAFF: [{"Tên đăng nhập": u.username, "Họ và tên": u.full_name, "Mã đơn vị": u.unit.code,
                     "Bộ phận": u.department.name if u.department else "", "Chức vụ": u.position, "Email": u.email,
                     "Vai trò": "; ".join(r.label for r in sorted(u.roles)), "Hoạt động": "Có" if u.is_active else "Không"}
                    for u in session.scalars(select(User).order_by(User.unit_id, User.username))]}
