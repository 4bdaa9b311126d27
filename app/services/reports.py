"""Leadership reports from the dossiers: figures by unit and procedure, trends, steps, officers, drill-down.

Every figure is counted by the database (conditional sums grouped by unit and
procedure, never dossier rows loaded into Python); sums over procedures,
fields and units are added up from those groups. The definitions are those of
``app.domain.reports`` on top of ``objectives.population_rules``, so the
dashboard, Biểu 06, the Quyết định 766 indicators and the ISO objectives
agree on every number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Integer, String, and_, any_, bindparam, case, cast, func, literal, or_, select, union
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from app.domain.errors import DomainError
from app.domain.localtime import local_date as local_day, start_of_day
from app.domain.nonconformity import Source
from app.domain.objectives import Measure, Period, months_in
from app.domain.reports import BucketGroup, FinishClass, Figures, StepFigures, TrendPoint, trend_points
from app.domain.timeliness import Timeliness
from app.domain.workflow import Channel, DossierStatus, NonReceptionKind
from app.services.objectives import cut_of, period_bounds, population_rules
from app.services.calendar import unit_calendar
from app.services.processing import process_of, work_minutes
from models import Dossier, DossierTally, Handover, HandoverTally, NonReception, Nonconformity, Procedure, ProcedureStep, SatisfactionRating, User

DONE_STATUSES = (DossierStatus.DONE, DossierStatus.RETURNED)
UNHAPPY_BATCH = 5000  # dossiers looked up at a time by key (SQLite takes up to 32,766 parameters)


class local_date(FunctionElement):  # noqa: N801 - a SQL function
    """The local (UTC+7, no daylight saving) calendar day of a UTC timestamp column."""

    type = Date()
    inherit_cache = True


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"


@compiles(local_date)
def _local_date_default(element, compiler, **kw):  # type: ignore[no-untyped-def]
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)"


def _count(condition):  # type: ignore[no-untyped-def]
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --- conditions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conditions:
    """The SQL condition behind each figure of ``Figures`` for one period, cut at ``cut``."""

    start: datetime
    cut: datetime
    by_name: dict[str, ColumnElement[bool]]

    def __getitem__(self, name: str) -> ColumnElement[bool]:
        return self.by_name[name]


def conditions(start: datetime, cut: datetime) -> Conditions:
    d = Dossier
    rules = population_rules(start, cut)
    pop = rules.in_population
    finished_in = and_(pop, d.finished_at.is_not(None), d.finished_at < cut)
    open_at_cut = and_(pop, or_(d.finished_at.is_(None), d.finished_at >= cut))
    early_day = local_date(d.finished_at) < local_date(d.due_at)
    received_in = and_(pop, d.received_at >= start)
    names: dict[str, ColumnElement[bool]] = {
        "received_online": and_(received_in, d.channel == Channel.ONLINE),
        "received_direct": and_(received_in, d.channel != Channel.ONLINE),
        "carried_over": and_(pop, d.received_at < start),
        "finished_early": and_(finished_in, rules.on_time, early_day),
        "finished_on_time": and_(finished_in, rules.on_time, ~early_day),
        "finished_late": and_(finished_in, rules.late),
        "open_in_time": and_(open_at_cut, rules.on_time),
        "open_late": and_(open_at_cut, rules.late),
        "population": pop,
        "finished": finished_in,
        "open": open_at_cut,
        "supplemented": and_(pop, d.supplement_count >= 1),
        "over_one_supplement": and_(pop, d.supplement_count > 1),
        "refused": and_(finished_in, d.status == DossierStatus.REFUSED),
        "withdrawn": and_(finished_in, d.status.in_((DossierStatus.WITHDRAWN, DossierStatus.STOPPED))),
        "done": and_(finished_in, d.status.in_(DONE_STATUSES), d.work_minutes.is_not(None)),
        # for drill-down only
        "received": received_in,
        "on_time": and_(pop, rules.on_time),
        "late": and_(pop, rules.late),
    }
    return Conditions(start, cut, names)


FIGURE_NAMES = ("received_online", "received_direct", "carried_over", "finished_early", "finished_on_time",
                "finished_late", "open_in_time", "open_late", "population", "finished", "open", "supplemented",
                "over_one_supplement", "refused", "withdrawn", "done")


# --- figures by unit and procedure -------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureInfo:
    id: int
    unit_id: int
    code: str
    name: str
    field: str


@dataclass(frozen=True)
class Grouped:
    """Figures of one period by (unit, procedure version), with what is needed to add them up."""

    period: Period
    start: datetime
    cut: datetime
    cells: dict[tuple[int, int], Figures]
    procedures: dict[int, ProcedureInfo]

    def by_unit(self) -> dict[int, Figures]:
        result: dict[int, Figures] = defaultdict(Figures)
        for (unit_id, _), figures in self.cells.items():
            result[unit_id] = result[unit_id] + figures
        return dict(result)

    def by_procedure(self) -> dict[tuple[str, str], tuple[str, Figures]]:
        """(field, code) → (name, figures): versions of one procedure, and the same procedure in several units, together."""
        result: dict[tuple[str, str], tuple[str, Figures]] = {}
        for (_, procedure_id), figures in self.cells.items():
            info = self.procedures[procedure_id]
            key = (info.field, info.code)
            name, so_far = result.get(key, (info.name, Figures()))
            result[key] = (name, so_far + figures)
        return dict(sorted(result.items()))

    def by_field(self) -> dict[str, Figures]:
        result: dict[str, Figures] = defaultdict(Figures)
        for (_, procedure_id), figures in self.cells.items():
            field_name = self.procedures[procedure_id].field
            result[field_name] = result[field_name] + figures
        return dict(sorted(result.items()))

    def total(self) -> Figures:
        result = Figures()
        for figures in self.cells.values():
            result = result + figures
        return result


def population_floor(session: Session, unit_ids: Sequence[int], start: datetime) -> datetime | None:
    """The earliest reception among the units' dossiers open, or finished since ``start`` (None: there are none).

    With it the period's dossiers are one bounded range of ``ix_dossier_report``
    (unit, reception instant) instead of every dossier received before the
    cut-off: an exact rewrite, since every dossier of the period is open or
    finished since the period began. Two index-only lookups.
    """
    d = Dossier
    found = [_earliest(session, d.finished_at >= start, d.unit_id.in_(unit_ids)),
             _earliest(session, d.finished_at.is_(None), d.unit_id.in_(unit_ids))]
    found = [f for f in found if f is not None]
    return min(found) if found else None


def _earliest(session: Session, *where: Any) -> datetime | None:
    """The earliest reception among the dossiers ``where`` selects, read from the rows the conditions pick.

    The OFFSET 0 keeps PostgreSQL from turning min() into "walk ix_dossier_received from the oldest until a
    row matches": the open dossiers and those finished this year are the recent ones, so that walk read
    nearly the whole index (1.4 s at 1.5 million dossiers) where the range of ix_dossier_finished_received
    the conditions name is read in milliseconds.
    """
    rows = select(Dossier.received_at).where(*where).offset(0).subquery()
    return session.scalar(select(func.min(rows.c.received_at)))


def in_period(session: Session, unit_ids: Sequence[int], start: datetime, cut: datetime) -> list[Any] | None:
    """WHERE conditions selecting the units' dossiers of the period [start, cut), or None when there are none."""
    floor = population_floor(session, unit_ids, start)
    if floor is None or floor >= cut:
        return None
    d = Dossier
    return [d.unit_id.in_(unit_ids), d.received_at >= floor, population_rules(start, cut).in_population]


