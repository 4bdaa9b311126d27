"""Leadership reports on a hand-worked data set: every figure below was counted by hand.

Commune a's October–November 2026 is the data set of ``test_objectives`` (its
docstring lists each dossier). Working hours are 07:30–11:30 and 13:30–17:30,
Monday to Friday; November, measured on 01/12 08:00 (cut-off 01/12 00:00):

| dossier | received        | due             | what happened                              | November 2026             |
|---------|-----------------|-----------------|--------------------------------------------|---------------------------|
| d1      | Mon 02/11 09:00 | Thu 05/11 09:00 | finished Wed 04/11 10:00                   | trước hạn; 1,020 min      |
| d2      | Mon 02/11 09:00 | Thu 05/11 09:00 | finished Fri 06/11 10:00                   | quá hạn; 1,980 min        |
| d3      | Mon 02/11 09:00 | Thu 05/11 09:00 | Mẫu 04 new date Mon 09/11, finished Fri 06/11 | quá hạn (original date); 1,980 min |
| d4      | Wed 25/11 09:00 | Mon 30/11 09:00 | open                                       | đang quá hạn              |
| d5      | Thu 26/11 online| Tue 01/12 09:00 | open                                       | đang trong hạn            |
| d6      | Mon 05/10 09:00 | Thu 08/10 09:00 | finished Wed 07/10                         | not in November           |
| d7      | Thu 29/10 09:00 | Tue 03/11 09:00 | finished Mon 02/11 10:00                   | from October; trước hạn; 1,020 min |
| d8      | Mon 09/11 09:00 | moved by pauses | two supplement requests (5 + 5 min), finished Tue 10/11 09:00 | quá hạn (> 1 supplement); 480 − 10 = 470 min |

Biểu 06, November: (3) 7 = (4) 1 online + (5) 5 in person + (6) 1 from October = (7) 5 finished + (11) 2 open;
(7) 5 = (8) 2 early + (9) 0 on time + (10) 3 late; (11) 2 = (12) 1 in time + (13) 1 late.
On-time (2.1) = (2 + 0 + 1) / 7 = 42,86 %. Mean time (2.2) = 6,470 min / 5 / 480 = 2,70 working days.
3.3 = 1 / 6 = 16,67 %. 5.4 = 100 − (4/7 late = 57,14 %) − (1/7 with a dissatisfied rating, d2 = 14,29 %) = 28,57 %.

Commune b (edge cases): nothing at all in October ("—", never 100 %); in November only one dossier,
received Mon 16/11 09:00, due Thu 19/11 09:00, still open: 0 of 1 on time (only open-late).
"""

from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.localtime import VN_TZ
from app.domain.objectives import Indicator, Measure, custom, month, quarter, whole_year
from app.domain.reports import Figures
from app.services import dashboard, monthly_report, objectives, reports
from app.services.errors import Forbidden, NotFound
from models import AuditEntry, OutboxMessage
from tests.integration.test_objectives import at, november, receive  # noqa: F401

CUT = at(1, 12, 8)

NOVEMBER_A = Figures(
    received_online=1, received_direct=5, carried_over=1, finished_early=2, finished_on_time=0, finished_late=3,
    open_in_time=1, open_late=1, population=7, finished=5, open=2, supplemented=1, over_one_supplement=1,
    refused=0, withdrawn=0, done=5, work_minutes=1020 + 1980 + 1980 + 1020 + 470,
)


@pytest.fixture
def only_late_b(db_session, world, november):
    return receive(db_session, world.b, at(16, 11, 9))


def test_november_of_commune_a_by_hand(db_session, world, november):
    a = world.a
    data = dashboard.dashboard(db_session, a.leader, None, month(2026, 11), now=CUT)
    assert [u.id for u in data.units] == [a.unit.id]
    assert data.total == NOVEMBER_A
    assert data.total.on_time == Measure(3, 7) and data.total.on_time.shown == "42,86 %"
    assert data.total.average_days == Decimal("2.70")
    assert all(check.ok for check in data.total.checks())
    # The same number as the ISO objective: one definition.
    assert objectives.measure(db_session, [a.unit.id], month(2026, 11), now=CUT)[a.unit.id][
        Indicator.ON_TIME] == data.total.on_time
    # Ratings of the period: d1 satisfied, d2 not.
    assert data.satisfaction == Measure(1, 2)


