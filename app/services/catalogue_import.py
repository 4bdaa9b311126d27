"""The province's catalogue imported into its units (flask catalogue import, the admin page's preview).

``read_file`` turns an XLSX workbook or its JSON form into the three tables
of app.domain.catalogue_file; ``plan`` says, per procedure, what importing
them would do in the chosen units (new, changed with the parts that change,
withdrawn), touching nothing; ``apply`` does it: a changed procedure becomes
a new version from its decision's date (dossiers keep the version they were
received under), a withdrawn one ends the day before the import, a
department a step names is added where missing. Importing the same file
twice changes no row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.domain.catalogue import DocumentSpec, StepSpec
from app.domain.catalogue_file import COLUMNS, Entry, Reading, differences, read_catalogue
from app.domain.localtime import local_date
from app.services import audit
from app.services.catalogue import ProcedureInput, apply_procedure_input
from app.services.errors import ValidationFailed
from app.services.table_files import read_tables
from models import Department, Dossier, Procedure, ProcedureStep, Unit, User

def read_file(name: str, content: bytes) -> dict[str, list[dict[str, Any]]]:
    """The tables of a catalogue file: an XLSX workbook (one sheet per table) or a JSON object of them."""
    return read_tables(name, content, COLUMNS)


@dataclass(frozen=True)
class Line:
    """What the import does to one procedure (across the units it covers)."""

    kind: str  # "new", "changed", "withdrawn"
    code: str
    name: str
    units: tuple[str, ...]
    parts: tuple[str, ...] = ()  # what changes, for "changed"
    effective_from: date | None = None

    @property
    def label(self) -> str:
        return {"new": "MỚI", "changed": "SỬA ĐỔI", "withdrawn": "BÃI BỎ"}[self.kind]

    def text(self) -> str:
        where = f"{len(self.units)} đơn vị" if len(self.units) > 1 else self.units[0]
        since = f" từ {self.effective_from:%d/%m/%Y}" if self.effective_from else ""
        parts = f" ({', '.join(self.parts)})" if self.parts else ""
        return f"{self.label} {self.code}: {self.name}{parts}{since} — {where}"


@dataclass
class Plan:
    lines: list[Line] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    entries: int = 0
    units: list[str] = field(default_factory=list)
    departments: list[tuple[str, str]] = field(default_factory=list)  # (unit code, name) to add

    @property
    def changes(self) -> int:
        return len(self.lines)


def target_units(session: Session, codes: tuple[str, ...] = ()) -> list[Unit]:
    """The units named, or every active unit without units below it (the communes)."""
    if codes:
        units = session.scalars(select(Unit).where(Unit.code.in_(codes))).all()
        unknown = sorted(set(codes) - {u.code for u in units})
        if unknown:
            raise ValidationFailed({"unit": f"Không có đơn vị mã: {', '.join(unknown)}."})
        return sorted(units, key=lambda u: u.code)
    parents = select(Unit.parent_id).where(Unit.parent_id.is_not(None))
    return list(session.scalars(select(Unit).where(Unit.is_active.is_(True), Unit.id.not_in(parents))
                                .order_by(Unit.code)))


def plan(session: Session, tables: dict[str, Any], units: list[Unit], *, today: date) -> Plan:
    """What importing ``tables`` into ``units`` would do; nothing is written."""
    return _run(session, read_catalogue(tables), units, today=today, actor=None, now=None)


def apply(session: Session, tables: dict[str, Any], units: list[Unit], *, actor: User | None, now: datetime) -> Plan:
    """Import ``tables`` into ``units``; refused whole (ValidationFailed) when the file has problems. The caller
    commits."""
    reading = read_catalogue(tables)
    checked = _run(session, reading, units, today=local_date(now), actor=None, now=None)  # writes nothing
    if checked.problems:
        raise ValidationFailed({"file": "; ".join(checked.problems[:10])})
    return _run(session, reading, units, today=local_date(now), actor=actor, now=now)


def _run(session: Session, reading: Reading, units: list[Unit], *, today: date, actor: User | None,
         now: datetime | None) -> Plan:
    result = Plan(problems=list(reading.problems), entries=len(reading.entries), units=[u.code for u in units])
    if reading.problems and now is not None:
        return result
    by_line: dict[tuple[str, str, tuple[str, ...], date | None], list[str]] = {}
    names: dict[str, str] = {}
    codes = {e.code for e in reading.entries}
    for unit in units:
        departments = {d.name.casefold(): d for d in session.scalars(select(Department)
                                                                     .where(Department.unit_id == unit.id))}
        versions = _latest_versions(session, unit.id)
        for entry in reading.entries:
            names[entry.code] = entry.name
            for step in entry.steps:
                if step.department and step.department.casefold() not in departments:
                    result.departments.append((unit.code, step.department))
                    if now is not None:
                        department = Department(unit_id=unit.id, name=step.department)
                        session.add(department)
                        session.flush()
                        departments[step.department.casefold()] = department
            current = versions.get(entry.code)
            if current is None:
                by_line.setdefault(("new", entry.code, (), entry.effective_from), []).append(unit.code)
                if now is not None:
                    _create(session, unit, entry, departments, now)
                continue
            parts = tuple(differences(entry, comparable(current)))
            if not parts:
                continue
            problem = _version_problem(session, current, entry)
            if problem:
                result.problems.append(f"{unit.code}, {entry.code}: {problem}")
                continue
            by_line.setdefault(("changed", entry.code, parts, entry.effective_from), []).append(unit.code)
            if now is not None:
                _revise(session, unit, current, entry, departments, now)
        for code, current in versions.items():
            if code in codes or (current.effective_to is not None and current.effective_to < today):
                continue
            names[code] = current.name
            if current.effective_from >= today:
                result.problems.append(f"{unit.code}, {code}: phiên bản hiệu lực từ {current.effective_from:%d/%m/%Y} "
                                       "không có trong tệp; hãy bãi bỏ bằng tay.")
                continue
            by_line.setdefault(("withdrawn", code, (), today), []).append(unit.code)
            if now is not None:
                current.effective_to, current.updated_at = today - timedelta(days=1), now
        if now is not None:
            audit.record(session, actor, "catalogue.import", object_type="unit", object_id=unit.id, unit_id=unit.id,
                         now=now, changes=sum(1 for units_ in by_line.values() if unit.code in units_))
    result.lines = sorted((Line(kind, code, names[code], tuple(u), parts, since)
                           for (kind, code, parts, since), u in by_line.items()),
                          key=lambda line: ({"new": 0, "changed": 1, "withdrawn": 2}[line.kind], line.code))
    result.departments = sorted(set(result.departments))
    if now is not None:
        session.flush()
    return result


def _latest_versions(session: Session, unit_id: int) -> dict[str, Procedure]:
    rows = session.scalars(select(Procedure).where(Procedure.unit_id == unit_id)
                           .options(selectinload(Procedure.documents), selectinload(Procedure.steps)
                                    .selectinload(ProcedureStep.department))
                           .order_by(Procedure.code, Procedure.effective_from)).all()
    return {p.code: p for p in rows}  # the last of each code: the newest version


def comparable(procedure: Procedure) -> dict[str, Any]:
    """A stored version in the terms of Entry.comparable()."""
    return {
        "Tên thủ tục": procedure.name, "Lĩnh vực": procedure.field_name, "Cấp thực hiện": procedure.level.value,
        "Thời hạn": (procedure.duration_kind.value, Decimal(procedure.duration_value).normalize()),
        "Khi bổ sung hồ sơ": procedure.supplement_policy.value, "Phí, lệ phí": procedure.fee_text,
        "Kết quả": procedure.result_text, "Căn cứ pháp lý": procedure.legal_basis,
        "Quyết định công bố": procedure.published_by,
        "Thành phần hồ sơ": tuple((d.name, d.originals, d.certified_copies, d.photocopies, d.requirement, d.alt_group)
                                  for d in procedure.documents),
        "Quy trình": tuple((s.name, s.department.name if s.department else "",
                            s.responsible_role.value if s.responsible_role else "", Decimal(s.share).normalize())
                           for s in procedure.steps),
    }


def _version_problem(session: Session, current: Procedure, entry: Entry) -> str:
    if entry.effective_from > current.effective_from:
        return ""
    used = session.scalar(select(func.count()).select_from(Dossier).where(Dossier.procedure_id == current.id))
    if entry.effective_from == current.effective_from and not used:
        return ""  # a correction of a version nobody was received under: made in place
    return (f"nội dung khác phiên bản đang có (hiệu lực từ {current.effective_from:%d/%m/%Y}) nhưng ngày hiệu lực "
            f"{entry.effective_from:%d/%m/%Y} không sau ngày đó; cần quyết định công bố mới.")


def _input(entry: Entry, departments: dict[str, Department], effective_to: date | None = None) -> ProcedureInput:
    return ProcedureInput(
        code=entry.code, name=entry.name, field_name=entry.field_name, level=entry.level,
        duration_kind=entry.duration.kind, duration_value=str(entry.duration.value),
        effective_from=entry.effective_from, effective_to=effective_to, supplement_policy=entry.supplement_policy,
        fee_text=entry.fee_text, result_text=entry.result_text, legal_basis=entry.legal_basis,
        published_by=entry.published_by,
        documents=tuple(DocumentSpec(d.name, d.originals, d.certified_copies, d.photocopies, d.requirement, d.group)
                        for d in entry.documents),
        steps=tuple(StepSpec(s.name, entry.share(s),
                             departments[s.department.casefold()].id if s.department else None, s.role)
                    for s in entry.steps),
    )


def _create(session: Session, unit: Unit, entry: Entry, departments: dict[str, Department], now: datetime) -> None:
    procedure = Procedure(unit_id=unit.id, created_at=now)
    apply_procedure_input(session, procedure, _input(entry, departments), now=now)


def _revise(session: Session, unit: Unit, current: Procedure, entry: Entry, departments: dict[str, Department],
            now: datetime) -> None:
    if entry.effective_from == current.effective_from:  # unused: corrected in place (see _version_problem)
        apply_procedure_input(session, current, _input(entry, departments, current.effective_to), now=now)
        return
    if current.effective_to is None or current.effective_to >= entry.effective_from:
        current.effective_to, current.updated_at = entry.effective_from - timedelta(days=1), now
        session.flush()
    _create(session, unit, entry, departments, now)


def export_tables(session: Session, unit: Unit, *, today: date) -> dict[str, list[dict[str, Any]]]:
    """The unit's catalogue in force on ``today`` as the file's three tables (what ``read_file`` takes back)."""
    from app.domain.catalogue import REQUIREMENTS
    from app.domain.catalogue_file import DOCUMENTS, PROCEDURES, STEPS, HOURS_PER_DAY
    from app.domain.durations import DurationKind, format_amount

    procedures = session.scalars(
        select(Procedure).where(Procedure.unit_id == unit.id, Procedure.effective_from <= today,
                                (Procedure.effective_to.is_(None)) | (Procedure.effective_to >= today))
        .options(selectinload(Procedure.documents), selectinload(Procedure.steps).selectinload(ProcedureStep.department))
        .order_by(Procedure.field_name, Procedure.code)).all()
    tables: dict[str, list[dict[str, Any]]] = {PROCEDURES: [], DOCUMENTS: [], STEPS: []}
    for p in procedures:
        same_day = p.duration_kind is DurationKind.SAME_DAY
        tables[PROCEDURES].append({
            "Mã TTHC": p.code, "Tên thủ tục": p.name, "Lĩnh vực": p.field_name, "Cấp thực hiện": p.level.label,
            "Loại thời hạn": p.duration_kind.label, "Thời hạn": "" if same_day else format_amount(p.duration_value),
            "Khi bổ sung hồ sơ": "Tạm dừng" if p.supplement_policy.value == "pause" else "Tính lại",
            "Phí, lệ phí": p.fee_text, "Kết quả": p.result_text, "Căn cứ pháp lý": p.legal_basis,
            "Quyết định công bố": p.published_by, "Ngày hiệu lực": p.effective_from,
        })
        for d in p.documents:
            tables[DOCUMENTS].append({
                "Mã TTHC": p.code, "STT": d.position, "Tên giấy tờ": d.name, "Yêu cầu": REQUIREMENTS[d.requirement],
                "Nhóm": d.alt_group, "Bản chính": d.originals, "Bản sao chứng thực": d.certified_copies,
                "Bản photo": d.photocopies})
        hourly = same_day or p.duration_kind is DurationKind.WORKING_HOURS
        for s in p.steps:
            hours = Decimal(s.share) if hourly else Decimal(s.share) * HOURS_PER_DAY
            tables[STEPS].append({
                "Mã TTHC": p.code, "Bước": s.position, "Tên bước": s.name,
                "Bộ phận": s.department.name if s.department else "",
                "Vai trò": s.responsible_role.label if s.responsible_role else "", "Giờ làm việc": format_amount(hours)})
    return tables
