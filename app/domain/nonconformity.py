"""Nonconformity and corrective action (ISO 9001:2015 clause 10.2; domain.md §6, clause 8.7).

A record opens automatically for every overdue dossier and every second
supplement request, or by hand (a complaint, a wrong or lost result, an
internal-audit finding). The leader then drives a small workflow:

    open ──analyse──▶ action ──complete──▶ verifying ──close──▶ closed
                                              │
                                              └─reopen (not effective)──▶ action

- analyse: the cause, the correction (what was done about this case), the
  corrective action (what removes the cause), its owner and due date. An
  overdue dossier is never closed without a cause: the cause is required to
  leave "open" and checked again at closure.
- complete: the owner (or the leader) says what was done.
- close: the leader checks the effectiveness (ISO 10.2.1 d); an action that
  was not effective goes back to "action" instead.

Plain Python: no clock, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.errors import DomainError
from app.domain.roles import Role

TEXT_MAX = 4000


class Source(StrEnum):
    """Where the nonconformity came from."""

    OVERDUE = "overdue"
    SECOND_SUPPLEMENT = "second_supplement"
    PORTAL_MISMATCH = "portal_mismatch"  # the platform counts late what Một Cửa does not (the nightly reconciliation)
    COMPLAINT = "complaint"
    WRONG_RESULT = "wrong_result"
    LOST_DOCUMENT = "lost_document"
    AUDIT = "audit"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]

    @property
    def automatic(self) -> bool:
        """Opened by the sweep, never by hand."""
        return self in (Source.OVERDUE, Source.SECOND_SUPPLEMENT, Source.PORTAL_MISMATCH)


_SOURCE_LABELS = {
    Source.OVERDUE: "Hồ sơ quá hạn",
    Source.SECOND_SUPPLEMENT: "Yêu cầu bổ sung hồ sơ lần thứ hai",
    Source.PORTAL_MISMATCH: "Số liệu trên cổng lệch: trễ hạn ảo",
    Source.COMPLAINT: "Phản ánh, kiến nghị của người dân",
    Source.WRONG_RESULT: "Kết quả sai sót",
    Source.LOST_DOCUMENT: "Thất lạc hồ sơ, giấy tờ",
    Source.AUDIT: "Phát hiện qua đánh giá nội bộ",
    Source.OTHER: "Khác",
}
MANUAL_SOURCES = tuple(s for s in Source if not s.automatic)


class Status(StrEnum):
    OPEN = "open"
    ACTION = "action"
    VERIFYING = "verifying"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            Status.OPEN: "Mới phát hiện",
            Status.ACTION: "Đang khắc phục",
            Status.VERIFYING: "Chờ đánh giá hiệu lực",
            Status.CLOSED: "Đã đóng",
        }[self]


class Step(StrEnum):
    """A move of the workflow; each is one audited change."""

    ANALYSE = "analyse"
    COMPLETE = "complete"
    CLOSE = "close"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return {
            Step.ANALYSE: "Ghi nguyên nhân và hành động khắc phục",
            Step.COMPLETE: "Báo cáo đã thực hiện hành động khắc phục",
            Step.CLOSE: "Đánh giá hiệu lực và đóng",
            Step.REOPEN: "Chưa hiệu quả, khắc phục lại",
        }[self]


@dataclass(frozen=True)
class Move:
    sources: frozenset[Status]
    target: Status


MOVES = {
    Step.ANALYSE: Move(frozenset({Status.OPEN, Status.ACTION}), Status.ACTION),
    Step.COMPLETE: Move(frozenset({Status.ACTION}), Status.VERIFYING),
    Step.CLOSE: Move(frozenset({Status.VERIFYING}), Status.CLOSED),
    Step.REOPEN: Move(frozenset({Status.VERIFYING}), Status.ACTION),
}


class NonconformityError(DomainError):
    """A move the record's state, the person or the values do not allow."""


@dataclass(frozen=True)
class Record:
    """What the rules look at: the record's state and who owns its action."""

    status: Status
    source: Source
    cause: str
    owner_id: int | None


