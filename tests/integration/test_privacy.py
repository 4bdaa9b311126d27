"""Personal data: the access log, one person's data for an access request, erasure at the end of retention."""

import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from app.domain.registers import Register
from app.domain.retention import ERASED_NAME, Holding
from app.domain.workflow import DossierStatus, IdKind, NonReceptionKind
from app.services import privacy, reception, registers
from app.services.errors import Forbidden, ValidationFailed
from models import AuditEntry, Dossier, NonReception, RecordType, SatisfactionRating, StatusPageCache
from tests.builders import make_procedure
from tests.conftest import NOW
from tests.integration.test_reception import reception_input

ID = "001203004567"


def _receive(session, world, procedure=None, *, id_number="001 203 004 567", unit=None, at=NOW):
    commune = unit or world.a
    applicant = reception.ApplicantInput(name="Nguyễn Văn Bình", id_kind=IdKind.CITIZEN_ID, id_number=id_number,
                                         phone="0912 345 678", address="Thôn Trung Hoà, xã An Bình")
    return reception.receive_dossier(session, commune.clerk, reception_input(
        (procedure or commune.procedure).id, applicant=applicant), now=at)


def _finish(session, dossier, at):
    session.execute(update(Dossier).where(Dossier.id == dossier.id).values(
        status=DossierStatus.RETURNED, finished_at=at, returned_at=at))
    session.expire(dossier)


def test_a_view_is_logged_once_per_ten_minutes(db_session, world):
    dossier = _receive(db_session, world)
    for minutes in (0, 3, 9, 11):
        privacy.log_view(db_session, world.a.officer, dossier, now=NOW + timedelta(minutes=minutes))
    privacy.log_view(db_session, world.a.leader, dossier, now=NOW)
    views = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "personal_data.view")).all()
    assert [(v.actor_id, v.at - NOW) for v in views] == [
        (world.a.officer.id, timedelta(0)), (world.a.officer.id, timedelta(minutes=11)), (world.a.leader.id, timedelta(0))]


def test_an_access_request_finds_every_record_of_the_person_in_the_actors_units(db_session, world):
    mine = _receive(db_session, world)
    other = _receive(db_session, world, id_number="001203009999")
    elsewhere = _receive(db_session, world, unit=world.b)  # same person, another commune
    turned = reception.turn_away(db_session, world.a.clerk, NonReceptionKind.REFUSED, reception.NonReceptionInput(
        procedure_id=world.a.procedure.id, applicant=reception.ApplicantInput(
            name="Nguyễn Văn Bình", id_kind=IdKind.CITIZEN_ID, id_number=ID), reason="Không thuộc thẩm quyền."), now=NOW)
    privacy.log_view(db_session, world.a.officer, mine, now=NOW)

    found = privacy.find_person(db_session, world.a.leader, " 0012 0300 4567 ", now=NOW)
    assert [d.id for d in found.dossiers] == [mine.id] and [r.id for r in found.turned_away] == [turned.id]
    assert [(e.actor_id, e.action) for e in found.accesses] == [(world.a.officer.id, "personal_data.view")]
    assert other.id not in [d.id for d in found.dossiers] and elsewhere.id not in [d.id for d in found.dossiers]
    logged = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "personal_data.search")).all()
    assert {(e.object_type, e.object_id, e.actor_id) for e in logged} == {
        ("dossier", mine.id, world.a.leader.id), ("non_reception", turned.id, world.a.leader.id)}
    assert all(ID not in str(e.detail) for e in logged)  # the log names rows, not the person's number

    assert privacy.find_person(db_session, world.b.leader, ID, now=NOW).dossiers == [elsewhere]
    assert {d.id for d in privacy.find_person(db_session, world.province_admin, ID, now=NOW).dossiers} == {
        mine.id, elsewhere.id}
    with pytest.raises(Forbidden):
        privacy.find_person(db_session, world.a.clerk, ID, now=NOW)
    with pytest.raises(ValidationFailed):
        privacy.find_person(db_session, world.a.leader, "12' OR 1=1", now=NOW)


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_the_export_holds_the_persons_data_and_who_saw_it(db_session, world, fmt):
    dossier = _receive(db_session, world)
    privacy.log_view(db_session, world.a.officer, dossier, now=NOW)
    content, name = privacy.person_export(db_session, world.a.leader, ID, now=NOW, fmt=fmt)
    assert name == f"du-lieu-ca-nhan-20261124.{fmt}"
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(content))
        assert book.sheetnames == ["Thông tin cá nhân", "Hồ sơ", "Không tiếp nhận", "Trực tuyến", "Đánh giá",
                                   "Lịch sử truy cập"]
        cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None}
        assert {"Nguyễn Văn Bình", ID, "0912345678", "Thôn Trung Hoà, xã An Bình", dossier.code} <= cells
        assert world.a.officer.full_name in cells and "Xem hồ sơ có dữ liệu cá nhân" in cells
    else:
        assert content.startswith(b"%PDF")
    exported = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "personal_data.export")).all()
    assert [(e.object_id, e.actor_id) for e in exported] == [(dossier.id, world.a.leader.id)]
    with pytest.raises(ValidationFailed):
        privacy.person_export(db_session, world.a.leader, ID, now=NOW, fmt="html")


