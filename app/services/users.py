"""User accounts: creation and changes by admins, login, own password."""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain.codes import normalize_username
from app.domain.lockout import LoginState, Scope, after_failure, after_success
from app.domain.roles import Role
from app.services import audit
from app.services.access import get_manageable_unit, manageable_unit_ids, visible_unit_ids
from app.services.errors import NotFound, ValidationFailed, check_version
from app.services.validation import Errors, text_field
from app.services.rows import find
from models import Department, LoginGuard, User, UserRole
from models.org import new_session_token

# werkzeug's default (scrypt); the tests swap in a cheap method for speed.
PASSWORD_HASH_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


@functools.lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """Checked against when the username is unknown or the source locked out, so that every answer costs one
    check of the same kind as a real password's and none reveals which accounts exist."""
    return generate_password_hash("not-a-real-password", method=method)


@dataclass(frozen=True)
class UserInput:
    """What an admin types about a user. ``password`` empty keeps the old one."""

    username: str
    full_name: str
    unit_id: int
    roles: frozenset[Role] = field(default_factory=frozenset)
    department_id: int | None = None
    position: str = ""
    email: str = ""
    is_active: bool = True
    password: str = ""


def list_users(session: Session, actor: User, *, unit_id: int | None = None) -> list[User]:
    """Users of the units ``actor`` may see (optionally one unit), by name."""
    query = select(User).order_by(User.full_name, User.username)
    visible = visible_unit_ids(session, actor)
    if visible is not None:
        query = query.where(User.unit_id.in_(visible))
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    return list(session.scalars(query))


def get_user(session: Session, actor: User, user_id: int) -> User:
    """A user of a unit ``actor`` manages; NotFound otherwise."""
    user = find(session, User, user_id)
    if user is None or user.unit_id not in manageable_unit_ids(session, actor):
        raise NotFound("Không tìm thấy người dùng.")
    return user


def create_user(session: Session, actor: User, data: UserInput, *, now: datetime) -> User:
    """Create an account in a unit ``actor`` manages."""
    get_manageable_unit(session, actor, data.unit_id)
    if not data.password:
        raise ValidationFailed({"password": "Vui lòng đặt mật khẩu cho tài khoản mới."})
    user = User(created_at=now)
    _check_grants(actor, data)
    apply_user_input(session, user, data, now=now)
    audit.record_change(session, actor, "user.create", user, None, _user_snapshot(user), unit_id=user.unit_id, now=now)
    return user


def _user_snapshot(user: User) -> dict:
    return {**audit.snapshot(user), "roles": tuple(sorted(user.roles))}


def update_user(
    session: Session,
    actor: User,
    user_id: int,
    data: UserInput,
    *,
    expected_version: int | None,
    now: datetime,
) -> User:
    """Change an account; Conflict if it changed since the form opened."""
    user = get_user(session, actor, user_id)
    check_version(user.version, expected_version)
    get_manageable_unit(session, actor, data.unit_id)
    if user.id == actor.id:
        if not data.is_active:
            raise ValidationFailed({"is_active": "Bạn không thể tự khoá tài khoản của mình."})
        if Role.ADMIN not in data.roles:
            raise ValidationFailed({"roles": "Bạn không thể tự bỏ vai trò Quản trị của mình."})
    _check_grants(actor, data, previous=user.roles)
    before = _user_snapshot(user)
    apply_user_input(session, user, data, now=now)
    audit.record_change(session, actor, "user.update", user, before, _user_snapshot(user), unit_id=user.unit_id,
                        now=now)
    if data.password:
        # An administrator's new password means the old one may be known: the account's API tokens end too.
        from app.services.api_tokens import revoke_all

        revoke_all(session, actor, user, now=now, reason="password_reset")
    return user


def _check_grants(actor: User, data: UserInput, previous: frozenset[Role] = frozenset()) -> None:
    # An inspector reads every unit of the deployment, so only an admin of a
    # top-level unit may hand that role out (or keep it on someone).
    if Role.INSPECTOR in data.roles - previous and actor.unit.parent_id is not None:
        raise ValidationFailed(
            {"roles": "Chỉ quản trị viên cấp tỉnh mới được cấp vai trò Thanh tra, kiểm tra."}
        )


