"""Printed documents: map dossiers and desk records to the forms' data, render, record the print.

A print never changes a dossier; it only adds a PrintedDocument row saying
what was printed, when, by whom and for which version of the dossier, so a
reprint is traceable and the ISO pack can list what was issued.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.domain.addressing import Authority, is_organisation, signature_lines
from app.domain.localtime import VN_TZ, local_date
from app.domain.paper import PaperSize
from app.domain.roles import Role
from app.domain.process import CITIZEN, DESK
from app.domain.vn_words import money, short_instant
from app.domain.worktime import WorkCalendar
from app.domain.workflow import TERMINAL_STATUSES, DossierStatus, IdKind, NonReceptionKind, ResultDelivery
from app.services import audit
from app.services.access import get_visible_unit
from app.services.calendar import unit_calendar
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.processing import NOTICE_SUFFIX, planned_steps, process_of
from app.services.reception import get_dossier, get_non_reception
from app.services.rows import find
from models import (
    Dossier,
    DossierNotice,
    NonReception,
    PrintedDocument,
    Procedure,
    ProcedureStep,
    Unit,
    User,
)
from printing import (
    TEMPLATE_VERSION,
    form01_receipt,
    form02_supplement_request,
    form03_refusal,
    form04_apology_extension,
    form05_suspension_notice,
    form06_control_slip,
    form07_logbook,
)
from printing.base import Applicant, Header, Pause, Tracking
from printing.combine import combine

STATUS_PATH = "/tra-cuu/"
MAX_LOGBOOK_DAYS = 366
FORM_NAMES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Văn bản xin lỗi và đề nghị gia hạn",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "07": "Sổ theo dõi hồ sơ",
}
_ID_LABEL = {
    IdKind.CITIZEN_ID: "Số định danh cá nhân",
    IdKind.PASSPORT: "Số hộ chiếu",
    IdKind.TAX_CODE: "Mã số thuế",
    IdKind.OTHER: "Số giấy tờ tùy thân",
}


@dataclass(frozen=True)
class Printed:
    """A rendered document ready to send: bytes, file name and the record of the print."""

    content: bytes
    filename: str
    record: PrintedDocument | None
    mimetype: str = "application/pdf"


NON_RECEPTION_SUFFIX = {NonReceptionKind.INCOMPLETE: "HDHS", NonReceptionKind.REFUSED: "TCHS"}


def non_reception_number(record: NonReception) -> str:
    """"3/TCHS": the number printed on a turn-away letter (Mẫu 02 at the counter or Mẫu 03)."""
    return f"{record.number}/{NON_RECEPTION_SUFFIX[record.kind]}"


def status_url(base_url: str, token: str) -> str:
    """The citizen status page of ``token``: what the QR holds."""
    return base_url.rstrip("/") + STATUS_PATH + token


def print_receipt(
    session: Session, actor: User, dossier_id: int, *, base_url: str, now: datetime, paper: PaperSize | None = None
) -> Printed:
    """Mẫu 01 for a dossier, recorded as printed."""
    dossier = get_dossier(session, actor, dossier_id)
    _require_desk(actor, dossier.unit_id)
    unit = dossier.unit
    paper = paper or unit.receipt_paper
    data = form01_receipt.ReceiptData(
        header=_header(unit, local_date(dossier.received_at)),
        tracking=Tracking(status_url(base_url, dossier.token), dossier.code),
        code=dossier.code,
        receiving_unit=receiving_unit_name(unit),
        applicant=_applicant(dossier),
        applicant_id=f"{_ID_LABEL[dossier.applicant_id_kind]}: {dossier.applicant_id_number}",
        owner=_owner(dossier),
        procedure=_procedure(dossier.procedure),
        documents=tuple(
            form01_receipt.DocumentLine(d.name, d.originals, d.certified_copies, d.photocopies)
            for d in dossier.documents
        ),
        sets_count=dossier.sets_count,
        duration=dossier.procedure.duration.describe(),
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        delivery=_delivery(dossier),
        fee=money(dossier.fee_amount) + (f" ({dossier.fee_note})" if dossier.fee_note else ""),
        logbook_book=str(dossier.logbook_year),
        logbook_number=dossier.logbook_number,
        clerk_name=dossier.received_by.full_name,
        unit_phone=unit.phone,
        **_pauses(session, dossier),
    )
    content = form01_receipt.render(data, paper=paper)
    record = _record(session, actor, unit, "01", paper, now, dossier=dossier)
    return Printed(content, f"giay-tiep-nhan-{dossier.code}.pdf", record)


def print_control_slip(
    session: Session, actor: User, dossier_id: int, *, base_url: str, now: datetime, paper: PaperSize | None = None
) -> Printed:
    """Mẫu 06 for a dossier: planned handovers from the procedure's steps, blank to fill by hand."""
    dossier = get_dossier(session, actor, dossier_id)
    if not can_print_control_slip(actor, dossier.unit_id):
        raise Forbidden("Chỉ người xử lý hồ sơ của đơn vị được in phiếu kiểm soát.")
    paper = paper or dossier.unit.control_slip_paper
    content = control_slip_pdf(session, dossier, base_url=base_url, paper=paper)
    record = _record(session, actor, dossier.unit, "06", paper, now, dossier=dossier)
    return Printed(content, control_slip_filename(dossier), record)


