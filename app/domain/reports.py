"""Leadership reports: the figures of a group of dossiers over a period, their checks, rankings and trends.

design.md "On-time rate" and domain.md §7. One set of definitions serves the
dashboard, Biểu 06 and the Quyết định 766 indicators, so that no two pages
can disagree about the same number:

- The population of a period is every dossier "received or processed in the
  period": received before the cut-off and not finished before the period
  began. It is Biểu 06's "Tổng số nhận giải quyết" = received online +
  received in person or by post + carried over from the previous period.
- A finished dossier is trước hạn if it finished on a day before its due day,
  đúng hạn if on the due day by the due instant, quá hạn after it. The due
  instant is the legal one (a Mẫu 04 new date does not move it), supplement
  waits excluded; a dossier asked for a supplement more than once is quá hạn
  whatever the dates (Quyết định 766, indicator 2.1).
- An open dossier is trong hạn at the cut-off if the cut-off is not after its
  due instant, or if it waits for a supplement asked for in time.
- The on-time rate is (trước hạn + đúng hạn + trong hạn) / population, shown
  with both counts, and "—" (never 100 %) when the population is empty.

Plain Python: no clock, no database. The SQL lives in ``app.services.reports``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from app.domain.durations import MINUTES_PER_WORKING_DAY
from app.domain.objectives import Measure
from app.domain.timeliness import classify_finished, classify_open

SMALL_SAMPLE = 20  # fewer dossiers than this: shown, not ranked


@dataclass(frozen=True)
class Figures:
    """What happened to one group of dossiers (a unit, a procedure, a field …) over one period."""

    received_online: int = 0
    received_direct: int = 0  # in person or by public post (trực tiếp, bưu chính công ích)
    carried_over: int = 0  # received before the period, still open when it began
    finished_early: int = 0
    finished_on_time: int = 0
    finished_late: int = 0
    open_in_time: int = 0
    open_late: int = 0
    # Counted by their own conditions, so that the checks below test the split columns.
    population: int = 0
    finished: int = 0
    open: int = 0
    supplemented: int = 0  # asked for a supplement at least once
    over_one_supplement: int = 0
    refused: int = 0  # closed by refusal during the period
    withdrawn: int = 0  # withdrawn by the citizen or stopped (Mẫu 05) during the period
    done: int = 0  # finished with a result during the period, processing time known
    work_minutes: int = 0  # their processing time, summed

    def __add__(self, other: Figures) -> Figures:
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(Figures)})

    @property
    def received(self) -> int:
        """Received during the period (Biểu 06: trực tuyến + trực tiếp, bưu chính)."""
        return self.received_online + self.received_direct

    @property
    def total(self) -> int:
        """Biểu 06 "Tổng số": received in the period plus carried over."""
        return self.received + self.carried_over

    @property
    def finished_split(self) -> int:
        return self.finished_early + self.finished_on_time + self.finished_late

    @property
    def open_split(self) -> int:
        return self.open_in_time + self.open_late

    @property
    def on_time(self) -> Measure:
        """Quyết định 766 indicator 2.1: (trước hạn + đúng hạn + trong hạn) / dossiers of the period."""
        return Measure(self.finished_early + self.finished_on_time + self.open_in_time, self.population)

    @property
    def late(self) -> int:
        return self.finished_late + self.open_late

    @property
    def average_days(self) -> Decimal | None:
        """Quyết định 766 indicator 2.2: mean processing time of the dossiers finished with a result, in working days."""
        if not self.done:
            return None
        return (Decimal(self.work_minutes) / self.done / MINUTES_PER_WORKING_DAY).quantize(
            Decimal("0.01"), ROUND_HALF_UP)

    @property
    def small_sample(self) -> bool:
        return self.population < SMALL_SAMPLE

    def checks(self) -> list[Check]:
        """Biểu 06's consistency checks, each with both sides."""
        return [
            Check("Tổng số nhận = trực tuyến + trực tiếp, bưu chính + từ kỳ trước",
                  self.population, self.total),
            Check("Tổng số nhận = đã giải quyết + đang giải quyết", self.population, self.finished + self.open),
            Check("Đã giải quyết = trước hạn + đúng hạn + quá hạn", self.finished, self.finished_split),
            Check("Đang giải quyết = trong hạn + quá hạn", self.open, self.open_split),
        ]


def total(items: Iterable[Figures]) -> Figures:
    result = Figures()
    for item in items:
        result = result + item
    return result


