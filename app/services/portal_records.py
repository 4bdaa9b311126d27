"""A dossier as the provincial platform is told about it (app.integrations.portal.messages.DossierRecord).

Read from the dossier's own record: its events are the rows of QuaTrinhXuLy
(who, with what title and department, when, which action, the status it
left), its Mẫu 02 letters the rows of DanhSachHoSoBoSung. Staff notes and
reasons stay out: the portal hears what happened, not what was written about it;
so do the sweep's flags, which are Một Cửa's own bookkeeping.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain.workflow import Action, IdKind
from app.integrations.portal.messages import DossierRecord, Step, Supplement, dossier_message
from app.services.documents import processing_body
from models import Dossier, DossierEvent, DossierNotice, Handover, User

RECEPTION = "Tiếp nhận hồ sơ"
SYSTEM = "Hệ thống"
# The events that are steps of processing; the sweep's flags (due soon, overdue) are the app's own bookkeeping.
WORKFLOW = frozenset({"receive", *(a.value for a in Action)})


def record_of(session: Session, dossier: Dossier, *, new: bool = False) -> DossierRecord:
    """What the platform is told about ``dossier`` as it stands; ``new``: just received, its one event in
    memory, no slip row or letter yet (the reception path asks nothing more of the database)."""
    if new:
        events, deadlines, letters = list(dossier.events), {}, []
    else:
        events = session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                                 .options(selectinload(DossierEvent.actor).selectinload(User.department))
                                 .order_by(DossierEvent.id)).all()
        deadlines = dict(session.execute(select(Handover.seq, Handover.step_deadline)
                                         .where(Handover.dossier_id == dossier.id)).all())
        letters = session.scalars(select(DossierNotice).where(DossierNotice.dossier_id == dossier.id,
                                                              DossierNotice.form == "02")
                                  .order_by(DossierNotice.id)).all()
    unit, procedure = dossier.unit, dossier.procedure
    return DossierRecord(
        code=dossier.code, procedure_code=procedure.code, unit_code=unit.code,
        receipt_number=f"{dossier.logbook_year}/{dossier.logbook_number}",
        holder=dossier.owner_name or dossier.applicant_name,
        holder_id=dossier.owner_id_number or dossier.applicant_id_number,
        organisation=dossier.applicant_id_kind is IdKind.TAX_CODE and not dossier.owner_name,
        channel=dossier.channel, received_at=dossier.received_at, due_at=dossier.due_at, status=dossier.status,
        processing_body=processing_body(procedure, unit), delivery=dossier.result_delivery,
        rescheduled_due_at=dossier.due_rescheduled_at, finished_at=dossier.finished_at,
        returned_at=dossier.returned_at, portal_code=dossier.portal_code,
        steps=tuple(_step(event, deadlines) for event in events if event.action in WORKFLOW),
        supplements=tuple(Supplement(letter.at, "; ".join(letter.missing.splitlines()) or "Bổ sung hồ sơ",
                                     letter.resolved_at) for letter in letters),
    )


def _step(event: DossierEvent, deadlines: dict[int, object]) -> Step:
    actor = event.actor
    action = RECEPTION if event.action == "receive" else Action(event.action).label
    seq = (event.payload or {}).get("handover_seq")
    return Step(
        person=actor.full_name if actor else SYSTEM,
        title=(actor.position or "Cán bộ") if actor else SYSTEM,
        department=(actor.department.name if actor and actor.department else "Bộ phận tiếp nhận và trả kết quả"),
        at=event.at, content=action, status=event.status,
        deadline=deadlines.get(seq) if seq is not None else None,  # type: ignore[arg-type]
    )


def message_of(session: Session, dossier: Dossier, *, new: bool = False) -> dict:
    """The HoSo object for ``dossier`` (``new``: see record_of)."""
    return dossier_message(record_of(session, dossier, new=new))
