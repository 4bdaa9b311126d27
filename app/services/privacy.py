"""Citizens' personal data (Luật 91/2025/QH15): who saw it, what one person's data is, when it is erased.

- ``log_view``: a staff member opened a page showing a citizen's details
  (one entry per person, row and 10 minutes, so that reloading a page does
  not flood the log). Prints are logged where they are recorded
  (``app.services.documents``), exports where they are made.
- ``find_person`` / ``person_export``: everything the units of a leader or
  admin hold about the holder of one ID number, for an access request; both
  the search and the export are logged against every row they showed.
- ``retention_plan`` / ``erase_expired``: apply each unit's retention
  settings (``app.domain.retention``): the applicant's details are erased from
  records past their period; the record itself (code, procedure, dates,
  status) stays for the statistics and the archive.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from app.domain.audit import label_of
from app.domain.localtime import local_date, start_of_day, to_local
from app.domain.retention import (
    ERASED_NAME,
    Cutoff,
    Holding,
    cutoff,
    is_civil_status,
    record_codes,
    years_for,
)
from app.domain.roles import Role
from app.services import audit, dossier_search, status_pages
from app.services.access import manageable_unit_ids
from app.services.errors import Forbidden, ValidationFailed
from models import (
    AuditEntry,
    Dossier,
    NonReception,
    OnlineDossier,
    OutboxMessage,
    PrintedDocument,
    Procedure,
    RecordType,
    SatisfactionRating,
    Unit,
    User,
)
from printing import reports as reports_printing
from printing.base import Header
from printing.reports import ReportTable
from printing.workbook import Column

VIEW_LOG_GAP = timedelta(minutes=10)
ACCESS_ACTIONS = ("personal_data.view", "personal_data.print", "personal_data.search", "personal_data.export")
_ID_PATTERN = re.compile(r"[0-9A-Z-]{5,20}")


def log_view(session: Session, actor: User, row: Dossier | NonReception, *, now: datetime,
             action: str = "personal_data.view") -> None:
    """Log that ``actor`` saw ``row``'s personal data, unless they already did in the last 10 minutes."""
    last = session.scalar(
        select(AuditEntry.at).where(AuditEntry.object_type == row.__tablename__, AuditEntry.object_id == row.id,
                                    AuditEntry.actor_id == actor.id, AuditEntry.action == action)
        .order_by(AuditEntry.at.desc()).limit(1))
    if last is not None and now - last < VIEW_LOG_GAP:
        return
    audit.record(session, actor, action, object_type=row.__tablename__, object_id=row.id, unit_id=row.unit_id,
                 now=now)


def log_search(session: Session, actor: User, rows: Sequence[Dossier | NonReception], *, now: datetime,
               where: str) -> None:
    """Log that a search by ``actor`` (a name or a code typed in ``where``) showed ``rows``: one entry per row,
    unless the same person's search showed it in the last 10 minutes. The typed text is not kept (it is
    personal data); the rows it found are, so an access request lists who found the person this way."""
    if not rows:
        return
    seen: set[tuple[str, int]] = set()
    for table in {r.__tablename__ for r in rows}:
        ids = [r.id for r in rows if r.__tablename__ == table]
        seen.update((table, object_id) for object_id in session.scalars(
            select(AuditEntry.object_id).where(AuditEntry.object_type == table, AuditEntry.object_id.in_(ids),
                                               AuditEntry.actor_id == actor.id,
                                               AuditEntry.action == "personal_data.search",
                                               AuditEntry.at > now - VIEW_LOG_GAP)))
    for row in rows:
        if (row.__tablename__, row.id) not in seen:
            seen.add((row.__tablename__, row.id))
            audit.record(session, actor, "personal_data.search", object_type=row.__tablename__, object_id=row.id,
                         unit_id=row.unit_id, now=now, where=where)


# --- access requests ---------------------------------------------------------------------


def request_unit_ids(session: Session, actor: User) -> set[int]:
    """Units whose data ``actor`` answers access requests for: a leader's own unit, an admin's units."""
    units = set(manageable_unit_ids(session, actor))
    if actor.has_role(Role.LEADER):
        units.add(actor.unit_id)
    return units


def can_answer_requests(actor: User) -> bool:
    return actor.has_role(Role.LEADER, Role.ADMIN)