@dataclass(frozen=True)
class Check:
    label: str
    left: int
    right: int

    @property
    def ok(self) -> bool:
        return self.left == self.right


def standing(finished_at: datetime | None, due_at: datetime, cut: datetime, supplements: int) -> str:
    """How one dossier stands at ``cut``, in the words of the reports (the rules of this module's docstring)."""
    if supplements > 1:
        return "Quá hạn (yêu cầu bổ sung quá một lần)"
    if finished_at is not None and finished_at < cut:
        return classify_finished(finished_at, due_at).label
    return classify_open(cut, due_at).label


def days_shown(value: Decimal | None) -> str:
    """“2,45” working days, or “—”."""
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


# --- league table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeagueRow:
    key: int
    label: str
    figures: Figures
    rank: int | None  # None: too few dossiers to rank


def league(rows: Iterable[tuple[int, str, Figures]]) -> tuple[list[LeagueRow], list[LeagueRow]]:
    """Units ranked by on-time rate (ties share a rank), then those with fewer than SMALL_SAMPLE dossiers, unranked.

    Among equal rates the larger population comes first; the rank is the
    same ("1, 2, 2, 4").
    """
    rows = list(rows)
    ranked = sorted((r for r in rows if not r[2].small_sample),
                    key=lambda r: (-(r[2].on_time.rate or 0), -r[2].population, r[1]))
    result: list[LeagueRow] = []
    for index, (key, label, figures) in enumerate(ranked):
        rank = index + 1
        if result and result[-1].figures.on_time.rate == figures.on_time.rate:
            rank = result[-1].rank or rank
        result.append(LeagueRow(key, label, figures, rank))
    small = sorted((r for r in rows if r[2].small_sample), key=lambda r: (-r[2].population, r[1]))
    return result, [LeagueRow(key, label, figures, None) for key, label, figures in small]


# --- steps and officers ------------------------------------------------------------------------


