"""The documented-information registers of a unit (ISO 7.5): read, prefill, edit.

Everyone of the unit (and the inspectors above it) reads them; the leader
and the unit's administrator edit them. Each row carries a version: two
people editing the same entry never overwrite each other silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.domain.registers import (
    LEGAL_TEXTS,
    SYSTEM_FORMS,
    SYSTEM_RECORDS,
    DocumentKind,
    Register,
    TextState,
    check_dates,
    disposal_for,
    in_force,
    parse_retention,
    procedure_seed,
    text_state,
)
from app.domain.roles import Role
from app.services import audit
from app.services.access import get_visible_unit
from app.services.errors import Conflict, Forbidden, NotFound
from app.services.rows import find
from app.services.validation import Errors, text_field
from models import ExternalDocument, InternalDocument, Procedure, RecordType, Unit, User

STALE = "Mục này vừa được người khác cập nhật; vui lòng tải lại trang rồi sửa lại."
MODELS = {Register.INTERNAL: InternalDocument, Register.EXTERNAL: ExternalDocument, Register.RECORDS: RecordType}


@dataclass(frozen=True)
class Registers:
    unit: Unit
    internal: list[InternalDocument]
    external: list[ExternalDocument]
    records: list[RecordType]

    def __len__(self) -> int:
        return len(self.internal) + len(self.external) + len(self.records)


def registers_of(session: Session, actor: User, unit_id: int) -> Registers:
    unit = get_visible_unit(session, actor, unit_id)
    return load(session, unit)


def load(session: Session, unit: Unit) -> Registers:
    """The three registers of ``unit`` (no access check: for the ISO pack and the review)."""
    return Registers(
        unit,
        list(session.scalars(select(InternalDocument).where(InternalDocument.unit_id == unit.id)
                             .order_by(InternalDocument.kind, InternalDocument.code, InternalDocument.edition))),
        list(session.scalars(select(ExternalDocument).where(ExternalDocument.unit_id == unit.id)
                             .order_by(ExternalDocument.expired_on.is_not(None), ExternalDocument.issued_on.desc(),
                                       ExternalDocument.number))),
        list(session.scalars(select(RecordType).where(RecordType.unit_id == unit.id).order_by(RecordType.code))),
    )


def can_edit(actor: User, unit_id: int) -> bool:
    return actor.unit_id == unit_id and actor.has_role(Role.LEADER, Role.ADMIN)


def status_of(row: ExternalDocument, today: date) -> bool | None:
    """Whether a legal text is in force today (None: its dates are not filled in)."""
    return in_force(row.effective_on or row.issued_on, row.expired_on, today)


def state_of(row: ExternalDocument, today: date) -> TextState:
    """In force, expired, not yet or undated: what the register shows beside a legal text."""
    return text_state(row.effective_on or row.issued_on, row.expired_on, today)


def prefill(session: Session, unit_id: int) -> int:
    """Add whatever of the standard entries the unit does not have yet; returns how many were added.

    Standard entries: the forms this system prints and its nonconformity
    procedure, one internal process per procedure of the unit's catalogue
    still in force, the legal texts of domain.md §1/§6, and the records the
    system produces. Entries are matched by code (or number): one the unit
    changed is left as it is, one it deleted comes back; nothing is overwritten.
    """
    have_internal = set(session.scalars(select(InternalDocument.code).where(InternalDocument.unit_id == unit_id)))
    have_external = set(session.scalars(select(ExternalDocument.number).where(ExternalDocument.unit_id == unit_id)))
    have_records = set(session.scalars(select(RecordType.code).where(RecordType.unit_id == unit_id)))
    procedures = session.execute(
        select(Procedure.code, Procedure.name, Procedure.effective_from)
        .where(Procedure.unit_id == unit_id, Procedure.effective_to.is_(None)).order_by(Procedure.code)
    ).all()
    added = 0
    for seed in SYSTEM_FORMS:
        if seed.code not in have_internal:
            session.add(InternalDocument(unit_id=unit_id, code=seed.code, title=seed.title, kind=seed.kind.value,
                                         note=seed.note))
            added += 1
    for code, name, effective_from in procedures:
        seed = procedure_seed(code, name)
        if seed.code not in have_internal:
            have_internal.add(seed.code)
            session.add(InternalDocument(unit_id=unit_id, code=seed.code[:40], title=seed.title[:500],
                                         kind=seed.kind.value, issued_on=effective_from, note=seed.note))
            added += 1
    for text in LEGAL_TEXTS:
        if text.number not in have_external:
            session.add(ExternalDocument(unit_id=unit_id, number=text.number, title=text.title, issuer=text.issuer,
                                         issued_on=text.issued_on, effective_on=text.effective_on,
                                         expired_on=text.expired_on, note=text.note))
            added += 1
    for record in SYSTEM_RECORDS:
        if record.code not in have_records:
            session.add(RecordType(unit_id=unit_id, code=record.code, name=record.name, kept_at=record.kept_at,
                                   owner=record.owner, retention_years=record.retention_years,
                                   disposal=record.disposal, note=record.note))
            added += 1
    session.flush()
    return added


def prefill_for(session: Session, actor: User, unit_id: int) -> int:
    """The "add the missing standard entries" button."""
    _require_editor(session, actor, unit_id)
    return prefill(session, unit_id)


# --- editing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryInput:
    """What the edit form of any register posts (fields a register does not use are ignored)."""

    code: str = ""
    title: str = ""
    kind: str = DocumentKind.FORM.value
    edition: str = ""
    issued_on: date | None = None
    approver: str = ""
    is_current: bool = True
    number: str = ""
    issuer: str = ""
    effective_on: date | None = None
    expired_on: date | None = None
    name: str = ""
    kept_at: str = ""
    owner: str = ""
    retention: str = ""
    disposal: str = ""
    note: str = ""


def get_entry(session: Session, actor: User, register: Register, entry_id: int):  # type: ignore[no-untyped-def]
    row = find(session, MODELS[register], entry_id)
    if row is None:
        raise NotFound("Không tìm thấy mục này trong danh mục.")
    get_visible_unit(session, actor, row.unit_id)
    return row


def save_entry(
    session: Session, actor: User, register: Register, unit_id: int, data: EntryInput, *,
    entry_id: int | None = None, version: int | None = None, now: datetime,
):  # type: ignore[no-untyped-def]
    """Create (``entry_id`` None) or change one entry of a register; per-field errors as ValidationFailed."""
    _require_editor(session, actor, unit_id)
    if entry_id is None:
        row = MODELS[register](unit_id=unit_id)
    else:
        row = get_entry(session, actor, register, entry_id)
        if row.unit_id != unit_id:
            raise NotFound("Không tìm thấy mục này trong danh mục.")
        if version is not None and version != row.version:
            raise Conflict(STALE)
    errors = Errors()
    spec = _EDITS[register]
    before = audit.snapshot(row) if entry_id is not None else None
    spec.apply(errors, row, data)
    errors.raise_if_any()
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        errors.add(spec.unique_field, f"Danh mục đã có một mục cùng {spec.unique_what} này.")
        errors.raise_if_any()
    except StaleDataError:
        raise Conflict(STALE) from None
    if register is Register.RECORDS:  # the retention settings (Luật 91/2025: who changed how long data is kept)
        audit.record_change(session, actor, "record_type.create" if before is None else "record_type.update",
                            row, before, audit.snapshot(row), unit_id=unit_id, now=now, code=row.code)
    return row


def delete_entry(session: Session, actor: User, register: Register, entry_id: int, *, version: int | None,
                 now: datetime) -> None:
    row = get_entry(session, actor, register, entry_id)
    _require_editor(session, actor, row.unit_id)
    if version is not None and version != row.version:
        raise Conflict(STALE)
    if register is Register.RECORDS:
        audit.record(session, actor, "record_type.delete", object_type=row.__tablename__, object_id=row.id,
                     unit_id=row.unit_id, now=now, code=row.code)
    session.delete(row)
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(STALE) from None


def _require_editor(session: Session, actor: User, unit_id: int) -> None:
    get_visible_unit(session, actor, unit_id)
    if not can_edit(actor, unit_id):
        raise Forbidden("Chỉ lãnh đạo hoặc quản trị của đơn vị được sửa danh mục tài liệu, hồ sơ.")


def _internal(errors: Errors, row: InternalDocument, data: EntryInput) -> None:
    code = text_field(errors, "code", data.code, 40)
    title = text_field(errors, "title", data.title, 500)
    edition = text_field(errors, "edition", data.edition or "01", 40)
    try:
        kind = DocumentKind(data.kind)
    except ValueError:
        errors.add("kind", "Loại tài liệu không hợp lệ.")
        kind = DocumentKind.OTHER
    approver = text_field(errors, "approver", data.approver, 255, required=False)
    note = text_field(errors, "note", data.note, 500, required=False)
    row.code, row.title, row.edition, row.kind = code.upper(), title, edition, kind.value
    row.issued_on, row.approver, row.is_current, row.note = data.issued_on, approver, data.is_current, note


def _external(errors: Errors, row: ExternalDocument, data: EntryInput) -> None:
    number = text_field(errors, "number", data.number, 100)
    title = text_field(errors, "title", data.title, 500)
    issuer = text_field(errors, "issuer", data.issuer, 255, required=False)
    note = text_field(errors, "note", data.note, 500, required=False)
    for field, message in check_dates(data.issued_on, data.effective_on, data.expired_on).items():
        errors.add(field, message)
    row.number, row.title, row.issuer, row.note = number, title, issuer, note
    row.issued_on, row.effective_on, row.expired_on = data.issued_on, data.effective_on, data.expired_on


def _record(errors: Errors, row: RecordType, data: EntryInput) -> None:
    code = text_field(errors, "code", data.code, 40)
    name = text_field(errors, "name", data.name, 255)
    kept_at = text_field(errors, "kept_at", data.kept_at, 255)
    owner = text_field(errors, "owner", data.owner, 255)
    years, problem = parse_retention(data.retention)
    if problem:
        errors.add("retention", problem)
    disposal = text_field(errors, "disposal", data.disposal, 255, required=False) or disposal_for(years)
    note = text_field(errors, "note", data.note, 500, required=False)
    row.code, row.name, row.kept_at, row.owner = code.upper(), name, kept_at, owner
    row.retention_years, row.disposal, row.note = years, disposal, note


@dataclass(frozen=True)
class _Edit:
    apply: Callable[[Errors, Any, EntryInput], None]
    unique_field: str  # where a clash with the unique constraint is reported
    unique_what: str


_EDITS = {
    Register.INTERNAL: _Edit(_internal, "code", "mã và lần ban hành"),
    Register.EXTERNAL: _Edit(_external, "number", "số, ký hiệu"),
    Register.RECORDS: _Edit(_record, "code", "mã"),
}