@dataclass(frozen=True)
class Analysis:
    cause: str
    correction: str
    corrective_action: str
    owner_id: int | None
    action_due_on: date | None


def steps_for(record: Record, person_id: int, roles: Iterable[Role]) -> list[Step]:
    """The moves ``person`` may make on ``record`` now (the page's buttons)."""
    held = frozenset(roles)
    leader = Role.LEADER in held
    result = []
    for step, move in MOVES.items():
        if record.status not in move.sources:
            continue
        if step is Step.COMPLETE:
            if leader or (record.owner_id is not None and record.owner_id == person_id):
                result.append(step)
        elif leader:
            result.append(step)
    return result


def check_step(record: Record, step: Step, person_id: int, roles: Iterable[Role]) -> Status:
    """The status after ``step``, or NonconformityError saying why not in Vietnamese."""
    move = MOVES[step]
    if record.status not in move.sources:
        raise NonconformityError(
            f"Không thể “{step.label.lower()}” khi hồ sơ không phù hợp đang ở trạng thái “{record.status.label}”."
        )
    if step not in steps_for(record, person_id, roles):
        who = "lãnh đạo hoặc người được giao thực hiện" if step is Step.COMPLETE else "lãnh đạo"
        raise NonconformityError(f"Chỉ {who} được “{step.label.lower()}”.")
    return move.target


def check_analysis(analysis: Analysis, *, opened_on: date) -> dict[str, str]:
    """Errors (field → Vietnamese message) of the analysis a leader wrote; empty if it is complete."""
    errors: dict[str, str] = {}
    for field, value, what in (
        ("cause", analysis.cause, "nguyên nhân"),
        ("correction", analysis.correction, "biện pháp xử lý (khắc phục ngay)"),
        ("corrective_action", analysis.corrective_action, "hành động khắc phục (loại bỏ nguyên nhân)"),
    ):
        if len(value.strip()) < 5:
            errors[field] = f"Vui lòng ghi rõ {what}."
        elif len(value) > TEXT_MAX:
            errors[field] = f"Tối đa {TEXT_MAX} ký tự."
    if analysis.owner_id is None:
        errors["owner_id"] = "Vui lòng chọn người chịu trách nhiệm thực hiện."
    if analysis.action_due_on is None:
        errors["action_due_on"] = "Vui lòng chọn thời hạn hoàn thành."
    elif analysis.action_due_on < opened_on:
        errors["action_due_on"] = "Thời hạn hoàn thành không được trước ngày phát hiện."
    return errors


def check_closure(record: Record, effectiveness: str) -> dict[str, str]:
    """Errors of a closure: nothing closes without its cause, nor without the effectiveness check written."""
    errors: dict[str, str] = {}
    if len(record.cause.strip()) < 5:
        errors["cause"] = "Chưa ghi nguyên nhân: không thể đóng hồ sơ không phù hợp."
    if len(effectiveness.strip()) < 5:
        errors["effectiveness"] = "Vui lòng ghi kết quả đánh giá hiệu lực của hành động khắc phục."
    elif len(effectiveness) > TEXT_MAX:
        errors["effectiveness"] = f"Tối đa {TEXT_MAX} ký tự."
    return errors


def describe(source: Source, facts: Mapping[str, str]) -> str:
    """The "what happened" sentence of an automatic record, from its facts (code, due, step, holder)."""
    code = facts.get("code", "")
    where = ""
    if facts.get("step"):
        where = f" Bước: “{facts['step']}”"
        if facts.get("holder"):
            where += f", người giữ hồ sơ: {facts['holder']}"
        where += "."
    if source is Source.OVERDUE:
        return f"Hồ sơ {code} quá thời hạn giải quyết (hạn {facts.get('due', '')}).{where}"
    if source is Source.SECOND_SUPPLEMENT:
        return f"Hồ sơ {code} bị yêu cầu bổ sung lần thứ hai; chỉ số 766 tính hồ sơ này là quá hạn.{where}"
    return facts.get("description", "")