def test_biểu_06_columns_and_checks(db_session, world, november):
    data = dashboard.dashboard(db_session, world.a.leader, None, month(2026, 11), now=CUT, with_trend=False)
    rows = dashboard.bieu_06_rows(data)
    assert [r.level for r in rows] == [0, 1, 2]  # total, the field, its one procedure
    assert dashboard.bieu_06_values(rows[0].figures) == [7, 1, 5, 1, 5, 2, 0, 3, 2, 1, 1]
    assert rows[1].label == world.a.procedure.field_name and not any(r.failed for r in rows)


def test_checks_catch_a_split_that_does_not_add_up():
    broken = Figures(received_online=1, population=2, finished=1, open=1, finished_late=1)
    failed = [c.label for c in broken.checks() if not c.ok]
    assert failed == ["Tổng số nhận = trực tuyến + trực tiếp, bưu chính + từ kỳ trước",
                      "Đang giải quyết = trong hạn + quá hạn"]


def test_766_indicators_by_hand(db_session, world, november):
    data = dashboard.dashboard(db_session, world.a.leader, None, month(2026, 11), now=CUT, with_trend=False)
    shown = {i.code: (i.shown, i.numerator, i.denominator) for i in data.indicators}
    assert shown["2.1"] == ("42,86 %", 3, 7)
    assert shown["2.2"][0] == "2,70 ngày làm việc" and shown["2.2"][2] == 5
    assert shown["3.3"] == ("16,67 %", 1, 6)
    # 4 late + 1 dissatisfied (d2 is both: counted in each rate): 7 - 4 - 1 = 2 of 7, the share shown
    assert shown["5.4"] == ("28,57 %", 2, 7)
    three_three = next(i for i in data.indicators if i.code == "3.3")
    assert three_three.attainment == Decimal("33.34")  # 16,67 / 50


def test_rescheduled_and_second_supplement_are_late_in_the_drill_down(db_session, world, november):
    a = world.a
    late = reports.Drill("late", month(2026, 11))
    codes = [cells[0] for _, cells in dashboard.list_rows(db_session, [a.unit], late, now=CUT)]
    assert codes == [november[k].code for k in ("d2", "d3", "d8", "d4")]  # by reception instant
    # d3 finished before its Mẫu 04 date but after the receipt's: late on the original date.
    assert november["d3"].due_rescheduled_at > november["d3"].finished_at > november["d3"].due_at
    # Each figure's drill-down lists exactly as many dossiers as the figure says.
    for name in reports.FIGURE_NAMES:
        drill = reports.Drill(name, month(2026, 11))
        assert dashboard.list_count(db_session, [a.unit], drill, now=CUT) == getattr(NOVEMBER_A, name), name


def test_nothing_received_is_no_data_and_only_open_late_is_zero(db_session, world, november, only_late_b):
    b = world.b
    october = dashboard.dashboard(db_session, b.leader, None, month(2026, 10), now=CUT, with_trend=False)
    assert october.total == Figures() and october.total.on_time.shown == "—"
    assert [i.shown for i in october.indicators] == ["—"] * 4
    nov = dashboard.dashboard(db_session, b.leader, None, month(2026, 11), now=CUT, with_trend=False)
    assert nov.total.on_time == Measure(0, 1) and nov.total.on_time.shown == "0,00 %"
    assert (nov.total.finished, nov.total.open_late, nov.total.average_days) == (0, 1, None)
    # While it was still in time, nothing finished and nothing late: 1 of 1, not "—" and not a guess.
    early = dashboard.dashboard(db_session, b.leader, None, custom(at(16, 11, 0).date(), at(17, 11, 0).date()),
                                now=CUT, with_trend=False)
    assert early.total.on_time == Measure(1, 1) and early.total.finished == 0


