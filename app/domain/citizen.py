"""What the public status page may say about a dossier, and how (domain.md §8).

The page shows the minimum: status, step, procedure, dates, the receiving
unit. The holder's name is masked ("Nguyễn V. A."); ID numbers, phones and
addresses never appear, not even inside the free text staff wrote for the
citizen (a reason, a list of missing documents), which is scrubbed before
it is shown. The lookup without the QR needs the dossier code and the last
four digits of an ID number or phone of the dossier.

Plain Python: no clock, no database.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.process import Process, Step
from app.domain.roles import Role
from app.domain.working_hours import WorkingWindow
from app.domain.workflow import DossierStatus

LOOKUP_DIGITS = 4

# Runs of 6 or more digits, possibly grouped by spaces, dots or dashes: ID numbers
# (9 or 12 digits), phone numbers (10 or 11), bank accounts. Dates (dd/mm/yyyy) and
# small numbers (“02 bản sao”) and amounts of money (“1.500.000 đồng”) are kept.
_LONG_NUMBER = re.compile(r"(?<![\w/])\+?\d(?:[ .\-]?\d){5,}(?![\w/])(?!\s*(?:đồng|đ\b|VNĐ|vnđ|VND))")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_OFFICE_WORDS = ("phòng", "văn phòng", "ban", "bộ phận", "trung tâm", "công an", "ủy ban", "uỷ ban", "chi nhánh")


def mask_name(name: str) -> str:
    """"Nguyễn Văn An" → "Nguyễn V. A.": the family name, then initials.

    A one-word name keeps its initial only ("A."); an empty name stays empty.
    """
    words = name.split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][0].upper() + "."
    return " ".join([words[0], *(w[0].upper() + "." for w in words[1:])])


def redact(text: str, *names: str) -> str:
    """``text`` without long numbers, e-mail addresses or any of ``names`` (replaced by their masks)."""
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(re.escape(name), mask_name(name), text, flags=re.IGNORECASE)
    text = _EMAIL.sub("[đã ẩn]", text)
    return _LONG_NUMBER.sub("[đã ẩn]", text)


def digits_of(text: str) -> str:
    """The digits of ``text``, in order ("001 203-004567" → "001203004567")."""
    return "".join(c for c in text if c.isdigit())


def is_lookup_digits(text: str) -> bool:
    """Whether the citizen typed exactly four digits (spaces around ignored)."""
    text = text.strip()
    return len(text) == LOOKUP_DIGITS and text.isascii() and text.isdigit()


def last_digits_match(typed: str, secrets: Iterable[str]) -> bool:
    """Whether ``typed`` (4 digits) ends one of ``secrets`` (ID numbers, phones).

    Every candidate is compared in constant time, so the answer takes as long
    whichever matched, and values with fewer than 4 digits never match.
    """
    typed_bytes = typed.strip().encode()
    matched = False
    for secret in secrets:
        digits = digits_of(secret)
        candidate = digits[-LOOKUP_DIGITS:].encode() if len(digits) >= LOOKUP_DIGITS else b"\xff" * LOOKUP_DIGITS
        matched |= hmac.compare_digest(candidate, typed_bytes)
    return matched and is_lookup_digits(typed)


def holder_phrase(step: Step) -> str:
    """The current step in words for the citizen: "Đang được công chức Tư pháp - Hộ tịch xử lý"."""
    if step.is_desk:
        return "Đang ở Bộ phận tiếp nhận và trả kết quả"
    if step.department_name:
        name = step.department_name
        office = any(name.lower().startswith(word) for word in _OFFICE_WORDS)
        return f"Đang được {name} xử lý" if office else f"Đang được công chức {name} xử lý"
    if step.role is Role.LEADER:
        return "Đang chờ lãnh đạo xem xét, ký duyệt"
    return "Đang được công chức chuyên môn xử lý"


def opening_hours(windows: Iterable[WorkingWindow]) -> str:
    """"sáng 07:30–11:30, chiều 13:30–17:30, từ thứ Hai đến thứ Sáu (trừ ngày nghỉ lễ, tết)"."""
    parts = []
    for window in windows:
        part = "sáng" if window.start.hour < 12 else "chiều" if window.start.hour < 18 else "tối"
        parts.append(f"{part} {window.start:%H:%M}–{window.end:%H:%M}")
    return ", ".join(parts) + ", từ thứ Hai đến thứ Sáu (trừ ngày nghỉ lễ, tết)"


class Phase(StrEnum):
    """Where a step of the citizen's timeline stands."""

    DONE = "done"
    CURRENT = "current"
    NEXT = "next"
    SKIPPED = "skipped"  # the dossier left the process before reaching it

    @property
    def label(self) -> str:
        return {
            Phase.DONE: "Đã xong",
            Phase.CURRENT: "Đang thực hiện",
            Phase.NEXT: "Sắp tới",
            Phase.SKIPPED: "Không thực hiện",
        }[self]


@dataclass(frozen=True)
class TimelineStep:
    """One line of the timeline: a step's name, its phase and the instant worth showing.

    ``at`` is when it was done (DONE), when it started (CURRENT) or its
    planned deadline (NEXT); ``due`` is the deadline of the current step.
    """

    name: str
    phase: Phase
    at: datetime | None = None
    due: datetime | None = None


def timeline(
    process: Process,
    *,
    status: DossierStatus,
    position: int,
    step_started_at: datetime,
    step_due_at: datetime,
    finished_at: datetime | None,
    returned_at: datetime | None,
    due_effective: datetime,
    done_at: Mapping[int, datetime],
    planned: Mapping[int, datetime],
    now: datetime,
) -> tuple[TimelineStep, ...]:
    """The steps of the process as the citizen sees them: done, current, next or not carried out.

    ``done_at`` maps a step to when it was handed on (the control slip);
    ``planned`` maps steps still to come to their planned deadlines. A plan
    already missed, and every plan while the clock waits for the citizen's
    supplement, is shown without a date rather than with a wrong one. Once
    the result is at the desk, the wait is the citizen's: no deadline.
    """
    last = process.result_position
    closed = status in (DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED)
    paused = status is DossierStatus.SUPPLEMENT_REQUESTED
    steps = []
    for index in range(1, last + 1):
        step = process.step(index)
        name = step.name if index < last or process.return_position else "Trả kết quả"
        if index == last and status is DossierStatus.RETURNED:
            steps.append(TimelineStep(name, Phase.DONE, returned_at))
        elif index < position:
            steps.append(TimelineStep(name, Phase.DONE, done_at.get(index)))
        elif index == position and closed:
            steps.append(TimelineStep(name, Phase.DONE, finished_at))
        elif index == position:
            due = None if paused or status is DossierStatus.DONE else step_due_at
            started = finished_at if index == last and finished_at else step_started_at
            steps.append(TimelineStep(name, Phase.CURRENT, started, due))
        elif closed:
            steps.append(TimelineStep(name, Phase.SKIPPED))
        else:
            at = due_effective if index == last else planned.get(index)
            if paused or (at is not None and at < now):
                at = None
            steps.append(TimelineStep(name, Phase.NEXT, at))
    return tuple(steps)
