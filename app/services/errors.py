"""Errors that services raise and the web layer maps to 4xx responses."""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """Base class; ``message`` is Vietnamese and safe to show."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(ServiceError):
    """Input was refused; ``errors`` maps form field names to messages."""

    status_code = 400

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class StateConflict(ValidationFailed):
    """Well-formed input the dossier's (or the row's) present state does not allow: a step that does not exist
    here, a person who cannot take this step, a date the calendar or the rules refuse. The API answers 409; a
    form shows the message next to its field, like any refusal."""

    status_code = 409


class NotFound(ServiceError):
    """The row does not exist or lies outside what the user may see."""

    status_code = 404

    def __init__(self, message: str = "Không tìm thấy dữ liệu yêu cầu.") -> None:
        super().__init__(message)


class Forbidden(ServiceError):
    """The user may see the row but not do this to it."""

    status_code = 403


class Conflict(ServiceError):
    """Someone else changed the row since the form was opened."""

    status_code = 409

    def __init__(
        self,
        message: str = "Dữ liệu đã được người khác thay đổi trong lúc bạn đang sửa. "
        "Vui lòng tải lại trang, kiểm tra và lưu lại.",
    ) -> None:
        super().__init__(message)


def check_version(current: int, expected: int | None) -> None:
    """Raise Conflict when the form was made from an older version of the row."""
    if expected is not None and expected != current:
        raise Conflict()
