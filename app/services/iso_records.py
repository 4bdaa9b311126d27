"""The figures of an ISO 9.3 management review, and the overdue and apology log, for one unit and period.

Both the review page and the ISO record pack read them from here, so the
page and the pack always show the same numbers. Counting follows the quality
objectives (``services.objectives.population_rules``): a dossier belongs to
the period if it was received before the cut-off and not finished before the
period began.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, joinedload

from app.domain.localtime import local_date
from app.domain.nonconformity import Source, Status
from app.domain.registers import TextState
from app.domain.objectives import Indicator, Measure, Period
from app.domain.roles import Role
from app.services import registers
from app.services.access import get_visible_unit
from app.services.errors import Forbidden
from app.services.nonconformities import reference
from app.services.objectives import cut_of, measure, objectives_of, population_rules
from app.services.processing import NOTICE_SUFFIX
from models import Dossier, DossierNotice, Nonconformity, Unit, User

READERS = (Role.LEADER, Role.INSPECTOR, Role.ADMIN)


@dataclass(frozen=True)
class DossierCounts:
    population: int  # received or processed in the period
    received: int
    finished: int
    finished_on_time: int
    finished_late: int
    open_in_time: int
    open_late: int
    over_one_supplement: int


@dataclass(frozen=True)
class OverdueRow:
    dossier_id: int
    code: str
    procedure: str
    received_at: datetime
    due_at: datetime
    finished_at: datetime | None
    supplement_count: int
    apology_number: str  # "3/XL" of the Mẫu 04, or ""
    apology_at: datetime | None
    nonconformity: str  # "05/2026/KPH", or ""

    @property
    def situation(self) -> str:
        if self.supplement_count > 1 and (self.finished_at is None or self.finished_at <= self.due_at):
            return "Yêu cầu bổ sung quá một lần"
        if self.finished_at is None:
            return "Đang giải quyết, đã quá hạn"
        return "Hoàn thành quá hạn"


@dataclass(frozen=True)
class NonconformityCounts:
    opened: int
    by_source: dict[Source, int]
    by_status: dict[Status, int]  # the status now of those opened in the period
    closed_in_period: int
    open_now: int  # every record of the unit not closed yet, whenever opened
    actions_overdue: int  # "đang khắc phục" past their action due date


@dataclass(frozen=True)
class Review:
    unit: Unit
    period: Period
    start: datetime
    cut: datetime
    running: bool
    counts: DossierCounts
    measures: dict[Indicator, Measure]
    targets: dict[Indicator, Decimal]
    overdue: list[OverdueRow]
    nonconformities: NonconformityCounts
    registers: registers.Registers
    expired_texts: int  # external texts past their expiry still listed
    unapproved_documents: int  # current internal documents without an approver

    @property
    def apologised(self) -> int:
        return sum(1 for row in self.overdue if row.apology_number)

    def met(self, indicator: Indicator) -> bool | None:
        target = self.targets.get(indicator)
        return None if target is None else self.measures[indicator].met(target)


def can_read(actor: User) -> bool:
    return actor.has_role(*READERS)


def review(session: Session, actor: User, unit_id: int, period: Period, *, now: datetime) -> Review:
    unit = get_visible_unit(session, actor, unit_id)
    if not can_read(actor):
        raise Forbidden("Chỉ lãnh đạo, quản trị hoặc thanh tra được xem số liệu xem xét của lãnh đạo.")
    return review_of(session, unit, period, now=now)


def review_of(session: Session, unit: Unit, period: Period, *, now: datetime) -> Review:
    """The review's figures (no access check: for the ISO pack, which checked already)."""
    start, cut = cut_of(period, now)
    register_data = registers.load(session, unit)
    today = local_date(min(now, cut))
    return Review(
        unit=unit, period=period, start=start, cut=cut, running=cut == now and start <= now,
        counts=dossier_counts(session, unit.id, start, cut),
        measures=measure(session, [unit.id], period, now=now)[unit.id],
        targets={i: row.target for i, row in objectives_of(session, unit.id, period.start.year).items()},
        overdue=overdue_log(session, unit.id, period, now=now),
        nonconformities=nonconformity_counts(session, unit.id, start, cut),
        registers=register_data,
        expired_texts=sum(1 for d in register_data.external if registers.state_of(d, today) is TextState.EXPIRED),
        unapproved_documents=sum(1 for d in register_data.internal if d.is_current and not d.approver),
    )