def _classified(session: Session, where: list[Any], start: datetime, cut: datetime):  # type: ignore[no-untyped-def]
    """Count the period's dossiers by unit, procedure and class, and turn each group into ``Figures``.

    Each dossier gets three small labels (how it stands at the cut-off, how it
    came in, how it closed) computed once, instead of one conditional sum per
    figure; the checks' totals (finished, open) are counted by their own
    conditions.
    """
    d = Dossier
    rules = population_rules(start, cut)
    finished_in = and_(d.finished_at.is_not(None), d.finished_at < cut)
    outcome = case(
        (finished_in, case((rules.late, "late"), (local_date(d.finished_at) < local_date(d.due_at), "early"),
                           else_="on_time")),
        (rules.on_time, "open_in_time"),
        else_="open_late",
    )
    came = case((d.received_at < start, "carried"), (d.channel == Channel.ONLINE, "online"), else_="direct")
    closed = case((d.status.in_(DONE_STATUSES), "done"), (d.status == DossierStatus.REFUSED, "refused"),
                  (d.status.in_((DossierStatus.WITHDRAWN, DossierStatus.STOPPED)), "withdrawn"), else_="")
    supplements = case((d.supplement_count > 1, 2), else_=d.supplement_count)
    rows = session.execute(
        select(d.unit_id, d.procedure_id, outcome, came, closed, supplements, func.count(),
               _count(finished_in), _count(or_(d.finished_at.is_(None), d.finished_at >= cut)),
               func.count(d.work_minutes), func.coalesce(func.sum(d.work_minutes), 0))
        .where(*where)
        .group_by(d.unit_id, d.procedure_id, outcome, came, closed, supplements)
    ).all()
    for unit_id, procedure_id, outcome_, came_, closed_, supplements_, n, finished, open_, timed, minutes in rows:
        yield unit_id, procedure_id, _figures(outcome_, came_, closed_, int(supplements_), int(n), int(finished),
                                              int(open_), int(timed), int(minutes))


