"""What every request goes through before any view runs.

- Text arrives in Unicode NFC: the query string, form fields, path values and
  JSON bodies are normalised as they are parsed (``Request``,
  ``JsonProvider``), so "Bình" typed with combining marks is stored, printed
  and compared like "Bình" typed precomposed.
- C0 control characters other than tab and line breaks are refused in the
  query string, the form and JSON bodies alike (they never come from a person
  typing; PostgreSQL refuses NUL in text outright).
- A JSON body nested deeper than ``MAX_JSON_DEPTH`` is refused as malformed
  (Python's parser would run out of stack: a 500).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, request
from flask import Request as FlaskRequest
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from app.domain.text import nfc
from app.web.errors import API_PREFIX, render_error

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JSON_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # JSON may also carry lone surrogates
MAX_JSON_DEPTH = 32
CONTROL_MESSAGE = ("Dữ liệu gửi lên chứa ký tự điều khiển không hợp lệ (thường do sao chép từ phần mềm khác). "
                   "Vui lòng gõ lại nội dung; thông tin chưa được lưu.")


def _pairs(mapping: Any) -> Iterable[tuple[Any, Any]]:
    if mapping is None:
        return ()
    if isinstance(mapping, MultiDict):
        return mapping.items(multi=True)
    if isinstance(mapping, dict):
        return ((k, v) for k, values in mapping.items() for v in (values if isinstance(values, list | tuple) else [values]))
    return mapping


class NfcMultiDict(ImmutableMultiDict):  # type: ignore[type-arg]
    """The query string's and the form's fields, names and values in NFC."""

    def __init__(self, mapping: Any = None) -> None:
        super().__init__([(nfc(k) if isinstance(k, str) else k, nfc(v) if isinstance(v, str) else v)
                          for k, v in _pairs(mapping)])


class Request(FlaskRequest):
    parameter_storage_class = NfcMultiDict


def normalized(value: Any, depth: int = 0) -> Any:
    """A parsed JSON value with every string (keys too) in NFC; ValueError past ``MAX_JSON_DEPTH``."""
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"JSON lồng quá {MAX_JSON_DEPTH} cấp")
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [normalized(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {nfc(k): normalized(v, depth + 1) for k, v in value.items()}
    return value


class JsonProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies through ``normalized`` (too deep: ValueError, a 400)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            data = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON lồng quá sâu") from None
        return normalized(data)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _has_control_characters() -> bool:
    # The API checks its query parameters against its OpenAPI document itself (the search text drops them).
    # A body of another type gives no form: it is not parsed for nothing (every public page is a GET).
    form = (request.form,) if request.mimetype in FORM_TYPES else ()
    for source in form if request.path.startswith(API_PREFIX) else (request.args, *form):
        for key, values in source.lists():
            if _CONTROL.search(key) or any(_CONTROL.search(v) for v in values):
                return True
    if request.is_json:
        body = request.get_json(silent=True)
        return any(_JSON_CONTROL.search(text) for text in _strings(body))
    return False


def register(app: Flask) -> None:
    """Install the guards on ``app``."""
    app.request_class = Request
    app.json = JsonProvider(app)

    @app.url_value_preprocessor
    def normalize_path_values(_endpoint, values):  # type: ignore[no-untyped-def]
        if values:
            for key, value in values.items():
                if isinstance(value, str):
                    values[key] = nfc(value)

    @app.before_request
    def refuse_control_characters():  # type: ignore[no-untyped-def]
        if _has_control_characters():
            return render_error(400, CONTROL_MESSAGE)
        return None
