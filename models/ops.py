"""Background work: job leases, sweep runs, and the outbox of messages."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_40, str_100, str_255, str_500, utc_datetime
from models.org import User


class JobLease(Base):
    """One row per background job: the last tick it ran for, and who ran it.

    A job run claims its tick by updating this row inside its own
    transaction; the row lock makes any other run of the same job wait, and
    the tick makes a second scheduler firing at the same time find the tick
    taken. A run that dies rolls back, which frees the row and the tick.
    """

    __tablename__ = "job_lease"

    name: Mapped[str_40] = mapped_column(primary_key=True)
    tick: Mapped[utc_datetime | None]
    holder: Mapped[str_100] = mapped_column(default="")  # host:pid of the last run
    started_at: Mapped[utc_datetime | None]
    runs: Mapped[int] = mapped_column(default=0)


class RateCounter(Base):
    """One counter of a rate limit (app.services.rate_limits): hits in a window, until it expires.

    Shared by every worker and server through the database; ``key`` names the
    budget, the window and the client address or dossier code counted.
    """

    __tablename__ = "rate_counter"

    key: Mapped[str_255] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(index=True)  # seconds since the epoch


class PortalMessage(Base):
    """One message for the provincial platform: a dossier as it stood after one of its events (issue 21).

    Written in the same transaction as the event, so none is lost and none
    is sent for a change that rolled back; ``sequence`` (ThuTu) orders a
    dossier's messages, ``message_id`` (MaGoiTin) lets the platform keep one
    copy of each. The sender (app.services.portal_sync) delivers them in order
    per dossier, retrying with growing delays; a message the platform rejects
    is kept with its error and holds back the dossier's later messages until
    it is sent again by hand.
    """

    __tablename__ = "portal_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    # A dossier filed online and not (yet) accepted: the answer to the portal (supplement asked, refused).
    online_dossier_id: Mapped[int | None] = mapped_column(ForeignKey("online_dossier.id", ondelete="CASCADE"))
    sequence: Mapped[int]
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("dossier_event.id", ondelete="SET NULL"))
    body: Mapped[dict[str, Any]] = mapped_column(JSON())
    created_at: Mapped[utc_datetime]
    next_attempt_at: Mapped[utc_datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    delivered_at: Mapped[utc_datetime | None]
    rejected_at: Mapped[utc_datetime | None]  # the platform refused it: not retried until sent again by hand
    last_error: Mapped[str_500] = mapped_column(default="")

    __table_args__ = (
        UniqueConstraint("dossier_id", "sequence"),
        UniqueConstraint("online_dossier_id", "sequence"),
        CheckConstraint("(dossier_id IS NULL) <> (online_dossier_id IS NULL)", name="one_subject"),
        Index("ix_portal_message_due", "delivered_at", "next_attempt_at"),
    )


class SweepRun(Base):
    """What one run of the overdue sweep did (counts per flag, records opened)."""

    __tablename__ = "sweep_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[utc_datetime] = mapped_column(index=True)
    finished_at: Mapped[utc_datetime]
    trigger: Mapped[str_40]  # "scheduler", "manual"
    holder: Mapped[str_100]
    counts: Mapped[dict[str, Any]] = mapped_column(JSON(), default=dict)
    seconds: Mapped[float] = mapped_column(default=0.0)


class OutboxMessage(Base):
    """A message to send: in the app (shown at once), by e-mail or by SMS/Zalo (in office hours only).

    ``not_before`` is when it may leave; outside the unit's office hours the
    sender moves it to the next window. ``dedupe_key`` (unique) keeps a job
    that runs twice from queueing the same message twice.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # a staff recipient
    channel: Mapped[str] = mapped_column(String(16))  # in_app, email, sms (app.services.outbox.Channel)
    address: Mapped[str_255] = mapped_column(default="")  # e-mail address or phone; "" in the app
    kind: Mapped[str_40]  # digest, apology_draft, nonconformity, report, …
    subject: Mapped[str_255]
    body: Mapped[str] = mapped_column(Text())
    link: Mapped[str_500] = mapped_column(default="")  # a path in the app
    created_at: Mapped[utc_datetime]
    not_before: Mapped[utc_datetime]
    sent_at: Mapped[utc_datetime | None]
    read_at: Mapped[utc_datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str_500] = mapped_column(default="")
    failed_at: Mapped[utc_datetime | None]  # gave up after too many attempts
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)

    user: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_outbox_pending", "sent_at", "failed_at", "not_before"),
        Index("ix_outbox_user_created", "user_id", "created_at"),
    )


