"""Dossiers (hồ sơ): what was received, when it is due, and its event log.

The database, not luck, keeps dossier codes unique: (unit, reception day,
sequence) and the code itself are unique, and the reception service retries
with the next sequence when a concurrent clerk took it first.
"""

from __future__ import annotations

from datetime import date

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.roles import Role
from app.domain.timeliness import Timeliness
from app.domain.workflow import Channel, DossierStatus, IdKind, ResultDelivery
from models.base import Base, enum_column_type, str_40, str_100, str_255, str_500, utc_datetime
from models.org import Department, Unit, User
from models.procedure import Procedure


def _partial(name: str, columns: tuple[str, ...], where: str) -> Index:
    condition = text(where)
    return Index(name, *columns, sqlite_where=condition, postgresql_where=condition)


def _watch_indexes() -> tuple[Index, ...]:
    """Open dossiers not yet flagged, by deadline; closed ones finished late and not yet flagged."""
    return (
        _partial("ix_dossier_watch_due_soon", ("unit_id", "due_at"),
                 "finished_at IS NULL AND flag_due_soon_at IS NULL AND flag_overdue_at IS NULL"),
        _partial("ix_dossier_watch_overdue", ("due_at",), "finished_at IS NULL AND flag_overdue_at IS NULL"),
        _partial("ix_dossier_watch_step_due_soon", ("unit_id", "step_due_at"),
                 "finished_at IS NULL AND flag_step_due_soon_at IS NULL AND flag_step_overdue_at IS NULL"),
        _partial("ix_dossier_watch_step_overdue", ("step_due_at",),
                 "finished_at IS NULL AND flag_step_overdue_at IS NULL"),
        _partial("ix_dossier_watch_late_finish", ("id",), "flag_overdue_at IS NULL AND finished_at > due_at"),
        _partial("ix_dossier_watch_supplements", ("id",),
                 "flag_second_supplement_at IS NULL AND supplement_count >= 2"),
    )


