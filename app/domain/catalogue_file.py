"""The province's catalogue file (XLSX or JSON, docs/integration/catalogue.md), read into plain entries.

Three tables, each a list of rows keyed by its column headings: "Thủ tục"
(one row per procedure), "Thành phần hồ sơ" and "Quy trình" (rows naming
their procedure by its national code). ``read_catalogue`` returns the
entries and every problem found, each naming its table and row, so that a
file is refused whole and explained, never half-imported. ``differences``
says which parts of a procedure a file changes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.domain.catalogue import REQUIREMENTS, ProcedureLevel
from app.domain.codes import normalize_procedure_code
from app.domain.durations import Duration, DurationKind, SupplementPolicy, parse_amount
from app.domain.errors import DomainError
from app.domain.roles import Role

PROCEDURES, DOCUMENTS, STEPS = "Thủ tục", "Thành phần hồ sơ", "Quy trình"
PROCEDURE_COLUMNS = ("Mã TTHC", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Loại thời hạn", "Thời hạn",
                     "Khi bổ sung hồ sơ", "Phí, lệ phí", "Kết quả", "Căn cứ pháp lý", "Quyết định công bố",
                     "Ngày hiệu lực")
DOCUMENT_COLUMNS = ("Mã TTHC", "STT", "Tên giấy tờ", "Yêu cầu", "Nhóm", "Bản chính", "Bản sao chứng thực", "Bản photo")
STEP_COLUMNS = ("Mã TTHC", "Bước", "Tên bước", "Bộ phận", "Vai trò", "Giờ làm việc")
COLUMNS = {PROCEDURES: PROCEDURE_COLUMNS, DOCUMENTS: DOCUMENT_COLUMNS, STEPS: STEP_COLUMNS}
REQUIRED = {PROCEDURES: ("Mã TTHC", "Tên thủ tục", "Lĩnh vực", "Loại thời hạn", "Ngày hiệu lực"),
            DOCUMENTS: ("Mã TTHC", "Tên giấy tờ"), STEPS: ("Mã TTHC", "Tên bước", "Giờ làm việc")}
HOURS_PER_DAY = Decimal(8)


@dataclass(frozen=True)
class DocumentEntry:
    name: str
    originals: int
    certified_copies: int
    photocopies: int
    requirement: str = "required"
    group: str = ""


@dataclass(frozen=True)
class StepEntry:
    name: str
    department: str  # a department's name at each unit ("" when a role is responsible)
    role: Role | None
    hours: Decimal  # working hours the step has


@dataclass(frozen=True)
class Entry:
    """One procedure of the file."""

    code: str
    name: str
    field_name: str
    level: ProcedureLevel
    duration: Duration
    supplement_policy: SupplementPolicy
    fee_text: str
    result_text: str
    legal_basis: str
    published_by: str
    effective_from: date
    documents: tuple[DocumentEntry, ...] = ()
    steps: tuple[StepEntry, ...] = ()

    def share(self, step: StepEntry) -> Decimal:
        """A step's share in the unit the catalogue writes it in (days, or hours for same-day and hourly ones)."""
        if self.duration.kind in (DurationKind.SAME_DAY, DurationKind.WORKING_HOURS):
            return step.hours
        return step.hours / HOURS_PER_DAY

    def comparable(self) -> dict[str, Any]:
        """What two versions are compared on (the effective date is not: a version is dated by its decision)."""
        return {
            "Tên thủ tục": self.name, "Lĩnh vực": self.field_name, "Cấp thực hiện": self.level.value,
            "Thời hạn": (self.duration.kind.value, Decimal(self.duration.value).normalize()),
            "Khi bổ sung hồ sơ": self.supplement_policy.value, "Phí, lệ phí": self.fee_text, "Kết quả": self.result_text,
            "Căn cứ pháp lý": self.legal_basis, "Quyết định công bố": self.published_by,
            "Thành phần hồ sơ": tuple((d.name, d.originals, d.certified_copies, d.photocopies, d.requirement, d.group)
                                      for d in self.documents),
            "Quy trình": tuple((s.name, s.department, s.role.value if s.role else "", self.share(s).normalize())
                               for s in self.steps),
        }


