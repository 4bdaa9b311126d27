"""Every event of a dossier, out to the provincial platform, without the desk ever waiting for it (issue 21).

``enqueue`` runs inside the use case's transaction (reception, each action):
the message (the dossier as it stands, ``HoSo``) is written with the event,
or not at all. ``deliver`` runs in the scheduler (and ``flask portal sync``):
it sends each dossier's oldest undelivered message, one dossier after
another, and moves on as the platform answers:

- 200 (kept, or kept before: a resend): delivered;
- 409 with the number it expects: the platform already has this one (its
  acknowledgement was lost) when it expects a later one; else retried later;
- 400: rejected, kept with the platform's words, and the dossier's later
  messages wait until someone sends it again (``resend``);
- anything else (5xx, timeout, refused connection): retried after 1, 2, 4 …
  minutes, at most an hour apart.

The sender is given the function that posts (``Post``): the HTTP client lives
in ``app/integrations/portal/client.py``, a test's stand-in anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.integrations.portal.client import Answer
from app.integrations.portal.messages import envelope
from app.integrations.portal.messages import OnlineAnswer, answer_message
from app.domain.roles import Role
from app.services import audit
from app.services.errors import Forbidden, StateConflict
from models import Dossier, DossierEvent, OnlineDossier, PortalMessage, User

KIND = "DongBoHoSo"
ANSWER_KIND = "PhanHoiHoSoTrucTuyen"
MAX_DELAY = timedelta(hours=1)


Post = Callable[[dict], Answer]


SYNC = "portal_sync"  # the Session.info key app.db sets when PORTAL_SYNC_URL is configured


def enqueue(session: Session, dossier: Dossier, event: DossierEvent | None, *, now: datetime,
            new: bool = False) -> PortalMessage | None:
    """Write the message of ``dossier`` as it stands after ``event``, in the caller's transaction; ``new``: the
    dossier was just received (its first message, built from what is in memory). Nothing while the session
    says no platform is configured (``session.info[SYNC]``)."""
    if not session.info.get(SYNC):
        return None
    # portal_records names units as the printed forms do (documents), whose module imports processing,
    # which calls this function: imported here, not at the top.
    from app.services.portal_records import message_of

    session.flush()
    sequence = 1 if new else (session.scalar(select(func.max(PortalMessage.sequence))
                                             .where(PortalMessage.dossier_id == dossier.id)) or 0) + 1
    row = PortalMessage(dossier_id=dossier.id, sequence=sequence, message_id=f"motcua-{dossier.id}-{sequence}",
                        event_id=event.id if event is not None else None, body=message_of(session, dossier, new=new),
                        created_at=now, next_attempt_at=now, attempts=0, last_error="")
    session.add(row)
    return row


def enqueue_answer(session: Session, online: OnlineDossier, answer: OnlineAnswer, *, now: datetime
                   ) -> PortalMessage | None:
    """Write the unit's answer on a dossier filed online (Mẫu 02 or 03, sent electronically), in the caller's
    transaction; ordered among the other answers on the same filing (a supplement asked twice)."""
    if not session.info.get(SYNC):
        return None
    session.flush()
    sequence = (session.scalar(select(func.max(PortalMessage.sequence))
                               .where(PortalMessage.online_dossier_id == online.id)) or 0) + 1
    row = PortalMessage(online_dossier_id=online.id, sequence=sequence, message_id=f"motcua-tt-{online.id}-{sequence}",
                        body=answer_message(answer), created_at=now, next_attempt_at=now, attempts=0, last_error="")
    session.add(row)
    return row


def delay(attempts: int) -> timedelta:
    """How long to wait before the next try after ``attempts`` failed ones: 1, 2, 4 … minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_DELAY)


@dataclass
class Report:
    delivered: int = 0
    retried: int = 0
    rejected: int = 0


def deliver(session: Session, post: Post, *, now: datetime, limit: int = 500) -> Report:
    """Send what is due, in order per dossier; the caller commits (each answer is recorded as it comes)."""
    report = Report()
    subject = func.coalesce(PortalMessage.dossier_id, -PortalMessage.online_dossier_id)  # one order per subject
    heads = (select(subject.label("subject"), func.min(PortalMessage.sequence).label("sequence"))
             .where(PortalMessage.delivered_at.is_(None)).group_by(subject).subquery())
    due = session.scalars(
        select(PortalMessage).join(heads, (subject == heads.c.subject) & (PortalMessage.sequence == heads.c.sequence))
        .where(PortalMessage.rejected_at.is_(None), PortalMessage.next_attempt_at <= now)
        .order_by(PortalMessage.next_attempt_at, PortalMessage.id).limit(limit)).all()
    for message in due:
        while message is not None:
            outcome = _send(session, message, post, now)
            setattr(report, outcome, getattr(report, outcome) + 1)
            session.commit()
            message = _next_of(session, message) if outcome == "delivered" else None
    return report