def print_desk_pair(
    session: Session, actor: User, dossier_id: int, *, base_url: str, now: datetime, paper: PaperSize | None = None
) -> Printed:
    """Mẫu 01 (both liên) and Mẫu 06 in one PDF, so the clerk meets one print dialog; both prints recorded.

    Each keeps its paper (the unit's settings: A5 receipt, A4 slip by default) unless ``paper`` says otherwise.
    """
    receipt = print_receipt(session, actor, dossier_id, base_url=base_url, now=now, paper=paper)
    slip = print_control_slip(session, actor, dossier_id, base_url=base_url, now=now, paper=paper)
    dossier = get_dossier(session, actor, dossier_id)
    return Printed(combine(receipt.content, slip.content), f"tiep-nhan-{dossier.code}.pdf", receipt.record)


def control_slip_filename(dossier: Dossier) -> str:
    return f"phieu-kiem-soat-{dossier.code}.pdf"


def control_slip_pdf(session: Session, dossier: Dossier, *, base_url: str, paper: PaperSize | None = None) -> bytes:
    """Mẫu 06 of ``dossier`` as it stands (no access check, no print record: the caller does both)."""
    return form06_control_slip.render(control_slip_data(session, dossier, base_url=base_url),
                                      paper=paper or dossier.unit.control_slip_paper)


def control_slip_data(session: Session, dossier: Dossier, *, base_url: str,
                      calendar: WorkCalendar | None = None) -> form06_control_slip.ControlSlipData:
    """What Mẫu 06 of ``dossier`` shows as it stands. ``calendar``: the unit's, when the caller makes many slips
    of one unit."""
    unit = dossier.unit
    return form06_control_slip.ControlSlipData(
        header=_header(unit, local_date(dossier.received_at)),
        tracking=Tracking(status_url(base_url, dossier.token), dossier.code),
        code=dossier.code,
        applicant_name=dossier.applicant_name,
        procedure=_procedure(dossier.procedure),
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        rescheduled_due_at=dossier.due_rescheduled_at,
        processing_body=processing_body(dossier.procedure, unit),
        coordinating_body="",
        rows=planned_handovers(session, dossier, calendar),
        **_pauses(session, dossier, calendar),
    )


def _pauses(session: Session, dossier: Dossier, calendar: WorkCalendar | None = None) -> dict[str, object]:
    """The supplement pauses of ``dossier`` (Mẫu 02 during processing) and the appointment before them."""
    notices = [n for n in dossier.notices if n.form == "02"]
    if not notices:
        return {}
    calendar = calendar or unit_calendar(session, dossier.unit)
    pauses = tuple(
        Pause(n.at, n.resolved_at, n.reason,
              f"Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ số {n.number}/{NOTICE_SUFFIX['02']}")
        for n in sorted(notices, key=lambda n: (n.at, n.id))
    )
    return {"pauses": pauses, "original_due_at": calendar.add(dossier.received_at, dossier.procedure.duration)}


