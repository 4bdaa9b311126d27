"""What views need from the request context: the session, the clock, the user."""

from __future__ import annotations

from datetime import datetime
from functools import wraps
from typing import Callable, TypeVar

from flask import abort, current_app
from flask_login import current_user, login_required

from app.db import get_read_session, get_session, streamed
from app.domain.roles import Role
from models import User

__all__ = ["get_session", "get_read_session", "streamed", "now", "actor", "role_required"]

F = TypeVar("F", bound=Callable[..., object])


def now() -> datetime:
    """The current instant from the application's clock."""
    return current_app.extensions["motcua.clock"].now()


def actor() -> User:
    """The logged-in user, as the model object services expect."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let in only logged-in users holding at least one of ``roles`` (else 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            if not actor().has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
