"""Checks applied to every request before any view runs."""

from __future__ import annotations

import re

from flask import Flask, request

from app.web.errors import render_error

# C0 control characters other than tab and line breaks never come from a
# person typing; PostgreSQL refuses NUL in text outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _has_control_characters() -> bool:
    for source in (request.args, request.form):
        for key, values in source.lists():
            if _CONTROL.search(key) or any(_CONTROL.search(v) for v in values):
                return True
    return False


def register(app: Flask) -> None:
    """Install the guards on ``app``."""

    @app.before_request
    def refuse_control_characters():  # type: ignore[no-untyped-def]
        if _has_control_characters():
            return render_error(
                400,
                "Dữ liệu gửi lên chứa ký tự điều khiển không hợp lệ (thường do sao chép từ "
                "phần mềm khác). Vui lòng gõ lại nội dung; thông tin chưa được lưu.",
            )
        return None