def differences(entry: Entry, current: Mapping[str, Any]) -> list[str]:
    """The headings of what ``entry`` changes in ``current`` (a version's ``comparable()``); [] when nothing."""
    mine = entry.comparable()
    return [name for name, value in mine.items() if current.get(name) != value]


@dataclass
class Reading:
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_catalogue(tables: Mapping[str, Iterable[Mapping[str, Any]]]) -> Reading:
    """Entries from the three tables (rows numbered from 2, as a spreadsheet shows them below its headings)."""
    reading = Reading()
    missing = [name for name in (PROCEDURES,) if name not in tables]
    if missing:
        reading.problems.append(f"Thiếu bảng “{missing[0]}”.")
        return reading
    documents: dict[str, list[tuple[int, DocumentEntry]]] = {}
    steps: dict[str, list[tuple[int, StepEntry]]] = {}
    for number, row in _rows(tables.get(DOCUMENTS, ())):
        _read(reading, DOCUMENTS, number, row, lambda r: _document(r), documents)
    for number, row in _rows(tables.get(STEPS, ())):
        _read(reading, STEPS, number, row, lambda r: _step(r), steps)
    seen: set[str] = set()
    for number, row in _rows(tables[PROCEDURES]):
        where = f"{PROCEDURES}, dòng {number}"
        try:
            code, head = _procedure(row)
        except DomainError as error:
            reading.problems.append(f"{where}: {error.message}")
            continue
        if code in seen:
            reading.problems.append(f"{where}: mã {code} lặp lại.")
            continue
        seen.add(code)
        entry = Entry(**head, documents=tuple(d for _, d in sorted(documents.pop(code, []), key=lambda x: x[0])),
                      steps=tuple(s for _, s in sorted(steps.pop(code, []), key=lambda x: x[0])))
        if not entry.steps or not entry.documents:
            reading.problems.append(f"{where}: {code} chưa có {'quy trình nội bộ' if not entry.steps else 'thành phần hồ sơ'}"
                                    f" (bảng “{STEPS if not entry.steps else DOCUMENTS}”).")
            continue
        total = sum((entry.share(s) for s in entry.steps), Decimal(0))
        if total != entry.duration.share_total:
            reading.problems.append(f"{where}: các bước của {code} cộng lại {_hours(entry, total)}, khác thời hạn "
                                    f"{_hours(entry, entry.duration.share_total)}.")
            continue
        reading.entries.append(entry)
    for table, orphans in ((DOCUMENTS, documents), (STEPS, steps)):
        for code in sorted(orphans):
            reading.problems.append(f"{table}: mã {code} không có trong bảng “{PROCEDURES}”.")
    return reading


def _hours(entry: Entry, share: Decimal) -> str:
    hours = share if entry.duration.kind in (DurationKind.SAME_DAY, DurationKind.WORKING_HOURS) else share * 8
    return f"{hours.normalize():f} giờ làm việc"


def _rows(rows: Iterable[Mapping[str, Any]]) -> Iterable[tuple[int, dict[str, Any]]]:
    for number, row in enumerate(rows, start=2):
        clean = {str(k).strip(): _cell(v) for k, v in row.items() if k is not None}
        if any(v not in ("", None) for v in clean.values()):
            yield number, clean


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFC", value).replace("\r\n", "\n").split(" ")).strip()
    return value


def _read(reading: Reading, table: str, number: int, row: dict[str, Any], parse, into) -> None:  # type: ignore[no-untyped-def]
    try:
        code = normalize_procedure_code(str(row.get("Mã TTHC") or ""))
        for column in REQUIRED[table]:
            if row.get(column) in (None, ""):
                raise DomainError(f"thiếu “{column}”.")
        into.setdefault(code, []).append((_int(row.get("STT") or row.get("Bước") or number, "STT"), parse(row)))
    except DomainError as error:
        reading.problems.append(f"{table}, dòng {number}: {error.message}")