@dataclass(frozen=True)
class StepFigures:
    """How the handovers of one step (or one officer) went over a period, and what is held past its step deadline."""

    early: int = 0
    on_time: int = 0
    late: int = 0
    held: int = 0  # open dossiers at this step / with this officer at the cut-off
    held_late: int = 0  # … past the step's deadline

    def __add__(self, other: StepFigures) -> StepFigures:
        return StepFigures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(StepFigures)))

    @property
    def handed(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def in_time(self) -> Measure:
        """Steps handed on by their deadline / steps handed on."""
        return Measure(self.early + self.on_time, self.handed)


# --- trend -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """One month of the trend: its figures at the month's cut-off."""

    label: str
    population: int = 0
    received: int = 0
    finished_early: int = 0
    finished_on_time: int = 0
    finished_late: int = 0
    open_in_time: int = 0
    open_late: int = 0

    @property
    def on_time(self) -> Measure:
        return Measure(self.finished_early + self.finished_on_time + self.open_in_time, self.population)

    @property
    def finished(self) -> int:
        return self.finished_early + self.finished_on_time + self.finished_late


class FinishClass(StrEnum):
    """How a dossier finished, as the trend query groups it ("" while open)."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    OPEN = "open"


@dataclass(frozen=True)
class BucketGroup:
    """Dossiers sharing the same buckets, as counted by the trend query.

    The buckets number the boundaries b[0] < b[1] < … < b[k] (the trend's
    first instant, then each month's cut-off): the bucket of an instant t is
    how many boundaries are ≤ t (0: before the trend, k + 1: after it or
    never). ``due`` is the bucket of the due instant, replaced by 0 when the
    dossier counts late whatever (more than one supplement) and by k + 1 when
    it waits for a supplement asked for in time.
    """

    received: int
    finished: int
    due: int
    finish: FinishClass
    count: int


def trend_points(labels: Sequence[str], groups: Iterable[BucketGroup]) -> list[TrendPoint]:
    """Each month's figures from the bucket counts: month j runs from b[j] to b[j + 1].

    Month j: received before its cut-off ⟺ received ≤ j + 1; not finished
    before it began ⟺ finished ≥ j + 1; finished in it ⟺ finished = j + 1;
    open at its cut-off ⟺ finished ≥ j + 2; due not before the cut-off ⟺ due ≥ j + 2.
    """
    counts = [dict(population=0, received=0, finished_early=0, finished_on_time=0, finished_late=0,
                   open_in_time=0, open_late=0) for _ in labels]
    for g in groups:
        for j, month in enumerate(counts):
            if g.received > j + 1 or g.finished < j + 1:
                continue
            month["population"] += g.count
            if g.received == j + 1:
                month["received"] += g.count
            if g.finished == j + 1:
                key = {FinishClass.EARLY: "finished_early", FinishClass.ON_TIME: "finished_on_time"}.get(
                    g.finish, "finished_late")
                month[key] += g.count
            elif g.due >= j + 2:
                month["open_in_time"] += g.count
            else:
                month["open_late"] += g.count
    return [TrendPoint(label, **month) for label, month in zip(labels, counts)]


# --- Quyết định 766 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator766:
    """One indicator of Quyết định 766/QĐ-TTg a commune can compute, with its formula and its counts."""

    code: str
    name: str
    formula: str
    numerator: Decimal | int
    denominator: int
    value: Decimal | None  # a percentage, or working days for 2.2
    unit: str  # "%" or "ngày làm việc"
    threshold: Decimal | None = None  # T of the scoring rule, in %
    note: str = ""

    @property
    def shown(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value:.2f}".replace(".", ",") + (" %" if self.unit == "%" else " ngày làm việc")

    @property
    def attainment(self) -> Decimal | None:
        """Share of the indicator's points earned: 100 % at or above T, else R / T (domain.md §7 scoring)."""
        if self.threshold is None or self.value is None:
            return None
        if self.value >= self.threshold:
            return Decimal(100)
        return (Decimal(100) * self.value / self.threshold).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _percent(numerator: int, denominator: int) -> Decimal | None:
    return Measure(numerator, denominator).rate


def indicators_766(figures: Figures, *, unhappy: int) -> list[Indicator766]:
    """Indicators 2.1, 2.2, 3.3 and 5.4 of one group of dossiers over one period.

    ``unhappy``: dossiers of the period whose citizen was dissatisfied
    (overall “Không hài lòng”) or complained.
    """
    on_time = figures.on_time
    late_rate = _percent(figures.late, figures.population)
    unhappy_rate = _percent(unhappy, figures.population)
    satisfied = None if late_rate is None or unhappy_rate is None else max(
        Decimal(0), Decimal(100) - late_rate - unhappy_rate)
    return [
        Indicator766(
            "2.1", "Xử lý hồ sơ trước hạn, đúng hạn",
            "(hồ sơ giải quyết trước hạn + đúng hạn + hồ sơ đang giải quyết còn trong hạn) / hồ sơ tiếp nhận hoặc "
            "đang giải quyết trong kỳ × 100 %; thời gian chờ bổ sung không tính; hồ sơ yêu cầu bổ sung quá một lần "
            "tính là quá hạn",
            on_time.numerator, on_time.denominator, on_time.rate, "%"),
        Indicator766(
            "2.2", "Thời gian giải quyết trung bình",
            "tổng thời gian giải quyết (ngày làm việc, trừ thời gian chờ bổ sung) của các hồ sơ đã có kết quả trong "
            "kỳ / số hồ sơ đó",
            Decimal(figures.work_minutes) / 480, figures.done, figures.average_days, "ngày làm việc",
            note="Theo từng thủ tục: xem bảng bên dưới."),
        Indicator766(
            "3.3", "Hồ sơ trực tuyến",
            "hồ sơ tiếp nhận trực tuyến trong kỳ / hồ sơ tiếp nhận trong kỳ × tỷ lệ đồng bộ × 100 %",
            figures.received_online, figures.received, _percent(figures.received_online, figures.received), "%",
            threshold=Decimal(50),
            note="Tỷ lệ đồng bộ với Cổng Dịch vụ công quốc gia lấy bằng 1 (hồ sơ lệch với Cổng: trang Đối chiếu); "
                 "chưa xét điều kiện trả kết quả điện tử."),
        Indicator766(
            "5.4", "Mức độ hài lòng trong giải quyết thủ tục hành chính",
            "100 % − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ có phản ánh, kiến nghị hoặc đánh giá không hài lòng)",
            max(0, figures.population - figures.late - unhappy), figures.population, satisfied, "%",
            threshold=Decimal(90),
            note=f"Tử số: hồ sơ không quá hạn và không có phản ánh, không hài lòng. Quá hạn: {figures.late}; có phản "
                 f"ánh hoặc không hài lòng: {unhappy}; trên {figures.population} hồ sơ của kỳ."),
    ]
