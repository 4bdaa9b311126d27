"""Twenty people take over the same dossier at the same instant: exactly one wins, nothing is lost or doubled.

Like the concurrent reception test, this one commits for real from several
connections (on PostgreSQL the row lock decides; on SQLite the single writer
and the version column do), then deletes what it created.
"""

import threading

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.domain.workflow import Action
from app.services import processing, reception
from app.services.errors import Conflict
from models import (
    Department,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierTally,
    Handover,
    HandoverTally,
    PrintedDocument,
    Procedure,
    ProcedureDocument,
    ProcedureStep,
    Unit,
    User,
    UserRole,
)
from tests import builders
from tests.integration.test_processing import vn
from tests.integration.test_reception import reception_input

ATTEMPTS = 20


def test_twenty_simultaneous_takeovers_one_wins(engine):
    with Session(engine) as session:
        unit = builders.make_unit(session, now=vn(1, 11, 9))
        clerk = builders.make_user(session, unit=unit, roles={builders.Role.CLERK}, now=vn(1, 11, 9))
        officers = [builders.make_user(session, unit=unit, roles={builders.Role.OFFICER}, now=vn(1, 11, 9))
                    for _ in range(ATTEMPTS)]
        procedure = builders.make_procedure(session, unit=unit, now=vn(1, 11, 9))
        dossier = reception.receive_dossier(session, clerk, reception_input(procedure.id), now=vn(25, 11, 9))
        session.commit()
        ids = dict(unit=unit.id, procedure=procedure.id, dossier=dossier.id, version=dossier.version,
                   users=[clerk.id, *(o.id for o in officers)])
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def take_over(officer_id: int) -> None:
        try:
            with Session(engine) as session:
                officer = session.get(User, officer_id)
                _ = officer.roles, officer.unit
                session.commit()  # SQLite: do not hold the write lock while waiting at the barrier
                barrier.wait(timeout=30)
                data = processing.ActionInput(Action.HAND_OVER, ids["version"])
                try:
                    processing.apply_action(session, officer, ids["dossier"], data, now=vn(25, 11, 10))
                    session.commit()
                    outcomes.append("won")
                except Conflict:
                    session.rollback()
                    outcomes.append("conflict")
        except BaseException as error:  # reported in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=take_over, args=(uid,)) for uid in ids["users"][1:]]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert failures == []
        assert sorted(outcomes) == ["conflict"] * (ATTEMPTS - 1) + ["won"]
        with Session(engine) as session:
            events = session.scalars(
                select(DossierEvent.action).where(DossierEvent.dossier_id == ids["dossier"]).order_by(DossierEvent.id)
            ).all()
            assert events == ["receive", "hand_over"]
            assert session.scalar(select(func.count(Handover.id)).where(Handover.dossier_id == ids["dossier"])) == 1
            saved = session.get(Dossier, ids["dossier"])
            winner = session.scalars(select(Handover.receiver_user_id).where(Handover.dossier_id == saved.id)).one()
            assert saved.holder_user_id == winner and saved.version == ids["version"] + 1
    finally:
        with Session(engine) as session:
            where = {"dossier_id": ids["dossier"]}
            for model in (Handover, DossierEvent, DossierDocument, PrintedDocument):
                session.execute(delete(model).filter_by(**where))
            session.execute(delete(Dossier).where(Dossier.id == ids["dossier"]))
            session.execute(delete(ProcedureDocument).where(ProcedureDocument.procedure_id == ids["procedure"]))
            session.execute(delete(ProcedureStep).where(ProcedureStep.procedure_id == ids["procedure"]))
            session.execute(delete(Procedure).where(Procedure.id == ids["procedure"]))
            session.execute(delete(UserRole).where(UserRole.user_id.in_(ids["users"])))
            session.execute(delete(User).where(User.id.in_(ids["users"])))
            session.execute(delete(Department).where(Department.unit_id == ids["unit"]))
            for tally in (DossierTally, HandoverTally):  # the tallies the triggers kept for the unit
                session.execute(delete(tally).where(tally.unit_id == ids["unit"]))
            session.execute(delete(Unit).where(Unit.id == ids["unit"]))
            session.commit()