def _figures(outcome: str, came: str, closed: str, supplements: int, n: int, finished: int, open_: int, timed: int,
             minutes: int) -> Figures:
    """``Figures`` of ``n`` dossiers sharing their labels: how they stand at the cut-off (early, on_time, late,
    open_in_time, open_late), how they came in (carried, online, direct), how they closed, their supplements."""
    is_finished = outcome in ("early", "on_time", "late")
    done = is_finished and closed == "done"
    return Figures(
        received_online=n if came == "online" else 0, received_direct=n if came == "direct" else 0,
        carried_over=n if came == "carried" else 0,
        finished_early=n if outcome == "early" else 0, finished_on_time=n if outcome == "on_time" else 0,
        finished_late=n if outcome == "late" else 0, open_in_time=n if outcome == "open_in_time" else 0,
        open_late=n if outcome == "open_late" else 0, population=n, finished=finished, open=open_,
        supplemented=n if supplements >= 1 else 0, over_one_supplement=n if supplements > 1 else 0,
        refused=n if is_finished and closed == "refused" else 0,
        withdrawn=n if is_finished and closed == "withdrawn" else 0,
        done=timed if done else 0, work_minutes=minutes if done else 0,
    )


def grouped(session: Session, unit_ids: Sequence[int], period: Period, *, now: datetime) -> Grouped:
    """The period's figures of each unit and procedure, as of ``now``.

    A period that begins with a month (a month, a quarter, a year) reads what was settled before the month of
    its cut-off from ``dossier_tally`` and counts the rest from the dossiers, as ``trend`` does; any other is
    counted from the dossiers alone (``grouped_counted``).
    """
    start, cut = cut_of(period, now)
    if not unit_ids or cut <= start or start != start_of_day(local_day(start).replace(day=1)):
        return grouped_counted(session, unit_ids, period, now=now)
    split = max(start, start_of_day(local_day(cut).replace(day=1)))
    cells: dict[tuple[int, int], Figures] = {}
    for unit_id, procedure_id, figures in (*_tallied_figures(session, unit_ids, start, split),
                                           *_classified_after(session, unit_ids, start, split, cut)):
        key = (unit_id, procedure_id)
        cells[key] = cells[key] + figures if key in cells else figures
    return Grouped(period, start, cut, cells, _procedures(session, {p for _, p in cells}))


def _tallied_figures(session: Session, unit_ids: Sequence[int], start: datetime,
                     split: datetime) -> list[tuple[int, int, Figures]]:
    """The figures of the dossiers settled before ``split`` (a month's start, not after the cut-off), from the
    tally: finished before it, or open and due before it (or whatever their due date says nothing of)."""
    first, last = local_day(start), local_day(split)
    t = DossierTally
    came = case((t.received_month < first, "carried"), else_=t.channel)
    finished = t.finished_month.is_not(None)
    rows = session.execute(
        select(t.unit_id, t.procedure_id, came, finished, t.finish, t.due_kind, t.closed, t.supplements,
               func.sum(t.n), func.sum(t.timed), func.sum(t.minutes))
        .where(t.unit_id.in_(unit_ids), _settled(first, last))
        .group_by(t.unit_id, t.procedure_id, came, finished, t.finish, t.due_kind, t.closed, t.supplements)
        .having(func.sum(t.n) != 0)
    ).all()
    result = []
    for unit_id, procedure_id, came_, is_finished, finish, due_kind, closed, supplements, n, timed, minutes in rows:
        # open at the cut-off: due before ``split`` (so before the cut-off), or late whatever, or paused in time
        outcome = finish if is_finished else ("open_in_time" if due_kind == "paused" else "open_late")
        n = int(n)
        result.append((unit_id, procedure_id, _figures(outcome, came_, closed, int(supplements), n,
                                                       n if is_finished else 0, 0 if is_finished else n,
                                                       int(timed), int(minutes))))
    return result


