"""The record of every printed document: what, when, by whom, which version of the dossier."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.paper import PaperSize
from models.base import Base, enum_column_type, str_40, str_100, utc_datetime
from models.org import Unit, User


class PrintedDocument(Base):
    """One print of a legal form (design.md: every printed document is recorded)."""

    __tablename__ = "printed_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    non_reception_id: Mapped[int | None] = mapped_column(ForeignKey("non_reception.id"))
    form: Mapped[str] = mapped_column(String(2))  # "01" … "07" (TT 03/2025 Phụ lục I)
    template_version: Mapped[str_40]  # "TT03-2025"
    paper: Mapped[PaperSize] = mapped_column(enum_column_type(PaperSize))
    subject_version: Mapped[int | None]  # the dossier's version when printed
    description: Mapped[str_100] = mapped_column(default="")  # e.g. the logbook period
    printed_at: Mapped[utc_datetime]
    printed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    unit: Mapped[Unit] = relationship()
    printed_by: Mapped[User] = relationship()
