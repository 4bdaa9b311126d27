"""The management-review figures, the overdue and apology log, the registers and the ISO record pack.

The review reuses the hand-worked November 2026 of test_objectives (see its
table): population 7; finished in November d1, d2, d3, d7, d8 — on time d1
and d7, late d2, d3 (finished after the due instant) and d8 (two supplement
requests); still open at the end of November d4 (late) and d5 (in time).
"""

import hashlib
import io
import json
import zipfile
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.domain.localtime import VN_TZ
from app.domain.nonconformity import Source
from app.domain.objectives import Indicator, Measure, month, parse_period
from app.domain.registers import LEGAL_TEXTS, SYSTEM_FORMS, SYSTEM_RECORDS, Register
from app.services import iso_pack, iso_records, objectives, registers
from app.services.demo import load_demo
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.registers import EntryInput
from app.services.sweep import run_sweep
from models import (
    AuditEntry,
    Dossier,
    ExternalDocument,
    InternalDocument,
    Nonconformity,
    RecordType,
    Unit,
    User,
)
from tests.conftest import NOW
from tests.integration.test_objectives import november  # noqa: F401  (fixture)
from tests.pdfcheck import pdf_text

END_OF_NOVEMBER = datetime(2026, 12, 1, 8, tzinfo=VN_TZ)


def test_review_figures_worked_out_by_hand(db_session, world, november):  # noqa: F811
    a, d = world.a, november
    run_sweep(db_session, now=END_OF_NOVEMBER)
    review = iso_records.review(db_session, a.leader, a.unit.id, month(2026, 11), now=END_OF_NOVEMBER)
    assert not review.running
    c = review.counts
    assert (c.population, c.received, c.finished) == (7, 6, 5)
    assert (c.finished_on_time, c.finished_late) == (2, 3)
    assert (c.open_in_time, c.open_late, c.over_one_supplement) == (1, 1, 1)
    # The same population as the quality objectives: on time = finished on time + open in time.
    assert review.measures[Indicator.ON_TIME] == Measure(c.finished_on_time + c.open_in_time, c.population)
    # The log lists them by due instant (d8's moved by its pauses, to Tue 10/11).
    assert [row.code for row in review.overdue] == [d[k].code for k in ("d2", "d3", "d8", "d4")]
    by_code = {row.code: row for row in review.overdue}
    assert by_code[d["d3"].code].apology_number == "1/XL" and review.apologised == 1
    assert by_code[d["d4"].code].situation == "Đang giải quyết, đã quá hạn"
    assert by_code[d["d2"].code].situation == "Hoàn thành quá hạn"
    assert by_code[d["d8"].code].situation == "Yêu cầu bổ sung quá một lần"
    assert review.measures[Indicator.APOLOGY] == Measure(review.apologised, len(review.overdue))
    # Every late dossier got its nonconformity record from the sweep, and the log names it.
    records = {r.dossier_id: r for r in db_session.scalars(select(Nonconformity))}
    for row in review.overdue:
        record = records[row.dossier_id]
        assert row.nonconformity == f"{record.number:02d}/{record.year}/KPH"
    # The sweep ran on 1 December: the records were opened in December, and are all still open.
    n = review.nonconformities
    assert (n.opened, n.open_now, n.closed_in_period) == (0, 4, 0)
    december = iso_records.review(db_session, a.leader, a.unit.id, month(2026, 12),
                                  now=END_OF_NOVEMBER + timedelta(minutes=1))
    assert december.running and december.nonconformities.opened == 4
    assert december.nonconformities.by_source[Source.SECOND_SUPPLEMENT] == 1
    assert december.nonconformities.by_source[Source.OVERDUE] == 3


def test_review_needs_a_reading_role_and_the_unit(db_session, world, november):  # noqa: F811
    with pytest.raises(Forbidden):
        iso_records.review(db_session, world.a.clerk, world.a.unit.id, month(2026, 11), now=END_OF_NOVEMBER)
    with pytest.raises(NotFound):
        iso_records.review(db_session, world.b.leader, world.a.unit.id, month(2026, 11), now=END_OF_NOVEMBER)
    inspector = iso_records.review(db_session, world.inspector, world.a.unit.id, month(2026, 11), now=END_OF_NOVEMBER)
    assert inspector.counts.population == 7


