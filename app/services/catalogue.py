"""The procedure catalogue: create, change and version procedures of a unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.domain.catalogue import (
    DocumentSpec,
    ProcedureLevel,
    StepSpec,
    Validity,
    close_before,
    validate_documents,
    validate_steps,
)
from app.domain.codes import normalize_procedure_code
from app.domain.durations import Duration, DurationKind, SupplementPolicy
from app.services import audit
from app.services.access import can_see_unit, get_manageable_unit, get_visible_unit
from app.services.errors import NotFound, check_version
from app.services.validation import Errors, text_field
from app.services.rows import find
from models import Department, Procedure, ProcedureDocument, ProcedureStep, User


@dataclass(frozen=True)
class ProcedureInput:
    """A procedure version as typed in the catalogue form."""

    code: str
    name: str
    field_name: str
    level: ProcedureLevel
    duration_kind: DurationKind
    duration_value: str
    effective_from: date | None
    effective_to: date | None = None
    supplement_policy: SupplementPolicy = SupplementPolicy.PAUSE
    fee_text: str = ""
    result_text: str = ""
    documents: tuple[DocumentSpec, ...] = field(default_factory=tuple)
    legal_basis: str = ""
    published_by: str = ""  # the decision that published this version
    steps: tuple[StepSpec, ...] = field(default_factory=tuple)


def list_procedures(
    session: Session,
    actor: User,
    unit_id: int,
    *,
    in_force_on: date | None = None,
    search: str = "",
) -> list[Procedure]:
    """Procedure versions of a unit ``actor`` may see, by field then name."""
    get_visible_unit(session, actor, unit_id)
    query = (
        select(Procedure)
        .where(Procedure.unit_id == unit_id)
        .options(selectinload(Procedure.steps))
        .order_by(Procedure.field_name, Procedure.name, Procedure.effective_from.desc())
    )
    if in_force_on is not None:
        query = query.where(
            Procedure.effective_from <= in_force_on,
            or_(Procedure.effective_to.is_(None), Procedure.effective_to >= in_force_on),
        )
    words = search.strip()
    if words:
        pattern = f"%{words}%"
        query = query.where(
            or_(
                Procedure.name.ilike(pattern),
                Procedure.code.ilike(pattern),
                Procedure.field_name.ilike(pattern),
            )
        )
    return list(session.scalars(query))


def get_procedure(session: Session, actor: User, procedure_id: int) -> Procedure:
    """A procedure version of a unit ``actor`` may see; NotFound otherwise."""
    procedure = find(session, Procedure, procedure_id)
    if procedure is None or not can_see_unit(session, actor, procedure.unit_id):
        raise NotFound("Không tìm thấy thủ tục.")
    return procedure


def list_versions(session: Session, procedure: Procedure) -> list[Procedure]:
    """Every version of the same procedure code in the same unit, newest first."""
    return list(
        session.scalars(
            select(Procedure)
            .where(Procedure.unit_id == procedure.unit_id, Procedure.code == procedure.code)
            .order_by(Procedure.effective_from.desc())
        )
    )


def create_procedure(
    session: Session, actor: User, unit_id: int, data: ProcedureInput, *, now: datetime
) -> Procedure:
    """Add a procedure to the catalogue of a unit ``actor`` manages."""
    get_manageable_unit(session, actor, unit_id)
    procedure = Procedure(unit_id=unit_id, created_at=now)
    apply_procedure_input(session, procedure, data, now=now)
    _audit(session, actor, "procedure.create", procedure, None, now)
    return procedure


def _snapshot(procedure: Procedure) -> dict:
    return audit.snapshot(procedure, "steps", "documents")


def _audit(session: Session, actor: User, action: str, procedure: Procedure, before: dict | None,
           now: datetime) -> None:
    audit.record_change(session, actor, action, procedure, before, _snapshot(procedure), unit_id=procedure.unit_id,
                        now=now, code=procedure.code)


def update_procedure(
    session: Session,
    actor: User,
    procedure_id: int,
    data: ProcedureInput,
    *,
    expected_version: int | None,
    now: datetime,
) -> Procedure:
    """Correct a procedure version in place; Conflict if it changed meanwhile.

    Once dossiers are received under a version (issue 4 onwards), changes go
    into a new version instead, so that every dossier keeps the rules it was
    received under.
    """
    procedure = get_procedure(session, actor, procedure_id)
    get_manageable_unit(session, actor, procedure.unit_id)
    check_version(procedure.version, expected_version)
    before = _snapshot(procedure)
    apply_procedure_input(session, procedure, data, now=now)
    _audit(session, actor, "procedure.update", procedure, before, now)
    return procedure


def create_next_version(
    session: Session, actor: User, procedure_id: int, data: ProcedureInput, *, now: datetime
) -> Procedure:
    """Add a new version that supersedes ``procedure_id`` from ``data.effective_from``.

    If the superseded version is open-ended (or ends after the new one
    starts), it is ended the day before the new version takes effect.
    """
    previous = get_procedure(session, actor, procedure_id)
    get_manageable_unit(session, actor, previous.unit_id)
    errors = Errors()
    code = errors.check("code", normalize_procedure_code, data.code)
    if code is not None and code != previous.code:
        errors.add("code", "Phiên bản mới phải giữ nguyên mã thủ tục.")
    if data.effective_from is None:
        errors.add("effective_from", "Vui lòng nhập ngày có hiệu lực của phiên bản mới.")
    else:
        closed = errors.check("effective_from", close_before, previous.validity, data.effective_from)
    errors.raise_if_any()
    if previous.effective_to is None or previous.effective_to >= data.effective_from:
        previous.effective_to = closed.end
        previous.updated_at = now
        session.flush()
    procedure = Procedure(unit_id=previous.unit_id, created_at=now)
    apply_procedure_input(session, procedure, data, now=now)
    _audit(session, actor, "procedure.new_version", procedure, None, now)
    return procedure


def apply_procedure_input(
    session: Session, procedure: Procedure, data: ProcedureInput, *, now: datetime
) -> None:
    """Validate ``data`` and copy it onto ``procedure`` with its documents and steps."""
    errors = Errors()
    code = errors.check("code", normalize_procedure_code, data.code)
    name = text_field(errors, "name", data.name, 500)
    field_name = text_field(errors, "field_name", data.field_name, 255)
    fee_text = text_field(errors, "fee_text", data.fee_text, 2000, required=False, multiline=True)
    result_text = text_field(errors, "result_text", data.result_text, 500, required=False)
    legal_basis = text_field(errors, "legal_basis", data.legal_basis, 4000, required=False, multiline=True)
    published_by = text_field(errors, "published_by", data.published_by, 255, required=False)
    duration = errors.check("duration_value", Duration.of, data.duration_kind, data.duration_value)
    if data.effective_from is None:
        errors.add("effective_from", "Vui lòng nhập ngày có hiệu lực.")
        validity = None
    else:
        validity = errors.check("effective_to", Validity, data.effective_from, data.effective_to)
    documents = tuple(
        DocumentSpec(" ".join(d.name.split()), d.originals, d.certified_copies, d.photocopies, d.requirement,
                     " ".join(d.group.split()))
        for d in data.documents
    )
    errors.check("documents", validate_documents, documents)
    for index, doc in enumerate(documents, start=1):
        if len(doc.name) > 500:
            errors.add("documents", f"Giấy tờ {index}: tên dài tối đa 500 ký tự.")
    steps = tuple(
        StepSpec(" ".join(s.name.split()), s.share, s.department_id, s.role) for s in data.steps
    )
    if duration is not None:
        errors.check("steps", validate_steps, duration, steps)
    for index, step in enumerate(steps, start=1):
        if len(step.name) > 255:
            errors.add("steps", f"Bước {index}: tên dài tối đa 255 ký tự.")
        if step.department_id is not None:
            department = find(session, Department, step.department_id)
            if department is None or department.unit_id != procedure.unit_id:
                errors.add("steps", f"Bước {index}: bộ phận không thuộc đơn vị này.")
    if code is not None and validity is not None:
        _check_no_overlap(session, errors, procedure, code, validity)
    errors.raise_if_any()

    procedure.code = code
    procedure.name = name
    procedure.field_name = field_name
    procedure.level = ProcedureLevel(data.level)
    procedure.duration_kind = duration.kind
    procedure.duration_value = duration.value
    procedure.supplement_policy = SupplementPolicy(data.supplement_policy)
    procedure.fee_text = fee_text
    procedure.result_text = result_text
    procedure.legal_basis = legal_basis
    procedure.published_by = published_by
    procedure.effective_from = validity.start
    procedure.effective_to = validity.end
    procedure.updated_at = now
    _sync_rows(procedure.documents, documents, ProcedureDocument, _fill_document)
    _sync_rows(procedure.steps, steps, ProcedureStep, _fill_step)
    if procedure.id is None:
        session.add(procedure)
    session.flush()


def _check_no_overlap(
    session: Session, errors: Errors, procedure: Procedure, code: str, validity: Validity
) -> None:
    others = session.scalars(
        select(Procedure).where(
            Procedure.unit_id == procedure.unit_id,
            Procedure.code == code,
        )
    )
    for other in others:
        if other is procedure:
            continue
        if other.validity.overlaps(validity):
            until = f"{other.effective_to:%d/%m/%Y}" if other.effective_to else "nay"
            errors.add(
                "effective_from",
                f"Thủ tục mã {code} đã có phiên bản hiệu lực từ {other.effective_from:%d/%m/%Y} "
                f"đến {until}; hai phiên bản không được có hiệu lực trùng ngày. "
                "Hãy tạo phiên bản mới từ phiên bản đang áp dụng.",
            )
            return


def _sync_rows(rows: list, specs: tuple, new_row, fill) -> None:  # type: ignore[no-untyped-def]
    """Make ``rows`` match ``specs`` position by position.

    Rows are updated in place, added or dropped at the end, rather than
    deleted and re-inserted: the unit of work inserts before it deletes,
    which would trip the (procedure, position) unique constraint.
    """
    for position, spec in enumerate(specs, start=1):
        if position <= len(rows):
            row = rows[position - 1]
        else:
            row = new_row(position=position)
            rows.append(row)
        fill(row, spec)
    del rows[len(specs):]


def _fill_document(row: ProcedureDocument, spec: DocumentSpec) -> None:
    row.name = spec.name
    row.originals = spec.originals
    row.certified_copies = spec.certified_copies
    row.photocopies = spec.photocopies
    row.requirement = spec.requirement
    row.alt_group = spec.group


def _fill_step(row: ProcedureStep, spec: StepSpec) -> None:
    row.name = spec.name
    row.share = Decimal(spec.share)
    row.department_id = spec.department_id
    row.responsible_role = spec.role
