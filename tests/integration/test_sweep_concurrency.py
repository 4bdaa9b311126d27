"""Four processes sweep the same database at the same instant: each dossier is flagged once, each record opened once.

Runs on the suite's database engine (SQLite, or PostgreSQL with DATABASE_URL),
in a database of its own — a fresh SQLite file, or a fresh PostgreSQL schema —
because the processes commit for real.
"""

from __future__ import annotations

import multiprocessing
import uuid
from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.cli.db import alembic_config
from app.domain.localtime import VN_TZ
from app.domain.workflow import Action
from app.services import reception
from app.services.sweep import run_sweep
from models import Dossier, DossierEvent, JobLease, Nonconformity, OutboxMessage, SweepRun
from models.engine import make_engine
from tests import builders
from tests.integration.test_processing import act
from tests.integration.test_reception import reception_input

PROCESSES = 4
SWEPT_AT = datetime(2026, 9, 7, 10, 0, tzinfo=VN_TZ)


def at(day, month, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def own_database(database_url, tmp_path):
    """(url, connect_args) of an empty database at the newest schema, dropped afterwards."""
    if make_url(database_url).get_backend_name() == "sqlite":
        url, connect_args = "sqlite:///" + str(tmp_path / "sweep.sqlite3"), {}
        schema = None
    else:
        schema = f"sweep_{uuid.uuid4().hex[:10]}"
        url, connect_args = database_url, {"options": f"-csearch_path={schema}"}
        _execute(database_url, f"CREATE SCHEMA {schema}")
    engine = make_engine(url, connect_args=dict(connect_args))
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    engine.dispose()
    yield url, connect_args
    if schema:
        _execute(database_url, f"DROP SCHEMA {schema} CASCADE")


def _execute(url, statement):
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def _sweep_in_process(url, connect_args, barrier, force, results):  # runs in a child process
    engine = make_engine(url, connect_args=dict(connect_args))
    try:
        barrier.wait(timeout=60)
        with Session(engine) as session:
            report = run_sweep(session, now=SWEPT_AT, force=force, trigger="test")
            session.commit()
        results.put(None if report is None else dict(report.counts))
    except BaseException as error:  # reported to the test
        results.put(f"error: {error!r}")
    finally:
        engine.dispose()


def _sweep_from(url, connect_args, *, force):
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [context.Process(target=_sweep_in_process, args=(url, connect_args, barrier, force, results))
                 for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert not [o for o in outcomes if isinstance(o, str)], outcomes
    return outcomes


def _seed(session):
    """Twelve dossiers of two communes: overdue, due soon, in time, two supplements, finished late."""
    world = builders.make_world(session, now=at(1, 8, 9))
    ids = {"overdue": [], "soon": [], "fine": [], "supplements": [], "finished_late": []}
    for commune in (world.a, world.b):
        for _ in range(2):
            d = reception.receive_dossier(session, commune.clerk, reception_input(commune.procedure.id),
                                          now=at(27, 8, 9))
            ids["overdue"].append(d.id)  # due Fri 04/09 09:00
        d = reception.receive_dossier(session, commune.clerk, reception_input(commune.procedure.id), now=at(3, 9, 9))
        ids["soon"].append(d.id)  # due Tue 08/09 09:00: 15 working hours left on Mon 07/09 10:00
        d = reception.receive_dossier(session, commune.clerk, reception_input(commune.procedure.id), now=at(7, 9, 9))
        ids["fine"].append(d.id)
        d = reception.receive_dossier(session, commune.clerk, reception_input(commune.procedure.id), now=at(7, 9, 8))
        act(session, commune.clerk, d, Action.HAND_OVER, at(7, 9, 8, 10), to_user_id=commune.officer.id)
        for minute in (20, 40):
            act(session, commune.officer, d, Action.REQUEST_SUPPLEMENT, at(7, 9, 8, minute), reason="Thiếu",
                missing=("Tờ khai",))
            act(session, commune.clerk, d, Action.RECEIVE_SUPPLEMENT, at(7, 9, 8, minute + 5))
        ids["supplements"].append(d.id)
        d = reception.receive_dossier(session, commune.clerk, reception_input(commune.procedure.id), now=at(27, 8, 9))
        act(session, commune.clerk, d, Action.HAND_OVER, at(27, 8, 10))
        act(session, commune.officer, d, Action.HAND_OVER, at(4, 9, 10))
        act(session, commune.leader, d, Action.FINISH, at(4, 9, 11))
        ids["finished_late"].append(d.id)
    session.commit()
    return ids


def test_four_processes_sweep_at_once(own_database):
    url, connect_args = own_database
    engine = make_engine(url, connect_args=dict(connect_args))
    with Session(engine) as session:
        ids = _seed(session)

    # The same tick from four schedulers: exactly one does it.
    outcomes = _sweep_from(url, connect_args, force=False)
    done = [o for o in outcomes if o is not None]
    assert len(done) == 1, outcomes
    assert done[0]["overdue"] == 6 and done[0]["nonconformities"] == 8 and done[0]["due_soon"] == 2

    # Four forced runs at once (by hand, or a lease broken): serialised, and nothing new to flag.
    outcomes = _sweep_from(url, connect_args, force=True)
    assert outcomes == [{}] * PROCESSES

    with Session(engine) as session:
        flagged = dict(session.execute(
            select(DossierEvent.action, func.count()).where(DossierEvent.actor_id.is_(None))
            .group_by(DossierEvent.action)
        ).all())
        assert flagged["flag_overdue"] == 6 and flagged["flag_due_soon"] == 2
        assert flagged["flag_second_supplement"] == 2
        per_dossier = session.execute(
            select(DossierEvent.dossier_id, DossierEvent.action, func.count()).where(DossierEvent.actor_id.is_(None))
            .group_by(DossierEvent.dossier_id, DossierEvent.action).having(func.count() > 1)
        ).all()
        assert per_dossier == []
        records = session.execute(select(Nonconformity.dossier_id, Nonconformity.source)).all()
        assert len(records) == len(set(records)) == 8
        assert {r.dossier_id for r in records} == set(ids["overdue"] + ids["finished_late"] + ids["supplements"])
        numbers = session.execute(select(Nonconformity.unit_id, Nonconformity.number)).all()
        assert len(numbers) == len(set(numbers))
        assert session.scalar(select(func.count()).select_from(SweepRun)) == 1 + PROCESSES
        assert session.scalar(select(JobLease.runs).where(JobLease.name == "sweep")) == 1 + PROCESSES
        digests = session.execute(select(OutboxMessage.user_id, func.count()).group_by(OutboxMessage.user_id)).all()
        assert digests and all(count == 1 for _user, count in digests)
        assert session.scalar(select(func.count()).select_from(Dossier).where(Dossier.flag_overdue_at.is_not(None))) == 6
    engine.dispose()