def normalize_person_id(text: str) -> str:
    value = "".join((text or "").split()).upper()
    if not _ID_PATTERN.fullmatch(value):
        raise ValidationFailed({"id_number": "Nhập số định danh cá nhân (12 chữ số) hoặc số giấy tờ (5–20 chữ và số)."})
    return value


@dataclass
class PersonRecords:
    """What the actor's units hold about the holder of one ID number."""

    id_number: str
    dossiers: list[Dossier] = field(default_factory=list)
    turned_away: list[NonReception] = field(default_factory=list)
    online: list[OnlineDossier] = field(default_factory=list)  # filed on the portal, as handed over
    ratings: dict[int, SatisfactionRating] = field(default_factory=dict)
    accesses: list[AuditEntry] = field(default_factory=list)  # who saw, printed or exported these rows
    units: dict[int, Unit] = field(default_factory=dict)

    @property
    def found(self) -> int:
        return len(self.dossiers) + len(self.turned_away) + len(self.online)


def find_person(session: Session, actor: User, id_number: str, *, now: datetime,
                purpose: str = "personal_data.search") -> PersonRecords:
    """Every dossier and turned-away request of the holder of ``id_number`` in the actor's units; logged."""
    if not can_answer_requests(actor):
        raise Forbidden("Chỉ lãnh đạo hoặc quản trị viên của đơn vị được tra cứu dữ liệu của một người.")
    value = normalize_person_id(id_number)
    unit_ids = request_unit_ids(session, actor)
    result = PersonRecords(value)
    result.dossiers = list(session.scalars(
        select(Dossier).where(Dossier.unit_id.in_(unit_ids),
                              or_(Dossier.applicant_id_number == value, Dossier.owner_id_number == value))
        .options(joinedload(Dossier.procedure), joinedload(Dossier.unit)).order_by(Dossier.received_at)))
    result.turned_away = list(session.scalars(
        select(NonReception).where(NonReception.unit_id.in_(unit_ids), NonReception.applicant_id_number == value)
        .options(joinedload(NonReception.procedure)).order_by(NonReception.at)))
    result.online = list(session.scalars(
        select(OnlineDossier).where(OnlineDossier.unit_id.in_(unit_ids),
                                    or_(OnlineDossier.applicant_id_number == value,
                                        OnlineDossier.owner_id_number == value))
        .order_by(OnlineDossier.submitted_at)))
    dossier_ids = [d.id for d in result.dossiers]
    if dossier_ids:
        result.ratings = {r.dossier_id: r for r in session.scalars(
            select(SatisfactionRating).where(SatisfactionRating.dossier_id.in_(dossier_ids)))}
    result.accesses = _accesses(session, dossier_ids, [r.id for r in result.turned_away])
    result.units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    for row in [*result.dossiers, *result.turned_away, *result.online]:
        audit.record(session, actor, purpose, object_type=row.__tablename__, object_id=row.id, unit_id=row.unit_id,
                     now=now)
    if not result.found:
        audit.record(session, actor, purpose, object_type="person", object_id=None, unit_id=actor.unit_id, now=now,
                     what="không tìm thấy")
    return result


def _accesses(session: Session, dossier_ids: list[int], turned_ids: list[int]) -> list[AuditEntry]:
    entries = (audit.entries_about(session, "dossier", dossier_ids, ACCESS_ACTIONS)
               + audit.entries_about(session, "non_reception", turned_ids, ACCESS_ACTIONS))
    return sorted(entries, key=lambda e: (e.at, e.id))


def person_export(session: Session, actor: User, id_number: str, *, now: datetime, fmt: str) -> tuple[bytes, str]:
    """One person's data as PDF or XLSX for an access request (answer to the data subject); logged per row."""
    if fmt not in ("pdf", "xlsx"):
        raise ValidationFailed({"format": "Chỉ xuất được PDF hoặc XLSX."})
    found = find_person(session, actor, id_number, now=now, purpose="personal_data.export")
    printed = printed_rows(session, [d.id for d in found.dossiers])
    report = _person_report(found, printed, actor, now)
    content = reports_printing.xlsx(report) if fmt == "xlsx" else reports_printing.pdf(report)
    return content, f"du-lieu-ca-nhan-{local_date(now):%Y%m%d}.{fmt}"


