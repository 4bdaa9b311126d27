"""The citizen's side: the status page behind the QR, the lookup by code, the rating.

Nothing here needs a login. What leaves this module for the public page is
the minimum of domain.md §8: statuses, steps, dates, the procedure and the
office; the holder's name masked; free text scrubbed of numbers and names.
The status link is a random token of 192 bits; a clerk can reissue it (a
lost receipt) and the old one then finds nothing, exactly like a token that
never existed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
import threading
import time
from datetime import datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from app.domain.citizen import (
    TimelineStep,
    holder_phrase,
    is_lookup_digits,
    last_digits_match,
    public_holder,
    opening_hours,
    page_changes_at,
    redact,
    timeline,
)
from app.domain.addressing import is_organisation
from app.domain.durations import Duration
from app.domain.process import Process, planned_deadlines
from app.domain.worktime import WorkCalendar
from app.domain.roles import Role
from app.domain.satisfaction import COMMENT_MAX, KEYS, automatic_scores, read_answers
from app.domain.timeliness import Timeliness, classify_finished
from app.domain.working_hours import parse_windows
from app.domain.workflow import OPEN_STATUSES, Action, DossierStatus, IdKind, NonReceptionKind, ResultDelivery
from app.services import audit
from app.services.calendar import calendar_of
from app.services.documents import non_reception_number, receiving_unit_name
from app.services.errors import Conflict, Forbidden, NotFound
from app.services.processing import CITIZEN_MESSAGE_ACTIONS, NOTICE_SUFFIX, load_process
from app.services.reception import get_dossier, new_status_token
from app.services.rows import read_only
from app.services.validation import Errors, text_field
from models import (
    AuditEntry,
    Dossier,
    DossierEvent,
    DossierNotice,
    Handover,
    NonReception,
    Procedure,
    SatisfactionRating,
    Unit,
    User,
)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
_CODE = re.compile(r"[A-Z0-9.\-]{6,64}")
_CLOSED_BY = {
    DossierStatus.REFUSED: Action.REFUSE,
    DossierStatus.WITHDRAWN: Action.WITHDRAW,
    DossierStatus.STOPPED: Action.STOP,
}


def is_token(text: str) -> bool:
    return bool(_TOKEN.fullmatch(text))


# --- what the page shows -----------------------------------------------------------------


@dataclass(frozen=True)
class Office:
    """Where to go and whom to call."""

    name: str
    address: str
    phone: str
    hours: str


@dataclass(frozen=True)
class Letter:
    """A numbered letter issued for the dossier, as the citizen may read it."""

    number: str
    at: datetime
    message: str  # lời nhắn cho công dân, redacted ("" when none was written)
    new_due_at: datetime | None = None


@dataclass(frozen=True)
class RatingSummary:
    at: datetime
    overall: int
    score: int


HOLDER_LABEL = "Người nộp hồ sơ"


@dataclass(frozen=True)
class DossierPage:
    """Everything the status page of a received dossier says."""

    code: str
    procedure: str
    holder: str  # masked (a person), or an organisation's name
    holder_label: str  # "Người nộp hồ sơ", or "Chủ hồ sơ" when the dossier is someone else's
    office: Office
    status: DossierStatus
    received_at: datetime
    due_at: datetime
    rescheduled_at: datetime | None
    now: datetime
    timeline: tuple[TimelineStep, ...]
    current: str | None  # the current step in words, while open
    paused: bool
    overdue: bool  # open and past the due instant the citizen was last given
    overdue_by: timedelta | None  # working time past it
    finished_at: datetime | None
    result: Timeliness | None  # of a finished dossier, against the original due instant
    returned_at: datetime | None
    delivery: ResultDelivery
    return_method: ResultDelivery | None
    collect_from: datetime | None  # result at the desk: from when it can be collected
    supplement: Letter | None  # the open Mẫu 02 while waiting for the citizen
    apology: Letter | None  # Mẫu 04
    stop: Letter | None  # Mẫu 05
    closing_message: str  # refused / withdrawn / stopped: the message written for the citizen, redacted
    rating: RatingSummary | None
    automatic: dict[str, int] = field(default_factory=dict)  # criteria 1–2 for the rating form
    # Not shown: what keeps the page (app.services.status_pages): the dossier as it stood, and until when the
    # page reads the same with nothing done to it.
    dossier_id: int = 0
    unit_id: int = 0
    version: int = 0
    changes_at: datetime | None = None

    @property
    def due_effective(self) -> datetime:
        return self.rescheduled_at or self.due_at

    @property
    def can_rate(self) -> bool:
        return self.status is DossierStatus.RETURNED and self.rating is None

    @property
    def finished_late(self) -> bool:
        return self.result is Timeliness.LATE


@dataclass(frozen=True)
class TurnedAwayPage:
    """The status page of a request not received (Mẫu 02 at the counter, or Mẫu 03)."""

    kind: NonReceptionKind
    number: str
    at: datetime
    procedure: str
    holder: str
    office: Office
    message: str  # lời nhắn cho công dân, redacted


# The public page reuses, per thread and for a minute, what changes rarely and costs queries: a
# procedure version's steps (a renamed department shows within the minute) and a unit's calendar
# (an override entered by the admin, likewise). Stored deadlines never come from these caches.
PUBLIC_CACHE_SECONDS = 60.0
_public = threading.local()


def _cached(kind: str, key: tuple, build):  # type: ignore[no-untyped-def]
    store: dict[tuple, tuple[float, object]] = _public.__dict__.setdefault(kind, {})
    hit = store.get(key)
    moment = time.monotonic()
    if hit is not None and hit[0] > moment:
        return hit[1]
    value = build()
    if len(store) > 512:
        store.clear()
    store[key] = (moment + PUBLIC_CACHE_SECONDS, value)
    return value


def public_process(session: Session, procedure_id: int, version: int) -> Process:
    return _cached("processes", (procedure_id, version), lambda: load_process(session, procedure_id))


def public_calendar(session: Session, unit_id: int, windows: str, cutoff: time_of_day) -> WorkCalendar:
    return _cached("calendars", (unit_id, windows, cutoff), lambda: calendar_of(session, unit_id, windows, cutoff))


def office_of(unit: Unit | Row) -> Office:
    """The office's name, address, phone and hours (``unit`` may be a row with the same columns)."""
    return Office(
        name=receiving_unit_name(unit), address=unit.address, phone=unit.phone,
        hours=opening_hours(parse_windows(unit.working_windows)),
    )


