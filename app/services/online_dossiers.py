"""Dossiers filed online: handed over by the provincial platform, decided at the desk (issue 21).

The platform hands a dossier over (``hand_over``, from POST /api/v1/online-dossiers
with an integration token); it waits in the unit's queue "Hồ sơ trực tuyến chờ
tiếp nhận" until a clerk

- accepts it (``accept``): a dossier of the desk is received at that instant,
  channel online, with its code, due instant (counted from acceptance:
  domain.md D1) and control slip, and the portal's code kept on it;
- asks for a supplement (``ask_supplement``): Mẫu 02, sent back electronically;
  the platform hands the dossier over again when the citizen has completed it;
- refuses it (``refuse``): Mẫu 03, sent back electronically.

Handing the same portal code over again never makes a second row: a resend is
acknowledged with the row as it stands; only a dossier returned for a
supplement comes back to the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.catalogue import DocumentSpec
from app.domain.localtime import local_date
from app.domain.worktime import WorkCalendar
from app.domain.online import OnlineState, after_handover
from app.domain.roles import Role
from app.domain.workflow import Channel, NonReceptionKind
from app.integrations.portal.messages import ONLINE, OnlineAnswer, OnlineFiling, field_problems, read_filing
from app.services import audit, portal_sync
from app.services.access import can_see_unit, subtree_ids
from app.services.calendar import unit_calendar
from app.services.errors import Forbidden, NotFound, StateConflict, ValidationFailed, check_version
from app.services.reception import (
    ApplicantInput,
    NonReceptionInput,
    ReceptionInput,
    check_applicant,
    receive_dossier,
    turn_away,
)
from app.services.rows import find
from app.services.validation import Errors
from models import ApiToken, Dossier, NonReception, OnlineDossier, Procedure, Unit, User


class UnknownUnit(ValidationFailed):
    """The unit the platform names is not one this token delivers to (404: the document itself is well formed)."""

    status_code = 404


@dataclass(frozen=True)
class Handed:
    """What the platform is answered: the row, and whether this hand-over made it (201) or found it (200)."""

    online: OnlineDossier
    created: bool


def hand_over(session: Session, token: ApiToken | None, document: Any, *, now: datetime) -> Handed:
    """Take a dossier filed online into its unit's queue; the caller commits. ``token``: the platform's (its
    units only); None: the app itself (the demo data)."""
    wrong = field_problems(ONLINE, document)
    if wrong:
        raise ValidationFailed(wrong)
    try:
        filing = read_filing(document)
    except ValueError:  # a day the calendar does not have (30 February): the pattern cannot say it
        raise ValidationFailed({"NgayNopHoSo": "Ngày giờ không có thật."}) from None
    unit = session.scalar(select(Unit).where(Unit.code == filing.unit_code, Unit.is_active.is_(True)))
    if unit is None or (token is not None and token.unit_id is not None
                        and unit.id not in subtree_ids(session, token.unit_id)):
        raise UnknownUnit({"MaDonVi": f"Không có đơn vị mã “{filing.unit_code}” nhận hồ sơ qua khoá này."})
    existing = session.scalar(select(OnlineDossier).where(OnlineDossier.portal_code == filing.portal_code))
    if existing is not None:
        return Handed(_again(session, existing, unit, filing, now), False)
    values = _values(session, unit, filing, now)
    row = OnlineDossier(portal_code=filing.portal_code, unit_id=unit.id, arrived_at=now, updated_at=now,
                        state=OnlineState.WAITING, handovers=1, **values)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same hand-over, at the same moment, from another connection of the platform
        existing = session.scalar(select(OnlineDossier).where(OnlineDossier.portal_code == filing.portal_code))
        if existing is None:
            raise
        return Handed(_again(session, existing, unit, filing, now), False)
    audit.record(session, None, "online.arrive", object_type="online_dossier", object_id=row.id, unit_id=unit.id,
                 now=now, portal_code=row.portal_code, token=token.prefix if token else "")
    return Handed(row, True)


def handed(session: Session, token: ApiToken, portal_code: str) -> OnlineDossier:
    """A dossier the platform handed over, as it stands (only within the token's units)."""
    row = session.scalar(select(OnlineDossier).where(OnlineDossier.portal_code == portal_code))
    if row is None or (token.unit_id is not None and row.unit_id not in subtree_ids(session, token.unit_id)):
        raise NotFound("Không có hồ sơ trực tuyến mã này.")
    return row


def _again(session: Session, row: OnlineDossier, unit: Unit, filing: OnlineFiling, now: datetime) -> OnlineDossier:
    """The same portal code handed over again: a supplement back to the queue, else the row as it stands."""
    if row.unit_id != unit.id:
        raise StateConflict({"MaHoSo": "Mã hồ sơ này đã được chuyển cho một đơn vị khác."})
    state = after_handover(row.state)
    if state is None:
        return row
    for key, value in _values(session, unit, filing, now).items():
        setattr(row, key, value)
    row.state, row.updated_at, row.handovers = state, now, row.handovers + 1
    audit.record(session, None, "online.supplemented", object_type="online_dossier", object_id=row.id,
                 unit_id=unit.id, now=now, portal_code=row.portal_code, handovers=row.handovers)
    return row


def _values(session: Session, unit: Unit, filing: OnlineFiling, now: datetime) -> dict[str, Any]:
    """The row's columns from a filing, checked as the desk checks a reception (400 naming the portal's field)."""
    if procedure_in_force(session, unit.id, filing.procedure_code, now) is None:
        raise StateConflict({"MaTTHC": f"Thủ tục “{filing.procedure_code}” không có trong danh mục đang áp dụng "
                                          f"của đơn vị {unit.code}."})
    errors = Errors()
    person = check_applicant(errors, _applicant(filing))
    if filing.delivery.value == "post" and not filing.delivery_address.strip():
        errors.add("delivery_address", "Nhận kết quả qua bưu chính: cần địa chỉ nhận (DiaChiNhanKetQua).")
    if errors.by_field:
        raise ValidationFailed({PORTAL_FIELDS.get(k, k): v for k, v in errors.by_field.items()})
    return {
        **person, "procedure_code": filing.procedure_code, "procedure_name": filing.procedure_name,
        "submitted_at": filing.submitted_at, "result_delivery": filing.delivery,
        "delivery_address": filing.delivery_address.strip(), "fee_amount": filing.fee_amount,
        "paid_online": filing.paid_online, "vneid_verified": filing.vneid_verified, "note": filing.note.strip(),
        "documents": [{"name": " ".join(d.name.split()), "url": d.url, "sha256": d.sha256, "reused": d.reused}
                      for d in filing.documents],
    }


PORTAL_FIELDS = {  # the desk's field names as the portal spells them, for the platform's error messages
    "applicant_name": "NguoiNop/HoTen", "applicant_id_number": "NguoiNop/SoGiayTo",
    "applicant_phone": "NguoiNop/SoDienThoai", "applicant_email": "NguoiNop/Email",
    "applicant_address": "NguoiNop/DiaChi", "owner_name": "ChuHoSo/HoTen", "owner_id_number": "ChuHoSo/SoGiayTo",
    "delivery_address": "DiaChiNhanKetQua",
}


def _applicant(filing: OnlineFiling | OnlineDossier) -> ApplicantInput:
    return ApplicantInput(
        name=filing.applicant_name, id_kind=filing.applicant_id_kind, id_number=filing.applicant_id_number,
        phone=filing.applicant_phone, email=filing.applicant_email, address=filing.applicant_address,
        owner_name=filing.owner_name, owner_id_number=filing.owner_id_number)


def procedure_in_force(session: Session, unit_id: int, code: str, now: datetime) -> Procedure | None:
    """The version of procedure ``code`` the unit applies today, if any."""
    today = local_date(now)
    return session.scalar(select(Procedure).where(
        Procedure.unit_id == unit_id, Procedure.code == code.strip().upper(), Procedure.effective_from <= today,
        or_(Procedure.effective_to.is_(None), Procedure.effective_to >= today)))


@dataclass(frozen=True)
class Waiting:
    """A row of the queue: the dossier filed online and how long it has waited, in working time."""

    online: OnlineDossier
    waited: timedelta  # since its last hand-over (a supplement restarts the wait)


def queue(session: Session, actor: User, *, now: datetime, states: tuple[OnlineState, ...] = (OnlineState.WAITING,)
          ) -> list[Waiting]:
    """The actor's unit's dossiers filed online in ``states``, the longest waiting first."""
    calendar = unit_calendar(session, actor.unit)
    rows = session.scalars(select(OnlineDossier).where(OnlineDossier.unit_id == actor.unit_id,
                                                       OnlineDossier.state.in_(states))
                           .order_by(OnlineDossier.updated_at, OnlineDossier.id)).all()
    return [queue_row(session, row, now=now, calendar=calendar) for row in rows]


def queue_row(session: Session, row: OnlineDossier, *, now: datetime, calendar: WorkCalendar | None = None
              ) -> Waiting:
    """How long ``row`` has waited since its last hand-over, in its unit's working time."""
    calendar = calendar or unit_calendar(session, row.unit)
    return Waiting(row, calendar.elapsed(row.updated_at, now) if now > row.updated_at else timedelta(0))


def waiting_count(session: Session, unit_id: int) -> int:
    """How many wait for a decision (the badge of the desk's menu)."""
    return session.scalar(select(func.count()).select_from(OnlineDossier).where(
        OnlineDossier.unit_id == unit_id, OnlineDossier.state == OnlineState.WAITING)) or 0


def get_online(session: Session, actor: User, online_id: int) -> OnlineDossier:
    row = find(session, OnlineDossier, online_id)
    if row is None or not can_see_unit(session, actor, row.unit_id):
        raise NotFound("Không tìm thấy hồ sơ trực tuyến.")
    return row


def _decidable(session: Session, actor: User, online_id: int, version: int | None, now: datetime
               ) -> tuple[OnlineDossier, Procedure]:
    if not actor.has_role(Role.CLERK):
        raise Forbidden("Chỉ cán bộ tiếp nhận và trả kết quả được tiếp nhận hồ sơ.")
    row = get_online(session, actor, online_id)
    if row.unit_id != actor.unit_id:
        raise Forbidden("Chỉ cán bộ của đơn vị nhận hồ sơ được tiếp nhận hồ sơ này.")
    check_version(row.version, version)
    if row.state is not OnlineState.WAITING:
        raise StateConflict({"state": f"Hồ sơ đã được xử lý: {row.state.label.lower()}."})
    procedure = procedure_in_force(session, row.unit_id, row.procedure_code, now)
    if procedure is None:
        raise StateConflict({"procedure": f"Thủ tục {row.procedure_code} không còn áp dụng tại đơn vị hôm nay; "
                                          "vui lòng từ chối tiếp nhận hoặc cập nhật danh mục."})
    return row, procedure


def accept(session: Session, actor: User, online_id: int, *, version: int | None, now: datetime) -> Dossier:
    """Receive the dossier at the desk now: its code, its due instant from this instant, its control slip."""
    row, procedure = _decidable(session, actor, online_id, version, now)
    data = ReceptionInput(
        procedure_id=procedure.id, applicant=_applicant(row), channel=Channel.ONLINE,
        documents=tuple(DocumentSpec(_document_line(d), 1, 0, 0) for d in row.documents),
        fee_amount=row.fee_amount, fee_note="Đã nộp trực tuyến" if row.paid_online and row.fee_amount else "",
        result_delivery=row.result_delivery, delivery_address=row.delivery_address,
        note=f"Nộp trực tuyến, mã trên cổng {row.portal_code}." + (f" {row.note}" if row.note else ""),
    )
    dossier = receive_dossier(session, actor, data, now=now, portal_code=row.portal_code)
    row.state, row.decided_at, row.decided_by_id, row.dossier_id = OnlineState.ACCEPTED, now, actor.id, dossier.id
    audit.record(session, actor, "online.accept", object_type="online_dossier", object_id=row.id, unit_id=row.unit_id,
                 now=now, portal_code=row.portal_code, dossier=dossier.code)
    return dossier


def _document_line(document: dict[str, Any]) -> str:
    mark = "tái sử dụng từ kho dữ liệu" if document.get("reused") else "bản điện tử"
    return f"{document['name']} ({mark})"[:500]


def ask_supplement(session: Session, actor: User, online_id: int, *, version: int | None, reason: str,
                   missing: tuple[str, ...], citizen_message: str = "", now: datetime) -> NonReception:
    """Mẫu 02: the dossier goes back to the citizen, electronically; it returns when the platform hands it over."""
    return _turn_away(session, actor, online_id, NonReceptionKind.INCOMPLETE, version=version, reason=reason,
                      missing=missing, citizen_message=citizen_message, now=now)


def refuse(session: Session, actor: User, online_id: int, *, version: int | None, reason: str,
           citizen_message: str = "", now: datetime) -> NonReception:
    """Mẫu 03: not received, with the reason, sent electronically."""
    return _turn_away(session, actor, online_id, NonReceptionKind.REFUSED, version=version, reason=reason,
                      missing=(), citizen_message=citizen_message, now=now)


def _turn_away(session: Session, actor: User, online_id: int, kind: NonReceptionKind, *, version: int | None,
               reason: str, missing: tuple[str, ...], citizen_message: str, now: datetime) -> NonReception:
    row, procedure = _decidable(session, actor, online_id, version, now)
    letter = turn_away(session, actor, kind, NonReceptionInput(
        procedure_id=procedure.id, applicant=_applicant(row), reason=reason, missing=missing, channel=Channel.ONLINE,
        citizen_message=citizen_message), now=now)
    refused = kind is NonReceptionKind.REFUSED
    row.state = OnlineState.REFUSED if refused else OnlineState.SUPPLEMENT
    row.decided_at, row.decided_by_id, row.non_reception_id = now, actor.id, letter.id
    portal_sync.enqueue_answer(session, row, OnlineAnswer(
        portal_code=row.portal_code, unit_code=row.unit.code, refused=refused,
        letter_number=f"{letter.number}/{letter.year}", at=now, person=actor.full_name, reason=letter.reason,
        missing=tuple(letter.missing.splitlines()), citizen_message=letter.citizen_message), now=now)
    audit.record(session, actor, "online.refuse" if refused else "online.supplement", object_type="online_dossier",
                 object_id=row.id, unit_id=row.unit_id, now=now, portal_code=row.portal_code, letter=letter.id)
    return letter
