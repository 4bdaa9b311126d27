"""Quality objectives: targets per unit and year, indicators measured from the dossiers (ISO 6.2, 9.1).

``measure`` computes every indicator of ``app.domain.objectives`` for many
units and one period in one SQL statement (conditional counts grouped by
unit, never rows loaded into Python). A period is measured at its cut-off:
its end, or ``now`` while it runs.

- The population of the on-time, apology and supplement indicators is the
  dossiers "received or processed in the period": received before the
  cut-off and not finished before the period began (Quyết định 766, 2.1).
- A dossier finished in the period is on time if it finished by its due
  instant (the original one: a Mẫu 04 new date does not count) and had at
  most one supplement request; one still open at the cut-off is in time if
  the cut-off is not after its due instant, or if it waits for the citizen's
  supplement requested before its due instant (the clock stands still).
- Satisfaction counts the ratings given in the period; online share the
  dossiers received in the period.

Closed periods are written down once (``record_closed_periods``, run by the
nightly job): the ISO 9.1 record. A period still running is measured live.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from datetime import datetime, time, timezone
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.domain.localtime import VN_TZ, to_local
from app.domain.objectives import Indicator, Measure, Period, PeriodKind, check_target, month, periods_of, quarter
from app.domain.roles import Role
from app.domain.workflow import Channel, DossierStatus
from app.services.access import get_visible_unit
from app.services.errors import Conflict, Forbidden, ValidationFailed
from models import Dossier, DossierNotice, ObjectiveMeasurement, QualityObjective, SatisfactionRating, Unit, User

STALE = "Mục tiêu vừa được người khác cập nhật; vui lòng tải lại trang."


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first and last instants (local midnights), in UTC."""
    return (datetime.combine(period.start, time(), VN_TZ).astimezone(timezone.utc),
            datetime.combine(period.end, time(), VN_TZ).astimezone(timezone.utc))


@dataclass(frozen=True)
class PopulationRules:
    """SQL conditions on ``Dossier`` for one period, cut at ``cut`` (shared by the measures and the overdue log)."""

    in_population: Any
    on_time: Any
    late: Any
    received_in: Any


def population_rules(start: datetime, cut: datetime) -> PopulationRules:
    d = Dossier
    in_population = and_(d.received_at < cut, or_(d.finished_at.is_(None), d.finished_at >= start))
    finished_in = and_(d.finished_at.is_not(None), d.finished_at < cut)
    open_at_cut = or_(d.finished_at.is_(None), d.finished_at >= cut)
    paused_in_time = and_(d.status == DossierStatus.SUPPLEMENT_REQUESTED, d.paused_at <= d.due_at, open_at_cut)
    on_time = and_(d.supplement_count <= 1, or_(
        and_(finished_in, d.finished_at <= d.due_at),
        and_(open_at_cut, or_(d.due_at >= cut, paused_in_time)),
    ))
    late = and_(
        ~on_time,
        or_(d.supplement_count > 1, and_(finished_in, d.finished_at > d.due_at),
            and_(open_at_cut, d.due_at < cut, ~paused_in_time)),
    )
    return PopulationRules(in_population, on_time, late, and_(d.received_at >= start, d.received_at < cut))


def cut_of(period: Period, now: datetime) -> tuple[datetime, datetime]:
    """The period's first instant and its cut-off: its end, or ``now`` while it runs."""
    start, end = period_bounds(period)
    return start, min(end, now)


