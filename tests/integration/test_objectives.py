"""Quality objectives measured from the dossiers: a hand-worked November 2026 for commune a.

The world's procedure takes 3 working days. Dossiers (due instants worked out by hand):

| dossier | received            | due             | what happened                                  | Nov. 2026 |
|---------|---------------------|-----------------|------------------------------------------------|-----------|
| d1      | Mon 02/11 09:00     | Thu 05/11 09:00 | finished Wed 04/11                              | on time   |
| d2      | Mon 02/11 09:00     | Thu 05/11 09:00 | finished Fri 06/11                              | late      |
| d3      | Mon 02/11 09:00     | Thu 05/11 09:00 | Mẫu 04 on Tue 03/11 (new date Mon 09/11), finished Fri 06/11 | late, apologised |
| d4      | Wed 25/11 09:00     | Mon 30/11 09:00 | still open on 01/12                             | late (open) |
| d5      | Thu 26/11 09:00 online | Tue 01/12 09:00 | still open on 01/12 00:00                    | in time (open) |
| d6      | Mon 05/10 09:00     | Thu 08/10 09:00 | finished Wed 07/10                              | not in November |
| d7      | Thu 29/10 09:00     | Tue 03/11 09:00 | finished Mon 02/11                              | on time (carried over) |
| d8      | Mon 09/11 09:00     | moved by pauses | two supplement requests, finished Tue 10/11     | late (766: > 1 supplement) |

Population 7 (d1–d5, d7, d8); on time 3 (d1, d5, d7) → 42,86 %; late 4 (d2, d3, d4, d8), apologised 1 → 25 %;
at most one supplement 6 of 7 → 85,71 %; received in November 6 (d1–d5, d8), online 1 → 16,67 %;
ratings: d1 satisfied, d2 not → 50 %.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.localtime import VN_TZ
from app.domain.objectives import Indicator, Measure, month, quarter
from app.domain.workflow import Action, Channel
from app.services import objectives, reception
from app.services.errors import Conflict, Forbidden, ValidationFailed
from models import ObjectiveMeasurement, SatisfactionRating
from tests.integration.test_processing import act
from tests.integration.test_reception import reception_input


def at(day, month_, hour, minute=0):
    return datetime(2026, month_, day, hour, minute, tzinfo=VN_TZ)


def receive(session, commune, when, **kw):
    return reception.receive_dossier(session, commune.clerk, reception_input(commune.procedure.id, **kw), now=when)


def finish(session, commune, dossier, when):
    act(session, commune.clerk, dossier, Action.HAND_OVER, when.replace(hour=7, minute=40))
    act(session, commune.officer, dossier, Action.HAND_OVER, when.replace(hour=7, minute=50))
    act(session, commune.leader, dossier, Action.FINISH, when)


@pytest.fixture
def november(db_session, world):
    a = world.a
    d = {}
    d["d1"] = receive(db_session, a, at(2, 11, 9))
    finish(db_session, a, d["d1"], at(4, 11, 10))
    d["d2"] = receive(db_session, a, at(2, 11, 9))
    finish(db_session, a, d["d2"], at(6, 11, 10))
    d["d3"] = receive(db_session, a, at(2, 11, 9))
    act(db_session, a.clerk, d["d3"], Action.HAND_OVER, at(2, 11, 10), to_user_id=a.officer.id)
    act(db_session, a.officer, d["d3"], Action.RESCHEDULE, at(3, 11, 9), reason="Cần xác minh thêm",
        new_due_at=at(9, 11, 17))
    act(db_session, a.officer, d["d3"], Action.HAND_OVER, at(6, 11, 8))
    act(db_session, a.leader, d["d3"], Action.FINISH, at(6, 11, 10))
    d["d4"] = receive(db_session, a, at(25, 11, 9))
    d["d5"] = receive(db_session, a, at(26, 11, 9), channel=Channel.ONLINE)
    d["d6"] = receive(db_session, a, at(5, 10, 9))
    finish(db_session, a, d["d6"], at(7, 10, 10))
    d["d7"] = receive(db_session, a, at(29, 10, 9))
    finish(db_session, a, d["d7"], at(2, 11, 10))
    d["d8"] = receive(db_session, a, at(9, 11, 9))
    act(db_session, a.clerk, d["d8"], Action.HAND_OVER, at(9, 11, 9, 10), to_user_id=a.officer.id)
    for minute in (20, 40):
        act(db_session, a.officer, d["d8"], Action.REQUEST_SUPPLEMENT, at(9, 11, 9, minute), reason="Thiếu",
            missing=("Tờ khai",))
        act(db_session, a.clerk, d["d8"], Action.RECEIVE_SUPPLEMENT, at(9, 11, 9, minute + 5))
    act(db_session, a.officer, d["d8"], Action.HAND_OVER, at(10, 11, 8))
    act(db_session, a.leader, d["d8"], Action.FINISH, at(10, 11, 9))
    for key, overall in (("d1", 2), ("d2", 0)):
        scores = dict(total_time=2, step_time=2, contacts=2, agencies=2, one_stop=2, disclosure=2, attitude=2,
                      convenience=2, overall=overall)
        db_session.add(SatisfactionRating(dossier_id=d[key].id, unit_id=a.unit.id, procedure_id=a.procedure.id,
                                          at=at(20, 11, 10), score=sum(scores.values()), **scores))
    db_session.flush()
    return d


def test_november_figures_worked_out_by_hand(db_session, world, november):
    a = world.a
    figures = objectives.measure(db_session, [a.unit.id, world.b.unit.id], month(2026, 11), now=at(1, 12, 8))
    mine = figures[a.unit.id]
    assert mine[Indicator.ON_TIME] == Measure(3, 7)
    assert mine[Indicator.ON_TIME].shown == "42,86 %"
    assert mine[Indicator.APOLOGY] == Measure(1, 4)
    assert mine[Indicator.ONE_SUPPLEMENT] == Measure(6, 7)
    assert mine[Indicator.ONLINE] == Measure(1, 6)
    assert mine[Indicator.SATISFACTION] == Measure(1, 2)
    # Commune b received nothing: no data, never 100 %.
    assert all(m == Measure(0, 0) and m.shown == "—" for m in figures[world.b.unit.id].values())


def test_a_running_period_is_measured_at_now(db_session, world, november):
    a = world.a
    # On Fri 27/11 10:00, d4 (due Mon 30/11) is still in time: 4 on time of 7.
    running = objectives.measure(db_session, [a.unit.id], month(2026, 11), now=at(27, 11, 10))[a.unit.id]
    assert running[Indicator.ON_TIME] == Measure(4, 7)
    # October, as closed: d6 and d7 were received; d7 was still open and in time at the end of October.
    october = objectives.measure(db_session, [a.unit.id], month(2026, 10), now=at(1, 12, 8))[a.unit.id]
    assert october[Indicator.ON_TIME] == Measure(2, 2)
    # A period not begun has nothing to measure.
    assert objectives.measure(db_session, [a.unit.id], month(2027, 1), now=at(1, 12, 8))[a.unit.id][
        Indicator.ON_TIME] == Measure(0, 0)


def test_closed_periods_are_recorded_once(db_session, world, november):
    a = world.a
    written = objectives.record_closed_periods(db_session, now=at(1, 12, 1), unit_ids=[a.unit.id, world.b.unit.id])
    # October and November (b has no dossier, so nothing), five indicators each; Q4 is not over.
    assert written == 2 * len(Indicator)
    assert objectives.record_closed_periods(db_session, now=at(2, 12, 1)) == 0
    saved = db_session.scalars(select(ObjectiveMeasurement).where(
        ObjectiveMeasurement.period_start == date(2026, 11, 1),
        ObjectiveMeasurement.indicator == Indicator.ON_TIME)).one()
    assert (saved.numerator, saved.denominator) == (3, 7)
    # After the quarter, Q4 joins (and December).
    assert objectives.record_closed_periods(db_session, now=datetime(2027, 1, 1, 1, tzinfo=VN_TZ)) == 2 * len(Indicator)
    q4 = db_session.scalars(select(ObjectiveMeasurement).where(
        ObjectiveMeasurement.period_start == quarter(2026, 4).start, ObjectiveMeasurement.period_kind == "quarter",
        ObjectiveMeasurement.indicator == Indicator.ON_TIME)).one()
    # Q4: all eight dossiers; at the end of the year d4 and d5 are open past their due instants.
    # On time: d1, d6, d7 → 3 of 8.
    assert (q4.numerator, q4.denominator) == (3, 8)


def test_year_table_shows_target_and_record(db_session, world, november):
    a = world.a
    objectives.set_default_targets(db_session, a.unit.id, 2026, now=at(1, 1, 9))
    objectives.record_closed_periods(db_session, now=at(1, 12, 1), unit_ids=[a.unit.id])
    table = objectives.year_table(db_session, a.leader, a.unit.id, 2026, now=at(1, 12, 8))
    nov = next(c for c in table.cells[Indicator.ON_TIME] if c.period == month(2026, 11))
    assert nov.recorded and nov.target == Decimal("98") and nov.met is False
    dec = next(c for c in table.cells[Indicator.ON_TIME] if c.period == month(2026, 12))
    assert dec.running and not dec.recorded
    assert len(table.periods) == 17


def test_targets_are_a_leaders_decision(db_session, world):
    a = world.a
    row = objectives.set_target(db_session, a.leader, a.unit.id, 2026, Indicator.ON_TIME, "97,5", now=at(1, 1, 9))
    assert row.target == Decimal("97.5")
    with pytest.raises(Forbidden):
        objectives.set_target(db_session, a.clerk, a.unit.id, 2026, Indicator.ON_TIME, "90", now=at(1, 1, 9))
    with pytest.raises(ValidationFailed):
        objectives.set_target(db_session, a.leader, a.unit.id, 2026, Indicator.ON_TIME, "101", now=at(1, 1, 9))
    with pytest.raises(Conflict):
        objectives.set_target(db_session, a.leader, a.unit.id, 2026, Indicator.ON_TIME, "99", version=row.version + 5,
                              now=at(1, 1, 9))
    assert db_session.scalar(select(func.count()).select_from(ObjectiveMeasurement)) == 0
