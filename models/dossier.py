"""Dossiers (hồ sơ): what was received, when it is due, and its event log.

The database, not luck, keeps dossier codes unique: (unit, reception day,
sequence) and the code itself are unique, and the reception service retries
with the next sequence when a concurrent clerk took it first.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.workflow import Channel, DossierStatus, IdKind, ResultDelivery
from models.base import Base, enum_column_type, str_40, str_100, str_255, str_500, utc_datetime
from models.org import Unit, User
from models.procedure import Procedure


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

    applicant_name: Mapped[str_100]
    applicant_id_kind: Mapped[IdKind] = mapped_column(enum_column_type(IdKind))
    applicant_id_number: Mapped[str_40]
    applicant_phone: Mapped[str_40] = mapped_column(default="")
    applicant_email: Mapped[str_255] = mapped_column(default="")
    applicant_address: Mapped[str_500] = mapped_column(default="")
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
    due_at: Mapped[utc_datetime] = mapped_column(index=True)  # original appointment; KPIs use it
    due_rescheduled_at: Mapped[utc_datetime | None]
    finished_at: Mapped[utc_datetime | None]
    logbook_year: Mapped[int]  # Sổ theo dõi hồ sơ: quyển số (one book per unit and year)
    logbook_number: Mapped[int]  # số thứ tự in the book
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    procedure: Mapped[Procedure] = relationship()
    received_by: Mapped[User] = relationship()
    documents: Mapped[list[DossierDocument]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="DossierDocument.position"
    )
    events: Mapped[list[DossierEvent]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="DossierEvent.id"
    )

    __table_args__ = (
        UniqueConstraint("unit_id", "reception_day", "sequence"),
        UniqueConstraint("unit_id", "logbook_year", "logbook_number"),
        CheckConstraint("sequence > 0 AND logbook_number > 0", name="numbers_positive"),
        CheckConstraint("sets_count > 0 AND fee_amount >= 0", name="amounts_valid"),
        Index("ix_dossier_unit_received", "unit_id", "received_at"),
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
    """One transition of a dossier, append-only: who, when, why, and the resulting status."""

    __tablename__ = "dossier_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    action: Mapped[str_40]
    status: Mapped[DossierStatus] = mapped_column(enum_column_type(DossierStatus))
    at: Mapped[utc_datetime]
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text(), default="")

    dossier: Mapped[Dossier] = relationship(back_populates="events")
    actor: Mapped[User] = relationship()