def planned_handovers(session: Session, dossier: Dossier, calendar: WorkCalendar | None = None
                      ) -> tuple[form06_control_slip.HandoverRow, ...]:
    """The rows of the control slip: the handovers recorded so far, then those still to come.

    A recorded row has its time, people and the result of the giver's step
    (trước hạn / đúng hạn / quá hạn). The rows to come, one per remaining step
    of the procedure's process, carry each step's planned deadline (the
    current step's own deadline, then the following shares, never after the
    dossier's due instant) and are left blank to fill in by hand.
    """
    recorded = [
        form06_control_slip.HandoverRow(
            giver=h.giver, receiver=h.receiver, deadline=h.step_deadline, at=h.at,
            result=h.step_result.label if h.step_result else "", giver_person=h.giver_person,
            receiver_person=h.receiver_person, note=h.note,
        )
        for h in dossier.handovers
    ]
    if dossier.status in TERMINAL_STATUSES:
        return tuple(recorded)
    if dossier.status is DossierStatus.DONE:
        return (*recorded, form06_control_slip.HandoverRow(DESK, CITIZEN, dossier.due_at))
    process = process_of(dossier.procedure)
    steps = planned_steps(dossier, calendar or unit_calendar(session, dossier.unit))
    planned = []
    for step, deadline in steps:
        following = process.next_position(step.position)
        receiver = process.step(following).holder_label if following else DESK
        planned.append(form06_control_slip.HandoverRow(step.holder_label, receiver, deadline))
    planned.append(form06_control_slip.HandoverRow(DESK, CITIZEN, dossier.due_at))
    return (*recorded, *planned)


def get_notice(session: Session, actor: User, notice_id: int) -> DossierNotice:
    """A notice of a dossier ``actor`` may see; NotFound otherwise."""
    notice = find(session, DossierNotice, notice_id)
    if notice is None:
        raise NotFound("Không tìm thấy văn bản.")
    get_dossier(session, actor, notice.dossier_id)
    return notice


def print_notice(
    session: Session, actor: User, notice_id: int, *, base_url: str, now: datetime, paper: PaperSize | None = None
) -> Printed:
    """Mẫu 02 (supplement requested during processing), 04 (apology, new date) or 05 (stopped)."""
    notice = get_notice(session, actor, notice_id)
    dossier = notice.dossier
    if not can_print_control_slip(actor, dossier.unit_id):
        raise Forbidden("Chỉ người xử lý hồ sơ của đơn vị được in văn bản này.")
    unit = dossier.unit
    paper = paper or unit.receipt_paper
    number = f"{notice.number}/{NOTICE_SUFFIX[notice.form]}"
    header = _header(unit, local_date(notice.at), f"Số: {number}")
    tracking = Tracking(status_url(base_url, dossier.token), dossier.code)
    if notice.form == "02":
        content = _supplement_request(header, tracking, unit, dossier, notice.missing, notice.reason, notice.by,
                                      paper)
        slug = "phieu-yeu-cau-bo-sung"
    elif notice.form == "04":
        leader = notice.by.has_role(Role.LEADER)
        authority = authority_of(unit)
        content = form04_apology_extension.render(form04_apology_extension.ApologyData(
            header=_issuer_header(unit, local_date(notice.at), f"Số: {number}"), tracking=tracking,
            agency=authority.name, applicant_name=dossier.applicant_name, code=dossier.code,
            procedure=_procedure(dossier.procedure), received_at=dossier.received_at, due_at=dossier.due_at,
            reason=notice.reason, new_due_at=notice.new_due_at or dossier.due_at,
            signer_lines=signature_lines(authority, notice.by.position if leader else ""),
            signer_name=notice.by.full_name if leader else "", organisation=applicant_is_organisation(dossier),
            desk=receiving_unit_name(unit),
        ), paper=paper)
        slug = "van-ban-xin-loi"
    else:
        content = form05_suspension_notice.render(form05_suspension_notice.SuspensionNoticeData(
            header=header, tracking=tracking, receiving_unit=receiving_unit_name(unit),
            applicant_name=dossier.applicant_name, code=dossier.code, procedure=_procedure(dossier.procedure),
            received_at=dossier.received_at, requested_at=notice.requested_at or notice.at, stopped_at=notice.at,
            reason=notice.reason, fee_handling=notice.fee_handling or "Không phát sinh.",
            clerk_name=notice.by.full_name, organisation=applicant_is_organisation(dossier),
        ), paper=paper)
        slug = "thong-bao-dung"
    record = _record(session, actor, unit, notice.form, paper, now, dossier=dossier, description=f"Số {number}")
    return Printed(content, f"{slug}-{dossier.code}-{notice.year}-{notice.number}.pdf", record)


