"""Legal durations of procedures and the shares of them given to each step.

A procedure's legal duration is a value and a kind (design.md "Time"):
working days (fractions allowed, 1 day = 8 working hours), working hours,
calendar days (rolled forward to a working day), or "trong ngày" (same day
before the cut-off, else the next working day).

Each step of the internal process gets a share of the duration, in the
duration's own unit; the shares of a procedure sum exactly to its duration.
A same-day procedure is one working day long for that purpose, so its shares
are working hours that sum to 8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Iterable

from app.domain.errors import DomainError

WORKING_HOURS_PER_DAY = 8
MINUTES_PER_WORKING_DAY = WORKING_HOURS_PER_DAY * 60

# Upper bounds that catch typing slips (3000 instead of 30) without refusing
# any real procedure: the longest commune procedures run a few months.
_MAX_VALUE = {
    "working_days": Decimal(365),
    "working_hours": Decimal(365 * WORKING_HOURS_PER_DAY),
    "calendar_days": Decimal(730),
    "same_day": Decimal(1),
}


class DurationKind(StrEnum):
    """How a legal duration is counted."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    SAME_DAY = "same_day"

    @property
    def label(self) -> str:
        """Vietnamese name of the kind, as in the procedure catalogue."""
        return {
            DurationKind.WORKING_DAYS: "Ngày làm việc",
            DurationKind.WORKING_HOURS: "Giờ làm việc",
            DurationKind.CALENDAR_DAYS: "Ngày (theo lịch)",
            DurationKind.SAME_DAY: "Trong ngày",
        }[self]

    @property
    def share_unit(self) -> str:
        """Vietnamese unit in which step shares of this kind are written."""
        return {
            DurationKind.WORKING_DAYS: "ngày làm việc",
            DurationKind.WORKING_HOURS: "giờ làm việc",
            DurationKind.CALENDAR_DAYS: "ngày",
            DurationKind.SAME_DAY: "giờ làm việc",
        }[self]


class SupplementPolicy(StrEnum):
    """What the clock does while the citizen supplements the dossier."""

    PAUSE = "pause"
    RESTART = "restart"

    @property
    def label(self) -> str:
        """Vietnamese description of the policy."""
        return {
            SupplementPolicy.PAUSE: "Tạm dừng, cộng thêm thời gian chờ bổ sung",
            SupplementPolicy.RESTART: "Tính lại từ đầu khi nhận đủ hồ sơ",
        }[self]


def parse_amount(text: str | Decimal | int | float | None) -> Decimal:
    """Read a positive amount typed by a user ("1,5" or "1.5"); raise DomainError."""
    if isinstance(text, Decimal):
        amount = text
    elif isinstance(text, (int, float)):
        amount = Decimal(str(text))
    else:
        cleaned = (text or "").strip().replace(",", ".")
        if not cleaned:
            raise DomainError("Vui lòng nhập thời gian.")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise DomainError(f"“{text}” không phải là một số hợp lệ.") from None
    if not amount.is_finite():
        raise DomainError("Thời gian phải là một số hữu hạn.")
    return amount


def format_amount(amount: Decimal) -> str:
    """Write an amount the Vietnamese way: 0,5 and 3 (never 3.00)."""
    normalized = amount.normalize()
    if normalized == normalized.to_integral_value():
        return str(int(normalized))
    return format(normalized, "f").replace(".", ",")


