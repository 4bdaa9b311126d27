"""The search index of dossiers and requests turned away (app.domain.search_terms): one row per term."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

# Compared by byte order, so that a prefix's range [prefix, next) holds exactly the terms starting with it
# (a linguistic collation would order "hong nhung" among "hongnhung…"). SQLite compares bytes already.
TERM = String(120).with_variant(String(120, collation="C"), "postgresql")


class DossierSearchTerm(Base):
    """A term a dossier is found by (a name cut at a word, a code cut at a separator, a phone, an ID)."""

    __tablename__ = "dossier_search_term"

    term: Mapped[str] = mapped_column(TERM, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))

    __table_args__ = (
        Index("ix_dossier_search_term_unit", "unit_id", "term", "dossier_id"),  # a commune's desk
        Index("ix_dossier_search_term_dossier", "dossier_id"),  # reindexing one dossier
    )


class NonReceptionSearchTerm(Base):
    """A term a request turned away (Mẫu 02 / Mẫu 03 at the counter) is found by."""

    __tablename__ = "non_reception_search_term"

    term: Mapped[str] = mapped_column(TERM, primary_key=True)
    non_reception_id: Mapped[int] = mapped_column(ForeignKey("non_reception.id", ondelete="CASCADE"),
                                                  primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))

    __table_args__ = (
        Index("ix_non_reception_search_term_unit", "unit_id", "term", "non_reception_id"),
        Index("ix_non_reception_search_term_record", "non_reception_id"),
    )