# --- the registers ---------------------------------------------------------------------------------


def test_prefill_adds_the_standard_entries_once_and_brings_back_deleted_ones(db_session, world):
    a = world.a
    added = registers.prefill(db_session, a.unit.id)
    assert added == len(SYSTEM_FORMS) + 1 + len(LEGAL_TEXTS) + len(SYSTEM_RECORDS)  # + the world's one procedure
    assert registers.prefill(db_session, a.unit.id) == 0
    data = registers.registers_of(db_session, a.leader, a.unit.id)
    codes = {d.code for d in data.internal}
    assert {"BM-01", "BM-06", "BM-07", f"QT-{a.procedure.code}"} <= codes
    assert {r.code: r.retention_years for r in data.records}["HS-HOTICH"] is None  # hộ tịch: permanent
    nd61 = next(d for d in data.external if d.number == "61/2018/NĐ-CP")
    assert registers.status_of(nd61, date(2026, 11, 24)) is False
    nd118 = next(d for d in data.external if d.number == "118/2025/NĐ-CP")
    assert registers.status_of(nd118, date(2026, 11, 24)) is True
    form = next(d for d in data.internal if d.code == "BM-01")
    registers.delete_entry(db_session, a.leader, Register.INTERNAL, form.id, version=form.version, now=NOW)
    assert registers.prefill(db_session, a.unit.id) == 1
    # The other commune's registers are its own.
    assert db_session.scalar(select(func.count()).select_from(InternalDocument)
                             .where(InternalDocument.unit_id == world.b.unit.id)) == 0


def test_editing_the_registers(db_session, world):
    a = world.a
    registers.prefill(db_session, a.unit.id)
    row = db_session.scalars(select(RecordType).where(RecordType.unit_id == a.unit.id, RecordType.code == "KPH")).one()
    data = EntryInput(code="KPH", name=row.name, kept_at=row.kept_at, owner="Văn phòng HĐND và UBND", retention="10 năm")
    registers.save_entry(db_session, a.leader, Register.RECORDS, a.unit.id, data, entry_id=row.id, version=row.version,
                         now=NOW)
    assert (row.retention_years, row.owner, row.version) == (10, "Văn phòng HĐND và UBND", 2)
    with pytest.raises(Conflict):  # a second person saving what they read at version 1
        registers.save_entry(db_session, a.admin, Register.RECORDS, a.unit.id, data, entry_id=row.id, version=1,
                             now=NOW)
    with pytest.raises(ValidationFailed) as bad:
        registers.save_entry(db_session, a.leader, Register.RECORDS, a.unit.id,
                             EntryInput(code="MOI", name="", kept_at="Kho", owner="A", retention="mãi mãi"), now=NOW)
    assert set(bad.value.errors) == {"name", "retention"}
    with pytest.raises(ValidationFailed) as duplicate:
        registers.save_entry(db_session, a.leader, Register.EXTERNAL, a.unit.id,
                             EntryInput(number="118/2025/NĐ-CP", title="Trùng số"), now=NOW)
    assert "number" in duplicate.value.errors
    with pytest.raises(ValidationFailed) as dates:
        registers.save_entry(db_session, a.leader, Register.EXTERNAL, a.unit.id, EntryInput(
            number="01/2027/QĐ-UBND", title="Quyết định công bố thủ tục", issued_on=date(2027, 1, 5),
            effective_on=date(2027, 1, 1)), now=NOW)
    assert "effective_on" in dates.value.errors
    made = registers.save_entry(db_session, a.admin, Register.EXTERNAL, a.unit.id, EntryInput(
        number="01/2027/QĐ-UBND", title="Quyết định công bố thủ tục", issued_on=date(2027, 1, 5),
        effective_on=date(2027, 1, 15)), now=NOW)
    assert made.id and made.unit_id == a.unit.id
    for who in (a.clerk, a.officer, world.b.leader):
        with pytest.raises((Forbidden, NotFound)):
            registers.save_entry(db_session, who, Register.RECORDS, a.unit.id, data, entry_id=row.id, now=NOW)


