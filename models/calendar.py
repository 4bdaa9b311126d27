"""A unit's own calendar: extra days off and extra working days, with reasons."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_255, utc_datetime
from models.org import Unit, User


class CalendarOverride(Base):
    """One day whose status the unit sets itself; it wins over the national calendar."""

    __tablename__ = "calendar_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    day: Mapped[date]
    working: Mapped[bool]
    reason: Mapped[str_255]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[utc_datetime]

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("unit_id", "day"),)