def measure(session: Session, unit_ids: Sequence[int], period: Period, *, now: datetime) -> dict[int, dict[Indicator, Measure]]:
    """Every indicator of each unit over ``period``, as of ``now`` (nothing measured for a period not begun)."""
    start, cut = cut_of(period, now)
    result = {unit_id: {indicator: Measure(0, 0) for indicator in Indicator} for unit_id in unit_ids}
    if not unit_ids or cut <= start:
        return result
    d = Dossier
    rules = population_rules(start, cut)
    in_population, on_time, late = rules.in_population, rules.on_time, rules.late
    apology = exists().where(DossierNotice.dossier_id == d.id, DossierNotice.form == "04")
    received_in = rules.received_in

    def count(condition):  # type: ignore[no-untyped-def]
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = session.execute(
        select(
            d.unit_id,
            count(in_population), count(and_(in_population, on_time)),
            count(and_(in_population, late)), count(and_(in_population, late, apology)),
            count(and_(in_population, d.supplement_count <= 1)),
            count(received_in), count(and_(received_in, d.channel == Channel.ONLINE)),
        )
        .where(d.unit_id.in_(unit_ids), d.received_at < cut)
        .group_by(d.unit_id)
    ).all()
    for unit_id, population, in_time, overdue, apologised, one_supplement, received, online in rows:
        result[unit_id].update({
            Indicator.ON_TIME: Measure(int(in_time), int(population)),
            Indicator.APOLOGY: Measure(int(apologised), int(overdue)),
            Indicator.ONE_SUPPLEMENT: Measure(int(one_supplement), int(population)),
            Indicator.ONLINE: Measure(int(online), int(received)),
        })
    ratings = session.execute(
        select(SatisfactionRating.unit_id, func.count(),
               func.coalesce(func.sum(case((SatisfactionRating.overall >= 1, 1), else_=0)), 0))
        .where(SatisfactionRating.unit_id.in_(unit_ids), SatisfactionRating.at >= start, SatisfactionRating.at < cut)
        .group_by(SatisfactionRating.unit_id)
    ).all()
    for unit_id, total, satisfied in ratings:
        result[unit_id][Indicator.SATISFACTION] = Measure(int(satisfied), int(total))
    return result


# --- targets ----------------------------------------------------------------------------------


def objectives_of(session: Session, unit_id: int, year: int) -> dict[Indicator, QualityObjective]:
    rows = session.scalars(
        select(QualityObjective).where(QualityObjective.unit_id == unit_id, QualityObjective.year == year)
    ).all()
    return {row.indicator: row for row in rows}


def set_target(
    session: Session, actor: User, unit_id: int, year: int, indicator: Indicator, target: str, *,
    note: str = "", version: int | None = None, now: datetime,
) -> QualityObjective:
    """Set (or change) the unit's target for ``indicator`` in ``year``; a leader's decision."""
    unit = get_visible_unit(session, actor, unit_id)
    if actor.unit_id != unit.id or not actor.has_role(Role.LEADER):
        raise Forbidden("Chỉ lãnh đạo của đơn vị được đặt mục tiêu chất lượng.")
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": "Năm không hợp lệ."})
    try:
        value = check_target(target)
    except DomainError as error:
        raise ValidationFailed({"target": error.message}) from None
    note = " ".join((note or "").split())[:500]
    row = objectives_of(session, unit.id, year).get(indicator)
    if row is None:
        row = QualityObjective(unit_id=unit.id, year=year, indicator=indicator, target=value, note=note, set_at=now,
                               set_by_id=actor.id)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            raise Conflict(STALE) from None
        return row
    if version is not None and version != row.version:
        raise Conflict(STALE)
    row.target, row.note, row.set_at, row.set_by_id = value, note, now, actor.id
    session.flush()
    return row


def set_targets(
    session: Session, actor: User, unit_id: int, year: int, values: dict[Indicator, tuple[str, int | None]], *,
    now: datetime,
) -> int:
    """Save the year's targets typed in one form: {indicator: (text, version)}; an empty text drops the target.

    Errors come back per field (``target_<indicator>``); nothing is saved
    unless every value is valid. Returns how many targets changed.
    """
    unit = get_visible_unit(session, actor, unit_id)
    if actor.unit_id != unit.id or not actor.has_role(Role.LEADER):
        raise Forbidden("Chỉ lãnh đạo của đơn vị được đặt mục tiêu chất lượng.")
    existing = objectives_of(session, unit.id, year)
    errors: dict[str, str] = {}
    changes: list[tuple[Indicator, str, int | None]] = []
    for indicator, (text, version) in values.items():
        row = existing.get(indicator)
        if not (text or "").strip():
            if row is not None:
                if version is not None and version != row.version:
                    raise Conflict(STALE)
                session.delete(row)
                changes.append((indicator, "", version))
            continue
        try:
            value = check_target(text)
        except DomainError as error:
            errors[f"target_{indicator.value}"] = error.message
            continue
        if row is None or row.target != value:
            changes.append((indicator, text, version))
    if errors:
        raise ValidationFailed(errors)
    for indicator, text, version in changes:
        if text:
            row = existing.get(indicator)
            set_target(session, actor, unit.id, year, indicator, text, note=row.note if row else "", version=version,
                       now=now)
    session.flush()
    return len(changes)