def print_non_reception(
    session: Session, actor: User, record_id: int, *, base_url: str, now: datetime, paper: PaperSize | None = None
) -> Printed:
    """Mẫu 02 (guidance to complete) or Mẫu 03 (refusal) for a request turned away at the counter."""
    record = get_non_reception(session, actor, record_id)
    _require_desk(actor, record.unit_id)
    unit = record.unit
    paper = paper or unit.receipt_paper
    incomplete = record.kind is NonReceptionKind.INCOMPLETE
    form, slug = ("02", "phieu-huong-dan") if incomplete else ("03", "phieu-tu-choi")
    number = non_reception_number(record)
    header = _header(unit, local_date(record.at), f"Số: {number}")
    tracking = Tracking(status_url(base_url, record.token), number, "Số phiếu")
    if incomplete:
        content = _supplement_request(header, tracking, unit, record, record.missing, record.reason, record.by, paper)
    else:
        content = form03_refusal.render(form03_refusal.RefusalData(
            header=header, tracking=tracking, receiving_unit=receiving_unit_name(unit), applicant=_applicant(record),
            procedure=_procedure(record.procedure), reason=record.reason, clerk_name=record.by.full_name,
        ), paper=paper)
    printed = _record(session, actor, unit, form, paper, now, non_reception=record)
    return Printed(content, f"{slug}-{record.year}-{record.number}.pdf", printed)


def logbook(
    session: Session, actor: User, unit_id: int, first: date, last: date, *, now: datetime, xlsx: bool = False
) -> Printed:
    """Mẫu 07 of a unit for the days ``first``–``last`` (local), as PDF (the book to print and sign) or XLSX
    (a list of citizens' personal data to take away: the unit's leader or an inspector only, as for every
    list export)."""
    unit = check_logbook(session, actor, unit_id, first, last, xlsx=xlsx)
    content = render_logbook(session, unit, first, last, now=now, xlsx=xlsx)
    record = record_logbook(session, actor, unit, first, last, now=now, xlsx=xlsx)
    name = logbook_filename(unit, first, last) + (".xlsx" if xlsx else ".pdf")
    return Printed(content, name, record, XLSX if xlsx else "application/pdf")


def check_logbook(session: Session, actor: User, unit_id: int, first: date, last: date, *, xlsx: bool) -> Unit:
    """The unit whose logbook ``actor`` asks for, or the reason it cannot be made."""
    unit = get_visible_unit(session, actor, unit_id)
    if xlsx and not can_export_logbook(actor, unit.id):
        raise Forbidden("Bản Excel của sổ theo dõi là danh sách có thông tin cá nhân của người dân: chỉ lãnh đạo "
                        "đơn vị hoặc thanh tra được xuất. Bản PDF vẫn in được để ký.")
    if last < first:
        raise ValidationFailed({"last": "Ngày cuối kỳ phải sau ngày đầu kỳ."})
    if (last - first).days >= MAX_LOGBOOK_DAYS:
        raise ValidationFailed({"last": "Mỗi lần in tối đa 366 ngày; vui lòng chia nhỏ kỳ."})
    return unit


