"""Rules of the procedure catalogue: versions in time, documents and steps.

The catalogue is versioned: each version of a procedure has an
effective-from date and an optional effective-to date, and a dossier keeps
the version it was received under. Two versions of the same procedure code in
the same unit must not be in force on the same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from collections.abc import Iterable, Sequence

from app.domain.durations import Duration, validate_step_shares
from app.domain.errors import DomainError
from app.domain.roles import Role


class ProcedureLevel(StrEnum):
    """Level of government that performs the procedure."""

    COMMUNE = "commune"
    PROVINCE = "province"
    INTERLINKED = "interlinked"

    @property
    def label(self) -> str:
        """Vietnamese name of the level."""
        return {
            ProcedureLevel.COMMUNE: "Cấp xã",
            ProcedureLevel.PROVINCE: "Cấp tỉnh",
            ProcedureLevel.INTERLINKED: "Liên thông nhiều cấp",
        }[self]


@dataclass(frozen=True)
class Validity:
    """The days a catalogue version is in force: ``start`` to ``end`` inclusive."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise DomainError("Ngày hết hiệu lực phải sau hoặc trùng ngày có hiệu lực.", field="effective_to")

    def contains(self, day: date) -> bool:
        """Whether the version is in force on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Validity) -> bool:
        """Whether the two periods share at least one day."""
        self_end = self.end or date.max
        other_end = other.end or date.max
        return self.start <= other_end and other.start <= self_end


def close_before(previous: Validity, successor_start: date) -> Validity:
    """Return ``previous`` ended the day before ``successor_start``.

    Used when a new version supersedes an open-ended one. Raises DomainError
    if the successor would start on or before the previous version's start.
    """
    if successor_start <= previous.start:
        raise DomainError(
            "Phiên bản mới phải có hiệu lực sau ngày có hiệu lực của phiên bản đang áp dụng "
            f"({previous.start:%d/%m/%Y}).",
            field="effective_from",
        )
    return Validity(previous.start, successor_start - timedelta(days=1))


@dataclass(frozen=True)
class StepSpec:
    """One step of the internal process: who does it and its share of time."""

    name: str
    share: Decimal
    department_id: int | None = None
    role: Role | None = None


def validate_steps(duration: Duration, steps: Sequence[StepSpec]) -> None:
    """Check that each step names someone responsible and the shares sum up."""
    for index, step in enumerate(steps, start=1):
        if not step.name.strip():
            raise DomainError(f"Bước {index}: vui lòng nhập tên bước.", field="steps")
        if step.role is Role.INSPECTOR:
            raise DomainError(
                f"Bước {index}: vai trò Thanh tra, kiểm tra không thực hiện các bước xử lý hồ sơ.",
                field="steps",
            )
        if step.department_id is None and step.role is None:
            raise DomainError(
                f"Bước {index}: vui lòng chọn bộ phận hoặc vai trò chịu trách nhiệm.", field="steps"
            )
    validate_step_shares(duration, [s.share for s in steps])


@dataclass(frozen=True)
class DocumentSpec:
    """A required document and how many copies of each kind the citizen brings."""

    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0
    requirement: str = "required"  # one of REQUIREMENTS
    group: str = ""  # "alternative": the documents sharing a group name, one of which is enough ("hoặc")


REQUIREMENTS = {"required": "Bắt buộc", "optional": "Không bắt buộc", "alternative": "Một trong nhóm"}
DOCUMENT_NAME_MAX = 500  # the column's length: a longer name was refused by PostgreSQL with a 500


def validate_documents(documents: Sequence[DocumentSpec]) -> None:
    """Check each required document has a name and sane copy counts."""
    seen: set[str] = set()
    for index, doc in enumerate(documents, start=1):
        name = doc.name.strip()
        if not name:
            raise DomainError(f"Giấy tờ {index}: vui lòng nhập tên giấy tờ.", field="documents")
        if len(name) > DOCUMENT_NAME_MAX:
            raise DomainError(f"Giấy tờ {index}: tên tối đa {DOCUMENT_NAME_MAX} ký tự (đang có {len(name)}).",
                              field="documents")
        counts = (doc.originals, doc.certified_copies, doc.photocopies)
        if any(c < 0 or c > 99 for c in counts):
            raise DomainError(f"Giấy tờ {index}: số lượng phải từ 0 đến 99.", field="documents")
        if not any(counts):
            raise DomainError(
                f"Giấy tờ {index}: nhập số bản chính, bản sao hoặc bản photo (ít nhất 1).",
                field="documents",
            )
        if doc.requirement not in REQUIREMENTS:
            raise DomainError(f"Giấy tờ {index}: yêu cầu phải là một trong: {', '.join(REQUIREMENTS.values())}.",
                              field="documents")
        if (doc.requirement == "alternative") != bool(doc.group.strip()):
            raise DomainError(f"Giấy tờ {index}: giấy tờ “một trong nhóm” cần tên nhóm (và chỉ chúng).",
                              field="documents")
        if len(doc.group) > 100:
            raise DomainError(f"Giấy tờ {index}: tên nhóm tối đa 100 ký tự.", field="documents")
        key = name.casefold()
        if key in seen:
            raise DomainError(f"Giấy tờ “{name}” bị lặp lại.", field="documents")
        seen.add(key)


def missing_required(checklist: Sequence[DocumentSpec], received: Iterable[str]) -> list[str]:
    """What of ``checklist`` a dossier cannot be received without, given the names ``received``: each required
    document not received, and each group ("hoặc") none of whose documents was, as "A hoặc B"."""
    got = {" ".join(name.split()).casefold() for name in received}
    missing: list[str] = []
    groups: dict[str, list[str]] = {}
    for document in checklist:
        if document.requirement == "required" and document.name.casefold() not in got:
            missing.append(document.name)
        elif document.requirement == "alternative":
            groups.setdefault(document.group.casefold(), []).append(document.name)
    for names in groups.values():
        if not any(name.casefold() in got for name in names):
            missing.append(" hoặc ".join(names))
    return missing
