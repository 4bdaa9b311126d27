"""Requests that the desk did not receive: guidance to complete (Mẫu 02) or refusal (Mẫu 03)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.workflow import Channel, IdKind, NonReceptionKind
from models.base import Base, enum_column_type, str_40, str_100, str_255, str_500, utc_datetime
from models.org import Unit, User
from models.procedure import Procedure


class NonReception(Base):
    """A request turned away at the counter, kept for the record and the statistics."""

    __tablename__ = "non_reception"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"))
    kind: Mapped[NonReceptionKind] = mapped_column(enum_column_type(NonReceptionKind))
    number: Mapped[int]  # "Số: …" of the letter, per unit and year
    year: Mapped[int]
    channel: Mapped[Channel] = mapped_column(enum_column_type(Channel))
    applicant_name: Mapped[str_100]
    applicant_id_kind: Mapped[IdKind] = mapped_column(enum_column_type(IdKind))
    applicant_id_number: Mapped[str_40]
    applicant_phone: Mapped[str_40] = mapped_column(default="")
    applicant_email: Mapped[str_255] = mapped_column(default="")
    applicant_address: Mapped[str_500] = mapped_column(default="")
    missing: Mapped[str] = mapped_column(Text(), default="")  # one line per missing document
    reason: Mapped[str] = mapped_column(Text())
    citizen_message: Mapped[str] = mapped_column(Text(), default="")  # the only text the public page shows
    at: Mapped[utc_datetime]
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    token: Mapped[str] = mapped_column(String(43), unique=True)
    personal_data_erased_at: Mapped[utc_datetime | None]  # by the retention job (app.domain.retention)

    unit: Mapped[Unit] = relationship()
    procedure: Mapped[Procedure] = relationship()
    by: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("unit_id", "kind", "year", "number"),)
