"""What the public status page may say about a dossier, and how (domain.md §8).

The page shows the minimum: status, step, procedure, dates, the receiving
unit. The holder's name is masked ("Nguyễn V. A."). Free text that staff
typed for the file (reasons, notes, lists of missing documents) is never
shown: only the message written for the citizen ("lời nhắn cho công dân"),
and even that is scrubbed of the dossier's names (typed with or without
diacritics), addresses, ID and passport numbers, phones and e-mail addresses
before it is shown. The lookup without the QR needs the dossier code and the
last four digits of the ID number of the person who filed it or whom it is
about.

Plain Python: no clock, no database.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.process import Process, Step
from app.domain.roles import Role
from app.domain.working_hours import WorkingWindow
from app.domain.workflow import DossierStatus

LOOKUP_DIGITS = 4

# Runs of 6 or more digits, possibly grouped by spaces, dots, dashes or brackets: ID numbers
# (9 or 12 digits), phone numbers (10 or 11, "(+84) 912-345-678"), bank accounts. Dates
# (dd/mm/yyyy), small numbers (“02 bản sao”) and amounts of money (“1.500.000 đồng”) are kept.
_LONG_NUMBER = re.compile(
    r"(?<![\w/])(?:\(?\+?\d{1,3}\)[ .\-]?)?\+?\d(?:[ .\-]{0,2}\d){5,}(?![\w/])(?!\s*(?:đồng|đ\b|VNĐ|vnđ|VND))")
# Passports (Vietnamese: a letter and 7 or 8 digits; others: 1–2 letters and 6–9 digits) and
# tax or document numbers mixing letters and 6 or more digits.
_DOCUMENT_NUMBER = re.compile(r"(?<!\w)[A-Za-z]{1,2}[ -]?\d{6,9}(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HIDDEN = "[đã ẩn]"
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


def public_holder(name: str, *, organisation: bool) -> str:
    """The holder as the public page shows them: a person masked ("Nguyễn V. A."), an organisation by its
    name (a company's or cooperative's name is public in its register; masking it as a person's makes
    "Công ty TNHH Hoà Bình" into "Công T. H. B.")."""
    return " ".join(name.split()) if organisation else mask_name(name)


def _folded_char(c: str) -> str:
    """One character as ``fold`` sees it (lower case, no diacritics), still one character."""
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[:1].lower()
    return base if len(base) == 1 else c.lower()


def _spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where ``phrase`` occurs in ``text``, ignoring case, diacritics and the white space between its words."""
    words = [re.escape("".join(_folded_char(c) for c in word)) for word in phrase.split()]
    if not words:
        return []
    folded = "".join(_folded_char(c) for c in text)  # same length as text: positions carry over
    pattern = re.compile(r"(?<!\w)" + r"[\s,.;-]+".join(words) + r"(?!\w)")
    return [m.span() for m in pattern.finditer(folded)]


def _place_parts(places: Iterable[str]) -> set[str]:
    """Each address whole, and each of its comma-separated parts of two words or more ("thôn Trung Hoà")."""
    parts = set()
    for place in places:
        if place and place.strip():
            parts.add(place.strip())
            parts.update(p.strip() for p in re.split(r"[,;]", place) if len(p.split()) >= 2)
    return parts


def redact(text: str, *, names: Iterable[str] = (), places: Iterable[str] = ()) -> str:
    """``text`` fit for the public page: each of ``names`` replaced by its mask, each of ``places``
    (addresses) hidden, whichever way they were typed (with or without diacritics, in any case), and every
    e-mail address, long number (ID, phone, account) and passport or document number hidden."""
    text = unicodedata.normalize("NFC", text)
    replacements: list[tuple[int, int, str]] = []
    for phrase, shown in sorted([(n.strip(), mask_name(n)) for n in names if n and n.strip()]
                                + [(p, HIDDEN) for p in _place_parts(places)],
                                key=lambda item: len(item[0]), reverse=True):
        for start, end in _spans(text, phrase):
            if all(end <= s or start >= e for s, e, _ in replacements):
                replacements.append((start, end, shown))
    for start, end, shown in sorted(replacements, reverse=True):
        text = text[:start] + shown + text[end:]
    text = _EMAIL.sub(HIDDEN, text)
    text = _DOCUMENT_NUMBER.sub(HIDDEN, text)
    return _LONG_NUMBER.sub(HIDDEN, text)


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


PAGE_MAX_AGE = timedelta(days=1)  # a kept status page is made again at least this often (office details, calendar)


def page_changes_at(now: datetime, instants: Iterable[datetime | None], *, counting: bool) -> datetime:
    """The first instant after ``now`` at which a status page made at ``now`` would read differently with nothing
    done to the dossier: the next of the ``instants`` it compares with the clock (the due instant, a step's
    deadline, a planned date, when the result can be collected), the next minute while it ``counting`` a delay
    ("chậm 1 ngày 2 giờ 5 phút"), and at the latest ``PAGE_MAX_AGE`` after ``now``."""
    latest = now + PAGE_MAX_AGE
    if counting:
        latest = min(latest, now.replace(second=0, microsecond=0) + timedelta(minutes=1))
    return min((at for at in instants if at is not None and now < at < latest), default=latest)