def _classified_after(session: Session, unit_ids: Sequence[int], start: datetime, split: datetime,
                      cut: datetime) -> Iterator[tuple[int, int, Figures]]:
    """The figures of the period's dossiers the tally leaves out (received, finished or falling due from
    ``split`` on), counted from the dossiers."""
    where = _unsettled(session, unit_ids, start, split, cut)
    return iter(()) if where is None else _classified(session, where, start, cut)


def _unsettled(session: Session, unit_ids: Sequence[int], start: datetime, split: datetime,
               cut: datetime) -> list[Any] | None:
    """WHERE conditions selecting the dossiers of [start, cut) the tally leaves out (see ``_settled``):
    received, finished or (open and) falling due from ``split`` on; None when there are none."""
    d = Dossier
    awaited = and_(d.finished_at.is_(None), d.supplement_count <= 1, ~_paused_in_time(), d.due_at >= split)
    found = [f for f in (_earliest(session, d.finished_at >= split, d.unit_id.in_(unit_ids)),
                         _earliest(session, d.finished_at.is_(None), d.due_at >= split, d.unit_id.in_(unit_ids)))
             if f is not None]
    floor = min([split, *found])
    if floor >= cut:
        return None
    return [d.unit_id.in_(unit_ids), d.received_at >= floor, population_rules(start, cut).in_population,
            or_(d.received_at >= split, d.finished_at >= split, awaited)]


def _settled(first: date, last: date) -> Any:
    """The tally rows of dossiers settled before the month ``last``, of a period from the month ``first``:
    received before it and finished in between, or open and due before it (or whatever their due date)."""
    t = DossierTally
    return and_(t.received_month < last,
                or_(and_(t.finished_month >= first, t.finished_month < last),
                    and_(t.finished_month.is_(None), or_(t.due_kind != "due", t.due_month < last))))


def grouped_counted(session: Session, unit_ids: Sequence[int], period: Period, *, now: datetime) -> Grouped:
    """The period's figures of each unit and procedure counted from the dossiers alone (one grouped
    statement): any period, and the tests' measure of ``grouped``."""
    start, cut = cut_of(period, now)
    cells: dict[tuple[int, int], Figures] = {}
    where = in_period(session, unit_ids, start, cut) if unit_ids and cut > start else None
    if where is not None:
        for unit_id, procedure_id, figures in _classified(session, where, start, cut):
            key = (unit_id, procedure_id)
            cells[key] = cells[key] + figures if key in cells else figures
    return Grouped(period, start, cut, cells, _procedures(session, {p for _, p in cells}))


def _procedures(session: Session, procedure_ids: set[int]) -> dict[int, ProcedureInfo]:
    return {
        row.id: ProcedureInfo(row.id, row.unit_id, row.code, row.name, row.field_name or "Khác")
        for row in session.execute(
            select(Procedure.id, Procedure.unit_id, Procedure.code, Procedure.name, Procedure.field_name)
            .where(Procedure.id.in_(procedure_ids))
        )
    } if procedure_ids else {}


# --- satisfaction, desk refusals, complaints ---------------------------------------------------


def satisfaction_by_unit(session: Session, unit_ids: Sequence[int], period: Period, *,
                         now: datetime) -> dict[int, Measure]:
    """Ratings “Rất hài lòng” or “Hài lòng” (overall) / ratings given in the period."""
    start, cut = cut_of(period, now)
    r = SatisfactionRating
    result = {unit_id: Measure(0, 0) for unit_id in unit_ids}
    if unit_ids and cut > start:
        for unit_id, given, satisfied in session.execute(
            select(r.unit_id, func.count(), _count(r.overall >= 1))
            .where(r.unit_id.in_(unit_ids), r.at >= start, r.at < cut).group_by(r.unit_id)
        ):
            result[unit_id] = Measure(int(satisfied), int(given))
    return result


def desk_refusals_by_unit(session: Session, unit_ids: Sequence[int], period: Period, *,
                          now: datetime) -> dict[int, int]:
    """Requests refused at the desk (Mẫu 03) during the period: never received, so not in the population."""
    start, cut = cut_of(period, now)
    n = NonReception
    result = dict.fromkeys(unit_ids, 0)
    if unit_ids and cut > start:
        for unit_id, count in session.execute(
            select(n.unit_id, func.count()).where(n.unit_id.in_(unit_ids), n.kind == NonReceptionKind.REFUSED,
                                                  n.at >= start, n.at < cut).group_by(n.unit_id)
        ):
            result[unit_id] = int(count)
    return result


