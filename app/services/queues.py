"""Work queues: what a person has to do now, most urgent first.

- "Hồ sơ của tôi" (mine): the open dossiers I hold, by name or, when nobody is
  named, because the current step is my department's or my role's.
- "Chờ phê duyệt" (approval): in progress at a leader's step, for me or for
  any leader of the unit.
- "Chờ trả kết quả" (return): done, the result at the desk, for the clerks.

Each page is one SQL statement (dossiers with their procedure and holder
joined, the total counted by a window function), so the cost does not grow
with the number of rows shown. Time left is working time, computed in Python
from the unit's calendar for the rows of the page only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.orm import Session, joinedload

from app.domain.roles import Role
from app.domain.timeliness import Urgency, urgency_of
from app.domain.workflow import OPEN_STATUSES, DossierStatus
from app.services import dossier_search, privacy
from app.services.calendar import unit_calendar
from app.services.errors import Forbidden
from models import Dossier, Procedure, User

PER_PAGE = 25
MAX_PAGE = 10_000


class QueueKind(StrEnum):
    MINE = "mine"
    APPROVAL = "approval"
    RETURN = "return"
    SUPPLEMENT = "supplement"  # the unit's dossiers waiting on the citizen (Mẫu 02), the longest waiting first

    @property
    def label(self) -> str:
        return {
            QueueKind.MINE: "Hồ sơ của tôi",
            QueueKind.APPROVAL: "Hồ sơ chờ phê duyệt",
            QueueKind.RETURN: "Hồ sơ chờ trả kết quả",
            QueueKind.SUPPLEMENT: "Hồ sơ chờ bổ sung",
        }[self]


class Sort(StrEnum):
    DUE = "due"  # most urgent first
    RECEIVED = "received"  # newest first
    CODE = "code"

    @property
    def label(self) -> str:
        return {Sort.DUE: "Hạn gần nhất", Sort.RECEIVED: "Mới tiếp nhận", Sort.CODE: "Mã hồ sơ"}[self]


@dataclass(frozen=True)
class QueueFilter:
    procedure_id: int | None = None
    status: DossierStatus | None = None
    text: str = ""  # part of the code or of the applicant's name
    sort: Sort = Sort.DUE
    page: int = 1


@dataclass(frozen=True)
class QueueRow:
    dossier: Dossier
    deadline: datetime  # the step's deadline (the appointment for the return queue; the pause's start for supplement)
    left: timedelta  # working time until the deadline, negative when overdue; for supplement: working time waited
    urgency: Urgency


@dataclass(frozen=True)
class QueuePage:
    kind: QueueKind
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


ALLOWED = {
    QueueKind.MINE: frozenset({Role.CLERK, Role.OFFICER, Role.LEADER}),
    QueueKind.APPROVAL: frozenset({Role.LEADER}),
    QueueKind.RETURN: frozenset({Role.CLERK}),
    QueueKind.SUPPLEMENT: frozenset({Role.CLERK, Role.LEADER}),
}


def queues_for(user: User) -> list[QueueKind]:
    """The queues ``user`` works from."""
    return [kind for kind in QueueKind if user.has_role(*ALLOWED[kind])]


def queue(
    session: Session, actor: User, kind: QueueKind, filters: QueueFilter = QueueFilter(), *, now: datetime,
    per_page: int = PER_PAGE,
) -> QueuePage:
    """One page of a work queue of ``actor``'s unit."""
    if not actor.has_role(*ALLOWED[kind]):
        raise Forbidden("Bạn không có hàng đợi hồ sơ này.")
    page = min(max(filters.page, 1), MAX_PAGE)
    statement = (
        select(Dossier, func.count().over().label("total"))
        .join(Dossier.procedure)
        .where(Dossier.unit_id == actor.unit_id, queue_condition(actor, kind))
        .options(joinedload(Dossier.procedure), joinedload(Dossier.holder_user), joinedload(Dossier.holder_department))
    )
    if filters.procedure_id is not None:
        statement = statement.where(Procedure.id == filters.procedure_id)
    if filters.status is not None:
        statement = statement.where(Dossier.status == filters.status)
    text = " ".join(filters.text.split())[:100]
    matching = dossier_search.matching_dossier_ids(text, [actor.unit_id]) if text else None
    if matching is not None:
        statement = statement.where(Dossier.id.in_(matching))
    order = {
        Sort.DUE: (Dossier.paused_at if kind is QueueKind.SUPPLEMENT else
                   Dossier.step_due_at if kind is not QueueKind.RETURN else Dossier.due_at).asc(),
        Sort.RECEIVED: Dossier.received_at.desc(),
        Sort.CODE: Dossier.code.asc(),
    }[filters.sort]
    statement = statement.order_by(order, Dossier.id).limit(per_page).offset((page - 1) * per_page)
    found = session.execute(statement).unique().all()
    if text:  # a name (or code) typed to find people: who found whom is logged
        privacy.log_search(session, actor, [dossier for dossier, _ in found], now=now, where=f"queue:{kind.value}")
    total = found[0].total if found else 0
    if not found and page > 1:
        total = session.scalar(
            select(func.count()).select_from(Dossier).join(Dossier.procedure)
            .where(Dossier.unit_id == actor.unit_id, queue_condition(actor, kind))
        ) or 0
    calendar = unit_calendar(session, actor.unit) if found else None
    rows = []
    for dossier, _total in found:
        if kind is QueueKind.SUPPLEMENT:  # how long the citizen has had it, in working time
            since = dossier.paused_at or dossier.step_started_at
            rows.append(QueueRow(dossier, since, calendar.elapsed(since, now) if calendar and now > since
                                 else timedelta(0), Urgency.PAUSED))
            continue
        deadline = dossier.due_at if kind is QueueKind.RETURN else dossier.step_due_at
        left = calendar.elapsed(now, deadline) if calendar else timedelta(0)
        urgency = urgency_of(left, paused=dossier.status is DossierStatus.SUPPLEMENT_REQUESTED)
        rows.append(QueueRow(dossier, deadline, left, urgency))
    return QueuePage(kind, rows, total, page, per_page)


def queue_condition(actor: User, kind: QueueKind):  # type: ignore[no-untyped-def]
    """The SQL condition of the dossiers in ``actor``'s queue ``kind`` (within their unit)."""
    if kind is QueueKind.RETURN:
        return Dossier.status == DossierStatus.DONE
    if kind is QueueKind.SUPPLEMENT:
        return Dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    if kind is QueueKind.APPROVAL:
        return and_(
            Dossier.status == DossierStatus.IN_PROGRESS,
            Dossier.holder_role == Role.LEADER,
            or_(Dossier.holder_user_id.is_(None), Dossier.holder_user_id == actor.id),
        )
    roles = list(actor.roles & {Role.CLERK, Role.OFFICER, Role.LEADER})
    # Mirrors app.domain.process.may_hold for a step nobody is named for.
    department = Dossier.holder_department_id == actor.department_id if actor.department_id else false()
    unnamed = and_(
        Dossier.holder_user_id.is_(None),
        or_(Dossier.holder_department_id.is_(None), department),
        or_(Dossier.holder_role.in_(roles),
            and_(Dossier.holder_role.is_(None), department,
                 true() if actor.has_role(Role.OFFICER, Role.LEADER) else false())),
    )
    return and_(Dossier.status.in_(OPEN_STATUSES), or_(Dossier.holder_user_id == actor.id, unnamed))