def dossier_counts(session: Session, unit_id: int, start: datetime, cut: datetime) -> DossierCounts:
    if cut <= start:
        return DossierCounts(0, 0, 0, 0, 0, 0, 0, 0)
    d, rules = Dossier, population_rules(start, cut)
    finished_in = and_(d.finished_at.is_not(None), d.finished_at >= start, d.finished_at < cut)
    open_at_cut = and_(rules.in_population, ~finished_in)

    def count(condition):  # type: ignore[no-untyped-def]
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(
        select(
            count(rules.in_population), count(rules.received_in), count(finished_in),
            count(and_(finished_in, rules.on_time)), count(and_(finished_in, rules.late)),
            count(and_(open_at_cut, rules.on_time)), count(and_(open_at_cut, rules.late)),
            count(and_(rules.in_population, d.supplement_count > 1)),
        ).where(d.unit_id == unit_id, d.received_at < cut)
    ).one()
    return DossierCounts(*(int(value) for value in row))


def overdue_log(session: Session, unit_id: int, period: Period, *, now: datetime) -> list[OverdueRow]:
    """Every dossier of the period that is late (the apology indicator's denominator), with its Mẫu 04 and NC."""
    start, cut = cut_of(period, now)
    if cut <= start:
        return []
    rules = population_rules(start, cut)
    dossiers = session.scalars(
        select(Dossier).where(Dossier.unit_id == unit_id, rules.in_population, rules.late)
        .options(joinedload(Dossier.procedure)).order_by(Dossier.due_at, Dossier.id)
    ).all()
    ids = [d.id for d in dossiers]
    apologies: dict[int, DossierNotice] = {}
    records: dict[int, Nonconformity] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for notice in session.scalars(select(DossierNotice).where(DossierNotice.dossier_id.in_(chunk),
                                                                  DossierNotice.form == "04")
                                      .order_by(DossierNotice.at)):
            apologies.setdefault(notice.dossier_id, notice)
        for record in session.scalars(select(Nonconformity).where(Nonconformity.dossier_id.in_(chunk),
                                                                  Nonconformity.source.in_(
                                                                      [Source.OVERDUE, Source.SECOND_SUPPLEMENT]))
                                      .order_by(Nonconformity.opened_at)):
            records.setdefault(record.dossier_id, record)
    rows = []
    for d in dossiers:
        notice, record = apologies.get(d.id), records.get(d.id)
        rows.append(OverdueRow(
            dossier_id=d.id, code=d.code, procedure=d.procedure.name, received_at=d.received_at, due_at=d.due_at,
            finished_at=d.finished_at if d.finished_at is not None and d.finished_at < cut else None,
            supplement_count=d.supplement_count,
            apology_number=f"{notice.number}/{NOTICE_SUFFIX['04']}" if notice else "",
            apology_at=notice.at if notice else None,
            nonconformity=reference(record) if record else "",
        ))
    return rows


def nonconformity_counts(session: Session, unit_id: int, start: datetime, cut: datetime) -> NonconformityCounts:
    opened = session.execute(
        select(Nonconformity.source, Nonconformity.status).where(
            Nonconformity.unit_id == unit_id, Nonconformity.opened_at >= start, Nonconformity.opened_at < cut)
    ).all()
    by_source, by_status = Counter(s for s, _ in opened), Counter(st for _, st in opened)
    closed = session.scalar(select(func.count()).select_from(Nonconformity).where(
        Nonconformity.unit_id == unit_id, Nonconformity.closed_at >= start, Nonconformity.closed_at < cut)) or 0
    open_now = session.scalar(select(func.count()).select_from(Nonconformity).where(
        Nonconformity.unit_id == unit_id, Nonconformity.status != Status.CLOSED)) or 0
    overdue_actions = session.scalar(select(func.count()).select_from(Nonconformity).where(
        Nonconformity.unit_id == unit_id, Nonconformity.status == Status.ACTION,
        Nonconformity.action_due_on < local_date(cut))) or 0
    return NonconformityCounts(
        opened=len(opened), by_source={s: by_source.get(s, 0) for s in Source},
        by_status={s: by_status.get(s, 0) for s in Status}, closed_in_period=int(closed), open_now=int(open_now),
        actions_overdue=int(overdue_actions),
    )


def nonconformities_in(session: Session, unit_id: int, start: datetime, cut: datetime) -> list[Nonconformity]:
    """The records opened in the period, or opened before and still open or closed in it (the pack's sheet)."""
    return list(session.scalars(
        select(Nonconformity).where(
            Nonconformity.unit_id == unit_id, Nonconformity.opened_at < cut,
            (Nonconformity.opened_at >= start) | (Nonconformity.closed_at.is_(None))
            | (Nonconformity.closed_at >= start))
        .options(joinedload(Nonconformity.dossier), joinedload(Nonconformity.owner))
        .order_by(Nonconformity.year, Nonconformity.number)
    ).unique())