def unhappy_by_unit(session: Session, unit_ids: Sequence[int], period: Period, *, now: datetime) -> dict[int, int]:
    """Dossiers of the period the citizen was dissatisfied with or complained about (Quyết định 766, 5.4).

    Driven from the few dissatisfied ratings and complaints (partial indexes) to their dossiers, each
    counted once.
    """
    start, cut = cut_of(period, now)
    result = dict.fromkeys(unit_ids, 0)
    if not unit_ids or cut <= start:
        return result
    d, r, n = Dossier, SatisfactionRating, Nonconformity
    flagged = list(session.scalars(union(  # distinct: a dossier with both is one dossier
        # a rating comes after the result is returned (citizen.rate), so a dossier of the period was rated
        # after the period began: the older ratings are not looked at
        select(r.dossier_id).where(r.unit_id.in_(unit_ids), r.overall == 0, r.at >= start, r.at < cut),
        select(n.dossier_id).where(n.source == Source.COMPLAINT, n.dossier_id.is_not(None)),
    )))
    pop = population_rules(start, cut).in_population
    for among in _among(session, d.id, flagged):  # looked up by key (a join would scan the whole period)
        for unit_id, count in session.execute(
            select(d.unit_id, func.count()).where(among, d.unit_id.in_(unit_ids), pop)
            .group_by(d.unit_id)
        ):
            result[unit_id] += int(count)
    return result


def _among(session: Session, column: Any, keys: list[int]) -> Iterator[ColumnElement[bool]]:
    """Conditions "``column`` is one of ``keys``" that a WHERE takes cheaply, together covering them once: one
    array parameter on PostgreSQL (an IN list of thousands costs more to bind than to run), IN lists of
    ``UNHAPPY_BATCH`` elsewhere."""
    if not keys:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield column == any_(bindparam("keys", keys, type_=ARRAY(Integer)))
        return
    for first in range(0, len(keys), UNHAPPY_BATCH):
        yield column.in_(keys[first:first + UNHAPPY_BATCH])


# --- trend -------------------------------------------------------------------------------------


def _bucket(column, boundaries: Sequence[datetime]):  # type: ignore[no-untyped-def]
    """How many of the (sorted) boundaries are ≤ the column's instant; len + 1 … for NULL, see BucketGroup."""
    whens = [(column < boundary, index) for index, boundary in enumerate(boundaries)]
    return case((column.is_(None), len(boundaries)), *whens, else_=len(boundaries))


def trend(session: Session, unit_ids: Sequence[int], period: Period, *, now: datetime) -> list[TrendPoint]:
    """The period's months, each measured at its own cut-off (the running one at ``now``).

    Months are local calendar months, so whatever a dossier did before the last month began is known to the
    month from ``dossier_tally``: its rows that say so are read there (a few per commune and month), and the
    dossiers whose reception, finish or due date falls in the last month (or that are open and fall due after
    it began) are counted from the dossiers themselves, where the instants matter. A custom period begun
    mid-month is counted from the dossiers alone.
    """
    labels, boundaries = _months_of(period, now)
    if not unit_ids or not labels:
        return []
    if local_day(boundaries[0]).day != 1:  # a custom period begun mid-month: its first month is not the tally's
        return trend_counted(session, unit_ids, period, now=now)
    return trend_points(labels, [*_tallied_groups(session, unit_ids, boundaries),
                                 *_counted_groups(session, unit_ids, boundaries)])


def _months_of(period: Period, now: datetime) -> tuple[list[str], list[datetime]]:
    """The labels of the period's months begun by ``now``, and the boundaries: the first one's start, then each
    one's cut-off (its end, or ``now``)."""
    months = [m for m in months_in(period) if period_bounds(m)[0] < now]
    if not months:
        return [], []
    return ([f"{m.start.month:02d}/{m.start.year}" for m in months],
            [period_bounds(months[0])[0], *(min(period_bounds(m)[1], now) for m in months)])


def _paused_in_time():  # type: ignore[no-untyped-def]
    d = Dossier
    return and_(d.status == DossierStatus.SUPPLEMENT_REQUESTED, d.paused_at.is_not(None), d.paused_at <= d.due_at)