def _set_retention(session, unit, **years):
    registers.prefill(session, unit.id)
    for code, value in years.items():
        row = session.scalars(select(RecordType).where(RecordType.unit_id == unit.id,
                                                       RecordType.code == code.replace("_", "-"))).one()
        row.retention_years = value
    session.flush()


def test_personal_data_is_erased_once_every_record_showing_it_has_expired(db_session, world):
    a = world.a
    other_field = make_procedure(db_session, unit=a.unit, now=NOW, code="2.000815", field_name="Chứng thực",
                                 name="Chứng thực bản sao từ bản chính")
    civil = _receive(db_session, world)  # hộ tịch: kept permanently
    old = _receive(db_session, world, other_field)
    recent = _receive(db_session, world, other_field)
    open_one = _receive(db_session, world, other_field)  # never finished: kept
    _finish(db_session, civil, datetime(2026, 12, 1, tzinfo=timezone.utc))
    _finish(db_session, old, datetime(2026, 12, 31, 16, 59, tzinfo=timezone.utc))  # 23:59 on 31/12/2026 in Vietnam
    _finish(db_session, recent, datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc))  # 00:00 on 1/1/2027
    turned = reception.turn_away(db_session, a.clerk, NonReceptionKind.REFUSED, reception.NonReceptionInput(
        procedure_id=other_field.id, applicant=reception.ApplicantInput(
            name="Nguyễn Văn Bình", id_kind=IdKind.CITIZEN_ID, id_number=ID), reason="Không thuộc thẩm quyền."), now=NOW)
    _set_retention(db_session, a.unit, MAU_07=5, MAU_01=5, MAU_06=5, HS_TTHC=10, MAU_02_03=10)

    assert sum(privacy.erase_expired(db_session, now=datetime(2036, 12, 31, 16, 0, tzinfo=timezone.utc)).values()) \
        == 0  # 23:00 on 31/12/2036 in Vietnam: the 10 years of 2026 are not over
    plan = {(row.holding, row.label.endswith("hộ tịch")): row for row in privacy.retention_plan(
        db_session, a.unit, now=datetime(2037, 1, 1, 1, 0, tzinfo=timezone.utc))}
    assert plan[Holding.DOSSIER, False].due == 1 and plan[Holding.DOSSIER, True].rule.years is None
    assert plan[Holding.NON_RECEPTION, False].due == 1

    for row in (old, recent):  # their status pages, as a citizen's view kept them
        db_session.add(StatusPageCache(token=row.token, dossier_id=row.id, unit_id=row.unit_id, version=row.version,
                                       code=row.code, etag="e", body=f"<p>{row.applicant_name}</p>", made_at=NOW,
                                       valid_until=NOW + timedelta(days=1)))
    db_session.flush()
    erased = privacy.erase_expired(db_session, now=datetime(2037, 1, 1, 1, 0, tzinfo=timezone.utc))
    assert erased == {"dossier": 1, "non_reception": 1}
    assert [p.dossier_id for p in db_session.scalars(select(StatusPageCache))] == [recent.id]  # the erased one's went
    for row in (civil, old, recent, open_one, turned):
        db_session.refresh(row)
    assert (old.applicant_name, old.applicant_id_number, old.applicant_phone, old.applicant_address) == (
        ERASED_NAME, "", "", "")
    assert old.personal_data_erased_at is not None and old.code and old.status is DossierStatus.RETURNED
    assert (turned.applicant_name, turned.applicant_id_number) == (ERASED_NAME, "")
    for kept in (civil, recent, open_one):
        assert kept.applicant_id_number == ID and kept.personal_data_erased_at is None
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.erase")).one()
    assert entry.unit_id == a.unit.id and entry.actor_id is None and sum(entry.detail["erased"].values()) == 2
    # Running again erases nothing more; the person's data is gone from an access request too.
    assert not privacy.erase_expired(db_session, now=datetime(2037, 1, 2, tzinfo=timezone.utc))
    assert old.id not in [d.id for d in privacy.find_person(db_session, a.leader, ID, now=NOW).dossiers]