def _person_report(found: PersonRecords, printed: list[PrintedDocument], actor: User,
                   now: datetime) -> reports_printing.Report:
    unit = actor.unit
    header = Header(unit.governing_body_name, unit.name, unit.place_name or "", local_date(now))
    identities = sorted({(d.applicant_name, d.applicant_id_kind.label, d.applicant_id_number,
                          f"{d.applicant_birth_date:%d/%m/%Y}" if d.applicant_birth_date else "", d.applicant_phone,
                          d.applicant_email, d.applicant_address) for d in found.dossiers
                         if d.applicant_id_number == found.id_number}
                        | {(r.applicant_name, r.applicant_id_kind.label, r.applicant_id_number, "", r.applicant_phone,
                            r.applicant_email, r.applicant_address)
                           for r in [*found.turned_away, *found.online] if r.applicant_id_number == found.id_number})
    owned = [d for d in found.dossiers if d.owner_id_number == found.id_number]
    tables = [
        ReportTable("Thông tin nhận dạng, liên hệ đã khai", [
            Column("Họ và tên", 24), Column("Loại giấy tờ", 22), Column("Số giấy tờ", 16), Column("Ngày sinh", 12),
            Column("Điện thoại", 14),
            Column("Email", 22), Column("Địa chỉ", 36)], [list(row) for row in identities],
            notes=[f"Là chủ hồ sơ (không trực tiếp nộp) của {len(owned)} hồ sơ."] if owned else [],
            sheet_name="Thông tin cá nhân"),
        ReportTable("Hồ sơ thủ tục hành chính", [
            Column("Mã hồ sơ", 26), Column("Thủ tục", 40), Column("Đơn vị", 24), Column("Ngày nhận", 14),
            Column("Hẹn trả", 14), Column("Tình trạng", 16), Column("Trả kết quả", 14), Column("Nhận kết quả tại", 28),
            Column("Ghi chú", 24)],
            [[d.code, d.procedure.name, found.units[d.unit_id].governing_body_name if d.unit_id in found.units else "",
              d.received_at, d.due_rescheduled_at or d.due_at, d.status.label, d.returned_at,
              d.delivery_address or d.result_delivery.label, d.note] for d in found.dossiers],
            sheet_name="Hồ sơ"),
        ReportTable("Yêu cầu không được tiếp nhận", [
            Column("Số phiếu", 10), Column("Thủ tục", 40), Column("Thời điểm", 16), Column("Lý do", 50)],
            [[f"{r.number}/{r.year}", r.procedure.name, r.at, r.reason] for r in found.turned_away],
            sheet_name="Không tiếp nhận"),
        ReportTable("Hồ sơ nộp trực tuyến (hệ thống của tỉnh chuyển đến)", [
            Column("Mã trên cổng", 24), Column("Thủ tục", 40), Column("Nộp lúc", 16), Column("Tình trạng", 18),
            Column("Mã hồ sơ", 26)],
            [[o.portal_code, o.procedure_name or o.procedure_code, o.submitted_at, o.state.label,
              o.dossier.code if o.dossier else ""] for o in found.online], sheet_name="Trực tuyến"),
        ReportTable("Ý kiến đánh giá sự hài lòng", [
            Column("Mã hồ sơ", 26), Column("Thời điểm", 16), Column("Điểm (0–18)", 10), Column("Ý kiến", 60)],
            [[d.code, found.ratings[d.id].at, found.ratings[d.id].score, found.ratings[d.id].comment]
             for d in found.dossiers if d.id in found.ratings], sheet_name="Đánh giá"),
        ReportTable("Ai đã xem, in hoặc xuất dữ liệu này", [
            Column("Thời điểm", 16), Column("Người thực hiện", 28), Column("Việc", 36), Column("Hồ sơ / phiếu", 26)],
            _access_rows(found, printed), sheet_name="Lịch sử truy cập"),
    ]
    return reports_printing.Report(
        header, "Dữ liệu cá nhân đang được lưu giữ",
        f"Người có số giấy tờ {found.id_number} · trích xuất lúc {to_local(now):%H:%M ngày %d/%m/%Y} "
        f"theo yêu cầu của chủ thể dữ liệu (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15)", tables)