def test_cross_unit_intake_counts_once_at_the_receiving_unit(db_session, world, november, only_late_b):
    """Received at b's desk for a procedure another agency decides (phi địa giới): b's clock, b's figures."""
    only_late_b.deciding_agency = world.a.unit.governing_body_name
    db_session.flush()
    data = dashboard.dashboard(db_session, world.inspector, None, month(2026, 11), now=CUT)
    assert data.per_unit[world.b.unit.id].population == 1
    assert data.per_unit[world.a.unit.id] == NOVEMBER_A
    assert data.total.population == 8 and data.total.on_time == Measure(3, 8)


def test_inspector_league_has_small_samples_unranked(db_session, world, november, only_late_b):
    data = dashboard.dashboard(db_session, world.inspector, None, month(2026, 11), now=CUT)
    assert {u.id for u in data.units} == {world.province.id, world.a.unit.id, world.b.unit.id}
    assert data.ranked == []  # 7 and 1 dossiers: fewer than 20, shown but not ranked
    assert [r.key for r in data.small] == [world.a.unit.id, world.b.unit.id, world.province.id]


def test_league_ranks_with_shared_places():
    from app.domain.reports import league

    def f(on_time, population):
        return Figures(finished_early=on_time, finished_late=population - on_time, population=population)

    ranked, small = league([(1, "A", f(20, 25)), (2, "B", f(24, 25)), (3, "C", f(40, 50)), (4, "D", f(5, 5))])
    assert [(r.label, r.rank) for r in ranked] == [("B", 1), ("C", 2), ("A", 2)]
    assert [r.label for r in small] == ["D"]


def test_trend_matches_each_month_measured_alone(db_session, world, november, only_late_b):
    ids = [world.a.unit.id, world.b.unit.id]
    points = reports.trend(db_session, ids, quarter(2026, 4), now=CUT)
    # December has begun 8 hours before the cut: its point is measured at that instant.
    assert [p.label for p in points] == ["10/2026", "11/2026", "12/2026"]
    for point, number in zip(points, (10, 11, 12)):
        alone = reports.grouped(db_session, ids, month(2026, number), now=CUT).total()
        assert (point.population, point.received, point.finished_early, point.finished_on_time,
                point.finished_late, point.open_in_time, point.open_late) == (
            alone.population, alone.received, alone.finished_early, alone.finished_on_time, alone.finished_late,
            alone.open_in_time, alone.open_late)
    assert points[0].on_time == Measure(2, 2)  # d6 early, d7 open in time at the end of October
    assert points[1].on_time == Measure(3, 8)
    assert points[2].on_time == Measure(1, 3)  # d4 and b's dossier open late, d5 due at 09:00 still in time
    # Measured on 27/11 10:00, November's point is cut at that instant: d4 (due 30/11) is still in time.
    running = reports.trend(db_session, [world.a.unit.id], whole_year(2026), now=at(27, 11, 10))
    assert len(running) == 11 and running[-1].on_time == Measure(4, 7)


def test_steps_and_officers_show_where_time_was_lost(db_session, world, november):
    a = world.a
    rows = reports.steps(db_session, [a.unit.id], month(2026, 11), now=CUT)
    assert sum(r.figures.handed for r in rows) == sum(
        1 for d in november.values() for h in d.handovers if h.step_result is not None
        and at(1, 11, 0) <= h.at < at(1, 12, 0))
    worst = rows[0]
    assert worst.figures.late + worst.figures.held_late == max(r.figures.late + r.figures.held_late for r in rows)
    people = {o.user_id for o in reports.officers(db_session, [a.unit.id], month(2026, 11), now=CUT)}
    assert people <= {a.clerk.id, a.officer.id, a.leader.id} and a.officer.id in people


def test_who_sees_what(db_session, world, november):
    with pytest.raises(NotFound):
        dashboard.dashboard(db_session, world.b.leader, world.a.unit.id, month(2026, 11), now=CUT)
    one = dashboard.dashboard(db_session, world.inspector, world.a.unit.id, month(2026, 11), now=CUT)
    assert one.total == NOVEMBER_A