# The page's queries, built once with bound parameters (the status page is the busiest page there is)
# and run on the session's connection: plain rows, no ORM objects.
_PAGE = (
    select(
        Dossier.id.label("dossier_id"), Dossier.version, Dossier.code, Dossier.status, Dossier.unit_id,
        Dossier.procedure_id,
        Dossier.applicant_name, Dossier.owner_name, Dossier.applicant_id_kind, Dossier.applicant_address,
        Dossier.delivery_address,
        Dossier.received_at, Dossier.due_at, Dossier.due_rescheduled_at,
        Dossier.finished_at, Dossier.returned_at, Dossier.result_delivery, Dossier.return_method,
        Dossier.step_position, Dossier.step_started_at, Dossier.step_due_at,
        Procedure.name.label("procedure_name"), Procedure.version.label("procedure_version"),
        Procedure.duration_kind, Procedure.duration_value,
        Unit.governing_body_name, Unit.name, Unit.place_name, Unit.address, Unit.phone, Unit.working_windows,
        Unit.same_day_cutoff,
    )
    .join(Procedure, Procedure.id == Dossier.procedure_id).join(Unit, Unit.id == Dossier.unit_id)
    .where(Dossier.token == bindparam("token"))
)
_SLIP = (
    select(Handover.step_position, Handover.kind, Handover.at, Handover.step_result)
    .where(Handover.dossier_id == bindparam("dossier_id")).order_by(Handover.seq)
)
_NOTICES = (
    select(DossierNotice.form, DossierNotice.number, DossierNotice.at, DossierNotice.new_due_at,
           DossierNotice.resolved_at)
    .where(DossierNotice.dossier_id == bindparam("dossier_id")).order_by(DossierNotice.id)
)
# The messages written for the citizen, oldest first (the last of each action counts). Reasons and notes
# typed for the file are never read here.
_MESSAGES = (
    select(DossierEvent.action, DossierEvent.citizen_message)
    .where(DossierEvent.dossier_id == bindparam("dossier_id"),
           DossierEvent.action.in_([a.value for a in CITIZEN_MESSAGE_ACTIONS]))
    .order_by(DossierEvent.id)
)
_NOTICE_ACTIONS = {"02": Action.REQUEST_SUPPLEMENT, "04": Action.RESCHEDULE, "05": Action.STOP}
_RATING = (
    select(SatisfactionRating.at, SatisfactionRating.overall, SatisfactionRating.score)
    .where(SatisfactionRating.dossier_id == bindparam("dossier_id"))
)