class ReconciliationRun(Base):
    """One comparison of a unit's dossiers with the provincial platform's (issue 21, §4).

    ``differences`` lists each dossier that differs ({code, gap, ours, theirs});
    the rates are what each side would compute for dossiers finished in the
    period. ``error``: the platform could not be asked (nothing compared).
    """

    __tablename__ = "reconciliation_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    first_day: Mapped[date] = mapped_column(Date())
    last_day: Mapped[date] = mapped_column(Date())
    run_at: Mapped[utc_datetime]
    run_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: the nightly job
    ours: Mapped[int] = mapped_column(default=0)  # dossiers received in the period, here
    theirs: Mapped[int] = mapped_column(default=0)  # … and on the platform
    our_finished: Mapped[int] = mapped_column(default=0)
    our_on_time: Mapped[int] = mapped_column(default=0)
    their_finished: Mapped[int] = mapped_column(default=0)
    their_on_time: Mapped[int] = mapped_column(default=0)
    differences: Mapped[list[dict[str, Any]]] = mapped_column(JSON(), default=list)
    late_only_there: Mapped[list[str]] = mapped_column(JSON(), default=list)  # codes: trễ hạn ảo
    error: Mapped[str_500] = mapped_column(default="")

    __table_args__ = (Index("ix_reconciliation_run_unit", "unit_id", "run_at"),)


class ExportJob(Base):
    """A long export (the ISO pack, a long logbook) asked for on a page and made by the scheduler (issue 23).

    The request only writes this row; a scheduler process claims it
    (``state`` queued → running, by a conditional UPDATE so two never take the
    same one), writes the file under ``instance/exports`` with bounded memory,
    reports ``done``/``total`` as it goes, and tells the requester when it is
    ready. The file is kept until ``expires_at``; each download is counted here
    and written to the audit log. A run whose ``heartbeat_at`` stops moving
    (its process died) is taken up again by the next scheduler.
    """

    __tablename__ = "export_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str_40]  # iso_pack, logbook_pdf, logbook_xlsx (app.services.exports.Kind)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON(), default=dict)  # the period asked for
    label: Mapped[str_255]  # what it is, in words
    requested_at: Mapped[utc_datetime]
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued, running, done, failed, expired
    done: Mapped[int] = mapped_column(default=0)  # progress: steps made …
    total: Mapped[int] = mapped_column(default=0)  # … of this many (0: not known yet)
    step: Mapped[str_255] = mapped_column(default="")  # what it is making now, in words
    holder: Mapped[str_100] = mapped_column(default="")  # host:pid of the run
    attempts: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[utc_datetime | None]
    heartbeat_at: Mapped[utc_datetime | None]
    finished_at: Mapped[utc_datetime | None]
    expires_at: Mapped[utc_datetime | None]
    stored_name: Mapped[str_255] = mapped_column(default="")  # the file under instance/exports
    filename: Mapped[str_255] = mapped_column(default="")  # the name it downloads as
    mimetype: Mapped[str_100] = mapped_column(default="")
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    downloads: Mapped[int] = mapped_column(default=0)
    error: Mapped[str_500] = mapped_column(default="")

    requested_by: Mapped[User] = relationship()

    __table_args__ = (
        Index("ix_export_job_state", "state", "requested_at"),
        Index("ix_export_job_requester", "requested_by_id", "requested_at"),
    )


class StatusPageCache(Base):
    """The citizen's status page of a dossier as last rendered, for every worker and server (issue 23).

    Served only while the dossier still has this token and this version (every change to the dossier moves its
    version, a citizen's rating included) and before ``valid_until``, the first instant at which the page would
    read differently with nothing done (a due date passing, a running count of the delay; at most a day
    after it was made). ``app.services.status_pages``.
    """

    __tablename__ = "status_page_cache"

    token: Mapped[str] = mapped_column(String(43), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(index=True)  # a unit's pages go when its details or calendar change
    version: Mapped[int]
    code: Mapped[str] = mapped_column(String(64))  # the dossier's code, for the lookup's log line
    etag: Mapped[str_40]
    body: Mapped[str] = mapped_column(Text)
    made_at: Mapped[utc_datetime]
    valid_until: Mapped[utc_datetime]
