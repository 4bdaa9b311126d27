"""The outbox: every message the system sends goes through one table.

- In the app: written already sent; the person sees it on "Thông báo".
- E-mail (when SMTP is configured) and SMS/Zalo (through a pluggable sender,
  ``app.services.senders``): queued, and sent by ``dispatch`` only inside the
  unit's office hours (its working windows on working days); a message due
  outside them waits for the next window. A failed send is retried with a
  growing delay, and given up after ``MAX_ATTEMPTS``.

``dedupe_key`` is unique: a job that runs twice never queues a message twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.services.calendar import calendars_of_units
from app.services.rows import find
from models import OutboxMessage, User

MAX_ATTEMPTS = 6
BATCH = 200
PER_PAGE = 30


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    SMS = "sms"

    @property
    def label(self) -> str:
        return {Channel.IN_APP: "Trong ứng dụng", Channel.EMAIL: "Thư điện tử", Channel.SMS: "SMS/Zalo"}[self]


class Sender(Protocol):
    """Sends one message on one channel; raises on failure (the message is retried)."""

    def send(self, message: OutboxMessage) -> None: ...


def notify(
    session: Session, *, unit_id: int, user_id: int, kind: str, subject: str, body: str, link: str = "",
    now: datetime, dedupe: str, channels: Iterable[Channel] = (Channel.IN_APP,),
) -> int:
    """Tell a staff member: in the app, and by e-mail if that channel is on and they have an address.

    Returns how many messages were queued (0 if ``dedupe`` was queued before).
    """
    queued = 0
    for channel in channels:
        address = ""
        if channel is Channel.EMAIL:
            user = session.get(User, user_id)
            if user is None or not user.email:
                continue
            address = user.email
        elif channel is Channel.SMS:
            continue  # staff are told in the app and by e-mail; SMS is for citizens (queue_for_citizen)
        queued += _queue(session, OutboxMessage(
            unit_id=unit_id, user_id=user_id, channel=channel.value, address=address, kind=kind,
            subject=subject[:255], body=body, link=link, created_at=now, not_before=now,
            sent_at=now if channel is Channel.IN_APP else None, attempts=0, last_error="",
            dedupe_key=f"{dedupe}:{channel.value}"[:120],
        ))
    return queued


def queue_for_citizen(
    session: Session, *, unit_id: int, phone: str, kind: str, body: str, now: datetime, dedupe: str,
) -> int:
    """An SMS/Zalo message to a citizen (never sent outside office hours)."""
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    if len(digits) < 9:
        return 0
    return _queue(session, OutboxMessage(
        unit_id=unit_id, user_id=None, channel=Channel.SMS.value, address=digits, kind=kind, subject=kind,
        body=body, link="", created_at=now, not_before=now, attempts=0, last_error="",
        dedupe_key=f"{dedupe}:sms"[:120],
    ))


def _queue(session: Session, message: OutboxMessage) -> int:
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == message.dedupe_key)) is not None:
        return 0
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return 0
    return 1


@dataclass(frozen=True)
class DispatchReport:
    sent: int = 0
    deferred: int = 0  # outside office hours: moved to the next window
    failed: int = 0  # this attempt failed (retried later)
    given_up: int = 0


def dispatch(session: Session, senders: Mapping[Channel, Sender], *, now: datetime) -> DispatchReport:
    """Send what is due, inside each unit's office hours; the caller commits."""
    due = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None), OutboxMessage.not_before <= now,
               OutboxMessage.channel != Channel.IN_APP.value)
        .order_by(OutboxMessage.not_before, OutboxMessage.id).limit(BATCH)
    ).all()
    if not due:
        return DispatchReport()
    calendars = calendars_of_units(session, {m.unit_id for m in due})
    sent = deferred = failed = given_up = 0
    for message in due:
        window = calendars[message.unit_id].start_of_clock(now)
        if window != now:
            message.not_before = window
            deferred += 1
            continue
        sender = senders.get(Channel(message.channel))
        if sender is None:
            message.not_before = now + timedelta(hours=1)  # the channel was turned off: keep it
            deferred += 1
            continue
        try:
            sender.send(message)
        except Exception as error:  # noqa: BLE001 - any failure of a sender is retried, and recorded
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.failed_at = now
                given_up += 1
            else:
                message.not_before = now + timedelta(minutes=5 * 2 ** (message.attempts - 1))
                failed += 1
            continue
        message.sent_at = now
        message.attempts += 1
        sent += 1
    session.flush()
    return DispatchReport(sent, deferred, failed, given_up)


# --- the person's messages ----------------------------------------------------------------


def unread_count(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.user_id == user.id, OutboxMessage.channel == Channel.IN_APP.value,
            OutboxMessage.read_at.is_(None))
    ) or 0


def inbox(session: Session, user: User, *, page: int = 1) -> tuple[list[OutboxMessage], int]:
    """The person's messages in the app, newest first, and how many there are."""
    page = min(max(page, 1), 10_000)
    where = (OutboxMessage.user_id == user.id, OutboxMessage.channel == Channel.IN_APP.value)
    total = session.scalar(select(func.count()).select_from(OutboxMessage).where(*where)) or 0
    rows = session.scalars(
        select(OutboxMessage).where(*where).order_by(OutboxMessage.id.desc()).limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return list(rows), total


def mark_read(session: Session, user: User, *, now: datetime, message_id: int | None = None) -> int:
    """Mark one of the person's messages (or all of them) read; returns how many changed."""
    statement = update(OutboxMessage).where(
        OutboxMessage.user_id == user.id, OutboxMessage.channel == Channel.IN_APP.value,
        OutboxMessage.read_at.is_(None))
    if message_id is not None:
        if find(session, OutboxMessage, message_id) is None:
            return 0
        statement = statement.where(OutboxMessage.id == message_id)
    result = session.execute(statement.values(read_at=now).execution_options(synchronize_session=False))
    return result.rowcount or 0


def channels_from_config(config: Mapping[str, Any]) -> tuple[Channel, ...]:
    """The staff channels switched on: the app always, e-mail when an SMTP server is configured."""
    return (Channel.IN_APP, Channel.EMAIL) if config.get("MAIL_SERVER") else (Channel.IN_APP,)