def status_page(session: Session, token: str, *, now: datetime) -> DossierPage | TurnedAwayPage | None:
    """The page behind a status link, or None for an unknown, malformed or reissued token.

    Read with plain column queries (no ORM objects): the dossier with its
    procedure and unit, its steps, and only what its state needs (the slip's
    rows, the letters, the closing event, the rating, the calendar).
    """
    if not is_token(token):
        return None
    row = read_only(session).execute(_PAGE, {"token": token}).first()
    if row is not None:
        return _dossier_page(session, row, now)
    record = session.scalar(
        select(NonReception).where(NonReception.token == token)
        .options(joinedload(NonReception.unit), joinedload(NonReception.procedure))
    )
    return _turned_away_page(record) if record is not None else None


def _letter(notice: Row, message: str) -> Letter:
    return Letter(number=f"{notice.number}/{NOTICE_SUFFIX[notice.form]}", at=notice.at, message=message,
                  new_due_at=notice.new_due_at)


def _dossier_page(session: Session, row: Row, now: datetime) -> DossierPage:
    status, dossier_id = row.status, row.dossier_id

    def shown(message: str) -> str:
        return redact(message, names=(row.applicant_name, row.owner_name),
                      places=(row.applicant_address, row.delivery_address))

    open_ = status in OPEN_STATUSES
    paused = status is DossierStatus.SUPPLEMENT_REQUESTED
    due_effective = row.due_rescheduled_at or row.due_at
    connection = session.connection()
    process = public_process(session, row.procedure_id, row.procedure_version)
    calendar = None
    if (open_ and not paused) or status is DossierStatus.DONE:
        calendar = public_calendar(session, row.unit_id, row.working_windows, row.same_day_cutoff)
    overdue = open_ and not paused and now > due_effective

    slip: list[Row] = []
    if row.step_position > 1 or status not in OPEN_STATUSES:
        slip = connection.execute(_SLIP, {"dossier_id": dossier_id}).all()
    done_at = {h.step_position: h.at for h in slip if h.kind in (Action.HAND_OVER.value, Action.FINISH.value)}
    planned: dict[int, datetime] = {}
    if calendar is not None and open_:
        planned = {step.position: deadline for step, deadline in planned_deadlines(
            process, Duration(row.duration_kind, Decimal(row.duration_value)), calendar,
            position=row.step_position, step_due_at=row.step_due_at, due_at=row.due_at)}

    messages: dict[str, str] = {}
    if paused or row.due_rescheduled_at or status in _CLOSED_BY:
        messages = {action: shown(text) for action, text in connection.execute(_MESSAGES, {"dossier_id": dossier_id})}
    letters: dict[str, Letter] = {}
    if paused or row.due_rescheduled_at or status is DossierStatus.STOPPED:
        for notice in connection.execute(_NOTICES, {"dossier_id": dossier_id}):
            if notice.form != "02" or notice.resolved_at is None:  # the last of each form; Mẫu 02 while open
                letters[notice.form] = _letter(notice, messages.get(_NOTICE_ACTIONS[notice.form].value, ""))
    closing_message = messages.get(_CLOSED_BY[status].value, "") if status in _CLOSED_BY else ""
    rating, automatic = None, {}
    if status is DossierStatus.RETURNED:
        scores = connection.execute(_RATING, {"dossier_id": dossier_id}).first()
        rating = RatingSummary(*scores) if scores else None
        if rating is None:
            automatic = automatic_scores(classify_finished(row.finished_at or row.returned_at, row.due_at),
                                         (h.step_result for h in slip))
    finished = status in (DossierStatus.DONE, DossierStatus.RETURNED) and row.finished_at is not None
    steps = timeline(
        process, status=status, position=row.step_position, step_started_at=row.step_started_at,
        step_due_at=row.step_due_at, finished_at=row.finished_at, returned_at=row.returned_at,
        due_effective=due_effective, done_at=done_at, planned=planned, now=now,
    )
    overdue_by = calendar.elapsed(due_effective, now) if overdue and calendar else None
    collect_from = calendar.start_of_clock(now) if calendar and status is DossierStatus.DONE else None
    changes_at = page_changes_at(
        now, [due_effective if open_ and not paused else None, collect_from,
              *(step.due for step in steps), *(step.at for step in steps)],
        counting=overdue_by is not None)
    return DossierPage(
        code=row.code, procedure=row.procedure_name, holder_label="Chủ hồ sơ" if row.owner_name else HOLDER_LABEL,
        holder=public_holder(row.owner_name, organisation=is_organisation(row.owner_name)) if row.owner_name
        else public_holder(row.applicant_name, organisation=is_organisation(
            row.applicant_name, tax_code=row.applicant_id_kind is IdKind.TAX_CODE)),
        office=office_of(row), status=status, received_at=row.received_at, due_at=row.due_at,
        rescheduled_at=row.due_rescheduled_at, now=now,
        timeline=steps,
        current=holder_phrase(process.step(row.step_position)) if open_ else None,
        paused=paused, overdue=overdue, overdue_by=overdue_by,
        finished_at=row.finished_at, result=classify_finished(row.finished_at, row.due_at) if finished else None,
        returned_at=row.returned_at, delivery=row.result_delivery, return_method=row.return_method,
        collect_from=collect_from,
        supplement=letters.get("02") if paused else None, apology=letters.get("04"), stop=letters.get("05"),
        closing_message=closing_message, rating=rating, automatic=automatic,
        dossier_id=dossier_id, unit_id=row.unit_id, version=row.version, changes_at=changes_at,
    )


