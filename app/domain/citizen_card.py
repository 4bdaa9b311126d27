"""The QR code on the front of a chip-based Căn cước / CCCD, as a USB 2D scanner types it.

Fields separated by ``|``: the 12-digit personal number, the old 9-digit ID
(empty on cards of people who never had one), the full name, the date of
birth ``ddmmyyyy``, the sex, the permanent address, the date of issue
``ddmmyyyy``; newer cards may add fields after these, which are ignored. The
scanner may add a carriage return or a line feed; a name may arrive
decomposed (NFD). A scan cut short is refused with a message saying so, never
half-read into the form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from app.domain.errors import DomainError

FIELDS = 7
_DIGITS12 = re.compile(r"[0-9]{12}")
_OLD_ID = re.compile(r"(?:[0-9]{9}|[0-9]{12})?")
_DAY = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")


@dataclass(frozen=True)
class CitizenCard:
    id_number: str
    old_id: str
    name: str
    birth_date: date
    sex: str
    address: str
    issued_on: date


def looks_like_card(text: str) -> bool:
    """Whether a typed value is a card's QR rather than a name (a 12-digit number, then a bar)."""
    return bool(re.match(r"\s*[0-9]{12}\|", text or ""))


def read_card(text: str) -> CitizenCard:
    """The card's fields; DomainError with a Vietnamese message when the scan is not a whole card QR."""
    clean = unicodedata.normalize("NFC", (text or "").replace("\r", "").replace("\n", "")).strip()
    if not clean:
        raise DomainError("Chưa có dữ liệu quét từ thẻ căn cước.")
    fields = [" ".join(part.split()) for part in clean.split("|")]
    if len(fields) < FIELDS or not fields[6]:
        raise DomainError(f"Mã QR trên thẻ căn cước chưa được đọc hết ({min(len(fields), FIELDS)}/{FIELDS} trường); "
                          "vui lòng quét lại.")
    number, old, name, born, sex, address, issued = fields[:FIELDS]
    if not _DIGITS12.fullmatch(number):
        raise DomainError("Số định danh cá nhân trên mã QR phải gồm đúng 12 chữ số; vui lòng quét lại.")
    if not _OLD_ID.fullmatch(old):
        raise DomainError("Số chứng minh nhân dân cũ trên mã QR không hợp lệ; vui lòng quét lại.")
    if not name or any(c.isdigit() for c in name):
        raise DomainError("Họ tên trên mã QR không hợp lệ; vui lòng quét lại.")
    if not address:
        raise DomainError("Mã QR không có nơi thường trú; vui lòng quét lại hoặc nhập tay.")
    return CitizenCard(number, old, name, _day(born, "ngày sinh"), sex, address, _day(issued, "ngày cấp"))


def _day(text: str, what: str) -> date:
    found = _DAY.fullmatch(text)
    try:
        if found is None:
            raise ValueError(text)
        day, month, year = (int(g) for g in found.groups())
        return date(year, month, day)
    except ValueError:
        raise DomainError(f"Mã QR có {what} không hợp lệ (“{text}”, cần ddmmyyyy); vui lòng quét lại.") from None
