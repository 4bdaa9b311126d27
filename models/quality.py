"""ISO 9001 records: nonconformities and corrective actions, expected delays, objectives, registers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.nonconformity import Source, Status
from app.domain.objectives import Indicator, PeriodKind
from models.base import Base, enum_column_type, str_40, str_100, str_255, str_500, utc_datetime
from models.dossier import Dossier
from models.org import Unit, User


class Nonconformity(Base):
    """Sự không phù hợp và hành động khắc phục (ISO 10.2): one record, numbered per unit and year.

    Automatic records carry ``source_key`` ("overdue:<dossier id>"), unique:
    the database, not luck, keeps the sweep from opening one twice. The late
    step and its holder are copied as they were when it opened.
    """

    __tablename__ = "nonconformity"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    year: Mapped[int]
    number: Mapped[int]
    source: Mapped[Source] = mapped_column(enum_column_type(Source))
    source_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="SET NULL"), index=True)
    opened_at: Mapped[utc_datetime]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: the sweep
    description: Mapped[str] = mapped_column(Text(), default="")  # by hand; automatic ones are worded from the facts
    due_at: Mapped[utc_datetime | None]  # the dossier's due instant when it opened
    step_position: Mapped[int | None]
    step_name: Mapped[str_255] = mapped_column(default="")
    holder_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    holder_name: Mapped[str_255] = mapped_column(default="")

    cause: Mapped[str] = mapped_column(Text(), default="")
    correction: Mapped[str] = mapped_column(Text(), default="")
    corrective_action: Mapped[str] = mapped_column(Text(), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action_due_on: Mapped[date | None] = mapped_column(Date())
    analysed_at: Mapped[utc_datetime | None]
    analysed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action_done_at: Mapped[utc_datetime | None]
    action_report: Mapped[str] = mapped_column(Text(), default="")
    effectiveness: Mapped[str] = mapped_column(Text(), default="")
    closed_at: Mapped[utc_datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[Status] = mapped_column(enum_column_type(Status), default=Status.OPEN)
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    dossier: Mapped[Dossier | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    __table_args__ = (
        UniqueConstraint("unit_id", "year", "number"),
        Index("ix_nonconformity_unit_status", "unit_id", "status"),
        Index("ix_nonconformity_unit_opened", "unit_id", "opened_at"),
        # Complaints about a dossier (Quyết định 766, 5.4): a few among the overdue records.
        Index("ix_nonconformity_complaint", "dossier_id", sqlite_where=text("source = 'complaint'"),
              postgresql_where=text("source = 'complaint'")),
        CheckConstraint("number > 0", name="number_positive"),
    )
    __mapper_args__ = {"version_id_col": version}


class ExpectedDelay(Base):
    """The holder says a dossier will be late: the sweep drafts the apology and new date (Mẫu 04).

    One per dossier (a due date is rescheduled at most once). ``drafted_at`` and
    ``send_by`` are the sweep's; ``notice_id`` is the numbered Mẫu 04 once a
    leader issued it; ``withdrawn_at`` if the holder took the mark back.
    """

    __tablename__ = "expected_delay"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), unique=True)
    marked_at: Mapped[utc_datetime]
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text())
    proposed_due_at: Mapped[utc_datetime]
    drafted_at: Mapped[utc_datetime | None]
    send_by: Mapped[utc_datetime | None]  # one working day before the due instant
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("dossier_notice.id"))
    withdrawn_at: Mapped[utc_datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    dossier: Mapped[Dossier] = relationship()
    marked_by: Mapped[User] = relationship()

    __table_args__ = (Index("ix_expected_delay_pending", "unit_id", "drafted_at", "notice_id"),)
    __mapper_args__ = {"version_id_col": version}


class QualityObjective(Base):
    """Mục tiêu chất lượng: a target for one indicator, for one unit and year."""

    __tablename__ = "quality_objective"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    year: Mapped[int]
    indicator: Mapped[Indicator] = mapped_column(enum_column_type(Indicator))
    target: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # percent, "at least"
    note: Mapped[str_500] = mapped_column(default="")
    set_at: Mapped[utc_datetime]
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()

    __table_args__ = (
        UniqueConstraint("unit_id", "year", "indicator"),
        CheckConstraint("target >= 0 AND target <= 100", name="target_percent"),
    )
    __mapper_args__ = {"version_id_col": version}


class ObjectiveMeasurement(Base):
    """The measured value of an indicator for a closed month or quarter: the ISO 9.1 record.

    Written once, the night after the period ends; the figures of a period
    still running are computed live.
    """

    __tablename__ = "objective_measurement"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    indicator: Mapped[Indicator] = mapped_column(enum_column_type(Indicator))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_column_type(PeriodKind))
    period_start: Mapped[date] = mapped_column(Date())
    numerator: Mapped[int]
    denominator: Mapped[int]
    target: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # the target in force, if one was set
    measured_at: Mapped[utc_datetime]

    __table_args__ = (
        UniqueConstraint("unit_id", "indicator", "period_kind", "period_start"),
        CheckConstraint("numerator >= 0 AND numerator <= denominator", name="counts_valid"),
    )


class InternalDocument(Base):
    """Danh mục tài liệu nội bộ (ISO 7.5): procedures, forms, instructions, with version and approver."""

    __tablename__ = "internal_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    code: Mapped[str_40]
    title: Mapped[str_500]
    kind: Mapped[str_40]  # procedure, form, instruction, other (app.domain.registers.DocumentKind)
    edition: Mapped[str_40] = mapped_column(default="01")  # lần ban hành / phiên bản
    issued_on: Mapped[date | None] = mapped_column(Date())
    approver: Mapped[str_255] = mapped_column(default="")
    is_current: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str_500] = mapped_column(default="")
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (UniqueConstraint("unit_id", "code", "edition"),)
    __mapper_args__ = {"version_id_col": version}


class ExternalDocument(Base):
    """Danh mục tài liệu bên ngoài (ISO 7.5): legal texts with their dates of effect."""

    __tablename__ = "external_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    number: Mapped[str_100]  # số, ký hiệu: "118/2025/NĐ-CP"
    title: Mapped[str_500]
    issuer: Mapped[str_255] = mapped_column(default="")
    issued_on: Mapped[date | None] = mapped_column(Date())
    effective_on: Mapped[date | None] = mapped_column(Date())
    expired_on: Mapped[date | None] = mapped_column(Date())
    note: Mapped[str_500] = mapped_column(default="")
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (UniqueConstraint("unit_id", "number"),)
    __mapper_args__ = {"version_id_col": version}


class RecordType(Base):
    """Danh mục hồ sơ (ISO 7.5.3): a kind of record, where it is kept, by whom, how long, how disposed of."""

    __tablename__ = "record_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    code: Mapped[str_40]  # "MAU-07", "NC", …: what the system knows it by
    name: Mapped[str_255]
    kept_at: Mapped[str_255] = mapped_column(default="")  # nơi lưu
    owner: Mapped[str_255] = mapped_column(default="")  # người/bộ phận lưu
    retention_years: Mapped[int | None]  # None: permanent (vĩnh viễn)
    disposal: Mapped[str_255] = mapped_column(default="")
    note: Mapped[str_500] = mapped_column(default="")
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        UniqueConstraint("unit_id", "code"),
        CheckConstraint("retention_years IS NULL OR retention_years > 0", name="retention_positive"),
    )
    __mapper_args__ = {"version_id_col": version}
