"""The handover tally (issue 23): kept by the database's triggers, it gives the step and officer figures of any
period exactly as counting the handovers does, through inserts, changes and deletions, on both databases."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select

from app.domain.objectives import month
from app.domain.reports import StepFigures
from app.domain.timeliness import Timeliness
from app.services import reception, reports
from models import Dossier, Handover, HandoverTally, PrintedDocument
from app.domain.workflow import Action
from tests.integration.test_processing import act, vn
from tests.integration.test_reception import reception_input

RESULTS = [Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE, None]


def windows() -> list[tuple[datetime, datetime]]:
    """Whole days, parts of days at either end, one part of a day, empty and reversed ones (local times)."""
    return [(vn(1, 11, 0), vn(1, 12, 0)), (vn(3, 11, 0), vn(20, 11, 14, 37)), (vn(3, 11, 9, 30), vn(20, 11, 0)),
            (vn(3, 11, 9, 30), vn(20, 11, 16, 5)), (vn(12, 11, 8), vn(12, 11, 17)), (vn(12, 11, 8), vn(13, 11, 8)),
            (vn(12, 11, 23, 59), vn(13, 11, 0, 1)), (vn(10, 11, 0), vn(10, 11, 0)), (vn(10, 11, 0), vn(9, 11, 0))]


def assert_tally_counts_like_the_rows(session, unit_ids) -> None:  # type: ignore[no-untyped-def]
    session.flush()
    for start, cut in windows():
        assert reports.handovers_between(session, unit_ids, start, cut) == \
            reports.handovers_counted(session, unit_ids, start, cut), (start, cut)


def test_the_tally_equals_the_handovers_counted_through_inserts_changes_and_deletions(db_session, world):
    rng = random.Random(23)
    a, b = world.a, world.b
    dossiers = [reception.receive_dossier(db_session, commune.clerk, reception_input(commune.procedure.id),
                                          now=vn(2, 11, 8))
                for commune in (a, b, a)]
    givers = [a.officer, a.leader, b.officer, None]
    rows = []
    for n in range(400):
        # around local midnight too: 16:59 and 17:00 UTC are different local days
        at = datetime(2026, 11, 1, 17, 0, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
        if n % 10 == 0:
            at = at.replace(hour=rng.choice((16, 17)), minute=rng.choice((0, 59)))
        giver = rng.choice(givers)
        row = Handover(dossier_id=rng.choice(dossiers).id, seq=1000 + n, kind="hand_over", at=at,
                       step_position=rng.randrange(1, 4), giver="Bộ phận", giver_user_id=giver.id if giver else None,
                       receiver="Chuyên môn", step_result=rng.choice(RESULTS), actor_id=a.clerk.id)
        db_session.add(row)
        rows.append(row)
    db_session.flush()
    both = [a.unit.id, b.unit.id]
    assert_tally_counts_like_the_rows(db_session, both)
    assert_tally_counts_like_the_rows(db_session, [b.unit.id])
    whole = reports.handovers_between(db_session, both, vn(1, 11, 0), vn(31, 12, 0))
    assert sum(f.handed for f in whole.values()) == sum(1 for r in rows if r.step_result is not None) > 250
    assert (a.procedure.id, 1, None) in whole  # a handover with no named giver keeps None

    for row in rng.sample(rows, 60):  # results, days, steps and givers changed
        row.step_result = rng.choice(RESULTS)
        row.at += timedelta(hours=rng.randrange(-30, 30))
        row.step_position = rng.randrange(1, 4)
        giver = rng.choice(givers)
        row.giver_user_id = giver.id if giver else None
    db_session.flush()
    assert_tally_counts_like_the_rows(db_session, both)

    for row in rng.sample(rows, 40):
        db_session.delete(row)
    db_session.flush()
    assert_tally_counts_like_the_rows(db_session, both)

    gone = dossiers[1]  # a dossier deleted with its handovers (a cascade the ORM does not see)
    db_session.execute(delete(PrintedDocument).where(PrintedDocument.dossier_id == gone.id))
    db_session.execute(delete(Dossier).where(Dossier.id == gone.id))
    db_session.expire_all()
    assert_tally_counts_like_the_rows(db_session, both)
    assert reports.handovers_counted(db_session, [b.unit.id], vn(1, 11, 0), vn(1, 12, 0)) == {}
    assert db_session.scalar(select(func.sum(HandoverTally.early + HandoverTally.on_time + HandoverTally.late))
                             .where(HandoverTally.unit_id == b.unit.id)) == 0


def test_a_dossier_moved_by_the_application_is_counted_for_its_officers(db_session, world):
    """Handovers the application makes (a clerk's, then an officer's) show in the month's figures, same as counted."""
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(2, 11, 8))
    act(db_session, a.clerk, dossier, Action.HAND_OVER, vn(2, 11, 9), to_user_id=a.officer.id)
    act(db_session, a.officer, dossier, Action.HAND_OVER, vn(3, 11, 9))
    db_session.flush()
    period, now = month(2026, 11), vn(24, 11, 9)
    cells = reports.handover_cells(db_session, [a.unit.id], period, now=now)
    counted = reports.handovers_counted(db_session, [a.unit.id], *reports.cut_of(period, now))
    givers = {user_id for (_, _, user_id), figures in cells.items() if figures.handed}
    assert givers == {a.clerk.id, a.officer.id}
    assert {key: StepFigures(f.early, f.on_time, f.late) for key, f in cells.items() if f.handed} == counted
    officers = {row.user_id: row.figures.handed for row in reports.officers(db_session, [a.unit.id], period, now=now)}
    assert officers[a.clerk.id] == 1 and officers[a.officer.id] == 1
