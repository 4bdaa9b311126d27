"""Small helpers that collect per-field errors before raising them together."""

from __future__ import annotations

import re
from typing import Callable, TypeVar

from app.domain.errors import DomainError
from app.domain.text import has_bidi_controls, nfc
from app.services.errors import ValidationFailed

T = TypeVar("T")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Errors:
    """Per-field Vietnamese messages, the first one for each field kept."""

    def __init__(self) -> None:
        self.by_field: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, message)

    def check(self, field: str, parse: Callable[..., T], *args: object) -> T | None:
        """Run ``parse(*args)``; record its DomainError under ``field``."""
        try:
            return parse(*args)
        except DomainError as error:
            self.add(error.field or field, error.message)
            return None

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationFailed(self.by_field)


def text_field(
    errors: Errors,
    field: str,
    value: str | None,
    max_length: int,
    *,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Tidy ``value``; record an error if it is missing or too long.

    The text is put in Unicode NFC (whoever called: a form, the API, an
    import, the command line). Single-line values have runs of white space
    folded to one space, so that "  Tư   pháp " and "Tư pháp" are the same
    name. Control characters and the characters that reverse the direction
    of text are refused.
    """
    raw = nfc(value or "")
    if _CONTROL.search(raw):
        errors.add(field, "Có ký tự điều khiển không hợp lệ; vui lòng gõ lại nội dung.")
        return ""
    if has_bidi_controls(raw):
        errors.add(field, "Có ký tự đảo chiều văn bản (thường do sao chép từ nơi khác) không hợp lệ; "
                          "vui lòng gõ lại nội dung.")
        return ""
    clean = raw.strip() if multiline else " ".join(raw.split())
    if required and not clean:
        errors.add(field, "Vui lòng nhập thông tin này.")
    elif len(clean) > max_length:
        errors.add(field, f"Tối đa {max_length} ký tự (đang có {len(clean)}).")
    return clean