def test_a_new_unit_starts_with_its_registers(db_session, world):
    from app.services.units import UnitInput, create_unit

    unit = create_unit(db_session, world.province_admin, parent_id=world.province.id, now=NOW, data=UnitInput(
        code="000.00.31.H77", governing_body_name="ỦY BAN NHÂN DÂN XÃ MỚI", name="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        place_name="Mới"))
    assert db_session.scalar(select(func.count()).select_from(RecordType).where(RecordType.unit_id == unit.id)) \
        == len(SYSTEM_RECORDS)


# --- the pack --------------------------------------------------------------------------------------


def sheet_rows(content: bytes, title: str | None = None) -> list[tuple]:
    """The data rows of a pack workbook's sheet: below the bold header row, up to the first empty row."""
    book = load_workbook(io.BytesIO(content))
    sheet = book[title] if title else book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if i > 3 and r[0] is not None)
    body = []
    for row in rows[head + 1:]:
        if all(v is None for v in row):
            break
        body.append(row)
    return [] if body == [("Không có",) + (None,) * (len(body[0]) - 1)] else body


def test_the_iso_pack_of_the_demo_commune(db_session, request):
    load_demo(db_session, now=NOW)
    run_sweep(db_session, now=NOW)
    leader = db_session.scalars(select(User).where(User.username == "anbinh.lanhdao")).one()
    unit = db_session.get(Unit, leader.unit_id)
    period = parse_period("2026-11")
    later = NOW + timedelta(minutes=5)
    made = iso_pack.build(db_session, leader, unit.id, period, base_url="https://motcua.example.vn", now=later)
    archive = zipfile.ZipFile(made.content)
    request.addfinalizer(made.content.close)
    names = set(archive.namelist())
    manifest = json.loads(archive.read("manifest.json"))

    # The dossiers received in November, from the database.
    start, end = objectives.period_bounds(period)
    received = db_session.scalars(select(Dossier).where(
        Dossier.unit_id == unit.id, Dossier.received_at >= start, Dossier.received_at < later)).all()
    assert len(received) >= 5
    for name in ("00-tong-hop-xem-xet-lanh-dao.xlsx", "01-mau-07-so-theo-doi-ho-so.pdf",
                 "01-mau-07-so-theo-doi-ho-so.xlsx", "03-ho-so-qua-han-va-van-ban-xin-loi.xlsx",
                 "04-su-khong-phu-hop-va-hanh-dong-khac-phuc.xlsx", "05-muc-tieu-chat-luong-va-ket-qua.xlsx",
                 "06-danh-muc-tai-lieu-va-ho-so.xlsx", "manifest.json", "doc-truoc.txt"):
        assert name in names, name
    slips = sorted(n for n in names if n.startswith(iso_pack.SLIP_DIR + "/"))
    assert len(slips) == len(received) == manifest["counts"]["control_slips"]
    for dossier in received:
        slip = archive.read(f"{iso_pack.SLIP_DIR}/{dossier.code}.pdf")
        assert dossier.code in pdf_text(slip)[0]
    # Mẫu 07: one line per dossier, in PDF and XLSX.
    logbook_text = "".join(pdf_text(archive.read("01-mau-07-so-theo-doi-ho-so.pdf"))).replace(" ", "")  # codes wrap
    assert all(d.code in logbook_text for d in received)
    book = load_workbook(io.BytesIO(archive.read("01-mau-07-so-theo-doi-ho-so.xlsx"))).active
    assert sorted(r[1] for r in book.iter_rows(values_only=True) if r[1] in {d.code for d in received}) == \
        sorted(d.code for d in received)
    assert manifest["counts"]["logbook_entries"] == len(received)

    # The overdue log: the dossiers the sweep flagged overdue in November, each with its NC record.
    overdue = db_session.scalars(select(Dossier).where(Dossier.unit_id == unit.id,
                                                       Dossier.flag_overdue_at.is_not(None))).all()
    assert overdue, "the demo commune has an overdue dossier"
    log = sheet_rows(archive.read("03-ho-so-qua-han-va-van-ban-xin-loi.xlsx"))
    assert sorted(r[1] for r in log) == sorted(d.code for d in overdue)
    assert manifest["counts"]["overdue"] == len(overdue)
    records = db_session.scalars(select(Nonconformity).where(Nonconformity.unit_id == unit.id)).all()
    assert {r[10] for r in log} <= {f"{r.number:02d}/{r.year}/KPH" for r in records}
    nc_rows = sheet_rows(archive.read("04-su-khong-phu-hop-va-hanh-dong-khac-phuc.xlsx"))
    assert len(nc_rows) == len(records) == manifest["counts"]["nonconformities"]

    # Objectives: the target row, then November (a month pack holds its month).
    goals = sheet_rows(archive.read("05-muc-tieu-chat-luong-va-ket-qua.xlsx"))
    assert [r[0] for r in goals] == ["Mục tiêu", "Tháng 11/2026"]
    on_time = objectives.measure(db_session, [unit.id], period, now=later)[unit.id][Indicator.ON_TIME]
    assert goals[1][2] == f"{on_time.numerator}/{on_time.denominator} {'đạt' if on_time.met(goals[0][1]) else 'CHƯA ĐẠT'}"
    assert manifest["measures"]["on_time"]["numerator"] == on_time.numerator

    # The registers, sheet by sheet, against the database.
    content = archive.read("06-danh-muc-tai-lieu-va-ho-so.xlsx")
    for title, model in (("Tài liệu nội bộ", InternalDocument), ("Tài liệu bên ngoài", ExternalDocument),
                         ("Danh mục hồ sơ", RecordType)):
        count = db_session.scalar(select(func.count()).select_from(model).where(model.unit_id == unit.id))
        assert count and len(sheet_rows(content, title)) == count
    assert manifest["counts"]["record_types"] == len(sheet_rows(content, "Danh mục hồ sơ"))

    # The summary sheet holds the review's figures.
    summary = {row[1]: row[2] for row in sheet_rows(archive.read("00-tong-hop-xem-xet-lanh-dao.xlsx"))}
    review = iso_records.review(db_session, leader, unit.id, period, now=later)
    assert summary["Hồ sơ tiếp nhận trong kỳ"] == str(len(received)) == str(review.counts.received)
    assert summary["Hồ sơ quá hạn trong kỳ"] == str(len(overdue))

    # Integrity: sizes and hashes in the manifest; who made it is in the audit log.
    for entry in manifest["files"]:
        data = archive.read(entry["name"])
        assert len(data) == entry["bytes"] and hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert {f["name"] for f in manifest["files"]} | {"manifest.json", "doc-truoc.txt"} == names
    audit = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "iso_pack.export")).one()
    assert (audit.actor_id, audit.detail["period"]) == (leader.id, "2026-11")


def test_only_the_leader_or_an_inspector_makes_a_pack(db_session, world):
    a = world.a
    for who in (a.clerk, a.officer, a.admin):
        with pytest.raises(Forbidden):
            iso_pack.build(db_session, who, a.unit.id, month(2026, 11), base_url="http://x", now=NOW)
    with pytest.raises(NotFound):
        iso_pack.build(db_session, world.b.leader, a.unit.id, month(2026, 11), base_url="http://x", now=NOW)
    with pytest.raises(ValidationFailed):
        iso_pack.build(db_session, a.leader, a.unit.id, month(2027, 1), base_url="http://x", now=NOW)
    made = iso_pack.build(db_session, world.inspector, a.unit.id, month(2026, 11), base_url="http://x", now=NOW)
    with made.content:
        assert json.loads(zipfile.ZipFile(made.content).read("manifest.json"))["counts"]["control_slips"] == 0
