"""Reconciliation with the provincial platform: what differs, and the on-time rate each side would compute.

Plain values in, plain values out. Instants are compared to the second (the
portal writes ``yyyyMMddHHmmss``). A dossier the portal would count late
while Một Cửa does not is a "trễ hạn ảo" (a delay that exists only in the
portal's data): the nightly job opens a nonconformity for each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from app.domain.localtime import to_local


class Gap(StrEnum):
    """How one dossier differs between the two sides."""

    MISSING_ON_PORTAL = "missing_on_portal"
    MISSING_HERE = "missing_here"
    STATUS = "status"
    DUE = "due"
    FINISHED = "finished"

    @property
    def label(self) -> str:
        return {Gap.MISSING_ON_PORTAL: "Chưa có trên cổng", Gap.MISSING_HERE: "Chỉ có trên cổng",
                Gap.STATUS: "Trạng thái khác", Gap.DUE: "Hạn trả khác",
                Gap.FINISHED: "Thời điểm kết thúc khác"}[self]


@dataclass(frozen=True)
class Side:
    """One dossier as one side holds it: national status code, due instant, finish instant."""

    code: str
    status: int
    due_at: datetime
    finished_at: datetime | None = None

    def late(self, now: datetime) -> bool:
        """Whether this side counts the dossier late: finished after its due instant, or open past it."""
        return _second(self.finished_at or now) > _second(self.due_at)


@dataclass(frozen=True)
class Difference:
    code: str
    gap: Gap
    ours: str
    theirs: str


@dataclass(frozen=True)
class Rate:
    """Dossiers finished in the period and how many of them on time."""

    finished: int
    on_time: int

    @property
    def percent(self) -> Decimal | None:
        if not self.finished:
            return None
        return (Decimal(self.on_time) * 100 / self.finished).quantize(Decimal("0.1"))


def _second(instant: datetime) -> datetime:
    return instant.replace(microsecond=0)


def _text(instant: datetime | None) -> str:
    return "—" if instant is None else f"{to_local(instant):%H:%M:%S %d/%m/%Y}"


def compare(ours: Iterable[Side], theirs: Iterable[Side]) -> list[Difference]:
    """Every difference between the two sides, by dossier code then kind."""
    mine, platform = {s.code: s for s in ours}, {s.code: s for s in theirs}
    found: list[Difference] = []
    for code in sorted(mine.keys() | platform.keys()):
        here, there = mine.get(code), platform.get(code)
        if there is None:
            found.append(Difference(code, Gap.MISSING_ON_PORTAL, str(here.status), "—"))  # type: ignore[union-attr]
            continue
        if here is None:
            found.append(Difference(code, Gap.MISSING_HERE, "—", str(there.status)))
            continue
        if here.status != there.status:
            found.append(Difference(code, Gap.STATUS, str(here.status), str(there.status)))
        if _second(here.due_at) != _second(there.due_at):
            found.append(Difference(code, Gap.DUE, _text(here.due_at), _text(there.due_at)))
        if (here.finished_at and _second(here.finished_at)) != (there.finished_at and _second(there.finished_at)):
            found.append(Difference(code, Gap.FINISHED, _text(here.finished_at), _text(there.finished_at)))
    return found


def on_time_rate(sides: Iterable[Side]) -> Rate:
    """Among the compared dossiers (those received in the period) that are finished, how many not late."""
    finished = [s for s in sides if s.finished_at is not None]
    return Rate(len(finished), sum(1 for s in finished if not s.late(s.finished_at)))  # type: ignore[arg-type]


def late_only_on_portal(ours: Iterable[Side], theirs: Iterable[Side], now: datetime) -> list[str]:
    """Codes of dossiers the portal would count late while Một Cửa does not (trễ hạn ảo)."""
    platform = {s.code: s for s in theirs}
    return sorted(s.code for s in ours if s.code in platform and platform[s.code].late(now) and not s.late(now))