def test_comments_and_login_addresses_follow_their_own_retention(db_session, world):
    from app.services import users
    a = world.a
    dossier = _receive(db_session, world)
    db_session.add(SatisfactionRating(dossier_id=dossier.id, unit_id=a.unit.id, procedure_id=a.procedure.id, at=NOW,
                                      total_time=2, step_time=2, contacts=2, agencies=2, one_stop=2, disclosure=2,
                                      attitude=2, convenience=2, overall=2, score=18, comment="Cán bộ nhiệt tình."))
    users.authenticate(db_session, a.clerk.username, "sai-mat-khau", now=NOW, source=users.LoginSource("10.1.2.3"))
    db_session.flush()
    erased = privacy.erase_expired(db_session, now=datetime(2032, 1, 1, 1, tzinfo=timezone.utc))  # defaults: 5 y, 2 y
    assert erased == {"comment": 1, "system_log": 1}
    assert db_session.scalar(select(SatisfactionRating.comment)) == ""
    assert not db_session.scalars(select(AuditEntry).where(AuditEntry.action.like("auth.%"))).all()
    assert db_session.scalar(select(NonReception.id)) is None


def test_searches_by_name_or_code_are_logged_against_the_rows_they_found(client, world, login, db_session):
    """The desk's list, the work queues and the API: who typed a name and found whom (not what was typed)."""
    mine = _receive(db_session, world)
    db_session.commit()
    login("a.clerk")
    assert mine.code in client.get("/ho-so", query_string={"q": "Văn Bình"}).get_data(as_text=True)
    client.get("/ho-so", query_string={"q": "Văn Bình"})  # again within 10 minutes: one entry
    client.get("/ho-so")  # a list without a search is not a search
    client.get("/xu-ly/cho-tra-ket-qua", query_string={"q": "Bình"})
    entries = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "personal_data.search")).all()
    assert [(e.object_type, e.object_id, e.actor_id, e.detail["where"]) for e in entries] == [
        ("dossier", mine.id, world.a.clerk.id, "ho-so")]
    assert all("Bình" not in str(e.detail) for e in entries)
    found = privacy.find_person(db_session, world.a.leader, ID, now=NOW)
    assert ("personal_data.search", world.a.clerk.id) in {(e.action, e.actor_id) for e in found.accesses}