def _tallied_groups(session: Session, unit_ids: Sequence[int], boundaries: Sequence[datetime]) -> list[BucketGroup]:
    """The trend's buckets of the dossiers settled before the last month began, from the tally."""
    month_starts = [local_day(b) for b in boundaries[:-1]]  # the first day of each month of the trend
    first, last = month_starts[0], month_starts[-1]
    t = DossierTally
    rows = session.execute(
        select(t.received_month, t.finished_month, t.due_month, t.finish, t.due_kind, func.sum(t.n))
        .where(t.unit_id.in_(unit_ids), _settled(first, last))
        .group_by(t.received_month, t.finished_month, t.due_month, t.finish, t.due_kind)
        .having(func.sum(t.n) != 0)
    ).all()

    def bucket(month: date) -> int:
        return sum(1 for s in month_starts if s <= month)

    never = len(boundaries)
    due_of = {"over": lambda _: 0, "paused": lambda _: never}
    return [BucketGroup(bucket(received), bucket(finished) if finished is not None else never,
                        due_of.get(kind, bucket)(due), FinishClass(finish), int(n))
            for received, finished, due, finish, kind, n in rows]


def _counted_groups(session: Session, unit_ids: Sequence[int], boundaries: Sequence[datetime]) -> list[BucketGroup]:
    """The trend's buckets of the dossiers the tally leaves out (see ``trend``), counted from the dossiers."""
    where = _unsettled(session, unit_ids, boundaries[0], boundaries[-2], boundaries[-1])
    return [] if where is None else _bucket_groups(session, boundaries, *where)


def _bucket_groups(session: Session, boundaries: Sequence[datetime], *where: Any) -> list[BucketGroup]:
    """The dossiers ``where`` selects, counted by the buckets of their reception, finish and due instants."""
    d = Dossier
    finished_b = _bucket(d.finished_at, boundaries)
    due_b = case((d.supplement_count > 1, 0), (_paused_in_time(), len(boundaries)),
                 else_=_bucket(d.due_at, boundaries))
    finish = case(
        (d.finished_at.is_(None), literal(FinishClass.OPEN.value)),
        (or_(d.supplement_count > 1, d.finished_at > d.due_at), literal(FinishClass.LATE.value)),
        (local_date(d.finished_at) < local_date(d.due_at), literal(FinishClass.EARLY.value)),
        else_=literal(FinishClass.ON_TIME.value),
    )
    received_b = _bucket(d.received_at, boundaries)
    rows = session.execute(
        select(received_b, finished_b, due_b, cast(finish, String(8)), func.count())
        .where(*where)
        .group_by(received_b, finished_b, due_b, finish)
    ).all()
    return [BucketGroup(int(r), int(f), int(e), FinishClass(c), int(n)) for r, f, e, c, n in rows]


def trend_counted(session: Session, unit_ids: Sequence[int], period: Period, *, now: datetime) -> list[TrendPoint]:
    """What ``trend`` gives, counted from the dossiers alone (the tests hold the two to each other)."""
    labels, boundaries = _months_of(period, now)
    if not unit_ids or not labels:
        return []
    where = in_period(session, unit_ids, boundaries[0], boundaries[-1])
    return trend_points(labels, _bucket_groups(session, boundaries, *where) if where is not None else [])


# --- steps and officers ------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRow:
    field: str
    code: str
    procedure: str
    position: int
    step: str
    figures: StepFigures


def handover_cells(session: Session, unit_ids: Sequence[int], period: Period, *,
                   now: datetime) -> dict[tuple[int, int, int | None], StepFigures]:
    """(procedure, step, officer) → the step's handovers of the period by timeliness, and what it holds now.

    The officer is the giver of a handover and the holder of an open dossier.
    The period's handovers (``handovers_between``) and one grouped statement over
    the open dossiers, shared by the breakdowns by step and by officer.
    """
    start, cut = cut_of(period, now)
    cells: dict[tuple[int, int, int | None], StepFigures] = defaultdict(StepFigures)
    if not unit_ids or cut <= start:
        return cells
    for key, figures in handovers_between(session, unit_ids, start, cut).items():
        cells[key] += figures
    d = Dossier
    for procedure_id, position, user_id, held, held_late in session.execute(
        select(d.procedure_id, d.step_position, d.holder_user_id, func.count(), _count(d.step_due_at < now))
        .where(d.unit_id.in_(unit_ids), d.finished_at.is_(None), d.status != DossierStatus.SUPPLEMENT_REQUESTED)
        .group_by(d.procedure_id, d.step_position, d.holder_user_id)
    ):
        cells[(procedure_id, position, user_id)] += StepFigures(held=int(held), held_late=int(held_late))
    return cells


