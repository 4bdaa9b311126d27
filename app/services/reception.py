"""The reception desk: receive a dossier, or turn a request away with Mẫu 02 / Mẫu 03.

Receiving allocates the dossier code (TT 03/2025 Điều 13) from a daily
sequence per unit. Two clerks receiving at the same instant both read the same
"last number"; the unique constraints make the second insert fail, and the
service retries with the next number inside a SAVEPOINT, so nothing else of the
use case is lost.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.domain.catalogue import DocumentSpec, missing_required, validate_documents
from app.domain.codes import format_dossier_code, normalize_id_number, normalize_phone
from app.domain.localtime import local_date, to_local
from app.domain.roles import Role
from app.domain.text import matches
from app.domain.workflow import Channel, DossierStatus, IdKind, NonReceptionKind, ResultDelivery
from app.services.access import can_see_unit
from app.services.calendar import unit_calendar
from app.services.catalogue import get_procedure, list_procedures
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services import dossier_search, portal_sync
from app.services.processing import start_process
from app.services.rows import find, insert_numbered, next_number
from app.services.validation import Errors, text_field
from models import Dossier, DossierDocument, NonReception, Procedure, User

STATUS_TOKEN_BYTES = 24  # 192 bits: 32 URL-safe characters in the QR's link


def new_status_token() -> str:
    """A fresh, unguessable token for a citizen's status link (design.md: at least 128 bits)."""
    return secrets.token_urlsafe(STATUS_TOKEN_BYTES)


class MissingDocuments(ValidationFailed):
    """A reception refused for want of required documents: ``missing`` is what Mẫu 02 should ask for."""

    def __init__(self, errors: dict[str, str], missing: tuple[str, ...]) -> None:
        super().__init__(errors)
        self.missing = missing


@dataclass(frozen=True)
class ApplicantInput:
    """The person submitting (and the owner, if someone else)."""

    name: str
    id_kind: IdKind
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""
    owner_name: str = ""
    owner_id_number: str = ""
    birth_date: str = ""  # "dd/mm/yyyy", optional (the desk keeps it on the dossier only)


@dataclass(frozen=True)
class ReceptionInput:
    """What the clerk enters at the desk."""

    procedure_id: int
    applicant: ApplicantInput
    channel: Channel = Channel.DIRECT
    sets_count: int = 1
    documents: tuple[DocumentSpec, ...] = field(default_factory=tuple)
    fee_amount: int = 0
    fee_note: str = ""
    result_delivery: ResultDelivery = ResultDelivery.DESK
    delivery_address: str = ""
    note: str = ""


@dataclass(frozen=True)
class NonReceptionInput:
    """A request turned away: what is missing (Mẫu 02) or why it is refused (Mẫu 03)."""

    procedure_id: int
    applicant: ApplicantInput
    reason: str
    missing: tuple[str, ...] = ()
    channel: Channel = Channel.DIRECT
    citizen_message: str = ""  # lời nhắn cho công dân: the only text the public status page shows


def search_procedures(session: Session, actor: User, query: str, *, now: datetime) -> list[Procedure]:
    """Procedures in force at the actor's unit whose name, code or field match ``query``.

    Diacritics and case are ignored: "khai sinh" finds "Đăng ký khai sinh".
    """
    procedures = list_procedures(session, actor, actor.unit_id, in_force_on=local_date(now))
    if not query.strip():
        return procedures
    return [p for p in procedures if matches(query, p.name, p.code, p.field_name)]


def preview_due(session: Session, actor: User, procedure: Procedure, *, now: datetime) -> datetime:
    """The due instant a dossier of ``procedure`` would get if received at ``now``: told before saving."""
    return unit_calendar(session, actor.unit).add(to_local(now), procedure.duration)


