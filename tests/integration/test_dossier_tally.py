"""The dossier tally (issue 23): kept by the database's triggers as deltas and folded by the scheduler, it gives
the dashboard's figures by unit and procedure and its month trend exactly as counting the dossiers does, for running and closed periods, through
receptions, state changes and deletions, before and after folding, on both databases."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, func, select

from app.domain.objectives import custom, month, quarter, whole_year
from app.domain.workflow import Channel, DossierStatus
from app.services import reception, reports, tallies
from models import Dossier, DossierTally, PrintedDocument
from tests.integration.test_processing import vn
from tests.integration.test_reception import reception_input

OPEN_STATES = [DossierStatus.IN_PROGRESS, DossierStatus.SUPPLEMENT_REQUESTED]
CLOSED_STATES = [DossierStatus.RETURNED, DossierStatus.DONE, DossierStatus.REFUSED, DossierStatus.WITHDRAWN]


@dataclass
class Shapes:
    """Random dossiers of two communes, copied from a received one (only the columns the figures read differ)."""

    rng: random.Random

    def instant(self) -> datetime:
        start = datetime(2025, 9, 30, 17, tzinfo=timezone.utc)
        moment = start + timedelta(minutes=self.rng.randrange(0, 460 * 24 * 60))
        if self.rng.random() < 0.15:  # the last and first minutes of a local month
            moment = moment.replace(day=1, hour=16, minute=self.rng.choice((59, 0))) + timedelta(
                seconds=self.rng.choice((0, 59)))
        return moment

    def values(self) -> dict[str, object]:
        received = self.instant()
        due = received + timedelta(hours=self.rng.randrange(4, 40 * 24))
        finished = None if self.rng.random() < 0.3 else received + timedelta(minutes=self.rng.randrange(1, 60 * 24 * 60))
        status = self.rng.choice(OPEN_STATES if finished is None else CLOSED_STATES)
        paused = None
        if status is DossierStatus.SUPPLEMENT_REQUESTED or self.rng.random() < 0.1:
            paused = due + timedelta(hours=self.rng.randrange(-100, 100))
        minutes = None if finished is None or self.rng.random() < 0.3 else self.rng.randrange(10, 5000)
        return dict(received_at=received, due_at=due, finished_at=finished, status=status, paused_at=paused,
                    supplement_count=self.rng.choice((0, 0, 0, 1, 2, 3)), work_minutes=minutes,
                    channel=self.rng.choice(list(Channel)))


def clone(session, template: Dossier, unit_id: int, n: int, values: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    columns = {c.key: getattr(template, c.key) for c in Dossier.__table__.columns if c.key != "id"}
    columns.update(unit_id=unit_id, code=f"{template.code}-{n}", token=f"tally{n}", sequence=1000 + n,
                   logbook_number=1000 + n, **values)
    session.execute(Dossier.__table__.insert().values(**{k: v for k, v in columns.items()}))


CHECKS = [
    (whole_year(2026), vn(24, 11, 9)), (whole_year(2026), vn(1, 11, 0)), (whole_year(2026), vn(1, 11, 0, 1)),
    (whole_year(2026), vn(14, 1, 10)), (whole_year(2026), datetime(2027, 2, 1, tzinfo=timezone.utc)),
    (whole_year(2025), vn(24, 11, 9)), (quarter(2026, 2), vn(20, 5, 15)), (month(2026, 3), vn(31, 3, 23, 59)),
    (month(2026, 12), vn(24, 11, 9)), (custom(date(2026, 3, 10), date(2026, 11, 20)), vn(24, 11, 9)),
    (custom(date(2026, 2, 1), date(2026, 10, 15)), vn(24, 11, 9)), (custom(date(2026, 9, 1), date(2026, 11, 30)),
                                                                       vn(24, 11, 9)),
]


def assert_trend_is_the_count(session, unit_ids) -> None:  # type: ignore[no-untyped-def]
    """The trend and the figures by unit and procedure, from the tally and counted, for every check."""
    session.flush()
    for period, now in CHECKS:
        tallied = reports.trend(session, unit_ids, period, now=now)
        assert tallied == reports.trend_counted(session, unit_ids, period, now=now), (period, now)
        figures = reports.grouped(session, unit_ids, period, now=now)
        assert figures.cells == reports.grouped_counted(session, unit_ids, period, now=now).cells, (period, now)


def test_the_trend_from_the_tally_is_the_trend_counted_through_every_change_and_after_folding(db_session, world):
    a, b = world.a, world.b
    template = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(2, 11, 8))
    shapes = Shapes(random.Random(2326))
    for n in range(600):
        clone(db_session, template, (a.unit.id, b.unit.id)[n % 2], n,
              {**shapes.values(), "procedure_id": (a.procedure.id, b.procedure.id)[n % 3 % 2]})
    both = [a.unit.id, b.unit.id]
    assert_trend_is_the_count(db_session, both)
    assert_trend_is_the_count(db_session, [b.unit.id])
    year = reports.trend(db_session, both, whole_year(2026), now=vn(24, 11, 9))
    assert sum(p.received for p in year) > 300 and any(p.open_late for p in year) and any(p.open_in_time for p in year)
    total = reports.grouped(db_session, both, whole_year(2026), now=vn(24, 11, 9)).total()
    assert min(total.carried_over, total.received_online, total.done, total.refused, total.withdrawn,
               total.over_one_supplement, total.open_in_time, total.open_late, total.finished_early) > 0
    assert len(reports.grouped(db_session, both, whole_year(2026), now=vn(24, 11, 9)).cells) == 4

    ids = db_session.scalars(select(Dossier.id).where(Dossier.code.like(f"{template.code}-%"))).all()
    for dossier_id in shapes.rng.sample(ids, 150):  # finished, reopened for a supplement, moved, re-dated
        changes = shapes.values()
        del changes["received_at"]
        db_session.execute(Dossier.__table__.update().where(Dossier.id == dossier_id).values(**changes))
    timed = db_session.execute(Dossier.__table__.update().where(  # the nightly fill of processing times alone
        Dossier.id.in_(ids), Dossier.finished_at.is_not(None)).values(work_minutes=Dossier.id % 997 + 1))
    assert timed.rowcount > 100
    assert_trend_is_the_count(db_session, both)
    gone = shapes.rng.sample(ids, 40)
    db_session.execute(delete(PrintedDocument).where(PrintedDocument.dossier_id.in_(gone)))
    db_session.execute(delete(Dossier).where(Dossier.id.in_(gone)))
    assert_trend_is_the_count(db_session, both)

    rows = db_session.scalar(select(func.count()).select_from(DossierTally))
    folded = tallies.fold(db_session)
    assert folded > 0 and db_session.scalar(select(func.count()).select_from(DossierTally)) == rows - folded
    assert db_session.scalar(select(func.count()).select_from(DossierTally).where(DossierTally.n == 0)) == 0
    assert_trend_is_the_count(db_session, both)
    assert tallies.fold(db_session) == 0  # nothing left to fold

    # a change of state that leaves the key alone (in progress → received) adds no rows
    moved = db_session.execute(Dossier.__table__.update().where(
        Dossier.id.in_(ids), Dossier.status == DossierStatus.IN_PROGRESS).values(status=DossierStatus.RECEIVED))
    assert moved.rowcount > 10
    assert db_session.scalar(select(func.count()).select_from(DossierTally)) == rows - folded
    assert_trend_is_the_count(db_session, both)


def test_the_scheduler_folds_the_tally_once_per_tick(app, db_session, world):
    from app.cli.jobs import TAKEN, fold_tallies  # noqa: PLC0415 - the scheduler's entry point

    a = world.a
    tallies.fold(db_session)  # whatever tests that commit left behind, out of the count below
    for hour in (8, 9, 10):
        reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(2, 11, hour))
    db_session.commit()  # the receptions' +1 rows, one key: two of them fold into the first
    tick = vn(24, 11, 9, 10)
    assert fold_tallies(app, tick=tick) == "Đã gộp 2 dòng số liệu tổng hợp."
    assert fold_tallies(app, tick=tick) == TAKEN  # another scheduler had this tick
    assert fold_tallies(app, tick=tick + timedelta(minutes=10)) == ""  # nothing to fold: nothing to say
    assert [n for (n,) in db_session.execute(select(DossierTally.n).where(DossierTally.unit_id == a.unit.id))] == [3]
