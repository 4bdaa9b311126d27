"""Quality objectives (ISO 9001:2015 clauses 6.2 and 9.1; domain.md §6 "Typical quality objectives").

A unit sets, per year, a target for each indicator it follows; the system
measures each indicator per month and per quarter from the dossiers
themselves and shows it against the target. Every indicator is a rate with
its numerator and denominator, and an empty denominator is "no data" (shown
"—"), never 100 %.

Plain Python: no clock, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from app.domain.errors import DomainError


class Indicator(StrEnum):
    ON_TIME = "on_time"
    APOLOGY = "apology"
    ONE_SUPPLEMENT = "one_supplement"
    SATISFACTION = "satisfaction"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return _LABELS[self][0]

    @property
    def formula(self) -> str:
        """How it is computed, in words, shown beside the figure."""
        return _LABELS[self][1]

    @property
    def default_target(self) -> Decimal:
        return _DEFAULT_TARGETS[self]


_LABELS = {
    Indicator.ON_TIME: (
        "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "(hồ sơ hoàn thành trước hoặc đúng hạn + hồ sơ đang giải quyết còn trong hạn) / hồ sơ tiếp nhận hoặc "
        "đang giải quyết trong kỳ; thời gian chờ bổ sung không tính; hồ sơ yêu cầu bổ sung quá một lần tính là "
        "quá hạn (Quyết định 766, chỉ số 2.1)",
    ),
    Indicator.APOLOGY: (
        "Tỷ lệ hồ sơ quá hạn có văn bản xin lỗi",
        "hồ sơ quá hạn trong kỳ có văn bản xin lỗi (Mẫu 04) / hồ sơ quá hạn trong kỳ (đã hoàn thành quá hạn "
        "hoặc đang giải quyết quá hạn)",
    ),
    Indicator.ONE_SUPPLEMENT: (
        "Tỷ lệ hồ sơ yêu cầu bổ sung không quá một lần",
        "hồ sơ tiếp nhận hoặc đang giải quyết trong kỳ bị yêu cầu bổ sung nhiều nhất một lần / "
        "hồ sơ tiếp nhận hoặc đang giải quyết trong kỳ",
    ),
    Indicator.SATISFACTION: (
        "Tỷ lệ người dân hài lòng",
        "đánh giá “Rất hài lòng” hoặc “Hài lòng” (tiêu chí đánh giá chung) / số đánh giá nhận được trong kỳ",
    ),
    Indicator.ONLINE: (
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
        "hồ sơ tiếp nhận trực tuyến trong kỳ / hồ sơ tiếp nhận trong kỳ (Quyết định 766, chỉ số 3.3)",
    ),
}
_DEFAULT_TARGETS = {
    Indicator.ON_TIME: Decimal("98"),
    Indicator.APOLOGY: Decimal("100"),
    Indicator.ONE_SUPPLEMENT: Decimal("100"),
    Indicator.SATISFACTION: Decimal("90"),
    Indicator.ONLINE: Decimal("50"),
}


def check_target(text: str) -> Decimal:
    """A target percentage typed by a person (“98”, “97,5”), or DomainError."""
    cleaned = (text or "").strip().replace(",", ".").rstrip("%").strip()
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        raise DomainError("Chỉ tiêu phải là một số phần trăm, ví dụ 98 hoặc 97,5.", field="target") from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise DomainError("Chỉ tiêu phải từ 0 đến 100 (%).", field="target")
    if value != value.quantize(Decimal("0.01")):
        raise DomainError("Chỉ tiêu có nhiều nhất hai chữ số thập phân.", field="target")
    return value


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"  # any run of days (reports), never an objective's period

    @property
    def label(self) -> str:
        return {PeriodKind.MONTH: "Tháng", PeriodKind.QUARTER: "Quý", PeriodKind.YEAR: "Năm",
                PeriodKind.CUSTOM: "Khoảng ngày"}[self]


@dataclass(frozen=True, order=True)
class Period:
    """A month, quarter or year as local dates: ``start`` included, ``end`` excluded."""

    start: date
    end: date
    kind: PeriodKind

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"Tháng {self.start.month:02d}/{self.start.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"Quý {'I II III IV'.split()[(self.start.month - 1) // 3]}/{self.start.year}"
        if self.kind is PeriodKind.CUSTOM:
            return f"Từ {self.start:%d/%m/%Y} đến {self.last_day:%d/%m/%Y}"
        return f"Năm {self.start.year}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def slug(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}-q{(self.start.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.CUSTOM:
            return f"{self.start.isoformat()}..{self.last_day.isoformat()}"
        return str(self.start.year)


def month(year: int, number: int) -> Period:
    start = date(year, number, 1)
    end = date(year + (number == 12), number % 12 + 1, 1)
    return Period(start, end, PeriodKind.MONTH)


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    return Period(date(year, first, 1), date(year + (number == 4), (first + 2) % 12 + 1, 1), PeriodKind.QUARTER)


def whole_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year + 1, 1, 1), PeriodKind.YEAR)


MAX_CUSTOM_DAYS = 366 * 3


def custom(first: date, last: date) -> Period:
    """The days from ``first`` to ``last``, both included, or DomainError."""
    if last < first:
        raise DomainError("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.", field="period")
    if not (date(2000, 1, 1) <= first and last <= date(2100, 12, 31)):
        raise DomainError("Khoảng ngày phải nằm trong các năm 2000–2100.", field="period")
    if (last - first).days >= MAX_CUSTOM_DAYS:
        raise DomainError("Khoảng ngày dài nhất là ba năm.", field="period")
    return Period(first, last + timedelta(days=1), PeriodKind.CUSTOM)


def months_in(period: Period) -> list[Period]:
    """The months a period covers, the first and last cut to the period's days when it is a custom one."""
    result = []
    year, number = period.start.year, period.start.month
    while date(year, number, 1) < period.end:
        whole = month(year, number)
        if whole.start >= period.start and whole.end <= period.end:
            result.append(whole)
        else:
            result.append(Period(max(whole.start, period.start), min(whole.end, period.end), PeriodKind.CUSTOM))
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return result


