"""The procedure catalogue (thủ tục hành chính), versioned by effective dates.

Each row of ``procedure`` is one version of one procedure in one unit's
catalogue. A dossier points at the version it was received under, so a
version that dossiers use is never rewritten: a change becomes a new version.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.catalogue import ProcedureLevel, Validity
from app.domain.durations import Duration, DurationKind, SupplementPolicy
from app.domain.roles import Role
from models.base import Base, amount, enum_column_type, str_40, str_100, str_255, str_500, utc_datetime
from models.org import Department, Unit


class Procedure(Base):
    """One version of an administrative procedure in a unit's catalogue."""

    __tablename__ = "procedure"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    code: Mapped[str_40]  # mã TTHC, e.g. 1.000894
    name: Mapped[str_500]
    field_name: Mapped[str_255]  # lĩnh vực, e.g. Hộ tịch
    level: Mapped[ProcedureLevel] = mapped_column(enum_column_type(ProcedureLevel))
    duration_kind: Mapped[DurationKind] = mapped_column(enum_column_type(DurationKind))
    duration_value: Mapped[amount]
    supplement_policy: Mapped[SupplementPolicy] = mapped_column(
        enum_column_type(SupplementPolicy), default=SupplementPolicy.PAUSE
    )
    fee_text: Mapped[str] = mapped_column(Text(), default="")
    result_text: Mapped[str_500] = mapped_column(default="")  # kết quả, e.g. Giấy khai sinh
    legal_basis: Mapped[str] = mapped_column(Text(), default="", server_default="")  # căn cứ pháp lý
    published_by: Mapped[str_255] = mapped_column(default="", server_default="")  # the decision that published it
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    created_at: Mapped[utc_datetime]
    updated_at: Mapped[utc_datetime]
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    documents: Mapped[list[ProcedureDocument]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="ProcedureDocument.position"
    )
    steps: Mapped[list[ProcedureStep]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="ProcedureStep.position"
    )

    __table_args__ = (
        UniqueConstraint("unit_id", "code", "effective_from"),
        CheckConstraint("duration_value > 0", name="duration_positive"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to >= effective_from", name="validity_ordered"
        ),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def duration(self) -> Duration:
        """The legal duration as a domain value."""
        return Duration(self.duration_kind, Decimal(self.duration_value))

    @property
    def validity(self) -> Validity:
        """The days this version is in force."""
        return Validity(self.effective_from, self.effective_to)

    def __repr__(self) -> str:
        return f"<Procedure {self.code} from {self.effective_from}>"


class ProcedureDocument(Base):
    """A document the citizen must bring (thành phần hồ sơ)."""

    __tablename__ = "procedure_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str_500]
    originals: Mapped[int] = mapped_column(default=0)
    certified_copies: Mapped[int] = mapped_column(default=0)
    photocopies: Mapped[int] = mapped_column(default=0)
    # required; optional; alternative: one of the documents sharing ``alt_group`` ("hoặc") is enough.
    requirement: Mapped[str] = mapped_column(String(16), default="required", server_default="required")
    alt_group: Mapped[str_100] = mapped_column(default="", server_default="")

    procedure: Mapped[Procedure] = relationship(back_populates="documents")

    __table_args__ = (
        UniqueConstraint("procedure_id", "position"),
        CheckConstraint(
            "originals >= 0 AND certified_copies >= 0 AND photocopies >= 0", name="counts_positive"
        ),
        CheckConstraint("requirement IN ('required', 'optional', 'alternative')", name="requirement_known"),
    )


class ProcedureStep(Base):
    """A step of the internal process (quy trình nội bộ) and its share of time."""

    __tablename__ = "procedure_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str_255]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    responsible_role: Mapped[Role | None] = mapped_column(enum_column_type(Role))
    share: Mapped[amount]  # in the procedure's duration unit (hours for same-day)

    procedure: Mapped[Procedure] = relationship(back_populates="steps")
    department: Mapped[Department | None] = relationship()

    __table_args__ = (
        UniqueConstraint("procedure_id", "position"),
        CheckConstraint("share > 0", name="share_positive"),
        CheckConstraint(
            "department_id IS NOT NULL OR responsible_role IS NOT NULL", name="has_responsible"
        ),
    )