def receive_dossier(session: Session, actor: User, data: ReceptionInput, *, now: datetime,
                    portal_code: str | None = None) -> Dossier:
    """Receive a complete dossier: allocate its code, compute its due instant, log the event; ``portal_code``: a
    dossier filed online (app.services.online_dossiers.accept), the portal's code kept on it (its documents were
    checked by the portal, under the names it gave them).

    Without a document the catalogue marks required (or any of a "hoặc" group) it is refused: the message
    names what is missing, for Mẫu 02 (``MissingDocuments``).
    """
    _require_clerk(actor)
    procedure = _procedure_for_desk(session, actor, data.procedure_id, now)
    errors = Errors()
    applicant = check_applicant(errors, data.applicant)
    applicant["applicant_birth_date"] = errors.check("applicant_birth_date", parse_birth_date, data.applicant.birth_date)
    documents = tuple(
        DocumentSpec(" ".join(d.name.split()), d.originals, d.certified_copies, d.photocopies)
        for d in data.documents
        if d.originals or d.certified_copies or d.photocopies
    )
    if not documents:
        errors.add("documents", "Chưa đánh dấu giấy tờ nào đã nhận. Nếu hồ sơ chưa đủ, hãy lập Phiếu yêu cầu bổ sung (Mẫu 02).")
    else:
        errors.check("documents", validate_documents, documents)
    missing = [] if portal_code else missing_required(
        [DocumentSpec(d.name, requirement=d.requirement, group=d.alt_group) for d in procedure.documents],
        [d.name for d in documents])
    if missing and "documents" not in errors.by_field:
        errors.add("documents", f"Thiếu giấy tờ bắt buộc: {'; '.join(missing)}. Chưa tiếp nhận được; lập Phiếu "
                                "hướng dẫn bổ sung, hoàn thiện hồ sơ (Mẫu 02) với các giấy tờ còn thiếu.")
        raise MissingDocuments(errors.by_field, tuple(missing))
    if not 1 <= data.sets_count <= 99:
        errors.add("sets_count", "Số bộ hồ sơ từ 1 đến 99.")
    if not 0 <= data.fee_amount <= 1_000_000_000:
        errors.add("fee_amount", "Phí, lệ phí không hợp lệ.")
    fee_note = text_field(errors, "fee_note", data.fee_note, 255, required=False)
    delivery_address = text_field(errors, "delivery_address", data.delivery_address, 500, required=False)
    if data.result_delivery is ResultDelivery.POST and not delivery_address:
        errors.add("delivery_address", "Nhận kết quả qua bưu chính: vui lòng nhập địa chỉ nhận.")
    note = text_field(errors, "note", data.note, 2000, required=False, multiline=True)
    errors.raise_if_any()

    unit = actor.unit
    local_now = to_local(now)
    calendar = unit_calendar(session, unit)
    due_at = calendar.add(local_now, procedure.duration)

    def build() -> Dossier:
        sequence, logbook_number = _next_numbers(session, unit.id, local_now)
        dossier = Dossier(
            unit_id=unit.id,
            procedure_id=procedure.id,
            code=format_dossier_code(unit.code, local_now.date(), sequence),
            reception_day=local_now.date(),
            sequence=sequence,
            token=new_status_token(),
            deciding_agency=unit.governing_body_name,
            channel=data.channel,
            portal_code=portal_code,
            sets_count=data.sets_count,
            fee_amount=data.fee_amount,
            fee_note=fee_note,
            result_delivery=data.result_delivery,
            delivery_address=delivery_address,
            note=note,
            status=DossierStatus.RECEIVED,
            received_at=now,
            received_by_id=actor.id,
            due_at=due_at,
            logbook_year=local_now.year,
            logbook_number=logbook_number,
            **applicant,
        )
        dossier.documents = [
            DossierDocument(position=i, name=d.name, originals=d.originals,
                            certified_copies=d.certified_copies, photocopies=d.photocopies)
            for i, d in enumerate(documents, start=1)
        ]
        start_process(dossier, procedure, calendar, actor, now)
        return dossier

    dossier = insert_numbered(  # a concurrent clerk took the number: build again with the next one
        session, build, field="code",
        message="Không cấp được mã hồ sơ do quá nhiều hồ sơ được nhận cùng lúc; vui lòng thử lại.",
    )
    portal_sync.enqueue(session, dossier, dossier.events[0], now=now, new=True)  # the platform hears of it, later
    dossier_search.index_dossier(session, dossier)
    return dossier


def _next_numbers(session: Session, unit_id: int, local_now: datetime) -> tuple[int, int]:
    return (
        next_number(session, Dossier.sequence, Dossier.unit_id == unit_id, Dossier.reception_day == local_now.date()),
        next_number(session, Dossier.logbook_number, Dossier.unit_id == unit_id, Dossier.logbook_year == local_now.year),
    )