class Dossier(Base):
    """A dossier received at a unit's desk under one version of a procedure."""

    __tablename__ = "dossier"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # receiving unit
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    reception_day: Mapped[date]  # local (UTC+7) day of valid reception: YYMMDD of the code
    sequence: Mapped[int]  # daily sequence within the unit
    token: Mapped[str] = mapped_column(String(43), unique=True)  # for the citizen's QR link
    deciding_agency: Mapped[str_255]  # may differ from the receiving unit since 07/2025
    channel: Mapped[Channel] = mapped_column(enum_column_type(Channel))
    portal_code: Mapped[str | None] = mapped_column(String(64))  # the portal's MaHoSo of a dossier filed online

    applicant_name: Mapped[str_100]
    applicant_id_kind: Mapped[IdKind] = mapped_column(enum_column_type(IdKind))
    applicant_id_number: Mapped[str_40] = mapped_column(index=True)  # access requests find a person by it
    applicant_phone: Mapped[str_40] = mapped_column(default="")
    applicant_email: Mapped[str_255] = mapped_column(default="")
    applicant_address: Mapped[str_500] = mapped_column(default="")
    applicant_birth_date: Mapped[date | None]  # read from the Căn cước QR or typed; optional
    owner_name: Mapped[str_100] = mapped_column(default="")  # chủ hồ sơ, if not the applicant
    owner_id_number: Mapped[str_40] = mapped_column(default="")

    sets_count: Mapped[int] = mapped_column(default=1)
    fee_amount: Mapped[int] = mapped_column(default=0)  # đồng
    fee_note: Mapped[str_255] = mapped_column(default="")
    result_delivery: Mapped[ResultDelivery] = mapped_column(enum_column_type(ResultDelivery))
    delivery_address: Mapped[str_500] = mapped_column(default="")
    note: Mapped[str] = mapped_column(Text(), default="")

    status: Mapped[DossierStatus] = mapped_column(enum_column_type(DossierStatus), index=True)
    received_at: Mapped[utc_datetime]
    received_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # The legal due instant: the appointment of the receipt, moved by supplement
    # pauses (or restarted, per the procedure). KPIs and ISO figures use it.
    due_at: Mapped[utc_datetime] = mapped_column(index=True)
    due_rescheduled_at: Mapped[utc_datetime | None]  # Mẫu 04's new date: what the citizen is told
    finished_at: Mapped[utc_datetime | None]  # done, or closed by refusal, withdrawal or stop
    # Working minutes from reception to finish, supplement waits excluded (QĐ 766 indicator 2.2),
    # written when the dossier is finished so that averages stay one SQL aggregate.
    work_minutes: Mapped[int | None]

    # Where the dossier is: the step of the procedure's process and who holds it.
    step_position: Mapped[int] = mapped_column(default=1)
    holder_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    holder_role: Mapped[Role | None] = mapped_column(enum_column_type(Role))
    holder_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    step_started_at: Mapped[utc_datetime]
    step_due_at: Mapped[utc_datetime]
    paused_at: Mapped[utc_datetime | None]  # waiting for the citizen's supplement since
    supplement_count: Mapped[int] = mapped_column(default=0)
    returned_at: Mapped[utc_datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    return_method: Mapped[ResultDelivery | None] = mapped_column(enum_column_type(ResultDelivery))
    return_note: Mapped[str_500] = mapped_column(default="")
    logbook_year: Mapped[int]  # Sổ theo dõi hồ sơ: quyển số (one book per unit and year)
    logbook_number: Mapped[int]  # số thứ tự in the book
    # When the overdue sweep flagged it (app.domain.monitoring.Flag); the step flags
    # are cleared when the dossier moves to another step, the due flags when the
    # due instant moves (a supplement received).
    flag_due_soon_at: Mapped[utc_datetime | None]
    flag_overdue_at: Mapped[utc_datetime | None]
    flag_step_due_soon_at: Mapped[utc_datetime | None]
    flag_step_overdue_at: Mapped[utc_datetime | None]
    flag_second_supplement_at: Mapped[utc_datetime | None]
    # Set when the retention job erased the applicant's details (app.domain.retention).
    personal_data_erased_at: Mapped[utc_datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    procedure: Mapped[Procedure] = relationship()
    received_by: Mapped[User] = relationship(foreign_keys=[received_by_id])
    holder_department: Mapped[Department | None] = relationship()
    holder_user: Mapped[User | None] = relationship(foreign_keys=[holder_user_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])
    documents: Mapped[list[DossierDocument]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="DossierDocument.position"
    )
    events: Mapped[list[DossierEvent]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="DossierEvent.id"
    )
    handovers: Mapped[list[Handover]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="Handover.seq"
    )
    notices: Mapped[list[DossierNotice]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="DossierNotice.id"
    )

    __table_args__ = (
        UniqueConstraint("unit_id", "reception_day", "sequence"),
        UniqueConstraint("unit_id", "logbook_year", "logbook_number"),
        CheckConstraint("sequence > 0 AND logbook_number > 0", name="numbers_positive"),
        CheckConstraint("sets_count > 0 AND fee_amount >= 0", name="amounts_valid"),
        CheckConstraint("step_position > 0 AND supplement_count >= 0", name="progress_valid"),
        # Reports (app.services.reports): the period's dossiers of some units are one range of this
        # index, which holds every column the figures need (read without touching the table) …
        Index("ix_dossier_report", "unit_id", "received_at", "finished_at", "procedure_id", "due_at",
              "supplement_count", "status", "channel", "paused_at", "work_minutes"),
        # … from the earliest reception among those open or finished since the period began.
        Index("ix_dossier_finished_received", "finished_at", "received_at", "unit_id"),
        Index("ix_dossier_unit_status_due", "unit_id", "status", "due_at"),
        Index("ix_dossier_received", "received_at", "id"),  # a province's newest first, page after page
        Index("ix_dossier_unit_received", "unit_id", "received_at", "id"),  # a commune's
        # The reports join the period's handovers to their dossiers' unit and procedure: on PostgreSQL
        # from this small index (index-only) instead of the whole table. SQLite looks dossiers up by
        # rowid, which is as cheap, and would misuse the index (one probe per unit of the IN list).
        Index("ix_dossier_key", "id", postgresql_include=["unit_id", "procedure_id"]).ddl_if(dialect="postgresql"),
        # What the sweep looks for, kept small: only rows not flagged yet (partial indexes).
        *_watch_indexes(),
    )
    __mapper_args__ = {"version_id_col": version}


class DossierDocument(Base):
    """A document of the checklist as received (thành phần hồ sơ nộp)."""

    __tablename__ = "dossier_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str_500]
    originals: Mapped[int] = mapped_column(default=0)
    certified_copies: Mapped[int] = mapped_column(default=0)
    photocopies: Mapped[int] = mapped_column(default=0)

    dossier: Mapped[Dossier] = relationship(back_populates="documents")

    __table_args__ = (
        UniqueConstraint("dossier_id", "position"),
        CheckConstraint("originals >= 0 AND certified_copies >= 0 AND photocopies >= 0", name="counts_positive"),
    )


class DossierEvent(Base):
    """One change of a dossier, append-only: who, when, from which status to which, why, and what else.

    ``payload`` holds what the action set (the new holder, the new due
    instant, …) so that the dossier's state can be rebuilt from its events.
    """

    __tablename__ = "dossier_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    action: Mapped[str_40]
    from_status: Mapped[DossierStatus | None] = mapped_column(enum_column_type(DossierStatus))
    status: Mapped[DossierStatus] = mapped_column(enum_column_type(DossierStatus))
    at: Mapped[utc_datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: the system (the sweep)
    reason: Mapped[str] = mapped_column(Text(), default="")
    # Lời nhắn cho công dân: the only text of an action the public status page shows (redacted).
    citizen_message: Mapped[str] = mapped_column(Text(), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON(), default=dict)

    dossier: Mapped[Dossier] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


@event.listens_for(DossierEvent, "before_update")
def _events_are_append_only(mapper, connection, target):  # type: ignore[no-untyped-def]
    raise ValueError("dossier events are append-only")


class Handover(Base):
    """One row of the control slip (Mẫu 06): who gave the dossier to whom, when, and how the step went.

    Names are copied as they were at the handover, so a renamed department or
    person does not rewrite the slip.
    """

    __tablename__ = "dossier_handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    seq: Mapped[int]  # 1, 2, … in the order of the slip
    kind: Mapped[str_40]  # the action: hand_over, assign, send_back, finish, return_result
    at: Mapped[utc_datetime]
    step_position: Mapped[int]  # the step the giver was working on
    giver: Mapped[str_255]  # department or desk
    giver_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    giver_person: Mapped[str_100] = mapped_column(default="")
    receiver: Mapped[str_255]
    receiver_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    receiver_person: Mapped[str_100] = mapped_column(default="")
    step_deadline: Mapped[utc_datetime | None]  # the deadline of the giver's step
    step_result: Mapped[Timeliness | None] = mapped_column(enum_column_type(Timeliness))
    note: Mapped[str] = mapped_column(Text(), default="")
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    dossier: Mapped[Dossier] = relationship(back_populates="handovers")

    __table_args__ = (
        UniqueConstraint("dossier_id", "seq"),
        # Reports by step and officer: the period's handovers, read from the index alone.
        Index("ix_dossier_handover_report", "at", "dossier_id", "step_position", "step_result", "giver_user_id"),
    )


class DossierNotice(Base):
    """A numbered letter issued for a received dossier.

    Mẫu 02 (supplement request during appraisal: the clock pauses from ``at``
    until ``resolved_at``), Mẫu 04 (apology and new date), Mẫu 05 (processing
    stopped at the citizen's request).
    """

    __tablename__ = "dossier_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    form: Mapped[str] = mapped_column(String(2))  # "02", "04", "05"
    number: Mapped[int]  # "Số: …", per unit, form and year
    year: Mapped[int]
    at: Mapped[utc_datetime]
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text())
    missing: Mapped[str] = mapped_column(Text(), default="")  # Mẫu 02: one line per document
    new_due_at: Mapped[utc_datetime | None]  # Mẫu 04
    requested_at: Mapped[utc_datetime | None]  # Mẫu 05: when the citizen asked to stop
    fee_handling: Mapped[str_500] = mapped_column(default="")  # Mẫu 05
    resolved_at: Mapped[utc_datetime | None]  # Mẫu 02: when the supplement was received
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    dossier: Mapped[Dossier] = relationship(back_populates="notices")
    by: Mapped[User] = relationship(foreign_keys=[by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    __table_args__ = (
        UniqueConstraint("unit_id", "form", "year", "number"),
        CheckConstraint("resolved_at IS NULL OR resolved_at >= at", name="resolved_after"),
    )
