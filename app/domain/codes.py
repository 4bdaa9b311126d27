"""Identifier formats: unit electronic ids, procedure codes, usernames.

The dossier code is ``<unit electronic id>-<YYMMDD>-<daily sequence>``
(TT 03/2025 Điều 13), so a unit id may hold letters, digits and dots but
never a dash.
"""

from __future__ import annotations

import re
from datetime import date

from app.domain.errors import DomainError

# Old style 000.00.30.H33 (QĐ 20/2020) and new style H15.50.05.13 or H55.242.
_UNIT_CODE = re.compile(r"^[0-9A-Z]{1,4}(\.[0-9A-Z]{1,4}){1,5}$")
# National code d.dddddd, optionally with a provincial suffix such as
# .000.00.00.H38; the parts are treated as opaque (domain.md §3).
_PROCEDURE_CODE = re.compile(r"^\d\.\d{6}(\.[0-9A-Z]{1,6}){0,6}$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")


def normalize_unit_code(text: str) -> str:
    """Return the canonical unit electronic id, or raise DomainError."""
    code = (text or "").strip().upper()
    if not _UNIT_CODE.match(code):
        raise DomainError(
            "Mã định danh điện tử không đúng định dạng: gồm các nhóm chữ in hoa và số, "
            "cách nhau bởi dấu chấm, ví dụ 000.00.30.H33 hoặc H15.50.05.13."
        )
    return code


def normalize_procedure_code(text: str) -> str:
    """Return the canonical procedure code, or raise DomainError."""
    code = (text or "").strip().upper()
    if not _PROCEDURE_CODE.match(code):
        raise DomainError(
            "Mã thủ tục không đúng định dạng của CSDL quốc gia về TTHC, ví dụ 1.000894 "
            "hoặc 1.011442.000.00.00.H38."
        )
    return code


def normalize_username(text: str) -> str:
    """Return the canonical (lower-case) username, or raise DomainError."""
    name = (text or "").strip().lower()
    if not _USERNAME.match(name):
        raise DomainError(
            "Tên đăng nhập dài 3–40 ký tự, chỉ gồm chữ thường không dấu, số và các dấu . _ -"
        )
    return name


def format_dossier_code(unit_code: str, day: date, sequence: int) -> str:
    """``<unit e-id>-<YYMMDD>-<daily sequence, 4 digits>`` (TT 03/2025 Điều 13)."""
    if not 0 < sequence <= 999_999:
        raise ValueError("daily sequence out of range")
    return f"{unit_code}-{day:%y%m%d}-{sequence:04d}"


def normalize_id_number(kind: str, text: str) -> str:
    """Check an applicant's identity number; raise DomainError with the reason.

    A CCCD / personal identification number has exactly 12 digits; other
    documents are 5–20 letters and digits.
    """
    value = "".join((text or "").split()).upper()
    if kind == "cccd":
        if not re.fullmatch(r"\d{12}", value):
            raise DomainError("Số định danh cá nhân (CCCD) gồm đúng 12 chữ số.")
        return value
    if not re.fullmatch(r"[0-9A-Z-]{5,20}", value):
        raise DomainError("Số giấy tờ gồm 5–20 chữ và số.")
    return value


def normalize_phone(text: str) -> str:
    """A Vietnamese phone number as digits (leading + kept); raise DomainError."""
    value = re.sub(r"[\s.()-]", "", text or "")
    if not re.fullmatch(r"\+?\d{9,12}", value):
        raise DomainError("Số điện thoại không hợp lệ (9–12 chữ số).")
    return value