def handovers_between(session: Session, unit_ids: Sequence[int], start: datetime,
                      cut: datetime) -> dict[tuple[int, int, int | None], StepFigures]:
    """(procedure, step, giver) → the units' handovers with a result at [start, cut), by step timeliness.

    Whole local days come from ``handover_tally`` (a few rows a day per commune, kept by triggers); the
    parts of a day at either end are counted from the handovers themselves.
    """
    first = local_day(start) if start == start_of_day(local_day(start)) else local_day(start) + timedelta(days=1)
    last = local_day(cut)  # the days before it are whole
    if first >= last:
        return handovers_counted(session, unit_ids, start, cut)
    result = handovers_counted(session, unit_ids, start, start_of_day(first))
    for key, figures in handovers_counted(session, unit_ids, start_of_day(last), cut).items():
        result[key] = result.get(key, StepFigures()) + figures
    t = HandoverTally
    for procedure_id, position, user_id, early, on_time, late in session.execute(
        select(t.procedure_id, t.step_position, t.giver_user_id, func.sum(t.early), func.sum(t.on_time),
               func.sum(t.late))
        .where(t.unit_id.in_(unit_ids), t.day >= first, t.day < last)
        .group_by(t.procedure_id, t.step_position, t.giver_user_id)
    ):
        key = (procedure_id, position, user_id or None)
        figures = StepFigures(int(early), int(on_time), int(late))
        if figures != StepFigures():
            result[key] = result.get(key, StepFigures()) + figures
    return result


def handovers_counted(session: Session, unit_ids: Sequence[int], start: datetime,
                      cut: datetime) -> dict[tuple[int, int, int | None], StepFigures]:
    """What ``handovers_between`` gives, counted from the handovers themselves (for part of a day, and the tests)."""
    if cut <= start:
        return {}
    h, d = Handover, Dossier
    return {
        (procedure_id, position, user_id): StepFigures(int(early), int(on_time), int(late))
        for procedure_id, position, user_id, early, on_time, late in session.execute(
            select(d.procedure_id, h.step_position, h.giver_user_id, _count(h.step_result == Timeliness.EARLY),
                   _count(h.step_result == Timeliness.ON_TIME), _count(h.step_result == Timeliness.LATE))
            .join(d, d.id == h.dossier_id)
            .where(d.unit_id.in_(unit_ids), h.at >= start, h.at < cut, h.step_result.is_not(None))
            .group_by(d.procedure_id, h.step_position, h.giver_user_id)
        )
    }


def steps(session: Session, unit_ids: Sequence[int], period: Period, *, now: datetime,
          cells: dict[tuple[int, int, int | None], StepFigures] | None = None) -> list[StepRow]:
    """Each step of each procedure: handovers of the period by timeliness, and the dossiers it holds now.

    The latest steps first (the ones that make dossiers late). ``cells``: those
    of ``handover_cells`` when the caller has them already.
    """
    if cells is None:
        cells = handover_cells(session, unit_ids, period, now=now)
    by_step: dict[tuple[int, int], StepFigures] = defaultdict(StepFigures)
    for (procedure_id, position, _), figures in cells.items():
        by_step[(procedure_id, position)] += figures
    if not by_step:
        return []
    # Step names as the dossier's process gives them (past the last step: the desk returning the result).
    procedures = {p.id: p for p in session.scalars(
        select(Procedure).where(Procedure.id.in_({p for p, _ in by_step}))
        .options(selectinload(Procedure.steps).selectinload(ProcedureStep.department)))}
    processes = {procedure_id: process_of(p) for procedure_id, p in procedures.items()}
    merged: dict[tuple[str, str, int, str], tuple[str, StepFigures]] = {}
    for (procedure_id, position), figures in by_step.items():
        row = procedures[procedure_id]
        step_name = processes[procedure_id].step(position).name
        key = (row.field_name or "Khác", row.code, position, step_name)
        name, so_far = merged.get(key, (row.name, StepFigures()))
        merged[key] = (name, so_far + figures)
    result = [StepRow(field, code, name, position, step_name, figures)
              for (field, code, position, step_name), (name, figures) in merged.items()]
    return sorted(result, key=lambda r: (-(r.figures.late + r.figures.held_late), r.field, r.code, r.position))


@dataclass(frozen=True)
class OfficerRow:
    user_id: int
    name: str
    unit_id: int
    figures: StepFigures