def turn_away(
    session: Session, actor: User, kind: NonReceptionKind, data: NonReceptionInput, *, now: datetime
) -> NonReception:
    """Record a request not received: Mẫu 02 (what is missing) or Mẫu 03 (why refused)."""
    _require_clerk(actor)
    procedure = _procedure_for_desk(session, actor, data.procedure_id, now)
    errors = Errors()
    applicant = check_applicant(errors, data.applicant)
    reason = text_field(errors, "reason", data.reason, 2000, multiline=True)
    message = text_field(errors, "citizen_message", data.citizen_message, 1000, required=False, multiline=True)
    missing = [" ".join(m.split()) for m in data.missing if m.strip()]
    if kind is NonReceptionKind.INCOMPLETE and not missing:
        errors.add("missing", "Vui lòng ghi các giấy tờ, nội dung cần bổ sung, hoàn thiện.")
    if any(len(m) > 500 for m in missing):
        errors.add("missing", "Mỗi dòng tối đa 500 ký tự.")
    errors.raise_if_any()
    year = to_local(now).year
    def build() -> NonReception:
        number = next_number(session, NonReception.number, NonReception.unit_id == actor.unit_id,
                             NonReception.kind == kind, NonReception.year == year)
        return NonReception(
            unit_id=actor.unit_id, procedure_id=procedure.id, kind=kind, number=number, year=year,
            channel=data.channel, missing="\n".join(missing), reason=reason, citizen_message=message, at=now,
            by_id=actor.id,
            token=new_status_token(),
            **{k: v for k, v in applicant.items() if not k.startswith("owner")},
        )

    record = insert_numbered(session, build, field="reason")
    dossier_search.index_non_reception(session, record)
    return record


def get_dossier(session: Session, actor: User, dossier_id: int) -> Dossier:
    """A dossier of a unit ``actor`` may see; NotFound otherwise."""
    dossier = find(session, Dossier, dossier_id)
    if dossier is None or not can_see_unit(session, actor, dossier.unit_id):
        raise NotFound("Không tìm thấy hồ sơ.")
    return dossier


def get_non_reception(session: Session, actor: User, record_id: int) -> NonReception:
    """A request turned away at a unit ``actor`` may see; NotFound otherwise."""
    record = find(session, NonReception, record_id)
    if record is None or not can_see_unit(session, actor, record.unit_id):
        raise NotFound("Không tìm thấy phiếu.")
    return record


def _require_clerk(actor: User) -> None:
    if not actor.has_role(Role.CLERK):
        raise Forbidden("Chỉ cán bộ tiếp nhận và trả kết quả được tiếp nhận hồ sơ.")


def _procedure_for_desk(session: Session, actor: User, procedure_id: int, now: datetime) -> Procedure:
    try:
        procedure = get_procedure(session, actor, procedure_id)
    except NotFound:
        raise ValidationFailed({"procedure_id": "Vui lòng chọn thủ tục."}) from None
    if procedure.unit_id != actor.unit_id or not procedure.validity.contains(local_date(now)):
        raise ValidationFailed({"procedure_id": "Thủ tục này không áp dụng tại đơn vị vào ngày hôm nay."})
    return procedure


def parse_birth_date(text: str) -> date | None:
    """"05/03/1990" (or 5-3-1990, 05.03.1990) as a date; "" as None; a day that does not exist refused."""
    text = " ".join((text or "").split())
    if not text:
        return None
    parts = re.split(r"\s*[/.\-]\s*", text)
    try:
        day, month, year = (int(p) for p in parts)
        born = date(year, month, day)
    except ValueError:
        raise DomainError("Ngày sinh ghi theo dạng ngày/tháng/năm, ví dụ 05/03/1990.") from None
    if not 1900 <= born.year <= 2100:
        raise DomainError("Năm sinh không hợp lệ.")
    return born


def check_applicant(errors: Errors, applicant: ApplicantInput) -> dict[str, object]:
    values: dict[str, object] = {
        "applicant_name": text_field(errors, "applicant_name", applicant.name, 100),
        "applicant_id_kind": applicant.id_kind,
        "applicant_id_number": errors.check(
            "applicant_id_number", normalize_id_number, applicant.id_kind.value, applicant.id_number
        ) or "",
        "applicant_address": text_field(errors, "applicant_address", applicant.address, 500, required=False),
        "applicant_email": text_field(errors, "applicant_email", applicant.email, 255, required=False),
        "owner_name": text_field(errors, "owner_name", applicant.owner_name, 100, required=False),
        "owner_id_number": text_field(errors, "owner_id_number", applicant.owner_id_number, 40, required=False),
    }
    phone = (applicant.phone or "").strip()
    values["applicant_phone"] = errors.check("applicant_phone", normalize_phone, phone) or "" if phone else ""
    email = values["applicant_email"]
    if email and ("@" not in email or " " in email):
        errors.add("applicant_email", "Địa chỉ email không hợp lệ.")
    return values
