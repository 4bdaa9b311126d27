"""Dossiers about to be late: the "Sắp đến hạn" list, the holder's warning, the apology letter (Mẫu 04).

1. The list shows the open dossiers of the unit (a leader) or of the person
   (the others) with less than two working days left, or a step with less than
   two working hours left, or already late — worked out live from the due
   instants and the unit's calendar, so it is right even between sweeps.
2. The holder marks a dossier as going to be late, with the reason and the
   proposed new date (``mark``). The next sweep drafts the Mẫu 04 and tells the
   leaders by when it must leave: one working day before the due instant.
3. The holder issues it (``issue``): the reschedule action of the workflow,
   numbered Mẫu 04, and an SMS/Zalo message to the citizen in office hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from app.domain.localtime import VN_TZ, to_local
from app.domain.monitoring import DUE_SOON, STEP_DUE_SOON, apology_send_by, limits
from app.domain.process import may_act_on
from app.domain.roles import Role
from app.domain.timeliness import Urgency, urgency_of
from app.domain.workflow import OPEN_STATUSES, Action, DossierStatus, check_reschedule
from app.domain.errors import DomainError
from app.services import outbox, processing
from app.services.calendar import unit_calendar
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.queues import QueueKind, queue_condition
from app.services.rows import find
from app.services.validation import Errors, text_field
from models import Dossier, DossierNotice, ExpectedDelay, User

STALE = processing.STALE
MAX_ROWS = 500


@dataclass(frozen=True)
class SoonRow:
    dossier: Dossier
    due_left: timedelta
    step_left: timedelta | None
    urgency: Urgency  # of the dossier
    step_urgency: Urgency | None
    delay: ExpectedDelay | None
    send_by: datetime | None  # Mẫu 04 must leave by then (None: already rescheduled)
    apology_in_time: bool  # that instant has not passed


def due_soon_list(session: Session, actor: User, *, now: datetime) -> list[SoonRow]:
    """The open dossiers that need attention now, the latest first to go wrong first."""
    if not actor.has_role(Role.CLERK, Role.OFFICER, Role.LEADER):
        raise Forbidden("Danh sách này dành cho cán bộ xử lý hồ sơ.")
    calendar = unit_calendar(session, actor.unit)
    unit_limits = limits(calendar, now)
    running = Dossier.status != DossierStatus.SUPPLEMENT_REQUESTED
    statement = (
        select(Dossier).where(
            Dossier.unit_id == actor.unit_id, Dossier.finished_at.is_(None), running,
            or_(Dossier.due_at < unit_limits.due_soon_before, Dossier.step_due_at < unit_limits.step_due_soon_before),
        )
        .options(joinedload(Dossier.procedure), joinedload(Dossier.holder_user), joinedload(Dossier.holder_department))
        .order_by(Dossier.due_at, Dossier.id).limit(MAX_ROWS)
    )
    if not actor.has_role(Role.LEADER):
        statement = statement.where(queue_condition(actor, QueueKind.MINE))
    dossiers = session.scalars(statement).all()
    delays = {
        d.dossier_id: d for d in session.scalars(
            select(ExpectedDelay).where(ExpectedDelay.dossier_id.in_([x.id for x in dossiers]),
                                        ExpectedDelay.withdrawn_at.is_(None)))
    } if dossiers else {}
    rows = []
    for dossier in dossiers:
        due_left = calendar.elapsed(now, dossier.due_at)
        step_left = calendar.elapsed(now, dossier.step_due_at)
        send_by = None if dossier.due_rescheduled_at else apology_send_by(calendar, dossier.due_at)
        rows.append(SoonRow(dossier, due_left, step_left, urgency_of(due_left, threshold=DUE_SOON),
                            urgency_of(step_left, threshold=STEP_DUE_SOON), delays.get(dossier.id), send_by,
                            send_by is not None and now < send_by))
    return rows


def delay_of(session: Session, dossier_id: int) -> ExpectedDelay | None:
    return session.scalar(select(ExpectedDelay).where(ExpectedDelay.dossier_id == dossier_id))


def can_mark(session: Session, actor: User, dossier: Dossier) -> bool:
    """The holder (or a leader of the unit) may warn that an open dossier will be late, before any Mẫu 04."""
    if actor.unit_id != dossier.unit_id or dossier.status not in OPEN_STATUSES or dossier.due_rescheduled_at:
        return False
    if actor.has_role(Role.LEADER):
        return True
    process = processing.process_of(dossier.procedure)
    return actor.has_role(Role.OFFICER) and may_act_on(
        processing.person(actor), dossier.unit_id, process, processing.holding(dossier))


def mark(session: Session, actor: User, dossier_id: int, *, reason: str, proposed_due_on: date | None,
         version: int | None, now: datetime) -> ExpectedDelay:
    """Say the dossier will be late: why, and the new date (due at the close of that working day)."""
    dossier = find(session, Dossier, dossier_id)
    if dossier is None or dossier.unit_id != actor.unit_id:
        raise NotFound("Không tìm thấy hồ sơ.")
    if not can_mark(session, actor, dossier):
        raise Forbidden("Chỉ người đang xử lý hồ sơ hoặc lãnh đạo được báo hồ sơ dự kiến trễ hạn, "
                        "khi hồ sơ còn đang giải quyết và chưa hẹn lại.")
    errors = Errors()
    clean = text_field(errors, "reason", reason, 2000, multiline=True)
    if proposed_due_on is None:
        errors.add("proposed_due_on", "Vui lòng chọn ngày hẹn trả kết quả mới đề xuất.")
    errors.raise_if_any()
    calendar = unit_calendar(session, dossier.unit)
    if not calendar.is_working_day(proposed_due_on):
        raise ValidationFailed({"proposed_due_on": "Ngày hẹn mới phải là ngày làm việc."})
    proposed_due_at = datetime.combine(proposed_due_on, calendar.windows[-1].end, VN_TZ)
    try:
        check_reschedule(now=now, due_at=dossier.due_at, rescheduled_due_at=None, new_due_at=proposed_due_at)
    except DomainError as error:
        raise ValidationFailed({"proposed_due_on": error.message}) from None
    delay = delay_of(session, dossier.id)
    if delay is None:
        delay = ExpectedDelay(unit_id=dossier.unit_id, dossier_id=dossier.id)
        session.add(delay)
    elif version is not None and version != delay.version:
        raise Conflict("Thông tin dự kiến trễ hạn vừa được người khác cập nhật; vui lòng tải lại trang.")
    elif delay.notice_id is not None:
        raise ValidationFailed({"reason": "Văn bản xin lỗi (Mẫu 04) đã được ban hành cho hồ sơ này."})
    delay.marked_at, delay.marked_by_id, delay.reason, delay.proposed_due_at = now, actor.id, clean, proposed_due_at
    delay.drafted_at = delay.send_by = delay.withdrawn_at = None  # the sweep drafts it again from what was said
    session.flush()
    return delay


def withdraw(session: Session, actor: User, dossier_id: int, *, now: datetime) -> ExpectedDelay:
    delay = delay_of(session, dossier_id)
    dossier = find(session, Dossier, dossier_id) if delay else None
    if delay is None or dossier is None or dossier.unit_id != actor.unit_id:
        raise NotFound("Hồ sơ chưa được báo dự kiến trễ hạn.")
    if delay.notice_id is not None:
        raise ValidationFailed({"reason": "Văn bản xin lỗi (Mẫu 04) đã được ban hành; không thể rút lại."})
    if not can_mark(session, actor, dossier):
        raise Forbidden("Bạn không thể thay đổi thông tin dự kiến trễ hạn của hồ sơ này.")
    delay.withdrawn_at = now
    session.flush()
    return delay


def issue(session: Session, actor: User, dossier_id: int, *, version: int | None, now: datetime) -> DossierNotice:
    """Issue the drafted Mẫu 04: the reschedule action with the draft's reason and date; the citizen is told."""
    delay = delay_of(session, dossier_id)
    if delay is None or delay.withdrawn_at is not None or delay.unit_id != actor.unit_id:
        raise NotFound("Hồ sơ chưa có dự thảo văn bản xin lỗi.")
    if delay.drafted_at is None:
        raise ValidationFailed({"action": "Dự thảo chưa được lập; hệ thống lập dự thảo ở lượt rà soát kế tiếp "
                                          "(vài phút) — hoặc dùng “Xin lỗi, hẹn lại ngày trả” để ban hành ngay."})
    dossier = processing.apply_action(session, actor, dossier_id, processing.ActionInput(
        Action.RESCHEDULE, version, reason=delay.reason, new_due_at=delay.proposed_due_at), now=now)
    notice = session.scalars(
        select(DossierNotice).where(DossierNotice.dossier_id == dossier.id, DossierNotice.form == "04")
        .order_by(DossierNotice.id.desc()).limit(1)
    ).one()
    delay.notice_id = notice.id
    outbox.queue_for_citizen(
        session, unit_id=dossier.unit_id, phone=dossier.applicant_phone, kind="apology", now=now,
        dedupe=f"apology:{notice.id}",
        body=(f"Ho so {dossier.code}: co quan xin loi vi chua tra ket qua dung hen. "
              f"Ngay hen moi: {to_local(delay.proposed_due_at):%d/%m/%Y}. Xem chi tiet qua ma QR tren giay hen."),
    )
    session.flush()
    return notice