@dataclass(frozen=True, slots=True)
class Duration:
    """A legal duration: ``value`` counted in ``kind`` (1 for same-day)."""

    kind: DurationKind
    value: Decimal
    # Working minutes of the whole duration, worked out once (None for calendar days
    # or a length that is not whole minutes): the hot paths read it, not the Decimal.
    minutes: int | None = field(init=False, repr=False, compare=False)
    # The same in microseconds for working days and hours (the due-date engine's fast path), else None.
    working_micros: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        minutes = None
        if self.kind is DurationKind.SAME_DAY:
            minutes = MINUTES_PER_WORKING_DAY
        elif self.kind is not DurationKind.CALENDAR_DAYS:
            per_unit = MINUTES_PER_WORKING_DAY if self.kind is DurationKind.WORKING_DAYS else 60
            exact = Decimal(self.value) * per_unit
            if exact == exact.to_integral_value():
                minutes = int(exact)
        object.__setattr__(self, "minutes", minutes)
        working = self.kind in (DurationKind.WORKING_DAYS, DurationKind.WORKING_HOURS) and minutes is not None
        object.__setattr__(self, "working_micros", minutes * 60_000_000 if working else None)

    @classmethod
    def of(cls, kind: DurationKind | str, value: Decimal | str | int | float | None) -> Duration:
        """Build and validate a duration; raise DomainError with a Vietnamese message."""
        kind = DurationKind(kind)
        if kind is DurationKind.SAME_DAY:
            # "Trong ngày" has no number of its own; any value typed is ignored.
            return cls(kind, Decimal(1))
        amount = parse_amount(value)
        _check_amount(kind, amount, what="Thời hạn giải quyết")
        if amount > _MAX_VALUE[kind]:
            raise DomainError(
                f"Thời hạn giải quyết không được vượt quá "
                f"{format_amount(_MAX_VALUE[kind])} {kind.share_unit}."
            )
        return cls(kind, amount)

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read the short form: "3d", "0.5d", "4h", "15cd" (calendar days), "same-day".

        Raises ValueError (a DomainError) with a Vietnamese message.
        """
        cleaned = (text or "").strip().lower().replace(",", ".")
        if cleaned in ("same-day", "sameday", "trong-ngay", "trong ngày"):
            return cls(DurationKind.SAME_DAY, Decimal(1))
        for suffix, kind in (("cd", DurationKind.CALENDAR_DAYS), ("d", DurationKind.WORKING_DAYS),
                             ("h", DurationKind.WORKING_HOURS)):
            if cleaned.endswith(suffix) and cleaned[: -len(suffix)].strip():
                return cls.of(kind, cleaned[: -len(suffix)].strip())
        raise DomainError(
            f"“{text}” không phải thời hạn hợp lệ; viết như 3d, 0.5d, 4h, 15cd hoặc same-day."
        )

    def __str__(self) -> str:
        if self.kind is DurationKind.SAME_DAY:
            return "same-day"
        suffix = {DurationKind.WORKING_DAYS: "d", DurationKind.WORKING_HOURS: "h",
                  DurationKind.CALENDAR_DAYS: "cd"}[self.kind]
        return f"{self.value.normalize():f}{suffix}"

    @property
    def share_total(self) -> Decimal:
        """The amount the step shares must add up to, in ``kind.share_unit``."""
        if self.kind is DurationKind.SAME_DAY:
            return Decimal(WORKING_HOURS_PER_DAY)
        return self.value

    def working_minutes(self, amount: Decimal | None = None) -> int:
        """Working minutes in ``amount`` share units (default: the whole duration).

        Calendar-day durations are not counted in working time; asking for
        their working minutes is a programming error.
        """
        amount = self.share_total if amount is None else amount
        if self.kind is DurationKind.WORKING_DAYS:
            minutes = amount * MINUTES_PER_WORKING_DAY
        elif self.kind in (DurationKind.WORKING_HOURS, DurationKind.SAME_DAY):
            minutes = amount * 60
        else:
            raise ValueError("calendar-day durations have no working-minute length")
        if minutes != minutes.to_integral_value():
            raise ValueError(f"{amount} {self.kind} is not a whole number of minutes")
        return int(minutes)

    def describe(self) -> str:
        """Vietnamese phrase for forms and lists, e.g. "03 ngày làm việc"."""
        if self.kind is DurationKind.SAME_DAY:
            return "Trong ngày"
        text = format_amount(self.value)
        if self.value == self.value.to_integral_value() and self.value < 10:
            text = f"0{text}"
        return f"{text} {self.kind.share_unit}"


def _check_amount(kind: DurationKind, amount: Decimal, *, what: str) -> None:
    """Check that ``amount`` is positive and has the resolution ``kind`` allows."""
    if amount <= 0:
        raise DomainError(f"{what} phải lớn hơn 0.")
    if kind is DurationKind.CALENDAR_DAYS:
        if amount != amount.to_integral_value():
            raise DomainError(f"{what} tính theo ngày lịch phải là số nguyên.")
        return
    per_unit = MINUTES_PER_WORKING_DAY if kind is DurationKind.WORKING_DAYS else 60
    minutes = amount * per_unit
    if minutes != minutes.to_integral_value():
        raise DomainError(
            f"{what} phải quy đổi được thành số phút làm việc nguyên "
            f"(ví dụ 0,5 hoặc 0,25 {kind.share_unit})."
        )


def validate_step_shares(duration: Duration, shares: Iterable[Decimal]) -> None:
    """Check every step share and that together they equal the duration.

    Raises DomainError naming the step (1-based) or the total that is wrong.
    """
    shares = list(shares)
    if not shares:
        raise DomainError("Quy trình nội bộ phải có ít nhất một bước.", field="steps")
    total = Decimal(0)
    for index, share in enumerate(shares, start=1):
        _check_amount(duration.kind, share, what=f"Thời gian của bước {index}")
        total += share
    if total != duration.share_total:
        unit = duration.kind.share_unit
        raise DomainError(
            f"Tổng thời gian các bước ({format_amount(total)} {unit}) phải bằng "
            f"thời hạn giải quyết ({format_amount(duration.share_total)} {unit}).",
            field="steps",
        )