def _turned_away_page(record: NonReception) -> TurnedAwayPage:
    return TurnedAwayPage(
        kind=record.kind, number=non_reception_number(record), at=record.at, procedure=record.procedure.name,
        holder=public_holder(record.applicant_name, organisation=is_organisation(
            record.applicant_name, tax_code=record.applicant_id_kind is IdKind.TAX_CODE)), office=office_of(record.unit),
        message=redact(record.citizen_message, names=(record.applicant_name,), places=(record.applicant_address,)),
    )


# --- the lookup without the QR -----------------------------------------------------------


def normalize_code(text: str) -> str:
    return "".join(text.split()).upper()[:64]


def lookup_token(session: Session, code: str, digits: str) -> str | None:
    """The status-link token of the dossier with ``code``, if ``digits`` are the last four of the ID number of
    the person who filed it or of the person it is about (the phone is not asked: it is printed on fewer
    papers, but more people know it).

    A wrong pair and an unknown code both give None, after the same comparisons.
    """
    code = normalize_code(code)
    row = None
    if _CODE.fullmatch(code) and is_lookup_digits(digits):
        row = read_only(session).execute(
            select(Dossier.token, Dossier.applicant_id_number, Dossier.owner_id_number)
            .where(Dossier.code == code)
        ).first()
    secrets_ = (row.applicant_id_number, row.owner_id_number) if row else ("", "")
    matched = last_digits_match(digits, secrets_)
    return row.token if row is not None and matched else None