def apply_user_input(session: Session, user: User, data: UserInput, *, now: datetime) -> None:
    """Validate ``data`` and copy it onto ``user`` (added to the session if new)."""
    errors = Errors()
    username = errors.check("username", normalize_username, data.username)
    full_name = text_field(errors, "full_name", data.full_name, 100)
    position = text_field(errors, "position", data.position, 255, required=False)
    email = text_field(errors, "email", data.email, 255, required=False)
    if email and ("@" not in email or " " in email):
        errors.add("email", "Địa chỉ email không hợp lệ.")
    if not data.roles:
        errors.add("roles", "Chọn ít nhất một vai trò.")
    if data.department_id is not None:
        department = find(session, Department, data.department_id)
        if department is None or department.unit_id != data.unit_id:
            errors.add("department_id", "Bộ phận này không thuộc đơn vị đã chọn.")
    if data.password:
        password_error = password_problem(data.password, username or data.username)
        if password_error:
            errors.add("password", password_error)
    if username is not None:
        clash = session.scalar(select(User).where(User.username == username, User.id != user.id))
        if clash is not None:
            errors.add("username", f"Tên đăng nhập “{username}” đã có người dùng.")
    errors.raise_if_any()

    was_active = user.is_active
    user.username = username
    user.full_name = full_name
    user.position = position
    user.email = email
    user.unit_id = data.unit_id
    user.department_id = data.department_id
    user.is_active = data.is_active
    user.updated_at = now
    if data.password:
        _set_password(session, user, data.password)
    elif was_active and not data.is_active:
        user.session_token = new_session_token()
    current = {row.role: row for row in user.role_rows}
    for role in set(current) - data.roles:
        user.role_rows.remove(current[role])
    for role in sorted(data.roles - set(current)):
        user.role_rows.append(UserRole(role=role))
    if user.id is None:
        session.add(user)
    session.flush()


def password_problem(password: str, username: str) -> str | None:
    """A Vietnamese reason ``password`` is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Mật khẩu dài tối đa {MAX_PASSWORD_LENGTH} ký tự."
    if password.strip().lower() == (username or "").strip().lower():
        return "Mật khẩu không được trùng tên đăng nhập."
    if len(set(password)) < 4:
        return "Mật khẩu quá đơn giản: dùng ít nhất 4 ký tự khác nhau."
    return None


def _set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)
    user.session_token = new_session_token()  # every login cookie of the account stops working
    if user.id is not None:
        lift_login_locks(session, user)  # a new password (an admin's reset, or the user's own) lifts every lock


def can_sign_in(user: User) -> bool:
    """The checks every way in makes (the login page, the login cookie on each request, an API token on each
    request): the account is active and so is its unit."""
    return user.is_active and user.unit.is_active


@dataclass(frozen=True)
class LoginAttempt:
    """The outcome of a login: the user, or why not (``locked_until``: this source may not try until then)."""

    user: User | None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class LoginSource:
    """Where an attempt comes from: the client's address, and the browser's device cookie if it has one
    (``device``: its id; ``known_users``: the accounts that logged in from it)."""

    address: str = ""
    device: str = ""
    known_users: frozenset[int] = frozenset()


def _subject(user: User | None, name: str | None, typed: str, key: bytes) -> str:
    if user is not None:
        return f"user:{user.id}"
    text = (name or " ".join(typed.split()).casefold())[:200]
    return "name:" + hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:40]


def _guard(session: Session, subject: str, scope: Scope, source: str, now: datetime) -> LoginGuard:
    """The counter row, locked for this transaction (created if missing)."""
    query = select(LoginGuard).where(LoginGuard.subject == subject, LoginGuard.scope == scope.value,
                                     LoginGuard.source == source).with_for_update()
    row = session.scalar(query)
    if row is None:
        row = LoginGuard(subject=subject, scope=scope.value, source=source, failures=0, updated_at=now)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # another worker counted the same source first
            row = session.scalars(query.execution_options(populate_existing=True)).one()
    return row


def _state(row: LoginGuard) -> LoginState:
    return LoginState(row.failures, row.locked_until, row.window_started_at)


def _store(row: LoginGuard, state: LoginState, now: datetime) -> None:
    row.failures, row.locked_until, row.window_started_at = state.failures, state.locked_until, state.window_started_at
    row.updated_at = now


def authenticate(session: Session, username: str, password: str, *, now: datetime, source: LoginSource = LoginSource(),
                 key: bytes = b"") -> LoginAttempt:
    """Check the credentials; count failures and lock sources (app.domain.lockout); audit the attempt.

    An unknown username goes through the same counters, the same password
    check and the same answers as a known one, so nothing tells them apart.
    The caller commits either way: a failure is recorded too. The typed
    username is never stored (it may be a password typed in the wrong box):
    counters of an unknown name are keyed by its digest under ``key``.
    """
    try:
        name = normalize_username(username)
    except Exception:
        name = None
    user = session.scalar(select(User).where(User.username == name)) if name else None
    ip = source.address
    subject = _subject(user, name, username, key)
    trusted = bool(source.device) and user is not None and user.id in source.known_users
    counters = [(Scope.SOURCE, _guard(session, subject, Scope.SOURCE,
                                      f"device:{source.device}" if trusted else f"ip:{ip}"[:100], now))]
    if not trusted:
        counters.append((Scope.ACCOUNT, _guard(session, subject, Scope.ACCOUNT, "", now)))
    locks = [state.locked_until for state in (_state(row) for _, row in counters) if state.is_locked(now)]
    if locks:
        check_password_hash(_dummy_hash(PASSWORD_HASH_METHOD), password)  # as long as any other answer
        _audit_login(session, user, "auth.login_failed", now, ip, reason="locked")
        return LoginAttempt(None, max(locks))  # type: ignore[type-var]
    matched = check_password_hash(user.password_hash if user else _dummy_hash(PASSWORD_HASH_METHOD), password) \
        and user is not None
    if not matched:
        locked = []
        for scope, row in counters:
            after = after_failure(_state(row), now, scope)
            _store(row, after, now)
            if after.is_locked(now):
                locked.append(after.locked_until)
        _audit_login(session, user, "auth.login_failed", now, ip, reason="password" if user else "unknown_user")
        if locked:
            _audit_login(session, user, "auth.locked", now, ip, until=max(locked).isoformat())  # type: ignore[type-var]
            return LoginAttempt(None, max(locked))  # type: ignore[type-var]
        return LoginAttempt(None)
    assert user is not None
    if not can_sign_in(user):
        _audit_login(session, user, "auth.login_failed", now, ip, reason="inactive")
        return LoginAttempt(None)
    _store(counters[0][1], after_success(), now)  # this source starts afresh; the account's window stands
    user.last_login_at = now
    _audit_login(session, user, "auth.login", now, ip, actor=user)
    return LoginAttempt(user)


def locked_until(session: Session, user: User, now: datetime) -> tuple[datetime, int] | None:
    """Whether sources are locked out of ``user``'s account at ``now``: (when the last lock ends, how many
    sources; the account's own lock counts as one), or None."""
    rows = session.scalars(select(LoginGuard).where(LoginGuard.subject == f"user:{user.id}",
                                                    LoginGuard.locked_until > now)).all()
    if not rows:
        return None
    return max(r.locked_until for r in rows if r.locked_until is not None), len(rows)


