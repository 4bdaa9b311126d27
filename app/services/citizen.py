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
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from app.domain.citizen import (
    Phase,
    TimelineStep,
    holder_phrase,
    is_lookup_digits,
    last_digits_match,
    mask_name,
    opening_hours,
    redact,
)
from app.domain.roles import Role
from app.domain.satisfaction import COMMENT_MAX, KEYS, automatic_scores, read_answers
from app.domain.timeliness import Timeliness, classify_finished
from app.domain.working_hours import parse_windows
from app.domain.workflow import OPEN_STATUSES, Action, DossierStatus, NonReceptionKind, ResultDelivery
from app.services.calendar import unit_calendar
from app.services.documents import non_reception_number, receiving_unit_name
from app.services.errors import Conflict, Forbidden, NotFound
from app.services.processing import NOTICE_SUFFIX, planned_steps, process_of
from app.services.reception import get_dossier, new_status_token
from app.services.validation import Errors, text_field
from models import AuditEntry, Dossier, DossierNotice, NonReception, Procedure, SatisfactionRating, Unit, User

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
    reason: str
    missing: tuple[str, ...] = ()
    new_due_at: datetime | None = None


@dataclass(frozen=True)
class RatingSummary:
    at: datetime
    overall: int
    score: int


@dataclass(frozen=True)
class DossierPage:
    """Everything the status page of a received dossier says."""

    code: str
    procedure: str
    holder: str  # masked
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
    closing_reason: str  # refused / withdrawn / stopped: the reason recorded
    rating: RatingSummary | None
    automatic: dict[str, int] = field(default_factory=dict)  # criteria 1–2 for the rating form

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
    reason: str
    missing: tuple[str, ...]


def office_of(unit: Unit) -> Office:
    return Office(
        name=receiving_unit_name(unit), address=unit.address, phone=unit.phone,
        hours=opening_hours(parse_windows(unit.working_windows)),
    )


def status_page(session: Session, token: str, *, now: datetime) -> DossierPage | TurnedAwayPage | None:
    """The page behind a status link, or None for an unknown, malformed or reissued token."""
    if not is_token(token):
        return None
    dossier = session.scalar(
        select(Dossier).where(Dossier.token == token).options(
            joinedload(Dossier.unit), joinedload(Dossier.procedure).selectinload(Procedure.steps),
            selectinload(Dossier.handovers), selectinload(Dossier.notices),
        )
    )
    if dossier is not None:
        return _dossier_page(session, dossier, now)
    record = session.scalar(
        select(NonReception).where(NonReception.token == token)
        .options(joinedload(NonReception.unit), joinedload(NonReception.procedure))
    )
    return _turned_away_page(record) if record is not None else None


def _names(dossier: Dossier) -> tuple[str, ...]:
    return (dossier.applicant_name, dossier.owner_name)


def _letter(notice: DossierNotice, dossier: Dossier) -> Letter:
    names = _names(dossier)
    return Letter(
        number=f"{notice.number}/{NOTICE_SUFFIX[notice.form]}", at=notice.at, reason=redact(notice.reason, *names),
        missing=tuple(redact(line, *names) for line in notice.missing.splitlines() if line.strip()),
        new_due_at=notice.new_due_at,
    )


def _dossier_page(session: Session, dossier: Dossier, now: datetime) -> DossierPage:
    status, unit = dossier.status, dossier.unit
    open_ = status in OPEN_STATUSES
    paused = status is DossierStatus.SUPPLEMENT_REQUESTED
    due_effective = dossier.due_rescheduled_at or dossier.due_at
    needs_calendar = (open_ and not paused) or status is DossierStatus.DONE
    calendar = unit_calendar(session, unit) if needs_calendar else None
    overdue = open_ and not paused and now > due_effective
    notices = {form: [n for n in dossier.notices if n.form == form] for form in ("02", "04", "05")}
    open_request = next((n for n in reversed(notices["02"]) if n.resolved_at is None), None)
    closing_reason = ""
    if status in _CLOSED_BY:
        action = _CLOSED_BY[status].value
        event = next((e for e in reversed(dossier.events) if e.action == action), None)
        closing_reason = redact(event.reason, *_names(dossier)) if event else ""
    rating = None
    if status is DossierStatus.RETURNED:
        row = rating_of(session, dossier)
        rating = RatingSummary(row.at, row.overall, row.score) if row else None
    result = classify_finished(dossier.finished_at, dossier.due_at) if dossier.finished_at and status in (
        DossierStatus.DONE, DossierStatus.RETURNED) else None
    return DossierPage(
        code=dossier.code, procedure=dossier.procedure.name,
        holder=mask_name(dossier.owner_name or dossier.applicant_name), office=office_of(unit),
        status=status, received_at=dossier.received_at, due_at=dossier.due_at,
        rescheduled_at=dossier.due_rescheduled_at, now=now,
        timeline=_timeline(dossier, calendar, due_effective, now),
        current=holder_phrase(process_of(dossier.procedure).step(dossier.step_position)) if open_ else None,
        paused=paused, overdue=overdue,
        overdue_by=calendar.elapsed(due_effective, now) if overdue and calendar else None,
        finished_at=dossier.finished_at, result=result, returned_at=dossier.returned_at,
        delivery=dossier.result_delivery, return_method=dossier.return_method,
        collect_from=(calendar.start_of_clock(now) if calendar and status is DossierStatus.DONE else None),
        supplement=_letter(open_request, dossier) if paused and open_request else None,
        apology=_letter(notices["04"][-1], dossier) if notices["04"] else None,
        stop=_letter(notices["05"][-1], dossier) if notices["05"] else None,
        closing_reason=closing_reason, rating=rating,
        automatic=_automatic(dossier) if status is DossierStatus.RETURNED and rating is None else {},
    )