def trend_window(period: Period, *, months: int = 12) -> Period:
    """The months a trend chart shows for ``period``: its own when it spans at least six, else the ``months`` up to it."""
    own = months_in(period)
    if len(own) >= 6:
        return period
    last = own[-1]
    year, number = last.start.year, last.start.month - (months - 1)
    while number < 1:
        year, number = year - 1, number + 12
    return Period(date(year, number, 1), period.end, PeriodKind.CUSTOM)


def periods_of(year: int) -> list[Period]:
    """The twelve months, four quarters and the year."""
    return [*(month(year, m) for m in range(1, 13)), *(quarter(year, q) for q in range(1, 5)), whole_year(year)]


def recent_periods(today: date) -> list[tuple[int, list[Period]]]:
    """This year and last year, each with the year, then its quarters and months that have begun, newest first."""
    groups = []
    for year in (today.year, today.year - 1):
        begun = [p for p in periods_of(year) if p.start <= today]
        groups.append((year, [p for kind in (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH)
                              for p in reversed(begun) if p.kind is kind]))
    return groups


def parse_period(text: str) -> Period:
    """“2026-11”, “2026-q4”, “2026” or “2026-11-01..2026-11-15” (a period's slug), or DomainError."""
    cleaned = (text or "").strip().lower()
    if ".." in cleaned:
        first, _, last = cleaned.partition("..")
        try:
            return custom(date.fromisoformat(first.strip()), date.fromisoformat(last.strip()))
        except ValueError:
            raise DomainError("Khoảng ngày không hợp lệ; viết như 2026-11-01..2026-11-15.", field="period") from None
    try:
        if len(cleaned) == 4:
            return whole_year(int(cleaned))
        year_text, rest = cleaned.split("-", 1)
        year = int(year_text)
        if not 2000 <= year <= 2100:
            raise ValueError
        if rest.startswith("q"):
            number = int(rest[1:])
            if not 1 <= number <= 4:
                raise ValueError
            return quarter(year, number)
        number = int(rest)
        if not 1 <= number <= 12:
            raise ValueError
        return month(year, number)
    except ValueError:
        raise DomainError("Kỳ không hợp lệ; viết như 2026-11 (tháng), 2026-q4 (quý) hoặc 2026 (năm).",
                          field="period") from None


@dataclass(frozen=True)
class Measure:
    """One indicator measured over one period."""

    numerator: int
    denominator: int

    @property
    def rate(self) -> Decimal | None:
        """Percentage with two decimals, or None when there is nothing to measure."""
        if self.denominator == 0:
            return None
        return (Decimal(100) * self.numerator / self.denominator).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def met(self, target: Decimal) -> bool | None:
        """Whether the target is reached (None: no data)."""
        rate = self.rate
        return None if rate is None else rate >= target

    @property
    def shown(self) -> str:
        """“97,50 %” or “—”."""
        rate = self.rate
        if rate is None:
            return "—"
        return f"{rate:.2f}".replace(".", ",") + " %"
