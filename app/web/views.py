"""Helpers shared by views of several blueprints."""

from __future__ import annotations

from typing import Callable, TypeVar

from flask import flash, redirect
from werkzeug.wrappers import Response

from app.db import get_session
from app.services.errors import ValidationFailed
from app.web.forms import Form

T = TypeVar("T")


def apply_errors(form: Form, error: ValidationFailed) -> None:
    """Put a service's per-field messages next to the form's fields.

    Messages about a table of rows (documents, steps) go above that table; a
    message for a field the form does not show goes to the top of the form,
    so that nothing is silently dropped.
    """
    for name, message in error.errors.items():
        field = form._fields.get(name)
        if field is None:
            form.form_errors.append(message)
        elif hasattr(field, "entries"):
            form.table_errors.setdefault(name, []).append(message)
        else:
            field.errors = [*field.errors, message]


def submit(
    form: Form,
    action: Callable[[], T],
    *,
    message: Callable[[T], str],
    then: Callable[[T], str],
) -> Response | None:
    """Run one use case for a posted form, the way every edit page does.

    When the form parses and ``action()`` succeeds: commit once, flash
    ``message(result)`` and redirect to ``then(result)``. Otherwise put the
    errors on the form and return None; the caller renders the form again
    (with status :func:`form_status`).
    """
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except ValidationFailed as error:
        apply_errors(form, error)
        return None
    get_session().commit()
    flash(message(result), "success")
    return redirect(then(result))


def form_status(form: Form) -> int:
    """400 for a form that was posted and refused, 200 for a fresh one."""
    return 400 if form.is_submitted() else 200