def _access_rows(found: PersonRecords, printed: list[PrintedDocument]) -> list[list[object]]:
    codes = {("dossier", d.id): d.code for d in found.dossiers}
    codes.update({("non_reception", r.id): f"Phiếu {r.number}/{r.year}" for r in found.turned_away})
    rows = [[entry.at, entry.actor.full_name if entry.actor else "", label_of(entry.action)
             + (f" ({entry.detail['what']})" if entry.detail.get("what") else ""),
             codes.get((entry.object_type, entry.object_id), "")] for entry in found.accesses]
    logged = {(e.object_id, e.at) for e in found.accesses if e.action == "personal_data.print"}
    for row in printed:  # prints made before prints were audited
        if (row.dossier_id, row.printed_at) not in logged:
            rows.append([row.printed_at, row.printed_by.full_name, f"In Mẫu {row.form}", codes.get(("dossier", row.dossier_id), "")])
    return sorted(rows, key=lambda r: r[0])


# --- retention -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    holding: Holding
    label: str  # e.g. "Hộ tịch" for the dossiers of one kind
    rule: Cutoff
    due: int  # rows past their period, not yet erased


def _register(session: Session, unit_id: int) -> dict[str, int | None]:
    rows = session.execute(select(RecordType.code, RecordType.retention_years).where(RecordType.unit_id == unit_id))
    return {code: years for code, years in rows}


def _cutoffs(session: Session, unit_id: int, now: datetime) -> dict[tuple[Holding, bool], Cutoff]:
    register, today = _register(session, unit_id), local_date(now)
    rules = {}
    for holding in Holding:
        for civil in ((False, True) if holding is Holding.DOSSIER else (False,)):
            rules[holding, civil] = cutoff(years_for(record_codes(holding, civil_status=civil), register), today)
    return rules


def _procedure_ids(session: Session, unit_id: int) -> dict[bool, list[int]]:
    grouped: dict[bool, list[int]] = {False: [], True: []}
    for procedure_id, field_name in session.execute(
            select(Procedure.id, Procedure.field_name).where(Procedure.unit_id == unit_id)):
        grouped[is_civil_status(field_name)].append(procedure_id)
    return grouped


def retention_plan(session: Session, unit: Unit, *, now: datetime) -> list[PlanRow]:
    """For each kind of personal data of ``unit``: its retention and how many rows are past it."""
    rules, procedures = _cutoffs(session, unit.id, now), _procedure_ids(session, unit.id)
    rows = []
    for (holding, civil), rule in rules.items():
        due = 0
        if rule.before is not None:
            query = _due_query(unit.id, holding, civil, rule, procedures)
            due = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        label = holding.label + ((" — hộ tịch" if civil else " — các lĩnh vực khác") if holding is Holding.DOSSIER
                                 else "")
        rows.append(PlanRow(holding, label, rule, due))
    return rows


def _due_query(unit_id: int, holding: Holding, civil: bool, rule: Cutoff,
               procedures: dict[bool, list[int]]):  # type: ignore[no-untyped-def]
    assert rule.before is not None
    before = start_of_day(rule.before)
    if holding is Holding.DOSSIER:
        return select(Dossier.id).where(Dossier.unit_id == unit_id, Dossier.personal_data_erased_at.is_(None),
                                        Dossier.finished_at < before, Dossier.procedure_id.in_(procedures[civil]))
    if holding is Holding.NON_RECEPTION:
        return select(NonReception.id).where(NonReception.unit_id == unit_id,
                                             NonReception.personal_data_erased_at.is_(None), NonReception.at < before)
    if holding is Holding.COMMENT:
        return select(SatisfactionRating.id).where(SatisfactionRating.unit_id == unit_id,
                                                   SatisfactionRating.at < before, SatisfactionRating.comment != "")
    return select(AuditEntry.id).where(AuditEntry.unit_id == unit_id, AuditEntry.action.like("auth.%"),
                                       AuditEntry.at < before)


_ERASED_DOSSIER = dict(applicant_name=ERASED_NAME, applicant_id_number="", applicant_phone="", applicant_email="",
                       applicant_address="", owner_name="", owner_id_number="", delivery_address="", note="",
                       return_note="", applicant_birth_date=None)