def render_logbook(session: Session, unit: Unit, first: date, last: date, *, now: datetime, xlsx: bool) -> bytes:
    """The logbook's file (reading only: no print record)."""
    data = logbook_data(unit, first, last, received_dossiers(session, unit, first, last), now=now)
    return form07_logbook.render_xlsx(data) if xlsx else form07_logbook.render(data)


def record_logbook(session: Session, actor: User, unit: Unit, first: date, last: date, *, now: datetime,
                   xlsx: bool) -> PrintedDocument:
    description = f"{first:%d/%m/%Y}–{last:%d/%m/%Y}" + (" (XLSX)" if xlsx else "")
    return _record(session, actor, unit, "07", PaperSize.A4, now, description=description)


def logbook_size(session: Session, unit: Unit, first: date, last: date) -> int:
    """How many dossiers the logbook of those days lists (one index range: ix_dossier_unit_received)."""
    start, end = _local_days(first, last)
    return session.scalar(select(func.count()).select_from(Dossier).where(
        Dossier.unit_id == unit.id, Dossier.received_at >= start, Dossier.received_at < end)) or 0


def _local_days(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time(), VN_TZ), datetime.combine(last + timedelta(days=1), time(), VN_TZ)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def can_export_logbook(actor: User, unit_id: int) -> bool:
    """The logbook as a spreadsheet: the unit's leader, or an inspector (docs/security.md, list exports)."""
    return actor.has_role(Role.INSPECTOR) or (actor.has_role(Role.LEADER) and actor.unit_id == unit_id)


def logbook_filename(unit: Unit, first: date, last: date) -> str:
    return f"so-theo-doi-{unit.code}-{first:%Y%m%d}-{last:%Y%m%d}"


def received_dossiers(session: Session, unit: Unit, first: date, last: date) -> list[Dossier]:
    """The dossiers ``unit`` received on the days ``first``–``last`` (local), in logbook order, with what
    Mẫu 07 and Mẫu 06 read (procedure steps and their departments, handovers) loaded."""
    start, end = _local_days(first, last)
    return list(session.scalars(
        select(Dossier)
        .where(Dossier.unit_id == unit.id, Dossier.received_at >= start, Dossier.received_at < end)
        .order_by(Dossier.logbook_year, Dossier.logbook_number)
        .options(*_SLIP_LOADS)
    ))


_SLIP_LOADS = (selectinload(Dossier.procedure).selectinload(Procedure.steps).selectinload(ProcedureStep.department),
               selectinload(Dossier.handovers))


def dossiers_in_order(session: Session, ids: Sequence[int]) -> list[Dossier]:
    """The dossiers ``ids`` (a batch), in that order, with what Mẫu 06 reads loaded."""
    found = {d.id: d for d in session.scalars(select(Dossier).where(Dossier.id.in_(ids)).options(*_SLIP_LOADS))}
    return [found[i] for i in ids if i in found]


def logbook_data(unit: Unit, first: date, last: date, dossiers: Sequence[Dossier], *,
                 now: datetime) -> form07_logbook.LogbookData:
    """The rows of Mẫu 07 for the days ``first``–``last``: ``dossiers`` from :func:`received_dossiers`."""
    entries = tuple(
        form07_logbook.LogbookEntry(
            number=d.logbook_number,
            code=d.code,
            procedure=d.procedure.name,
            sets_count=d.sets_count,
            applicant=d.applicant_name + (f" (chủ hồ sơ: {d.owner_name})" if d.owner_name else ""),
            contact="; ".join(x for x in (d.applicant_address, d.applicant_phone) if x),
            processing_body=_processing_department(d.procedure),
            received_at=d.received_at,
            due_at=d.due_at,
            sent_at=_first(h.at for h in d.handovers if h.kind == "hand_over" and h.step_position == 1),
            result_received_at=_first(h.at for h in reversed(d.handovers) if h.kind == "finish"),
            returned_at=d.returned_at,
            note=_logbook_note(d),
        )
        for d in dossiers
    )
    books = sorted({d.logbook_year for d in dossiers}) or [first.year]
    return form07_logbook.LogbookData(
        header=_header(unit, local_date(now)),
        unit_name=receiving_unit_name(unit),
        book=", ".join(str(b) for b in books),
        period_from=first,
        period_to=last,
        entries=entries,
    )


