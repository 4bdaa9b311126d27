"""Tokens that let another system call the JSON API on behalf of a user."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_100, utc_datetime
from models.org import User


class ApiToken(Base):
    """A bearer token for /api/v1/. Only its SHA-256 is stored; the token is shown once.

    ``scope`` "staff": acts as its user on the staff API. "integration": the
    provincial platform handing over online dossiers (no user; ``unit_id``, when
    set, limits it to that unit and the units below it).
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(16), default="staff", server_default="staff")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    name: Mapped[str_100]  # what it is for: "Cổng DVC tỉnh", "Kiosk"
    prefix: Mapped[str] = mapped_column(String(8))  # shown in lists to tell tokens apart
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[utc_datetime]
    last_used_at: Mapped[utc_datetime | None]
    revoked_at: Mapped[utc_datetime | None]

    user: Mapped[User | None] = relationship()

    __table_args__ = (CheckConstraint("scope IN ('staff', 'integration') AND (scope = 'integration' OR user_id IS NOT "
                                      "NULL)", name="scope_valid"),)
