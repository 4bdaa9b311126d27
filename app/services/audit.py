"""Writing and reading the audit log: changes to settings, views and exports of personal data.

A change entry names the fields that changed, never their values: a value may
be personal (a name, an e-mail) or secret (a password hash). Dates and flags of
the calendar are neither, so calendar entries carry them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session, joinedload

from app.domain.audit import AuditKind, actions_of
from app.services.access import visible_unit_ids
from models import AuditEntry, User
from models.base import Base

# Bookkeeping columns: they change on every save and say nothing.
_NOT_CHANGES = frozenset({"id", "version", "created_at", "updated_at", "session_token",
                          "last_login_at"})


def record(session: Session, actor: User | None, action: str, *, object_type: str, object_id: int | None,
           unit_id: int | None, now: datetime, **detail: Any) -> AuditEntry:
    """Append one entry to the audit log."""
    entry = AuditEntry(at=now, actor_id=actor.id if actor else None, unit_id=unit_id, action=action,
                       object_type=object_type, object_id=object_id, detail=detail)
    session.add(entry)
    session.flush()
    return entry


def snapshot(row: Base, *children: str) -> dict[str, Any]:
    """The row's column values, plus each named child collection as a tuple of its rows' values."""
    state = inspect(row)
    values: dict[str, Any] = {attr.key: getattr(row, attr.key) for attr in state.mapper.column_attrs}
    for name in children:
        values[name] = tuple(_child_values(child) for child in getattr(row, name))
    return values


def _child_values(child: Base) -> tuple:
    mapper = inspect(child).mapper
    keys = {c.key for c in mapper.column_attrs} - {"id"} - {
        fk.parent.key for table in mapper.tables for fk in table.foreign_keys}
    return tuple((key, getattr(child, key)) for key in sorted(keys))


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Names of what differs between two snapshots; a new password hash shows as "password"."""
    names = []
    for key in sorted(set(before) | set(after)):
        if key in _NOT_CHANGES or before.get(key) == after.get(key):
            continue
        names.append("password" if key == "password_hash" else key)
    return names


def record_change(session: Session, actor: User | None, action: str, row: Base, before: dict[str, Any] | None,
                  after: dict[str, Any], *, unit_id: int | None, now: datetime, **detail: Any) -> AuditEntry | None:
    """Log a creation (``before`` None) or an update; an update that changed nothing is not logged."""
    fields = changed_fields(before or {}, after) if before is not None else []
    if before is not None and not fields:
        return None
    if fields:
        detail["fields"] = fields
    return record(session, actor, action, object_type=row.__tablename__, object_id=row.id,  # type: ignore[attr-defined]
                  unit_id=unit_id, now=now, **detail)


@dataclass(frozen=True)
class AuditFilter:
    kind: AuditKind | None = None
    unit_id: int | None = None
    actor_id: int | None = None
    page: int = 1


PAGE_SIZE = 50


def list_entries(session: Session, viewer: User, wanted: AuditFilter) -> tuple[list[AuditEntry], int]:
    """Entries of the units ``viewer`` may see, newest first: one page and the total count.

    Entries without a unit (failed logins for unknown names) are shown to
    those who see every unit.
    """
    query = select(AuditEntry)
    visible = visible_unit_ids(session, viewer)
    if visible is not None:
        query = query.where(AuditEntry.unit_id.in_(visible))
    if wanted.unit_id is not None:
        query = query.where(AuditEntry.unit_id == wanted.unit_id)
    if wanted.kind is not None:
        actions = actions_of(wanted.kind)
        condition = AuditEntry.action.in_(actions)
        if wanted.kind is AuditKind.EXPORT:
            condition = condition | AuditEntry.action.like("report.export.%")
        query = query.where(condition)
    if wanted.actor_id is not None:
        query = query.where(AuditEntry.actor_id == wanted.actor_id)
    total = int(session.scalar(query.with_only_columns(func.count(AuditEntry.id))) or 0)
    rows = session.scalars(query.options(joinedload(AuditEntry.actor))
                           .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                           .limit(PAGE_SIZE).offset(PAGE_SIZE * (max(wanted.page, 1) - 1)))
    return list(rows), total


def entries_about(session: Session, object_type: str, object_ids: Sequence[int],
                  actions: Iterable[str]) -> list[AuditEntry]:
    """Entries naming any of these rows with one of these actions, oldest first."""
    if not object_ids:
        return []
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == object_type, AuditEntry.object_id.in_(object_ids),
                                 AuditEntry.action.in_(list(actions)))
        .options(joinedload(AuditEntry.actor)).order_by(AuditEntry.at, AuditEntry.id)))


def object_labels(session: Session, entries: Sequence[AuditEntry]) -> dict[tuple[str, int], str]:
    """What each entry's row is called on screen: a dossier's code, a turned-away slip's number, a username."""
    from models import Dossier, NonReception

    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.object_id is not None:
            wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    labels: dict[tuple[str, int], str] = {}
    if wanted.get("dossier"):
        for row_id, code in session.execute(select(Dossier.id, Dossier.code).where(Dossier.id.in_(wanted["dossier"]))):
            labels["dossier", row_id] = f"hồ sơ {code}"
    if wanted.get("non_reception"):
        for row_id, number, year in session.execute(select(NonReception.id, NonReception.number, NonReception.year)
                                                    .where(NonReception.id.in_(wanted["non_reception"]))):
            labels["non_reception", row_id] = f"phiếu số {number}/{year}"
    if wanted.get("user_account"):
        for row_id, username in session.execute(select(User.id, User.username)
                                                .where(User.id.in_(wanted["user_account"]))):
            labels["user_account", row_id] = f"tài khoản {username}"
    return labels
