"""The audit log: who did what to which record, beyond the dossier's own events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_40, utc_datetime
from models.org import User


class AuditEntry(Base):
    """One recorded action, append-only. ``detail`` never holds personal data or secrets."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[utc_datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: nobody logged in
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    action: Mapped[str_40]  # e.g. "status_link.reissue"
    object_type: Mapped[str_40]  # e.g. "dossier"
    object_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON(), default=dict)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_audit_entry_object", "object_type", "object_id"),
        Index("ix_audit_entry_unit_at", "unit_id", "at"),
    )


@event.listens_for(AuditEntry, "before_update")
def _audit_is_append_only(mapper, connection, target):  # type: ignore[no-untyped-def]
    raise ValueError("audit entries are append-only")
