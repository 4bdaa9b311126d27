"""Helpers shared by views of several blueprints."""

from __future__ import annotations

from app.services.errors import ValidationFailed
from app.web.forms import Form


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