def lift_login_locks(session: Session, user: User) -> None:
    """Forget every failed login on ``user``'s account (an administrator's new password, or the user's own)."""
    session.execute(delete(LoginGuard).where(LoginGuard.subject == f"user:{user.id}"))


def purge_login_guards(session: Session, *, now: datetime) -> int:
    """Delete the counters idle for two days and not locking anything (they name client addresses)."""
    before = now - timedelta(days=2)
    return session.execute(delete(LoginGuard).where(
        LoginGuard.updated_at < before, or_(LoginGuard.locked_until.is_(None), LoginGuard.locked_until < now))).rowcount


def _audit_login(session: Session, user: User | None, action: str, now: datetime, ip: str, *,
                 actor: User | None = None, **detail: str) -> None:
    audit.record(session, actor, action, object_type="user", object_id=user.id if user else None,
                 unit_id=user.unit_id if user else None, now=now, ip=ip, **detail)


def log_out(session: Session, user: User, *, now: datetime, ip: str = "") -> None:
    """End every session of ``user`` (a copied cookie stops working) and audit it."""
    user.session_token = new_session_token()
    _audit_login(session, user, "auth.logout", now, ip, actor=user)


def change_own_password(
    session: Session, user: User, *, current: str, new: str, now: datetime
) -> None:
    """Let a user change their password, knowing the current one."""
    errors = Errors()
    if not check_password_hash(user.password_hash, current):
        errors.add("current_password", "Mật khẩu hiện tại không đúng.")
    problem = password_problem(new, user.username)
    if problem:
        errors.add("new_password", problem)
    errors.raise_if_any()
    _set_password(session, user, new)
    user.updated_at = now
    user.must_change_password = False
    audit.record(session, user, "user.password_change", object_type="user_account", object_id=user.id,
                 unit_id=user.unit_id, now=now)


def load_session_user(session: Session, token: str) -> User | None:
    """The user a login cookie names (``<id>.<session token>``), if still valid."""
    user_id, _, session_token = token.partition(".")
    if not user_id.isdigit() or not session_token:
        return None
    user = find(session, User, int(user_id))
    if user is None or user.session_token != session_token or not can_sign_in(user):
        return None
    if not user.unit.is_active:
        return None
    return user
