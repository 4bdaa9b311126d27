"""The ISO pages through HTTP: nonconformities, objectives, registers, the review and the pack."""

import io
import json
import zipfile
from datetime import datetime

import pytest
from sqlalchemy import select

from app.cli.jobs import make_exports
from app.domain.localtime import VN_TZ
from app.domain.nonconformity import Status
from app.services import reception, registers
from app.services.sweep import run_sweep
from models import AuditEntry, Nonconformity, QualityObjective, RecordType
from tests.integration.test_reception import reception_input


@pytest.fixture
def overdue_record(db_session, world):
    a = world.a
    reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id),
                              now=datetime(2026, 11, 2, 9, tzinfo=VN_TZ))
    run_sweep(db_session, now=datetime(2026, 11, 10, 9, tzinfo=VN_TZ))
    return db_session.scalars(select(Nonconformity)).one()


def test_the_leader_drives_a_nonconformity_through_its_workflow(client, login, db_session, world, overdue_record):
    record, a = overdue_record, world.a
    login("a.leader")
    listing = client.get("/iso/khong-phu-hop").get_data(as_text=True)
    assert "01/2026/KPH" in listing and "Hồ sơ quá hạn" in listing and "Mới phát hiện: 1" in listing
    page = client.get(f"/iso/khong-phu-hop/{record.id}").get_data(as_text=True)
    assert "Ghi nguyên nhân và hành động khắc phục" in page and a.officer.full_name in page
    # Missing cause and owner: 400, Vietnamese messages beside the fields, what was typed kept, nothing saved.
    bad = client.post(f"/iso/khong-phu-hop/{record.id}/analyse", data={
        "version": record.version, "correction": "Giải quyết ngay trong ngày hôm sau", "cause": "",
        "corrective_action": "Bàn giao khi nghỉ", "action_due_on": "2026-11-30"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Vui lòng ghi rõ nguyên nhân" in html
    assert "Vui lòng chọn người chịu trách nhiệm thực hiện" in html and "Giải quyết ngay trong ngày hôm sau" in html
    db_session.refresh(record)
    assert record.status is Status.OPEN and record.correction == ""
    good = client.post(f"/iso/khong-phu-hop/{record.id}/analyse", data={
        "version": record.version, "cause": "Công chức nghỉ ốm không bàn giao", "correction": "Giải quyết ngay",
        "corrective_action": "Quy định bàn giao hồ sơ khi nghỉ", "owner_id": a.officer.id,
        "action_due_on": "2026-11-30"})
    assert good.status_code == 302
    db_session.refresh(record)
    assert record.status is Status.ACTION and record.owner_id == a.officer.id
    # The same form posted again with the old version: someone else changed it meanwhile.
    stale = client.post(f"/iso/khong-phu-hop/{record.id}/analyse", data={
        "version": 1, "cause": "Khác", "correction": "Khác", "corrective_action": "Khác", "owner_id": a.officer.id,
        "action_due_on": "2026-11-30"})
    assert stale.status_code == 409
    # The owner reports; the leader closes with the effectiveness check. An officer may not close it himself.
    login("a.officer")
    refused = client.post(f"/iso/khong-phu-hop/{record.id}/close", data={
        "version": record.version, "effectiveness": "Tự đánh giá là tốt"})
    assert refused.status_code == 400 and "Không thể “đánh giá hiệu lực và đóng”" in refused.get_data(as_text=True)
    assert client.post(f"/iso/khong-phu-hop/{record.id}/complete", data={
        "version": record.version, "report": "Đã ban hành quy định bàn giao"}).status_code == 302
    login("a.leader")
    db_session.refresh(record)
    page = client.get(f"/iso/khong-phu-hop/{record.id}").get_data(as_text=True)
    assert "Hiệu quả — đóng hồ sơ không phù hợp" in page and "Chưa hiệu quả, khắc phục lại" in page
    assert client.post(f"/iso/khong-phu-hop/{record.id}/close", data={
        "version": record.version, "effectiveness": "Tháng 12 không còn hồ sơ trễ do nghỉ"}).status_code == 302
    db_session.refresh(record)
    assert record.status is Status.CLOSED
    assert client.post(f"/iso/khong-phu-hop/{record.id}/khong-co", data={"version": record.version}).status_code == 404


def test_nonconformities_stay_inside_their_unit(client, login, world, overdue_record):
    login("b.leader")
    assert client.get(f"/iso/khong-phu-hop/{overdue_record.id}").status_code == 404
    assert "01/2026/KPH" not in client.get("/iso/khong-phu-hop").get_data(as_text=True)
    login("tinh.inspector")
    assert client.get(f"/iso/khong-phu-hop/{overdue_record.id}").status_code == 200
    assert client.post(f"/iso/khong-phu-hop/{overdue_record.id}/analyse", data={}).status_code == 403


def test_a_clerk_opens_a_record_for_a_complaint(client, login, db_session, world):
    login("a.clerk")
    bad = client.post("/iso/khong-phu-hop/moi", data={"source": "complaint", "description": "ngắn",
                                                      "dossier_code": "KHONG-CO"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "ít nhất 10 ký tự" in html and "Không tìm thấy hồ sơ “KHONG-CO”" in html
    automatic = client.post("/iso/khong-phu-hop/moi", data={"source": "overdue", "description": "x" * 20})
    assert automatic.status_code == 400
    response = client.post("/iso/khong-phu-hop/moi", data={
        "source": "complaint", "description": "Người dân phản ánh phải chờ lâu tại quầy tiếp nhận"})
    assert response.status_code == 302
    record = db_session.scalars(select(Nonconformity)).one()
    assert record.opened_by_id == world.a.clerk.id and record.number == 1


def test_objectives_page_and_targets(client, login, db_session, world):
    login("a.leader")
    page = client.get("/iso/muc-tieu?nam=2026")
    assert page.status_code == 200 and "Đặt mục tiêu năm 2026" in page.get_data(as_text=True)
    data = {"target_on_time": "97,5", "target_apology": "100", "target_one_supplement": "",
            "target_satisfaction": "120", "target_online": "50"}
    bad = client.post("/iso/muc-tieu?nam=2026", data=data)
    assert bad.status_code == 400 and "Chỉ tiêu phải từ 0 đến 100" in bad.get_data(as_text=True)
    assert db_session.scalars(select(QualityObjective)).all() == []
    data["target_satisfaction"] = "90"
    assert client.post("/iso/muc-tieu?nam=2026", data=data).status_code == 302
    saved = {o.indicator.value: o.target for o in db_session.scalars(select(QualityObjective))}
    assert {k: str(v) for k, v in saved.items()} == {"on_time": "97.50", "apology": "100.00",
                                                       "satisfaction": "90.00", "online": "50.00"}
    assert "≥ 97,5 %" in client.get("/iso/muc-tieu?nam=2026").get_data(as_text=True)
    login("a.officer")
    page = client.get("/iso/muc-tieu?nam=2026").get_data(as_text=True)
    assert "≥ 97,5 %" in page and "Đặt mục tiêu" not in page
    assert client.post("/iso/muc-tieu?nam=2026", data=data).status_code == 403


def test_registers_pages(client, login, db_session, world):
    registers.prefill(db_session, world.a.unit.id)
    login("a.leader")
    page = client.get("/iso/danh-muc").get_data(as_text=True)
    assert "Danh mục tài liệu nội bộ" in page and "118/2025/NĐ-CP" in page and "Vĩnh viễn" in page
    row = db_session.scalars(select(RecordType).where(RecordType.code == "MAU-07",
                                                      RecordType.unit_id == world.a.unit.id)).one()
    form = client.get(f"/iso/danh-muc/ho-so/{row.id}").get_data(as_text=True)
    assert 'value="20 năm"' in form
    fields = {"version": row.version, "code": "MAU-07", "name": row.name, "kept_at": "Kho lưu trữ xã",
              "owner": "Văn thư", "retention": "mãi", "disposal": "", "note": ""}
    bad = client.post(f"/iso/danh-muc/ho-so/{row.id}", data=fields)
    assert bad.status_code == 400 and "vĩnh viễn" in bad.get_data(as_text=True)
    db_session.refresh(row)
    assert row.kept_at != "Kho lưu trữ xã"
    fields["retention"] = "vĩnh viễn"
    assert client.post(f"/iso/danh-muc/ho-so/{row.id}", data=fields).status_code == 302
    db_session.refresh(row)
    assert (row.retention_years, row.kept_at) == (None, "Kho lưu trữ xã") and "vĩnh viễn" in row.disposal.lower()
    created = client.post("/iso/danh-muc/noi-bo/moi", data={"code": "hd-01", "title": "Hướng dẫn số hoá hồ sơ",
                                                            "kind": "instruction", "edition": "01",
                                                            "issued_on": "2026-03-01", "approver": "Chủ tịch UBND xã",
                                                            "is_current": "y"})
    assert created.status_code == 302
    assert "HD-01" in client.get("/iso/danh-muc").get_data(as_text=True)
    assert client.post(f"/iso/danh-muc/ho-so/{row.id}/xoa", data={"version": row.version}).status_code == 302
    assert db_session.scalar(select(RecordType).where(RecordType.id == row.id)) is None
    assert client.post("/iso/danh-muc/bo-sung").status_code == 302
    assert db_session.scalars(select(RecordType).where(RecordType.code == "MAU-07",
                                                       RecordType.unit_id == world.a.unit.id)).one()
    assert client.get("/iso/danh-muc/khac/moi").status_code == 404
    login("a.officer")  # reads, does not edit
    other = db_session.scalars(select(RecordType).where(RecordType.unit_id == world.a.unit.id)).first()
    assert client.get("/iso/danh-muc").status_code == 200
    assert client.post(f"/iso/danh-muc/ho-so/{other.id}", data=fields).status_code == 403
    login("b.leader")
    assert client.get(f"/iso/danh-muc/ho-so/{other.id}").status_code == 404


def test_review_page_and_pack_download(app, client, login, db_session, world, overdue_record):
    login("a.leader")
    page = client.get("/iso/?ky=2026-11")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Số liệu xem xét của lãnh đạo — Tháng 11/2026" in html
    assert "Tạo bộ hồ sơ ISO — Tháng 11/2026" in html and "Chưa có" in html
    assert client.get("/iso/?ky=2026-13").status_code == 400
    # The pack is a job: the page queues it and shows its progress.
    response = client.post("/iso/bo-ho-so", data={"ky": "2026-11"})
    assert response.status_code == 303
    job_page = response.headers["Location"]
    job_id = int(job_page.rstrip("/").rsplit("/", 1)[1])
    html = client.get(job_page).get_data(as_text=True)
    assert "Đang chờ" in html and 'id="export-progress"' in html and "export-progress.js" in html
    assert client.get(f"/xuat-file/{job_id}/tien-do").json == {
        "state": "queued", "label": "Đang chờ", "done": 0, "total": 0, "percent": 0, "step": "", "error": "", "download": None}
    assert client.get(f"/xuat-file/{job_id}/tai-ve").status_code == 400  # not made yet

    assert make_exports(app) == 1  # the scheduler's run
    assert app.test_cli_runner().invoke(args=["exports", "run"]).output == "Đã xử lý 0 yêu cầu xuất tệp.\n"
    status = client.get(f"/xuat-file/{job_id}/tien-do").json
    assert status["state"] == "done" and status["percent"] == 100 and status["done"] == status["total"] == 8
    html = client.get(job_page).get_data(as_text=True)
    assert "Sẵn sàng tải về" in html and "export-progress.js" not in html
    assert f"/xuat-file/{job_id}/tai-ve" in client.get("/xuat-file/").get_data(as_text=True)
    response = client.get(status["download"])
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["counts"]["overdue"] == 1 and manifest["counts"]["control_slips"] == 1
    assert db_session.scalars(select(AuditEntry).where(AuditEntry.action == "iso_pack.export")).one()
    assert db_session.scalars(select(AuditEntry).where(AuditEntry.action == "export.download")).one()
    assert "Tệp đã sẵn sàng" in client.get("/thong-bao").get_data(as_text=True)
    login("a.clerk")
    assert client.get("/iso/").status_code == 403
    assert client.post("/iso/bo-ho-so", data={"ky": "2026-11"}).status_code == 403
    for path in (job_page, f"/xuat-file/{job_id}/tien-do", f"/xuat-file/{job_id}/tai-ve"):
        assert client.get(path).status_code == 404, path  # another person's file: not even its existence
    login("a.admin")
    assert client.get("/iso/").status_code == 200


def test_hostile_input_on_the_iso_pages_never_fails_the_server(client, login, world):
    login("a.leader")
    big = "9" * 25  # past every integer column
    for url in (f"/iso/?don-vi={big}", "/iso/?ky=abcd", "/iso/?ky=0000", f"/iso/muc-tieu?don-vi={big}&nam=x",
                f"/iso/danh-muc?don-vi={big}", f"/iso/danh-muc/ho-so/{big}", f"/iso/khong-phu-hop/{big}",
                "/iso/khong-phu-hop?trang=-5&trang-thai=xyz", f"/iso/khong-phu-hop?don-vi={big}&trang={big}"):
        assert client.get(url).status_code in (200, 400, 404), url
    for url, data in ((f"/iso/khong-phu-hop/{big}/analyse", {}), ("/iso/bo-ho-so", {"ky": "2026-99"}),
                      ("/iso/bo-ho-so", {"ky": "2026-11", "don-vi": big}), (f"/iso/danh-muc/noi-bo/{big}/xoa", {}),
                      ("/iso/muc-tieu?nam=2026", {"target_on_time": "1e999"}),
                      ("/iso/khong-phu-hop/moi", {"source": "zzz"})):
        assert client.post(url, data=data).status_code in (400, 404), url


def test_an_export_address_naming_no_job_is_a_404_whatever_the_number(client, login, world):
    """Ids past the 32-bit column (PostgreSQL would raise) and ids of no job: the same Vietnamese 404."""
    login("a.leader")
    for path in ("/xuat-file/99999999999999999999999", "/xuat-file/2147483648", "/xuat-file/2147483648/tien-do",
                 "/xuat-file/9223372036854775808/tai-ve", "/xuat-file/0", "/xuat-file/12345"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Không tìm thấy tệp xuất này." in response.get_data(as_text=True), path
