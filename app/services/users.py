"""User accounts: creation and changes by admins, login, own password."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain.codes import normalize_username
from app.domain.lockout import LoginState, after_failure
from app.domain.roles import Role
from app.services import audit
from app.services.access import get_manageable_unit, manageable_unit_ids, visible_unit_ids
from app.services.errors import NotFound, ValidationFailed, check_version
from app.services.validation import Errors, text_field
from app.services.rows import find
from models import Department, User, UserRole
from models.org import new_session_token

# werkzeug's default (scrypt); the tests swap in a cheap method for speed.
PASSWORD_HASH_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
# Checked against when the username is unknown, so that a wrong username
# takes as long as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


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
        _set_password(user, data.password)
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


def _set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)
    user.session_token = new_session_token()
    # A new password (an admin's reset, or the user's own) lifts a lock.
    user.failed_logins, user.locked_until = 0, None


@dataclass(frozen=True)
class LoginAttempt:
    """The outcome of a login: the user, or why not (``locked_until``: the account is locked until then)."""

    user: User | None
    locked_until: datetime | None = None


def authenticate(session: Session, username: str, password: str, *, now: datetime, ip: str = "") -> LoginAttempt:
    """Check the credentials; count failures, lock after too many (app.domain.lockout), audit the attempt.

    The caller commits either way: a failure is recorded too. The typed
    username is never stored (it may be a password typed in the wrong box).
    """
    try:
        name = normalize_username(username)
    except Exception:
        name = None
    user = session.scalar(select(User).where(User.username == name)) if name else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        _audit_login(session, None, "auth.login_failed", now, ip, reason="unknown_user")
        return LoginAttempt(None)
    state = LoginState(user.failed_logins, user.locked_until)
    if state.is_locked(now):
        _audit_login(session, user, "auth.login_failed", now, ip, reason="locked")
        return LoginAttempt(None, state.locked_until)
    if not check_password_hash(user.password_hash, password):
        after = after_failure(state, now)
        user.failed_logins, user.locked_until = after.failures, after.locked_until
        _audit_login(session, user, "auth.login_failed", now, ip, reason="password")
        if after.is_locked(now):
            _audit_login(session, user, "auth.locked", now, ip, until=after.locked_until.isoformat())
            return LoginAttempt(None, after.locked_until)
        return LoginAttempt(None)
    if not user.is_active or not user.unit.is_active:
        _audit_login(session, user, "auth.login_failed", now, ip, reason="inactive")
        return LoginAttempt(None)
    user.failed_logins, user.locked_until = 0, None
    user.last_login_at = now
    _audit_login(session, user, "auth.login", now, ip, actor=user)
    return LoginAttempt(user)


def locked_until(user: User, now: datetime) -> datetime | None:
    """When the account's lock after failed logins ends, if it is locked at ``now``."""
    state = LoginState(user.failed_logins, user.locked_until)
    return state.locked_until if state.is_locked(now) else None


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
    _set_password(user, new)
    user.updated_at = now
    audit.record(session, user, "user.password_change", object_type="user_account", object_id=user.id,
                 unit_id=user.unit_id, now=now)


def load_session_user(session: Session, token: str) -> User | None:
    """The user a login cookie names (``<id>.<session token>``), if still valid."""
    user_id, _, session_token = token.partition(".")
    if not user_id.isdigit() or not session_token:
        return None
    user = find(session, User, int(user_id))
    if user is None or user.session_token != session_token or not user.is_active:
        return None
    if not user.unit.is_active:
        return None
    return user
