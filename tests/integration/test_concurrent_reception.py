"""Clerks receiving at the same instant never get the same dossier code.

Unlike the rest of the suite, this test commits for real from several
connections at once, then deletes what it created.
"""

import threading
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.services import reception
from models import (Department, Dossier, DossierDocument, DossierEvent, DossierTally, HandoverTally, Procedure,
                    ProcedureDocument, ProcedureStep, Unit, User, UserRole)
from tests import builders
from tests.integration.test_reception import reception_input

CLERKS = 4
EACH = 10
WHEN = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)


def test_concurrent_receptions_get_distinct_consecutive_codes(engine):
    with Session(engine) as session:
        unit = builders.make_unit(session, now=WHEN)
        clerks = [builders.make_user(session, unit=unit, roles={builders.Role.CLERK}, now=WHEN) for _ in range(CLERKS)]
        procedure = builders.make_procedure(session, unit=unit, now=WHEN)
        session.commit()
        unit_id, procedure_id, clerk_ids = unit.id, procedure.id, [c.id for c in clerks]
    barrier = threading.Barrier(CLERKS)
    failures: list[BaseException] = []

    def desk(clerk_id: int) -> None:
        try:
            with Session(engine) as session:
                clerk = session.get(User, clerk_id)
                session.commit()  # end the read transaction: on SQLite it holds the write lock
                barrier.wait(timeout=30)
                for _ in range(EACH):
                    reception.receive_dossier(session, clerk, reception_input(procedure_id), now=WHEN)
                    session.commit()
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=desk, args=(cid,)) for cid in clerk_ids]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert failures == []
        with Session(engine) as session:
            codes = session.scalars(select(Dossier.code).where(Dossier.unit_id == unit_id)).all()
            sequences = sorted(session.scalars(select(Dossier.sequence).where(Dossier.unit_id == unit_id)))
        assert len(codes) == len(set(codes)) == CLERKS * EACH
        assert sequences == list(range(1, CLERKS * EACH + 1))
    finally:
        with Session(engine) as session:
            ids = session.scalars(select(Dossier.id).where(Dossier.unit_id == unit_id)).all()
            session.execute(delete(DossierEvent).where(DossierEvent.dossier_id.in_(ids)))
            session.execute(delete(DossierDocument).where(DossierDocument.dossier_id.in_(ids)))
            session.execute(delete(Dossier).where(Dossier.id.in_(ids)))
            session.execute(delete(ProcedureDocument).where(ProcedureDocument.procedure_id == procedure_id))
            session.execute(delete(ProcedureStep).where(ProcedureStep.procedure_id == procedure_id))
            session.execute(delete(Procedure).where(Procedure.id == procedure_id))
            session.execute(delete(UserRole).where(UserRole.user_id.in_(clerk_ids)))
            session.execute(delete(User).where(User.id.in_(clerk_ids)))
            session.execute(delete(Department).where(Department.unit_id == unit_id))
            for tally in (DossierTally, HandoverTally):  # the tallies the triggers kept for the unit
                session.execute(delete(tally).where(tally.unit_id == unit_id))
            session.execute(delete(Unit).where(Unit.id == unit_id))
            session.commit()