def set_default_targets(session: Session, unit_id: int, year: int, *, now: datetime) -> int:
    """The typical objectives of domain.md §6 for a unit that has none for ``year`` (demo, new units)."""
    existing = objectives_of(session, unit_id, year)
    added = 0
    for indicator in Indicator:
        if indicator not in existing:
            session.add(QualityObjective(unit_id=unit_id, year=year, indicator=indicator,
                                         target=indicator.default_target, note="", set_at=now))
            added += 1
    session.flush()
    return added


# --- the year's table -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    period: Period
    measure: Measure
    target: Decimal | None
    recorded: bool  # from the ISO record of a closed period (else computed now)
    running: bool  # the period has begun and not ended

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.measure.met(self.target)


@dataclass(frozen=True)
class YearTable:
    unit: Unit
    year: int
    periods: list[Period]
    targets: dict[Indicator, QualityObjective]
    cells: dict[Indicator, list[Cell]]


def year_table(session: Session, actor: User, unit_id: int, year: int, *, now: datetime) -> YearTable:
    """Every indicator for every month, quarter and the year, against the target."""
    unit = get_visible_unit(session, actor, unit_id)
    periods = periods_of(year)
    targets = objectives_of(session, unit.id, year)
    recorded = {
        (m.indicator, m.period_kind, m.period_start): m
        for m in session.scalars(select(ObjectiveMeasurement).where(
            ObjectiveMeasurement.unit_id == unit.id,
            ObjectiveMeasurement.period_start >= periods[0].start, ObjectiveMeasurement.period_start < periods[-1].end))
    }
    cells: dict[Indicator, list[Cell]] = {indicator: [] for indicator in Indicator}
    for period in periods:
        start, end = period_bounds(period)
        live = None
        for indicator in Indicator:
            saved = recorded.get((indicator, period.kind, period.start))
            target = targets[indicator].target if indicator in targets else None
            if saved is not None:
                cells[indicator].append(Cell(period, Measure(saved.numerator, saved.denominator), target, True, False))
                continue
            if live is None:
                live = measure(session, [unit.id], period, now=now)[unit.id]
            cells[indicator].append(Cell(period, live[indicator], target, False, start <= now < end))
    return YearTable(unit, year, periods, targets, cells)


def record_closed_periods(session: Session, *, now: datetime, unit_ids: Iterable[int] | None = None) -> int:
    """Write the measurements of every month and quarter that ended before ``now`` and is not written yet.

    Level-triggered like the sweep: a night the job did not run is caught up
    the next night. Looks back over the current and the previous year.
    """
    ids = list(unit_ids) if unit_ids is not None else list(
        session.scalars(select(Unit.id).where(Unit.is_active.is_(True))))
    if not ids:
        return 0
    local_now = to_local(now)
    closed = [p for year in (local_now.year - 1, local_now.year)
              for p in [*(month(year, m) for m in range(1, 13)), *(quarter(year, q) for q in range(1, 5))]
              if period_bounds(p)[1] <= now]
    done = set(session.execute(
        select(ObjectiveMeasurement.unit_id, ObjectiveMeasurement.period_kind, ObjectiveMeasurement.period_start)
        .where(ObjectiveMeasurement.unit_id.in_(ids), ObjectiveMeasurement.indicator == Indicator.ON_TIME)
    ).all())
    written = 0
    for period in closed:
        todo = [u for u in ids if (u, period.kind, period.start) not in done]
        if not todo:
            continue
        # Units that had no dossier at all before the period ended have nothing to record.
        active = set(session.scalars(
            select(Dossier.unit_id).where(Dossier.unit_id.in_(todo), Dossier.received_at < period_bounds(period)[1])
            .distinct()))
        todo = [u for u in todo if u in active]
        if not todo:
            continue
        measures = measure(session, todo, period, now=now)
        targets = {
            (row.unit_id, row.indicator): row.target for row in session.scalars(select(QualityObjective).where(
                QualityObjective.unit_id.in_(todo), QualityObjective.year == period.start.year))
        }
        for unit_id in todo:
            for indicator, value in measures[unit_id].items():
                session.add(ObjectiveMeasurement(
                    unit_id=unit_id, indicator=indicator, period_kind=period.kind, period_start=period.start,
                    numerator=value.numerator, denominator=value.denominator,
                    target=targets.get((unit_id, indicator)), measured_at=now,
                ))
                written += 1
    session.flush()
    return written


__all__ = [
    "Cell", "YearTable", "measure", "objectives_of", "period_bounds", "record_closed_periods", "set_default_targets",
    "set_target", "set_targets", "year_table", "PeriodKind",
]