_ERASED_TURNED_AWAY = dict(applicant_name=ERASED_NAME, applicant_id_number="", applicant_phone="",
                           applicant_email="", applicant_address="")


def erase_expired(session: Session, *, now: datetime) -> Counter[str]:
    """Erase the personal data past its retention in every unit; one audit entry per unit that had any."""
    total: Counter[str] = Counter()
    for unit_id in session.scalars(select(Unit.id).order_by(Unit.id)):
        rules, procedures = _cutoffs(session, unit_id, now), _procedure_ids(session, unit_id)
        erased: Counter[str] = Counter()
        for (holding, civil), rule in rules.items():
            if rule.before is None:
                continue
            ids = session.scalars(_due_query(unit_id, holding, civil, rule, procedures)).all()
            if ids:
                _erase(session, holding, list(ids), now)
                erased[holding.value] += len(ids)
            if holding is Holding.SYSTEM_LOG:
                erased[holding.value] += _erase_sent_addresses(session, unit_id, rule)
        erased.update(_erase_online_followers(session, unit_id, now))
        erased = +erased  # drop the kinds with nothing erased
        if erased:
            audit.record(session, None, "retention.erase", object_type="unit", object_id=unit_id, unit_id=unit_id,
                         now=now, erased={Holding(k).label: v for k, v in sorted(erased.items())})
            total.update(erased)
    return total


def _erase(session: Session, holding: Holding, ids: list[int], now: datetime) -> None:
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        if holding is Holding.DOSSIER:
            session.execute(update(Dossier).where(Dossier.id.in_(chunk))
                            .values(**_ERASED_DOSSIER, personal_data_erased_at=now)
                            .execution_options(synchronize_session=False))
            dossier_search.reindex(session, dossier_ids=chunk)  # found by its code only
            status_pages.forget_dossiers(session, chunk)
        elif holding is Holding.NON_RECEPTION:
            session.execute(update(NonReception).where(NonReception.id.in_(chunk))
                            .values(**_ERASED_TURNED_AWAY, personal_data_erased_at=now)
                            .execution_options(synchronize_session=False))
            dossier_search.reindex(session, record_ids=chunk)
        elif holding is Holding.COMMENT:
            session.execute(update(SatisfactionRating).where(SatisfactionRating.id.in_(chunk)).values(comment="")
                            .execution_options(synchronize_session=False))
        else:
            session.execute(delete(AuditEntry).where(AuditEntry.id.in_(chunk))
                            .execution_options(synchronize_session=False))
    session.flush()


def _erase_online_followers(session: Session, unit_id: int, now: datetime) -> Counter[str]:
    """A dossier filed online holds the same person's data as what it became: erased with its dossier (accepted)
    or its Mẫu 02 / Mẫu 03 (not received), counted under the same kind."""
    counted: Counter[str] = Counter()
    for holding, column, model in ((Holding.DOSSIER, OnlineDossier.dossier_id, Dossier),
                                   (Holding.NON_RECEPTION, OnlineDossier.non_reception_id, NonReception)):
        gone = select(model.id).where(model.unit_id == unit_id, model.personal_data_erased_at.is_not(None))
        result = session.execute(update(OnlineDossier).where(
            OnlineDossier.unit_id == unit_id, OnlineDossier.personal_data_erased_at.is_(None), column.in_(gone))
            .values(**_ERASED_TURNED_AWAY, owner_name="", owner_id_number="", delivery_address="", note="",
                    documents=[], personal_data_erased_at=now).execution_options(synchronize_session=False))
        counted[holding.value] += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return counted


def _erase_sent_addresses(session: Session, unit_id: int, rule: Cutoff) -> int:
    """Blank the e-mail address or phone of the unit's messages sent before the system log's cut-off."""
    assert rule.before is not None
    result = session.execute(update(OutboxMessage).where(
        OutboxMessage.unit_id == unit_id, OutboxMessage.sent_at < start_of_day(rule.before),
        OutboxMessage.address != "").values(address="").execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def printed_rows(session: Session, dossier_ids: list[int]) -> list[PrintedDocument]:
    if not dossier_ids:
        return []
    return list(session.scalars(select(PrintedDocument).where(PrintedDocument.dossier_id.in_(dossier_ids))
                                .options(joinedload(PrintedDocument.printed_by)).order_by(PrintedDocument.printed_at)))
