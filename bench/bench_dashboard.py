"""The dashboard's queries over a million dossiers vs one hand-written SQL GROUP BY of the same on-time figures.

Run: .venv/bin/python bench/bench_dashboard.py [dossiers] [--units N] [--years N]
     (BENCH_DATABASE_URL=postgresql://…/db to run on PostgreSQL; default: a fresh SQLite file)

What it does, all in one run on this machine:
1. migrates a fresh database, loads the demo, adds ``--units`` communes (default 150) and generates
   ``dossiers`` (default 1,000,000) over them and over ``--years`` years (default 3) before "now" with one
   INSERT … SELECT: the demo commune's procedures in turn, 30 % online, due three working days
   (4,320 minutes) after reception, 96 % finished (a quarter of them late), 4 % open, 5 % asked for one
   supplement and 1 % for two; each commune gets a clerk, an officer and a leader, and each dossier their
   handovers (the desk's at reception, the officer's and the leader's for the finished ones: ~2.9 per dossier);
   a third of the finished dossiers are rated, every late one has its nonconformity (one in 500 dossiers a
   complaint), and one request in 20 is turned away at the desk; then ANALYZE (on PostgreSQL VACUUM ANALYZE, as autovacuum does after a bulk insert);
2. times, best of 3, the hand-written baseline: one ``SELECT unit_id, count(*), sum(CASE … on time …)
   … GROUP BY unit_id`` over the year's dossiers (population and on-time rule of Quyết định 766, 2.1);
3. times, best of 3, each query of the dashboard for the whole province and one year
   (``app.services.dashboard.dashboard`` for an inspector), and the same for one commune;
4. checks that the dashboard's on-time figures equal the baseline's, unit by unit.
Prints each time and its ratio to the baseline. Goal (issue 8): the on-time figures ≤ 2× the
baseline and under 1 s for the one-year, one-province view.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.domain.objectives import whole_year  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.services import dashboard, reports, tallies  # noqa: E402
from app.services.demo import load_demo  # noqa: E402
from app.services.objectives import cut_of  # noqa: E402
from models import Dossier, Procedure, Unit, User, UserRole  # noqa: E402
from models.engine import make_engine  # noqa: E402
from synthetic import copy_commune, migrate_fresh  # noqa: E402

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)  # Wed 25/11/2026 09:00 in Vietnam


def build(url: str, count: int, units: int, years: int) -> None:
    engine = make_engine(url)
    migrate_fresh(engine)
    with Session(engine) as session:
        load_demo(session, now=NOW - timedelta(days=30))
        session.commit()
        template = session.scalars(select(Dossier).order_by(Dossier.id).limit(1)).one()
        commune = session.get(Unit, template.unit_id)
        procedures = [p.id for p in session.scalars(select(Procedure).where(Procedure.unit_id == commune.id)
                                                    .order_by(Procedure.id))]
        officer = session.scalar(select(User.id).join(UserRole, UserRole.user_id == User.id).where(
            User.unit_id == commune.id, UserRole.role == Role.OFFICER))
        first_unit = copy_commune(session, commune, units)
        people = staff(session, commune, range(first_unit, first_unit + units))
        template_id = template.id
    dialect = engine.dialect.name
    span = years * 365 * 24 * 60  # minutes
    received = f"{span} - ((n * 7919) % {span}) + 600"  # minutes before now
    late = "(n % 4 = 0)"
    open_ = f"(n % 25 = 0 AND (n * 7919) % {span} > {span} - 2 * 24 * 60 * 30)"  # 4 % of the last two months
    if dialect == "sqlite":
        def at(minutes_before_now: str) -> str:
            return (f"strftime('%Y-%m-%d %H:%M:%f', '{NOW.replace(tzinfo=None).isoformat(sep=' ')}', "
                    f"printf('%+d minutes', -({minutes_before_now}))) || '000'")
        series = f"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {count}) "
        source = "c"
    else:
        def at(minutes_before_now: str) -> str:
            return f"CAST('{NOW.isoformat()}' AS timestamptz) - make_interval(mins => ({minutes_before_now})::int)"
        series = ""
        source = f"generate_series(CAST(1 AS bigint), {count}) AS c(n)"
    finished_after = f"CASE WHEN {late} THEN 4320 + (n % 2000) ELSE 60 + (n % 4000) END"
    procedure_case = "CASE " + " ".join(f"WHEN n % {len(procedures)} = {i} THEN {p}"
                                         for i, p in enumerate(procedures)) + " END"
    overrides = {
        "unit_id": f"{first_unit} + (n % {units})",
        "procedure_id": procedure_case,
        "code": "t.code || '-' || CAST(n AS TEXT)",
        "token": "'bench' || CAST(n AS TEXT)",
        "sequence": "n + 100000",
        "logbook_number": "n + 100000",
        "channel": "CASE WHEN n % 10 < 3 THEN 'online' ELSE 'direct' END",
        "received_at": at(received),
        "reception_day": f"date({at(received)})" if dialect == "sqlite" else f"CAST({at(received)} AS date)",
        "due_at": at(f"{received} - 4320"),
        "finished_at": f"CASE WHEN {open_} THEN NULL ELSE {at(f'{received} - {finished_after}')} END",
        "status": f"CASE WHEN {open_} THEN 'in_progress' ELSE 'returned' END",
        "work_minutes": f"CASE WHEN {open_} THEN NULL ELSE ({finished_after}) / 3 END",
        "supplement_count": "CASE WHEN n % 100 = 0 THEN 2 WHEN n % 20 = 0 THEN 1 ELSE 0 END",
        "paused_at": "NULL",
        "due_rescheduled_at": "NULL",
        "holder_user_id": f"CASE WHEN {open_} THEN {officer} ELSE NULL END",  # the officers: see below
        "step_due_at": at(f"{received} - 2000"),
        "version": "1",
    }
    columns = [c.key for c in Dossier.__table__.columns if c.key != "id"]
    for column in columns:
        if column.startswith("flag_") or column in ("returned_at", "returned_by_id", "return_method"):
            overrides[column] = "NULL"
    select_list = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    statement = (f"{series}INSERT INTO dossier ({', '.join(columns)}) "
                 f"SELECT {select_list} FROM {source}, dossier t WHERE t.id = {template_id}")
    generated = "d.code LIKE '%-%-%-%'"
    if dialect == "sqlite":
        def between(share: str) -> str:
            return ("strftime('%Y-%m-%d %H:%M:%f', julianday(d.received_at) + "
                    f"(julianday(d.finished_at) - julianday(d.received_at)) * {share}) || '000'")
        plus_minutes = "strftime('%Y-%m-%d %H:%M:%f', d.received_at, '+{} minutes') || '000'".format
        year_of = "CAST(strftime('%Y', {}) AS INTEGER)".format
    else:
        def between(share: str) -> str:
            return f"d.received_at + (d.finished_at - d.received_at) * {share}"
        plus_minutes = "d.received_at + INTERVAL '{} minutes'".format
        year_of = "CAST(extract(year FROM {}) AS INTEGER)".format
    handover = ("INSERT INTO dossier_handover (dossier_id, seq, kind, at, step_position, giver, giver_user_id, "
                "giver_person, receiver, receiver_person, step_deadline, step_result, note, actor_id) ")
    people_join = "FROM dossier d JOIN bench_people p ON p.unit_id = d.unit_id"
    handovers = [
        # the desk hands every dossier on within minutes; the officer hands on the finished ones; the leader signs
        f"{handover} SELECT d.id, 101, 'hand_over', {plus_minutes(10)}, 1, 'Bộ phận Một cửa', p.clerk, '', "
        f"'Chuyên môn', '', {plus_minutes(240)}, CASE WHEN d.id % 50 = 0 THEN 'late' ELSE 'early' END, '', p.clerk "
        f"{people_join} WHERE {generated}",
        f"{handover} SELECT d.id, 102, 'hand_over', {between('0.6')}, 2, 'Chuyên môn', p.officer, '', 'Lãnh đạo', '', "
        "d.due_at, CASE WHEN d.id % 7 = 0 THEN 'late' WHEN d.id % 3 = 0 THEN 'on_time' ELSE 'early' END, '', "
        f"p.officer {people_join} WHERE {generated} AND d.finished_at IS NOT NULL",
        f"{handover} SELECT d.id, 103, 'finish', d.finished_at, 3, 'Lãnh đạo', p.leader, '', 'Bộ phận Một cửa', '', "
        "d.due_at, CASE WHEN d.finished_at > d.due_at THEN 'late' WHEN d.id % 2 = 0 THEN 'on_time' ELSE 'early' END, "
        f"'', p.leader {people_join} WHERE {generated} AND d.finished_at IS NOT NULL",
        f"UPDATE dossier SET holder_user_id = (SELECT officer FROM bench_people p WHERE p.unit_id = dossier.unit_id) "
        f"WHERE finished_at IS NULL AND {generated.replace('d.', '')}",
        # a third of the finished dossiers rated (one in twenty dissatisfied), as Mẫu phiếu đánh giá
        "INSERT INTO satisfaction_rating (dossier_id, unit_id, procedure_id, returned_by_id, at, total_time, "
        "step_time, contacts, agencies, one_stop, disclosure, attitude, convenience, overall, score, comment) "
        "SELECT d.id, d.unit_id, d.procedure_id, p.clerk, d.finished_at, 2, 2, 2, 2, 2, 2, 2, 2, "
        "CASE WHEN d.id % 20 = 0 THEN 0 WHEN d.id % 20 = 1 THEN 1 ELSE 2 END, "
        "CASE WHEN d.id % 20 = 0 THEN 14 WHEN d.id % 20 = 1 THEN 15 ELSE 16 END, '' "
        f"{people_join} WHERE {generated} AND d.finished_at IS NOT NULL AND d.id % 3 = 0",
        # a nonconformity for every late dossier (as the overdue sweep opens them), a complaint for one in 500
        "INSERT INTO nonconformity (unit_id, year, number, source, source_key, dossier_id, opened_at, description, "
        "step_name, holder_name, cause, correction, corrective_action, action_report, effectiveness, status, "
        "version) "
        f"SELECT d.unit_id, {year_of('d.due_at')}, d.id, CASE WHEN d.id % 500 = 0 THEN 'complaint' ELSE 'overdue' END, "
        "'bench-' || CAST(d.id AS TEXT), d.id, d.due_at, 'Hồ sơ quá hạn', '', '', '', '', '', '', '', 'closed', 1 "
        f"FROM dossier d WHERE {generated} AND (d.finished_at > d.due_at OR d.id % 500 = 0)",
        # requests turned away at the desk (Mẫu 02 and Mẫu 03): one for every 20 dossiers received
        "INSERT INTO non_reception (unit_id, procedure_id, kind, number, year, channel, applicant_name, "
        "applicant_id_kind, applicant_id_number, applicant_phone, applicant_email, applicant_address, missing, reason, "
        "at, by_id, token, citizen_message) "
        "SELECT d.unit_id, d.procedure_id, CASE WHEN d.id % 3 = 0 THEN 'refused' ELSE 'incomplete' END, d.id, "
        f"{year_of('d.received_at')}, 'direct', 'Nguyễn Văn An', 'cccd', '001090000001', '', '', 'Thôn Đông', "
        "'Tờ khai', 'Thiếu giấy tờ', d.received_at, p.clerk, 'bench-nr-' || CAST(d.id AS TEXT), '' "
        f"{people_join} WHERE {generated} AND d.id % 20 = 0",
    ]
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TEMPORARY TABLE bench_people (unit_id INTEGER PRIMARY KEY, clerk INTEGER, "
                                   "officer INTEGER, leader INTEGER)")
        connection.execute(text("INSERT INTO bench_people VALUES (:unit_id, :clerk, :officer, :leader)"), people)
        for sql in (statement, *handovers):
            if dialect == "sqlite":
                connection.exec_driver_sql(sql)
            else:
                connection.execute(text(sql.replace(":", r"\:")))
    with Session(engine) as session:  # the dossier tally's deltas folded, as the scheduler does every 10 minutes
        tallies.fold(session)
        session.commit()
    # Statistics, and on PostgreSQL the visibility map that index-only scans need: what autovacuum
    # does to a table after a bulk insert (PostgreSQL 13+), done here at once instead of minutes later.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE" if dialect == "sqlite" else "VACUUM ANALYZE")
    print(f"generated {count:,} dossiers over {units} units and {years} years in {time.perf_counter() - started:.1f} s")
    engine.dispose()


def staff(session: Session, commune: Unit, unit_ids: range) -> list[dict[str, int]]:
    """A clerk, an officer and a leader of each generated commune, copied from the demo commune's (no roles:
    they only give handovers); their ids by unit."""
    columns = [c.key for c in User.__table__.columns if c.key != "id"]
    roles = (("clerk", Role.CLERK), ("officer", Role.OFFICER), ("leader", Role.LEADER))
    models = {name: session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                    .where(User.unit_id == commune.id, UserRole.role == role)).first()
              for name, role in roles}
    result = []
    for unit_id in unit_ids:
        row: dict[str, int] = {"unit_id": unit_id}
        for name, model in models.items():
            assert model is not None
            values = {c: getattr(model, c) for c in columns}
            values.update(unit_id=unit_id, username=f"{model.username[:28]}.{unit_id}",
                          full_name=f"{model.full_name} {unit_id}")
            user = User(**values)
            session.add(user)
            session.flush()
            row[name] = user.id
        result.append(row)
    session.commit()
    return result


def baseline(session: Session, start: datetime, cut: datetime) -> dict[int, tuple[int, int]]:
    """The hand-written GROUP BY: population and on-time count of each unit (QĐ 766, 2.1)."""
    rows = session.execute(text("""
        SELECT unit_id, count(*),
               sum(CASE WHEN supplement_count <= 1 AND (
                        (finished_at IS NOT NULL AND finished_at < :cut AND finished_at <= due_at)
                     OR ((finished_at IS NULL OR finished_at >= :cut)
                         AND (due_at >= :cut OR (status = 'supplement_requested' AND paused_at <= due_at))))
                   THEN 1 ELSE 0 END)
        FROM dossier
        WHERE received_at < :cut AND (finished_at IS NULL OR finished_at >= :start)
        GROUP BY unit_id"""), {"start": _param(session, start), "cut": _param(session, cut)}).all()
    return {unit_id: (int(population), int(on_time)) for unit_id, population, on_time in rows}


def _param(session: Session, instant: datetime):  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "sqlite":  # stored as naive UTC text
        return instant.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    return instant


def steps_and_officers(session: Session, ids: list[int], period):  # type: ignore[no-untyped-def]
    cells = reports.handover_cells(session, ids, period, now=NOW)
    return (reports.steps(session, ids, period, now=NOW, cells=cells),
            reports.officers(session, ids, period, now=NOW, cells=cells))


def best(work, repeat: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    seconds, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        seconds = min(seconds, time.perf_counter() - started)
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dossiers", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    workdir = tempfile.TemporaryDirectory(prefix="motcua-bench-dashboard-")
    if not url:
        url = "sqlite:///" + str(Path(workdir.name) / "bench.sqlite3")
    build(url, args.dossiers, args.units, args.years)
    engine = make_engine(url)
    period = whole_year(2026)
    start, cut = cut_of(period, NOW)
    with Session(engine) as session:
        inspector = session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                    .where(UserRole.role == Role.INSPECTOR)).first()
        ids = [u.id for u in dashboard.units_in_scope(session, inspector, None)]
        one = session.scalar(select(Dossier.unit_id).order_by(Dossier.id.desc()).limit(1))
        base_seconds, base = best(lambda: baseline(session, start, cut))
        population = sum(p for p, _ in base.values())
        print(f"database: {engine.dialect.name}; year 2026 (to {NOW:%d/%m}), {len(ids)} units, "
              f"{population:,} dossiers in the population")
        print(f"{'':46}{'seconds':>9}{'× baseline':>12}")
        print(f"{'hand-written GROUP BY (baseline)':46}{base_seconds:9.3f}{1:12.2f}")
        timings = []
        for label, work in (
            ("on-time figures by unit and procedure", lambda: reports.grouped(session, ids, period, now=NOW)),
            ("trend, 11 months (tally + last month)", lambda: reports.trend(session, ids, period, now=NOW)),
            ("steps and officers (handovers)", lambda: steps_and_officers(session, ids, period)),
            ("satisfaction, refusals, complaints", lambda: (
                reports.satisfaction_by_unit(session, ids, period, now=NOW),
                reports.desk_refusals_by_unit(session, ids, period, now=NOW),
                reports.unhappy_by_unit(session, ids, period, now=NOW))),
            ("whole dashboard, province, one year", lambda: dashboard.dashboard(session, inspector, None, period,
                                                                                 now=NOW)),
            ("whole dashboard, one commune, one year", lambda: dashboard.dashboard(session, inspector, one, period,
                                                                                    now=NOW)),
        ):
            seconds, result = best(work)
            timings.append((label, seconds, result))
            print(f"{label:46}{seconds:9.3f}{seconds / base_seconds:12.2f}")
        grouped = timings[0][2].by_unit()  # type: ignore[union-attr]
        mismatched = [u for u, (p, o) in base.items()
                      if (grouped[u].population, grouped[u].on_time.numerator) != (p, o)]
        print("on-time figures equal the baseline's for every unit" if not mismatched
              else f"MISMATCH for units {mismatched[:5]}")
        counted_seconds, counted = best(lambda: reports.trend_counted(session, ids, period, now=NOW), repeat=1)
        if timings[1][2] != counted:
            mismatched.append("trend")
        start_, cut_ = cut_of(period, NOW)
        if reports.handovers_between(session, ids, start_, cut_) != reports.handovers_counted(session, ids, start_,
                                                                                              cut_):
            mismatched.append("handovers")
        print(f"trend from the tally {'equals' if 'trend' not in mismatched else 'DIFFERS FROM'} the trend counted "
              f"from the dossiers ({counted_seconds:.3f} s); handovers from the tally "
              f"{'equal' if 'handovers' not in mismatched else 'DIFFER FROM'} those counted")
        figures = timings[0][1]
        print(f"on-time figures / baseline: {figures / base_seconds:.2f}× (goal ≤ 2×), {figures:.3f} s (goal < 1 s); "
              f"whole province dashboard: {timings[4][1]:.2f} s")
    engine.dispose()
    workdir.cleanup()
    if mismatched:
        sys.exit(1)


if __name__ == "__main__":
    main()
