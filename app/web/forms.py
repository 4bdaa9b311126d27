"""Form base classes whose built-in WTForms messages are in Vietnamese."""

from __future__ import annotations

from typing import Any

import wtforms
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from app.services.rows import MAX_ID

# WTForms ships no Vietnamese catalogue; these are its built-in messages
# that can reach a user of our forms.
_MESSAGES = {
    "This field is required.": "Vui lòng nhập thông tin này.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số (ví dụ 1,5).",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Not a valid date value.": "Ngày không hợp lệ (định dạng ngày/tháng/năm).",
    "Not a valid time value.": "Giờ không hợp lệ (ví dụ 15:00).",
    "Not a valid datetime value.": "Thời điểm không hợp lệ.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Lựa chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "“%(value)s” không phải lựa chọn hợp lệ.",
    "'%(value)s' are not valid choices for this field.": "“%(value)s” không phải lựa chọn hợp lệ.",
    "Invalid input.": "Dữ liệu không hợp lệ.",
    "Invalid email address.": "Địa chỉ email không hợp lệ.",
    "Field must be between %(min)d and %(max)d characters long.": "Độ dài phải từ %(min)d đến %(max)d ký tự.",
    "Number must be at least %(min)s.": "Số phải lớn hơn hoặc bằng %(min)s.",
    "Number must be at most %(max)s.": "Số phải nhỏ hơn hoặc bằng %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
}
_PLURAL = {
    "Field must be at least %(min)d character long.": "Phải có ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Tối đa %(max)d ký tự.",
}


class _Vietnamese:
    def gettext(self, string: str) -> str:
        return _MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _PLURAL.get(singular, _MESSAGES.get(plural, plural))


class Form(FlaskForm):
    """Base of every page form: CSRF from Flask-WTF, messages in Vietnamese."""

    class Meta:
        def get_translations(self, form):  # type: ignore[no-untyped-def]
            return _Vietnamese()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table_errors: dict[str, list[str]] = {}


class PostForm(Form):
    """A button that posts: the form is only its CSRF token."""


class RowForm(wtforms.Form):
    """Base of a row inside a table of a page form (no CSRF of its own)."""

    class Meta:
        def get_translations(self, form):  # type: ignore[no-untyped-def]
            return _Vietnamese()


def optional_int(value: Any) -> int | None:
    """Coerce a select's value: "" means none."""
    if value in (None, "", "None"):
        return None
    return int(value)


def choices(pairs, *, group: str | None = None) -> list[SelectChoice]:  # type: ignore[no-untyped-def]
    """Select options from (value, label) pairs, optionally inside an <optgroup>."""
    return [SelectChoice(value=value, label=label, optgroup=group) for value, label in pairs]


def query_int(text: str) -> int:
    """An integer from an address or a form, kept within what the database stores (a 32-bit integer).

    Used as ``request.args.get(name, type=query_int)``. A number beyond that
    range (a 30-digit id) becomes -1, which no row has: the page answers "not
    found" (page numbers and years are clamped by their views) instead of the
    database failing on it. Text that is not a number counts as absent.
    """
    value = int(text)
    return value if -MAX_ID - 1 <= value <= MAX_ID else -1


CITIZEN_MESSAGE_LABEL = "Lời nhắn cho công dân (không bắt buộc)"
CITIZEN_MESSAGE_HINT = ("Hiện trên trang tra cứu của công dân (ai có mã QR đều xem được). Không ghi họ tên, số giấy tờ, "
                        "số điện thoại, địa chỉ hay thông tin của người khác. Lý do và ghi chú ở trên chỉ cán bộ xem.")