def _timeline(dossier: Dossier, calendar, due_effective: datetime, now: datetime) -> tuple[TimelineStep, ...]:  # type: ignore[no-untyped-def]
    """The steps of the process, each done, current, next or not carried out, with their instants."""
    process = process_of(dossier.procedure)
    status, position = dossier.status, dossier.step_position
    done_at: dict[int, datetime] = {}
    for row in dossier.handovers:
        if row.kind in (Action.HAND_OVER.value, Action.FINISH.value):
            done_at[row.step_position] = row.at
    planned: dict[int, datetime] = {}
    if calendar is not None and status in OPEN_STATUSES:
        planned = {step.position: deadline for step, deadline in planned_steps(dossier, calendar)}
    last = process.result_position
    closed = status in (DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED)
    steps = []
    for index in range(1, last + 1):
        step = process.step(index)
        name = step.name if index < last else (step.name if process.return_position else "Trả kết quả")
        if index == last and status is DossierStatus.RETURNED:
            steps.append(TimelineStep(name, Phase.DONE, dossier.returned_at))
        elif index < position:
            steps.append(TimelineStep(name, Phase.DONE, done_at.get(index)))
        elif index == position and closed:
            steps.append(TimelineStep(name, Phase.DONE, dossier.finished_at))
        elif index == position:
            paused = status is DossierStatus.SUPPLEMENT_REQUESTED
            # At the desk with the result the wait is the citizen's: no deadline to show.
            due = None if paused or status is DossierStatus.DONE else dossier.step_due_at
            started = dossier.finished_at if index == last and dossier.finished_at else dossier.step_started_at
            steps.append(TimelineStep(name, Phase.CURRENT, started, due))
        elif closed:
            steps.append(TimelineStep(name, Phase.SKIPPED))
        else:
            at = due_effective if index == last else planned.get(index)
            if status is DossierStatus.SUPPLEMENT_REQUESTED or (at is not None and at < now):
                at = None  # the deadlines move when the supplement comes; a plan already missed says nothing
            steps.append(TimelineStep(name, Phase.NEXT, at))
    return tuple(steps)


def _automatic(dossier: Dossier) -> dict[str, int]:
    finished = dossier.finished_at or dossier.returned_at
    assert finished is not None
    return automatic_scores(classify_finished(finished, dossier.due_at), (h.step_result for h in dossier.handovers))


def _turned_away_page(record: NonReception) -> TurnedAwayPage:
    names = (record.applicant_name,)
    return TurnedAwayPage(
        kind=record.kind, number=non_reception_number(record), at=record.at, procedure=record.procedure.name,
        holder=mask_name(record.applicant_name), office=office_of(record.unit),
        reason=redact(record.reason, *names),
        missing=tuple(redact(line, *names) for line in record.missing.splitlines() if line.strip()),
    )


# --- the lookup without the QR -----------------------------------------------------------


def normalize_code(text: str) -> str:
    return "".join(text.split()).upper()[:64]


def lookup_token(session: Session, code: str, digits: str) -> str | None:
    """The status-link token of the dossier with ``code``, if ``digits`` end its ID number or phone.

    A wrong pair and an unknown code both give None, after the same comparisons.
    """
    code = normalize_code(code)
    row = None
    if _CODE.fullmatch(code) and is_lookup_digits(digits):
        row = session.execute(
            select(Dossier.token, Dossier.applicant_id_number, Dossier.owner_id_number, Dossier.applicant_phone)
            .where(Dossier.code == code)
        ).first()
    secrets_ = (row.applicant_id_number, row.owner_id_number, row.applicant_phone) if row else ("", "", "")
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
    session.add(AuditEntry(at=now, actor_id=actor.id, unit_id=dossier.unit_id, action="status_link.reissue",
                           object_type="dossier", object_id=dossier.id, detail={"reason": why}))
    session.flush()
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
    values = {**_automatic(dossier), **scores}
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

