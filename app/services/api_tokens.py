"""Bearer tokens for the JSON API: made for a user, shown once, stored as a SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.roles import Role
from app.services import audit
from app.services.access import manageable_unit_ids
from app.services.errors import Forbidden, NotFound
from app.services.rows import find
from app.services.users import can_sign_in
from app.services.validation import Errors, text_field
from models import ApiToken, Unit, User

PREFIX = "mc_"
STAFF, INTEGRATION = "staff", "integration"  # acts as its user on the staff API; the platform handing dossiers over
LAST_USED_PRECISION = timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, actor: User, user_id: int, name: str, *, now: datetime) -> tuple[ApiToken, str]:
    """A new token acting as ``user_id``; returns the row and the token, which is never shown again.

    Users make tokens for themselves; an admin also for the users of the units they manage.
    """
    user = find(session, User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy người dùng.")
    if user.id != actor.id and not (actor.has_role(Role.ADMIN) and user.unit_id in manageable_unit_ids(session, actor)):
        raise Forbidden("Bạn chỉ tạo được khoá API cho chính mình hoặc người dùng của đơn vị mình quản lý.")
    errors = Errors()
    clean = text_field(errors, "name", name, 100)
    errors.raise_if_any()
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=clean, prefix=token[:8], token_hash=_digest(token), created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor, "api_token.create", object_type="api_token", object_id=row.id,
                 unit_id=user.unit_id, now=now, user_id=user.id, prefix=row.prefix)
    return row, token


def create_integration_token(session: Session, name: str, *, unit_id: int | None, now: datetime
                             ) -> tuple[ApiToken, str]:
    """A token for the provincial platform to hand online dossiers over (``flask api-token create --scope
    integration``): no user; ``unit_id`` limits it to that unit and the units below it (None: every unit)."""
    errors = Errors()
    clean = text_field(errors, "name", name, 100)
    errors.raise_if_any()
    if unit_id is not None and find(session, Unit, unit_id) is None:
        raise NotFound("Không tìm thấy đơn vị.")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=None, scope=INTEGRATION, unit_id=unit_id, name=clean, prefix=token[:8],
                   token_hash=_digest(token), created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, None, "api_token.create", object_type="api_token", object_id=row.id, unit_id=unit_id,
                 now=now, scope=INTEGRATION, prefix=row.prefix)
    return row, token


def authenticate(session: Session, token: str, *, now: datetime) -> User | None:
    """The user a staff token stands for, or None: unknown, revoked or an integration token, or the user or
    the unit deactivated (the same checks as a web login, made on every request)."""
    row = authenticate_token(session, token, now=now, scope=STAFF)
    return row.user if row is not None else None


def authenticate_token(session: Session, token: str, *, now: datetime, scope: str) -> ApiToken | None:
    """The live token of ``scope`` whose text is ``token``, or None."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or row.scope != scope:
        return None
    if scope == STAFF and (row.user is None or not can_sign_in(row.user)):
        return None
    if scope == INTEGRATION and row.unit_id is not None and not session.get(Unit, row.unit_id).is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        row.last_used_at = now  # one write every few minutes, not one per request
    return row


def revoke_integration_token(session: Session, token_id: int, *, now: datetime) -> ApiToken:
    """Revoke an integration token (from the command line, where the province's operators work)."""
    row = find(session, ApiToken, token_id)
    if row is None or row.scope != INTEGRATION:
        raise NotFound("Không tìm thấy khoá API tích hợp.")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(session, None, "api_token.revoke", object_type="api_token", object_id=row.id,
                     unit_id=row.unit_id, now=now, scope=INTEGRATION, prefix=row.prefix)
    session.flush()
    return row


def revoke_token(session: Session, actor: User, token_id: int, *, now: datetime) -> ApiToken:
    row = find(session, ApiToken, token_id)
    if row is None or row.user is None:
        raise NotFound("Không tìm thấy khoá API.")
    if row.user_id != actor.id and not (
        actor.has_role(Role.ADMIN) and row.user.unit_id in manageable_unit_ids(session, actor)
    ):
        raise Forbidden("Bạn không có quyền thu hồi khoá API này.")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(session, actor, "api_token.revoke", object_type="api_token", object_id=row.id,
                     unit_id=row.user.unit_id, now=now, user_id=row.user_id, prefix=row.prefix)
    session.flush()
    return row


def revoke_all(session: Session, actor: User, user: User, *, now: datetime, reason: str) -> int:
    """Revoke every live token of ``user`` (an administrator set a new password); how many were."""
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for row in rows:
        row.revoked_at = now
        audit.record(session, actor, "api_token.revoke", object_type="api_token", object_id=row.id,
                     unit_id=user.unit_id, now=now, user_id=user.id, prefix=row.prefix, reason=reason)
    session.flush()
    return len(rows)


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))