def list_prints(session: Session, dossier: Dossier) -> list[PrintedDocument]:
    """Every print of ``dossier``, oldest first."""
    return list(session.scalars(
        select(PrintedDocument)
        .where(PrintedDocument.dossier_id == dossier.id)
        .order_by(PrintedDocument.printed_at, PrintedDocument.id)
        .options(selectinload(PrintedDocument.printed_by))
    ))


# --- mapping helpers ------------------------------------------------------------


def can_print_desk_forms(actor: User, unit_id: int) -> bool:
    """Mẫu 01, 02, 03: the unit's own reception clerks."""
    return actor.unit_id == unit_id and actor.has_role(Role.CLERK)


def can_print_control_slip(actor: User, unit_id: int) -> bool:
    """Mẫu 06: anyone of the unit who handles dossiers."""
    return actor.unit_id == unit_id and actor.has_role(Role.CLERK, Role.OFFICER, Role.LEADER)


def _require_desk(actor: User, unit_id: int) -> None:
    if not can_print_desk_forms(actor, unit_id):
        raise Forbidden("Chỉ cán bộ tiếp nhận và trả kết quả của đơn vị được in phiếu này.")


def _record(
    session: Session, actor: User, unit: Unit, form: str, paper: PaperSize, now: datetime, *,
    dossier: Dossier | None = None, non_reception: NonReception | None = None, description: str = "",
) -> PrintedDocument:
    record = PrintedDocument(
        unit_id=unit.id, form=form, template_version=TEMPLATE_VERSION, paper=paper, printed_at=now,
        printed_by_id=actor.id, description=description,
        dossier_id=dossier.id if dossier else None,
        subject_version=dossier.version if dossier else None,
        non_reception_id=non_reception.id if non_reception else None,
    )
    session.add(record)
    session.flush()
    # Every print shows personal data (a name, an ID number): the access log says who printed what.
    subject = ("dossier", dossier.id) if dossier else ("non_reception", non_reception.id) if non_reception \
        else ("unit", unit.id)
    audit.record(session, actor, "personal_data.print", object_type=subject[0], object_id=subject[1],
                 unit_id=unit.id, now=now, what=f"Mẫu {form}" + (f" {description}" if description else ""))
    return record


def _supplement_request(
    header: Header, tracking: Tracking, unit: Unit, row: Dossier | NonReception, missing: str, reason: str,
    guide: User, paper: PaperSize,
) -> bytes:
    """Mẫu 02, at the counter (not received) or during processing (a dossier's notice)."""
    return form02_supplement_request.render(form02_supplement_request.SupplementRequestData(
        header=header, tracking=tracking, receiving_unit=receiving_unit_name(unit), applicant=_applicant(row),
        procedure=_procedure(row.procedure), missing=tuple(line for line in missing.splitlines() if line.strip()),
        reason=reason, guide_name=guide.full_name, guide_phone=unit.phone,
    ), paper=paper)


def _applicant(row: Dossier | NonReception) -> Applicant:
    """The applicant block of the desk's forms (Mẫu 01, 02, 03)."""
    return Applicant(row.applicant_name, row.applicant_address, row.applicant_phone, row.applicant_email,
                     organisation=applicant_is_organisation(row))


def _header(unit: Unit, day: date, number: str = "") -> Header:
    return Header(unit.governing_body_name, unit.name, unit.place_name, day, number)


_PEOPLES_COMMITTEE = "ỦY BAN NHÂN DÂN"


def authority_of(unit: Unit) -> Authority:
    """The authority above the desk that issues letters such as Mẫu 04: the commune's Ủy ban nhân dân."""
    name = unit.governing_body_name.upper().replace("UỶ", "ỦY")
    if name.startswith(_PEOPLES_COMMITTEE):
        return Authority(_running_case(unit.governing_body_name, unit), "Ủy ban nhân dân", "Chủ tịch")
    return Authority(_running_case(unit.governing_body_name, unit), unit.governing_body_name, "Thủ trưởng cơ quan",
                     collective=False)