# --- the clerk reissues a lost receipt's link -----------------------------------------------


def can_reissue_status_link(actor: User, dossier: Dossier) -> bool:
    """The desk's clerks and the leaders of the dossier's unit."""
    return actor.unit_id == dossier.unit_id and actor.has_role(Role.CLERK, Role.LEADER)


def reissue_status_link(session: Session, actor: User, dossier_id: int, *, reason: str, now: datetime) -> Dossier:
    """Give the dossier a new status token; the old QR then finds nothing. Audited, not versioned.

    The token is not part of the workflow's state, so other people's open
    workflow forms stay valid (no version bump).
    """
    dossier = get_dossier(session, actor, dossier_id)
    if not can_reissue_status_link(actor, dossier):
        raise Forbidden("Chỉ cán bộ tiếp nhận và trả kết quả hoặc lãnh đạo của đơn vị được cấp lại mã tra cứu.")
    errors = Errors()
    why = text_field(errors, "reason", reason, 255)
    errors.raise_if_any()
    token = new_status_token()
    session.execute(
        update(Dossier).where(Dossier.id == dossier.id).values(token=token)
        .execution_options(synchronize_session=False)
    )
    audit.record(session, actor, "status_link.reissue", object_type="dossier", object_id=dossier.id,
                 unit_id=dossier.unit_id, now=now, reason=why)
    session.refresh(dossier, ["token"])
    return dossier


def status_link_history(session: Session, dossier: Dossier) -> list[AuditEntry]:
    """The reissues of a dossier's link, newest first (for its staff page)."""
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "dossier", AuditEntry.object_id == dossier.id,
                                 AuditEntry.action == "status_link.reissue")
        .options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    ))


# --- the rating ------------------------------------------------------------------------------


def rating_of(session: Session, dossier: Dossier) -> SatisfactionRating | None:
    """The citizen's rating of ``dossier``, if any."""
    return session.scalar(select(SatisfactionRating).where(SatisfactionRating.dossier_id == dossier.id))


ALREADY_RATED = "Hồ sơ này đã được đánh giá. Cảm ơn ông/bà đã góp ý."


def rate(session: Session, token: str, answers: dict[str, str], comment: str, *, now: datetime) -> SatisfactionRating:
    """Record the citizen's evaluation of a returned dossier, once."""
    dossier = session.scalar(
        select(Dossier).where(Dossier.token == token).options(selectinload(Dossier.handovers))
    ) if is_token(token) else None
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    if dossier.status is not DossierStatus.RETURNED:
        raise Conflict("Ông/bà có thể đánh giá sau khi nhận kết quả giải quyết hồ sơ.")
    scores, problems = read_answers(answers)
    errors = Errors()
    for key, message in problems.items():
        errors.add(key, message)
    note = text_field(errors, "comment", comment, COMMENT_MAX, required=False)
    errors.raise_if_any()
    if session.scalar(select(SatisfactionRating.id).where(SatisfactionRating.dossier_id == dossier.id)):
        raise Conflict(ALREADY_RATED)
    finished = dossier.finished_at or dossier.returned_at
    assert finished is not None  # returned
    automatic = automatic_scores(classify_finished(finished, dossier.due_at),
                                 (h.step_result for h in dossier.handovers))
    values = {**automatic, **scores}
    rating = SatisfactionRating(
        dossier_id=dossier.id, unit_id=dossier.unit_id, procedure_id=dossier.procedure_id,
        returned_by_id=dossier.returned_by_id, at=now, comment=note, score=sum(values[k] for k in KEYS), **values,
    )
    try:
        with session.begin_nested():
            session.add(rating)
    except IntegrityError:
        raise Conflict(ALREADY_RATED) from None  # a double tap: the first one counted
    return rating