def officers(session: Session, unit_ids: Sequence[int], period: Period, *, now: datetime,
             cells: dict[tuple[int, int, int | None], StepFigures] | None = None) -> list[OfficerRow]:
    """Each officer: the steps they handed on in the period by timeliness, and what they hold now."""
    if cells is None:
        cells = handover_cells(session, unit_ids, period, now=now)
    by_user: dict[int, StepFigures] = defaultdict(StepFigures)
    for (_, _, user_id), figures in cells.items():
        if user_id is not None:
            by_user[user_id] += figures
    if not by_user:
        return []
    people = {row.id: row for row in session.execute(
        select(User.id, User.full_name, User.unit_id).where(User.id.in_(set(by_user))))}
    rows = [OfficerRow(user_id, people[user_id].full_name, people[user_id].unit_id, figures)
            for user_id, figures in by_user.items() if user_id in people]
    return sorted(rows, key=lambda r: (-(r.figures.late + r.figures.held_late), r.name))


# --- drill-down --------------------------------------------------------------------------------


DRILL_METRICS = {
    "population": "Hồ sơ tiếp nhận hoặc đang giải quyết trong kỳ",
    "received": "Hồ sơ tiếp nhận trong kỳ",
    "received_online": "Hồ sơ tiếp nhận trực tuyến",
    "received_direct": "Hồ sơ tiếp nhận trực tiếp, bưu chính",
    "carried_over": "Hồ sơ từ kỳ trước chuyển sang",
    "finished": "Hồ sơ đã giải quyết",
    "finished_early": "Hồ sơ giải quyết trước hạn",
    "finished_on_time": "Hồ sơ giải quyết đúng hạn",
    "finished_late": "Hồ sơ giải quyết quá hạn",
    "open": "Hồ sơ đang giải quyết",
    "open_in_time": "Hồ sơ đang giải quyết trong hạn",
    "open_late": "Hồ sơ đang giải quyết quá hạn",
    "on_time": "Hồ sơ trước hạn, đúng hạn hoặc còn trong hạn",
    "late": "Hồ sơ quá hạn (đã giải quyết hoặc đang giải quyết)",
    "supplemented": "Hồ sơ phải bổ sung",
    "over_one_supplement": "Hồ sơ yêu cầu bổ sung quá một lần",
    "refused": "Hồ sơ bị từ chối giải quyết",
    "withdrawn": "Hồ sơ rút hoặc dừng giải quyết",
    "done": "Hồ sơ có kết quả (tính thời gian giải quyết)",
}


@dataclass(frozen=True)
class Drill:
    """Which dossiers a number stands for: a figure of a period, optionally for one procedure or field."""

    metric: str
    period: Period
    procedure_code: str = ""
    field: str = ""

    def __post_init__(self) -> None:
        if self.metric not in DRILL_METRICS:
            raise DomainError("Chỉ số không hợp lệ.", field="metric")

    @property
    def label(self) -> str:
        return DRILL_METRICS[self.metric]


def drill_query(unit_ids: Sequence[int], drill: Drill, *, now: datetime):  # type: ignore[no-untyped-def]
    """A SELECT of the dossiers behind ``drill`` (the caller orders, pages or streams it)."""
    start, cut = cut_of(drill.period, now)
    d = Dossier
    query = select(d).where(d.unit_id.in_(unit_ids))
    if cut <= start:
        return query.where(literal(False))
    query = query.where(conditions(start, cut)[drill.metric])
    if drill.procedure_code or drill.field:
        query = query.join(Procedure, Procedure.id == d.procedure_id)
        if drill.procedure_code:
            query = query.where(Procedure.code == drill.procedure_code)
        if drill.field:
            query = query.where(Procedure.field_name == drill.field)
    return query


# --- processing time of dossiers finished before it was recorded ---------------------------------


def fill_work_minutes(session: Session, *, batch: int = 500) -> int:
    """Work out ``work_minutes`` of finished dossiers that lack it (finished before it was recorded).

    Run by the nightly job and when the scheduler starts; a batch at a time,
    so a large backlog is spread over the runs. Returns how many were filled.
    """
    rows = session.scalars(select(Dossier).where(Dossier.finished_at.is_not(None), Dossier.work_minutes.is_(None))
                           .order_by(Dossier.id).limit(batch)).all()
    calendars: dict[int, Any] = {}
    for dossier in rows:
        if dossier.unit_id not in calendars:
            calendars[dossier.unit_id] = unit_calendar(session, dossier.unit)
        dossier.work_minutes = work_minutes(session, calendars[dossier.unit_id], dossier)
    session.flush()
    return len(rows)