def _next_of(session: Session, message: PortalMessage) -> PortalMessage | None:
    """The subject's next message, if it is waiting (its turn came as soon as this one was delivered)."""
    return session.scalar(select(PortalMessage).where(PortalMessage.dossier_id == message.dossier_id,
                                                      PortalMessage.online_dossier_id == message.online_dossier_id,
                                                      PortalMessage.sequence == message.sequence + 1,
                                                      PortalMessage.delivered_at.is_(None),
                                                      PortalMessage.rejected_at.is_(None)))


def _send(session: Session, message: PortalMessage, post: Post, now: datetime) -> str:
    kind = KIND if message.dossier_id is not None else ANSWER_KIND
    answer = post(envelope(message.message_id, message.sequence, kind, message.body))
    message.attempts += 1
    if answer.status == 200 or (answer.status == 409 and int(answer.body.get("ThuTuMongDoi", 0)) > message.sequence):
        message.delivered_at, message.last_error = now, ""
        return "delivered"
    if answer.status == 400:
        message.rejected_at = now
        message.last_error = _words(answer)
        return "rejected"
    message.next_attempt_at = now + delay(message.attempts)
    message.last_error = _words(answer)
    return "retried"


def _words(answer: Answer) -> str:
    detail = answer.error or str(answer.body.get("ThongBao", "")) + (
        f" {answer.body['Loi']}" if answer.body.get("Loi") else "")
    return f"{answer.status or 'không trả lời'}: {detail}"[:500]


def resend(session: Session, dossier_id: int, *, now: datetime) -> int:
    """Send a dossier's rejected or waiting messages again at once (after the cause was fixed); how many."""
    return session.execute(
        update(PortalMessage).where(PortalMessage.dossier_id == dossier_id, PortalMessage.delivered_at.is_(None))
        .values(rejected_at=None, next_attempt_at=now).execution_options(synchronize_session=False)).rowcount


def can_resend(actor: User, dossier: Dossier) -> bool:
    """The unit's clerks, leaders and admins may send a dossier to the platform again."""
    return actor.unit_id == dossier.unit_id and actor.has_role(Role.CLERK, Role.LEADER, Role.ADMIN)


def resend_dossier(session: Session, actor: User, dossier: Dossier, *, now: datetime) -> str:
    """One click: what waits goes at once (a rejected message included); when nothing waits, the dossier as it
    stands goes again as a new message, so the platform replaces a copy that differs. What was done, in words."""
    if not can_resend(actor, dossier):
        raise Forbidden("Chỉ cán bộ tiếp nhận, lãnh đạo và quản trị của đơn vị được gửi lại hồ sơ.")
    if not session.info.get(SYNC):
        raise StateConflict({"portal": "Chưa cấu hình hệ thống của tỉnh (PORTAL_SYNC_URL)."})
    waiting = resend(session, dossier.id, now=now)
    if not waiting:
        enqueue(session, dossier, None, now=now)
    audit.record(session, actor, "portal.resend", object_type="dossier", object_id=dossier.id, unit_id=dossier.unit_id,
                 now=now, waiting=waiting)
    return (f"Đã đưa {waiting} gói tin đang chờ vào lượt gửi ngay." if waiting else
            "Đã lập gói tin mới với hồ sơ như hiện tại; hệ thống sẽ gửi trong vòng một phút.")


@dataclass(frozen=True)
class SyncState:
    """Where a dossier stands with the platform: "delivered", "pending" or "failed", and the last error."""

    state: str
    waiting: int
    last_error: str = ""
    last_delivered_at: datetime | None = None


def sync_state(session: Session, dossier_id: int) -> SyncState | None:
    """None for a dossier that has no message (received before the sync existed)."""
    rows = session.execute(select(PortalMessage.delivered_at, PortalMessage.rejected_at, PortalMessage.last_error,
                                  PortalMessage.attempts)
                           .where(PortalMessage.dossier_id == dossier_id).order_by(PortalMessage.sequence)).all()
    if not rows:
        return None
    waiting = [r for r in rows if r.delivered_at is None]
    delivered = [r.delivered_at for r in rows if r.delivered_at is not None]
    if not waiting:
        return SyncState("delivered", 0, "", max(delivered))
    error = next((r.last_error for r in waiting if r.last_error), "")
    failed = any(r.rejected_at is not None for r in waiting)
    return SyncState("failed" if failed else "pending", len(waiting), error, max(delivered) if delivered else None)
