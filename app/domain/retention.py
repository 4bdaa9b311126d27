"""How long citizens' personal data is kept, per record type (Luật 91/2025/QH15; Luật Lưu trữ 33/2024/QH15).

Each kind of personal data the system holds follows the retention of the
record types that carry it, as set in the unit's records register (danh mục
hồ sơ, ISO 7.5, ``app.domain.registers``):

- the applicant's details on a dossier appear on the logbook (Mẫu 07), the
  receipt (Mẫu 01), the control slip (Mẫu 06) and the dossier itself
  (hộ tịch: permanent; other fields: the unit's setting), so they are kept as
  long as the longest of these;
- a request turned away at the counter follows Mẫu 02–03;
- citizens' comments on the satisfaction survey follow HAILONG;
- the system's own logs (login addresses, sent-message addresses) follow
  NK-HETHONG.

A period runs, as archives count it, from the year after the one in which
the work ended: a dossier finished in 2026 and kept 10 years may be erased
from 1 January 2037. A record type missing from the register takes the
default below; "permanent" (None) is never erased.

Plain Python: no clock, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# The system's own log: not in the standard register seeds of a unit created
# before it existed, hence a default.
SYSTEM_LOG = "NK-HETHONG"
CIVIL_STATUS = "HS-HOTICH"
OTHER_FIELDS = "HS-TTHC"

DEFAULT_YEARS: dict[str, int | None] = {
    "MAU-07": 20, "MAU-01": 10, "MAU-06": 10, "MAU-02-03": 5, CIVIL_STATUS: None, OTHER_FIELDS: 10,
    "HAILONG": 5, SYSTEM_LOG: 2,
}

ERASED_NAME = "(Đã xoá theo thời hạn lưu)"


class Holding(StrEnum):
    """A kind of personal data the system holds."""

    DOSSIER = "dossier"
    NON_RECEPTION = "non_reception"
    COMMENT = "comment"
    SYSTEM_LOG = "system_log"

    @property
    def label(self) -> str:
        return {Holding.DOSSIER: "Thông tin người nộp, chủ hồ sơ trên hồ sơ đã giải quyết xong",
                Holding.NON_RECEPTION: "Thông tin người nộp trên phiếu từ chối tiếp nhận",
                Holding.COMMENT: "Ý kiến của người dân khi đánh giá sự hài lòng",
                Holding.SYSTEM_LOG: "Địa chỉ IP trong nhật ký đăng nhập, địa chỉ nhận tin nhắn đã gửi"}[self]


def is_civil_status(field_name: str) -> bool:
    """Whether a procedure's field (lĩnh vực) is hộ tịch, whose dossiers are kept permanently."""
    return "hộ tịch" in " ".join(field_name.casefold().split())


def record_codes(holding: Holding, *, civil_status: bool = False) -> tuple[str, ...]:
    """The record types whose retention governs ``holding``."""
    if holding is Holding.DOSSIER:
        return ("MAU-07", "MAU-01", "MAU-06", CIVIL_STATUS if civil_status else OTHER_FIELDS)
    return {Holding.NON_RECEPTION: ("MAU-02-03",), Holding.COMMENT: ("HAILONG",),
            Holding.SYSTEM_LOG: (SYSTEM_LOG,)}[holding]


def years_for(codes: tuple[str, ...], register: Mapping[str, int | None]) -> int | None:
    """The longest retention among ``codes`` (the unit's register first, then the default); None: permanent."""
    longest = 0
    for code in codes:
        years = register[code] if code in register else DEFAULT_YEARS.get(code)
        if years is None:
            return None
        longest = max(longest, years)
    return longest


@dataclass(frozen=True)
class Cutoff:
    """Records whose work ended before ``before`` (a local date) are past their retention."""

    years: int | None
    before: date | None  # None: kept permanently

    def expired(self, ended_on: date) -> bool:
        return self.before is not None and ended_on < self.before


def cutoff(years: int | None, today: date) -> Cutoff:
    """Work that ended in year Y is kept through 31/12 of Y + years: erased from 1/1 of Y + years + 1."""
    if years is None:
        return Cutoff(None, None)
    return Cutoff(years, date(today.year - years, 1, 1))


def erasable_on(ended_on: date, years: int | None) -> date | None:
    """The first day ``ended_on``'s record may be erased; None if never."""
    return None if years is None else date(ended_on.year + years + 1, 1, 1)