def _procedure(row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    for column in REQUIRED[PROCEDURES]:
        if row.get(column) in (None, ""):
            raise DomainError(f"thiếu “{column}”.")
    code = normalize_procedure_code(str(row["Mã TTHC"]))
    kind = _choice(row["Loại thời hạn"], {k.label: k for k in DurationKind}, "Loại thời hạn")
    duration = Duration.of(kind, "" if kind is DurationKind.SAME_DAY else str(row.get("Thời hạn") or ""))
    level = _choice(row.get("Cấp thực hiện") or ProcedureLevel.COMMUNE.label,
                    {lv.label: lv for lv in ProcedureLevel} | {"Cấp xã": ProcedureLevel.COMMUNE,
                                                               "Liên thông": ProcedureLevel.INTERLINKED},
                    "Cấp thực hiện")
    supplement = _choice(row.get("Khi bổ sung hồ sơ") or "Tạm dừng",
                         {"Tạm dừng": SupplementPolicy.PAUSE, "Tính lại": SupplementPolicy.RESTART,
                          **{p.label: p for p in SupplementPolicy}}, "Khi bổ sung hồ sơ")
    return code, dict(
        code=code, name=_text(row["Tên thủ tục"], 500, "Tên thủ tục"), field_name=_text(row["Lĩnh vực"], 255, "Lĩnh vực"),
        level=level, duration=duration, supplement_policy=supplement,
        fee_text=_text(row.get("Phí, lệ phí"), 2000, "Phí, lệ phí"), result_text=_text(row.get("Kết quả"), 500, "Kết quả"),
        legal_basis=_text(row.get("Căn cứ pháp lý"), 4000, "Căn cứ pháp lý"),
        published_by=_text(row.get("Quyết định công bố"), 255, "Quyết định công bố"),
        effective_from=_date(row["Ngày hiệu lực"]),
    )


def _document(row: dict[str, Any]) -> DocumentEntry:
    requirement = _choice(row.get("Yêu cầu") or "Bắt buộc", {label: key for key, label in REQUIREMENTS.items()},
                          "Yêu cầu")
    counts = [_int(row.get(c) or 0, c) for c in ("Bản chính", "Bản sao chứng thực", "Bản photo")]
    if not any(counts):
        counts[0] = 1  # a document named with no count: one, as the citizen brings it (or files it online)
    group = _text(row.get("Nhóm"), 100, "Nhóm")
    if (requirement == "alternative") != bool(group):
        raise DomainError("giấy tờ “Một trong nhóm” cần tên nhóm (và chỉ chúng có nhóm).")
    return DocumentEntry(_text(row["Tên giấy tờ"], 500, "Tên giấy tờ"), *counts, requirement=requirement, group=group)


def _step(row: dict[str, Any]) -> StepEntry:
    role_text = row.get("Vai trò") or ""
    role = _choice(role_text, {r.label: r for r in Role} | {r.value: r for r in Role}, "Vai trò") if role_text else None
    department = _text(row.get("Bộ phận"), 255, "Bộ phận")
    if not department and role is None:
        raise DomainError("cần “Bộ phận” hoặc “Vai trò”.")
    return StepEntry(_text(row["Tên bước"], 255, "Tên bước"), department, role, parse_amount(row["Giờ làm việc"]))


def _choice(value: Any, options: Mapping[str, Any], column: str) -> Any:
    text = str(value).strip()
    found = {k.casefold(): v for k, v in options.items()}.get(text.casefold())
    if found is None:
        raise DomainError(f"“{column}” phải là một trong: {', '.join(dict.fromkeys(options))}.")
    return found


def _text(value: Any, limit: int, column: str) -> str:
    text = "" if value is None else str(value).strip()
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise DomainError(f"“{column}” có ký tự điều khiển.")
    if len(text) > limit:
        raise DomainError(f"“{column}” dài tối đa {limit} ký tự (đang có {len(text)}).")
    return text


def _int(value: Any, column: str) -> int:
    try:
        number = int(Decimal(str(value).strip()))
    except (ArithmeticError, ValueError):
        raise DomainError(f"“{column}” phải là số nguyên.") from None
    if not 0 <= number <= 999:
        raise DomainError(f"“{column}” từ 0 đến 999.")
    return number


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise DomainError(f"“Ngày hiệu lực” không hợp lệ: “{text}” (dd/mm/yyyy).")
