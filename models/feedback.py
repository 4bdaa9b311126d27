"""The citizen's evaluation of a returned dossier (one per dossier)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.satisfaction import KEYS, MAX_SCORE
from models.base import Base, utc_datetime
from models.dossier import Dossier
from models.org import User


class SatisfactionRating(Base):
    """Scores 2/1/0 for the nine criteria of ``app.domain.satisfaction``, with the returning officer.

    ``total_time`` and ``step_time`` are filled by the system from the
    records; the others are the citizen's answers; ``overall`` is the verdict.
    """

    __tablename__ = "satisfaction_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"))
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    at: Mapped[utc_datetime]
    total_time: Mapped[int] = mapped_column(SmallInteger())
    step_time: Mapped[int] = mapped_column(SmallInteger())
    contacts: Mapped[int] = mapped_column(SmallInteger())
    agencies: Mapped[int] = mapped_column(SmallInteger())
    one_stop: Mapped[int] = mapped_column(SmallInteger())
    disclosure: Mapped[int] = mapped_column(SmallInteger())
    attitude: Mapped[int] = mapped_column(SmallInteger())
    convenience: Mapped[int] = mapped_column(SmallInteger())
    overall: Mapped[int] = mapped_column(SmallInteger())
    score: Mapped[int] = mapped_column(SmallInteger())  # sum of the nine, 0..18
    comment: Mapped[str] = mapped_column(Text(), default="")

    dossier: Mapped[Dossier] = relationship()
    returned_by: Mapped[User | None] = relationship()

    __table_args__ = (
        *(CheckConstraint(f"{key} BETWEEN 0 AND 2", name=f"{key}_score") for key in KEYS),
        CheckConstraint(f"score BETWEEN 0 AND {MAX_SCORE}", name="score_range"),
        # The period's ratings of some units, read from the index alone (the share satisfied needs ``overall``).
        Index("ix_satisfaction_rating_unit_at", "unit_id", "at", "overall"),
        # The few dissatisfied ones (Quyết định 766, 5.4), whatever their date.
        Index("ix_satisfaction_rating_dissatisfied", "unit_id", "at", "dossier_id", sqlite_where=text("overall = 0"),
              postgresql_where=text("overall = 0")),
    )

    def scores(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in KEYS}