def _issuer_header(unit: Unit, day: date, number: str) -> Header:
    """The header of a letter the authority itself issues: its name alone, bold ("ỦY BAN NHÂN DÂN" over
    "XÃ AN BÌNH"), no governing body above it (ND 30/2020, Phụ lục I)."""
    name = unit.governing_body_name.upper().replace("UỶ", "ỦY")
    if name.startswith(_PEOPLES_COMMITTEE) and name != _PEOPLES_COMMITTEE:
        name = f"{_PEOPLES_COMMITTEE}\n{name[len(_PEOPLES_COMMITTEE):].strip()}"
    return Header("", name, unit.place_name, day, number)


def applicant_is_organisation(row: Dossier | NonReception) -> bool:
    """Whether the applicant is an organisation (a tax code, or a name such as "Công ty …"): never "Ông/Bà"."""
    return is_organisation(row.applicant_name, tax_code=row.applicant_id_kind is IdKind.TAX_CODE)


def receiving_unit_name(unit: Unit) -> str:
    """"Trung tâm phục vụ hành chính công xã An Bình": the desk's name in running text."""
    return _running_case(f"{unit.name} {_kind(unit)}{unit.place_name}", unit)


def _running_case(value: str, unit: Unit) -> str:
    """Names written in capitals on the header, in sentence case with the place name kept."""
    lowered = value.lower().replace(unit.place_name.lower(), unit.place_name)
    return lowered[:1].upper() + lowered[1:]


def _kind(unit: Unit) -> str:
    governing = unit.governing_body_name.upper()
    for word, kind in ((" XÃ ", "xã "), (" PHƯỜNG ", "phường "), (" ĐẶC KHU ", "đặc khu "), (" TỈNH ", "tỉnh "),
                       (" THÀNH PHỐ ", "thành phố ")):
        if word in f" {governing} ":
            return kind
    return ""


def _procedure(procedure: Procedure) -> str:
    return f"{procedure.name} (mã TTHC {procedure.code})"


def _owner(dossier: Dossier) -> str:
    if not dossier.owner_name:
        return ""
    return dossier.owner_name + (f" — {dossier.owner_id_number}" if dossier.owner_id_number else "")


def _delivery(dossier: Dossier) -> str:
    if dossier.result_delivery is ResultDelivery.POST:
        return f"Qua dịch vụ bưu chính công ích, địa chỉ: {dossier.delivery_address}"
    if dossier.result_delivery is ResultDelivery.ELECTRONIC:
        return "Bản điện tử, tài khoản trên Cổng Dịch vụ công"
    return DESK


def _first(values: Iterable[datetime]) -> datetime | None:
    return next(iter(values), None)


def _logbook_note(dossier: Dossier) -> str:
    """The logbook's note column: the status if closed otherwise than by a return, the new date, the note."""
    parts = []
    if dossier.status in (DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED):
        parts.append(dossier.status.label)
    if dossier.due_rescheduled_at is not None:
        parts.append(f"Hẹn lại: {short_instant(dossier.due_rescheduled_at)}")
    if dossier.returned_at is not None and dossier.return_method is ResultDelivery.POST:
        parts.append(f"Trả qua bưu chính {dossier.return_note}".strip())
    if dossier.note:
        parts.append(dossier.note)
    return "; ".join(parts)


def processing_body(procedure: Procedure, unit: Unit) -> str:
    """The body that processes the dossier, as Mẫu 06 and the portal name it."""
    return f"{_processing_department(procedure)}, {_running_case(unit.governing_body_name, unit)}"


def _processing_department(procedure: Procedure) -> str:
    """The department that processes the dossier: what Mẫu 07 prints on each row (its header names the unit)."""
    departments = [s.department.name for s in procedure.steps if s.department is not None]
    return departments[0] if departments else "Công chức chuyên môn"