def test_list_exports_need_a_leader_and_are_logged(db_session, world, november):
    a = world.a
    drill = reports.Drill("population", month(2026, 11))
    with pytest.raises(Forbidden):
        dashboard.list_report(db_session, a.admin, [a.unit], drill, now=CUT, fmt="xlsx")
    @contextmanager
    def reader():  # type: ignore[no-untyped-def]
        yield db_session

    lines = list(dashboard.list_csv(db_session, a.leader, [a.unit], drill, now=CUT)(reader))
    assert lines[0].startswith('\ufeff"Mã hồ sơ",') and "".join(lines[1:]).count("\r\n") == 7
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "report.export.csv")).one()
    assert entry.actor_id == a.leader.id and entry.detail["metric"] == "population"


def test_monthly_summary_is_queued_once(db_session, world, november):
    first = datetime(2026, 12, 1, 7, 0, tzinfo=VN_TZ)
    queued = monthly_report.send_monthly_reports(db_session, now=first)
    # a's leader and b's leader (in the app; no e-mail address) and the inspector.
    assert queued == 3
    message = db_session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == world.a.leader.id,
                                                             OutboxMessage.kind == "monthly_report")).one()
    assert message.subject == "Báo cáo tháng 11/2026: đúng hạn 42,86 % (3/7)"
    assert "trước hạn 2, đúng hạn 0, quá hạn 3" in message.body and "2,70 ngày làm việc" in message.body
    assert monthly_report.send_monthly_reports(db_session, now=first.replace(hour=9)) == 0
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "monthly_report")) == 3


def test_processing_time_is_filled_in_for_dossiers_finished_before_it_was_recorded(db_session, world, november):
    d1, d8 = november["d1"], november["d8"]
    recorded = (d1.work_minutes, d8.work_minutes)
    assert recorded == (1020, 470)
    d1.work_minutes = d8.work_minutes = None
    db_session.flush()
    assert reports.fill_work_minutes(db_session) == 2
    assert (d1.work_minutes, d8.work_minutes) == recorded
    assert reports.fill_work_minutes(db_session) == 0


def test_dissatisfied_or_complained_dossiers_are_counted_once_each_as_the_plain_definition_counts_them(
        db_session, world, november):
    """QĐ 766, 5.4: driven from the dissatisfied ratings and the complaints; the same numbers as asking each
    dossier of the period whether it has either, a dossier with both counted once, a complaint with no dossier
    or about another period's dossier left out."""
    from sqlalchemy import or_

    from app.domain.nonconformity import Source
    from app.services import nonconformities
    from app.services.objectives import population_rules
    from models import Dossier, Nonconformity, SatisfactionRating

    a, d = world.a, november
    for key in ("d2", "d3"):  # d2 is dissatisfied too: counted once
        nonconformities.open_record(db_session, a.leader, source=Source.COMPLAINT, description="Công dân phản ánh chậm",
                                    dossier_code=d[key].code, now=at(21, 11, 9))
    nonconformities.open_record(db_session, a.leader, source=Source.COMPLAINT, description="Phản ánh chung về thái độ",
                                now=at(21, 11, 10))
    db_session.flush()

    def plain(period, now):  # type: ignore[no-untyped-def]
        start, cut = reports.cut_of(period, now)
        disliked = select(SatisfactionRating.dossier_id).where(SatisfactionRating.overall == 0,
                                                               SatisfactionRating.at < cut)
        complained = select(Nonconformity.dossier_id).where(Nonconformity.source == Source.COMPLAINT,
                                                            Nonconformity.dossier_id.is_not(None))
        return dict(db_session.execute(
            select(Dossier.unit_id, func.count()).where(
                Dossier.unit_id.in_([a.unit.id, world.b.unit.id]), population_rules(start, cut).in_population,
                or_(Dossier.id.in_(disliked), Dossier.id.in_(complained))).group_by(Dossier.unit_id)).all())

    ids = [a.unit.id, world.b.unit.id]
    for period, now in ((month(2026, 11), at(1, 12, 8)), (month(2026, 11), at(20, 11, 12)),
                        (whole_year(2026), at(24, 11, 9)), (month(2026, 10), at(24, 11, 9))):
        counted = reports.unhappy_by_unit(db_session, ids, period, now=now)
        assert {u: n for u, n in counted.items() if n} == plain(period, now)
    assert reports.unhappy_by_unit(db_session, ids, month(2026, 11), now=at(1, 12, 8))[a.unit.id] == 2
