"""Admin flows through the UI: create a unit, a user and a procedure with steps."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.roles import Role
from app.services import calendar
from models import Department, Procedure, Unit, User
from tests.builders import make_department
from tests.conftest import NOW


def _unit_form(**overrides):
    data = {
        "code": "000.00.95.H77",
        "governing_body_name": "ỦY BAN NHÂN DÂN XÃ HƯNG THỊNH",
        "name": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "place_name": "Hưng Thịnh",
        "address": "Thôn 1, xã Hưng Thịnh",
        "phone": "0210 3 999 999",
        "email": "",
        "working_windows": "07:30-11:30, 13:30-17:30",
        "same_day_cutoff": "15:00",
        "receipt_paper": "A5",
        "control_slip_paper": "A4",
        "is_active": "y",
    }
    data.update(overrides)
    return data


def test_a_province_admin_creates_a_commune(client, world, login, db_session):
    login("tinh.admin")
    assert client.get(f"/quan-tri/don-vi/moi?parent={world.province.id}").status_code == 200
    response = client.post(f"/quan-tri/don-vi/moi?parent={world.province.id}", data=_unit_form())
    assert response.status_code == 302
    unit = db_session.scalar(select(Unit).where(Unit.code == "000.00.95.H77"))
    assert unit.parent_id == world.province.id
    assert unit.governing_body_name == "ỦY BAN NHÂN DÂN XÃ HƯNG THỊNH"
    assert "Đã tạo đơn vị" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_bad_unit_input_gets_messages_next_to_the_fields_and_a_400(client, world, login, db_session):
    login("tinh.admin")
    response = client.post(
        f"/quan-tri/don-vi/moi?parent={world.province.id}",
        data=_unit_form(code="khong hop le", place_name="", working_windows="8-12", same_day_cutoff="chiều"),
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Mã định danh điện tử không đúng định dạng" in text
    assert "Vui lòng nhập thông tin này." in text
    assert "không phải giờ hợp lệ" in text
    assert 'aria-invalid="true"' in text
    assert db_session.scalar(select(Unit).where(Unit.place_name == "Hưng Thịnh")) is None


def test_too_long_input_is_refused_not_truncated(client, world, login):
    login("tinh.admin")
    response = client.post(
        f"/quan-tri/don-vi/moi?parent={world.province.id}", data=_unit_form(name="X" * 300)
    )
    assert response.status_code == 400
    assert "Tối đa 255 ký tự" in response.get_data(as_text=True)


def test_a_stale_unit_form_gets_a_409_and_does_not_overwrite(client, world, login, db_session):
    login("a.admin")
    unit = world.a.unit
    old_version = unit.version
    first = client.post(f"/quan-tri/don-vi/{unit.id}", data=_unit_form(code=unit.code, phone="111", version=old_version))
    assert first.status_code == 302
    second = client.post(f"/quan-tri/don-vi/{unit.id}", data=_unit_form(code=unit.code, phone="222", version=old_version))
    assert second.status_code == 409
    assert "người khác thay đổi" in second.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Unit, unit.id).phone == "111"


def test_an_admin_adds_and_renames_departments(client, world, login, db_session):
    login("a.admin")
    response = client.post(f"/quan-tri/don-vi/{world.a.unit.id}/bo-phan", data={"name": "Phòng Kinh tế", "is_active": "y"})
    assert response.status_code == 302
    department = db_session.scalar(select(Department).where(Department.unit_id == world.a.unit.id))
    duplicate = client.post(f"/quan-tri/don-vi/{world.a.unit.id}/bo-phan", data={"name": "phòng kinh tế"})
    assert duplicate.status_code == 400 and "Đơn vị đã có bộ phận" in duplicate.get_data(as_text=True)
    client.post(f"/quan-tri/bo-phan/{department.id}", data={"name": "Phòng Kinh tế - Hạ tầng"})
    db_session.expire_all()
    department = db_session.get(Department, department.id)
    assert department.name == "Phòng Kinh tế - Hạ tầng" and department.is_active is False


def test_an_admin_creates_a_user_who_can_then_log_in(client, world, login, db_session):
    login("a.admin")
    department = make_department(db_session, unit=world.a.unit)
    assert client.get("/quan-tri/nguoi-dung/moi").status_code == 200
    response = client.post(
        "/quan-tri/nguoi-dung/moi",
        data={
            "username": "nguyen.van.an",
            "full_name": "Nguyễn Văn An",
            "position": "Công chức Tư pháp - Hộ tịch",
            "unit_id": world.a.unit.id,
            "department_id": department.id,
            "roles": ["officer", "clerk"],
            "is_active": "y",
            "password": "Mot-mat-khau-dai",
        },
    )
    assert response.status_code == 302
    user = db_session.scalar(select(User).where(User.username == "nguyen.van.an"))
    assert user.roles == {Role.OFFICER, Role.CLERK} and user.department_id == department.id
    assert login("nguyen.van.an", "Mot-mat-khau-dai").status_code == 302


def test_a_user_form_with_bad_input_says_why(client, world, login):
    login("a.admin")
    response = client.post(
        "/quan-tri/nguoi-dung/moi",
        data={"username": "Nguyễn", "full_name": "", "unit_id": world.a.unit.id, "password": "123"},
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Tên đăng nhập dài 3–40 ký tự" in text
    assert "Chọn ít nhất một vai trò." in text
    assert "Mật khẩu phải có ít nhất 8 ký tự." in text


def _procedure_form(**overrides):
    data = {
        "code": "1.001022",
        "name": "Thủ tục đăng ký nhận cha, mẹ, con",
        "field_name": "Hộ tịch",
        "level": "commune",
        "duration_kind": "working_days",
        "duration_value": "3",
        "supplement_policy": "pause",
        "fee_text": "Theo Nghị quyết của HĐND tỉnh.",
        "result_text": "Trích lục đăng ký nhận cha, mẹ, con",
        "effective_from": "2026-01-01",
        "effective_to": "",
        "documents-0-name": "Tờ khai đăng ký nhận cha, mẹ, con",
        "documents-0-originals": "1",
        "documents-1-name": "",
        "steps-0-name": "Tiếp nhận",
        "steps-0-role": "clerk",
        "steps-0-share": "0,5",
        "steps-1-name": "Thẩm định, xác minh",
        "steps-1-role": "officer",
        "steps-1-share": "2",
        "steps-2-name": "Ký duyệt và trả kết quả",
        "steps-2-role": "leader",
        "steps-2-share": "0,5",
        "steps-3-name": "",
        "steps-3-share": "",
    }
    data.update(overrides)
    return data


def test_an_admin_creates_a_procedure_with_steps(client, world, login, db_session):
    login("a.admin")
    page = client.get("/thu-tuc/moi")
    assert page.status_code == 200 and "Quy trình nội bộ" in page.get_data(as_text=True)
    response = client.post("/thu-tuc/moi", data=_procedure_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    procedure = db_session.scalar(select(Procedure).where(Procedure.code == "1.001022"))
    assert procedure.unit_id == world.a.unit.id
    assert [(s.name, s.share) for s in procedure.steps] == [
        ("Tiếp nhận", Decimal("0.5")), ("Thẩm định, xác minh", Decimal("2")), ("Ký duyệt và trả kết quả", Decimal("0.5"))
    ]
    assert [d.name for d in procedure.documents] == ["Tờ khai đăng ký nhận cha, mẹ, con"]
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "03 ngày làm việc" in detail and "Thẩm định, xác minh" in detail


def test_shares_that_do_not_sum_are_explained_above_the_steps(client, world, login, db_session):
    login("a.admin")
    response = client.post("/thu-tuc/moi", data=_procedure_form(**{"steps-1-share": "1"}))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Tổng thời gian các bước (2 ngày làm việc) phải bằng thời hạn giải quyết (3 ngày làm việc)." in text
    assert 'value="Thẩm định, xác minh"' in text  # what was typed is kept
    assert db_session.scalar(select(Procedure).where(Procedure.code == "1.001022")) is None


def test_unreadable_numbers_and_dates_get_vietnamese_messages(client, world, login):
    login("a.admin")
    response = client.post(
        "/thu-tuc/moi",
        data=_procedure_form(**{"steps-0-share": "nửa ngày", "effective_from": "31/02/2026", "documents-0-originals": "một"}),
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Ngày không hợp lệ" in text
    assert "Vui lòng nhập một số nguyên." in text


def test_a_duplicate_code_in_force_on_the_same_days_is_refused(client, world, login):
    login("a.admin")
    response = client.post("/thu-tuc/moi", data=_procedure_form(code=world.a.procedure.code))
    assert response.status_code == 400
    assert "không được có hiệu lực trùng ngày" in response.get_data(as_text=True)


def test_an_admin_edits_a_procedure_and_a_stale_form_gets_409(client, world, login, db_session):
    login("a.admin")
    procedure = world.a.procedure
    form = _procedure_form(code=procedure.code, effective_from="2025-07-01", version=procedure.version, name="Tên mới")
    assert client.post(f"/thu-tuc/{procedure.id}/sua", data=form).status_code == 302
    stale = client.post(f"/thu-tuc/{procedure.id}/sua", data=dict(form, name="Tên khác"))
    assert stale.status_code == 409
    db_session.expire_all()
    assert db_session.get(Procedure, procedure.id).name == "Tên mới"


def test_an_admin_creates_a_new_version_from_the_detail_page(client, world, login, db_session):
    login("a.admin")
    procedure = world.a.procedure
    page = client.get(f"/thu-tuc/{procedure.id}/phien-ban-moi")
    assert page.status_code == 200
    assert 'value="2026-11-25"' in page.get_data(as_text=True)  # tomorrow by default
    response = client.post(
        f"/thu-tuc/{procedure.id}/phien-ban-moi",
        data=_procedure_form(code=procedure.code, effective_from="2027-01-01"),
    )
    assert response.status_code == 302
    db_session.expire_all()
    versions = db_session.scalars(
        select(Procedure).where(Procedure.code == procedure.code, Procedure.unit_id == world.a.unit.id)
        .order_by(Procedure.effective_from)
    ).all()
    assert [(str(v.effective_from), str(v.effective_to)) for v in versions] == [
        ("2025-07-01", "2026-12-31"), ("2027-01-01", "None")
    ]


def test_a_commune_admin_is_not_offered_the_inspector_role_but_a_province_admin_is(client, world, login):
    login("a.admin")
    assert 'value="inspector"' not in client.get("/quan-tri/nguoi-dung/moi").get_data(as_text=True)
    login("tinh.admin")
    assert 'value="inspector"' in client.get("/quan-tri/nguoi-dung/moi").get_data(as_text=True)


def test_departments_are_offered_grouped_by_unit(client, world, login, db_session):
    make_department(db_session, unit=world.a.unit, name="Tư pháp - Hộ tịch")
    make_department(db_session, unit=world.b.unit, name="Phòng Kinh tế")
    login("tinh.admin")
    page = client.get("/quan-tri/nguoi-dung/moi").get_data(as_text=True)
    assert f'<optgroup label="{world.a.unit.governing_body_name}">' in page
    assert f'<optgroup label="{world.b.unit.governing_body_name}">' in page
    login("a.admin")
    page = client.get("/quan-tri/nguoi-dung/moi").get_data(as_text=True)
    assert "Tư pháp - Hộ tịch" in page and "Phòng Kinh tế" not in page


def test_a_department_of_another_unit_is_refused(client, world, login, db_session):
    other = make_department(db_session, unit=world.b.unit, name="Phòng Kinh tế")
    login("tinh.admin")
    response = client.post(
        "/quan-tri/nguoi-dung/moi",
        data={"username": "sai.bo.phan", "full_name": "Sai Bộ Phận", "unit_id": world.a.unit.id,
              "department_id": other.id, "roles": ["clerk"], "is_active": "y", "password": "Mot-mat-khau-dai"},
    )
    assert response.status_code == 400
    assert "Bộ phận này không thuộc đơn vị đã chọn." in response.get_data(as_text=True)


def test_losing_a_uniqueness_race_answers_409_and_writes_nothing(client, world, login, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    def concurrent_insert(*args, **kwargs):
        raise IntegrityError("INSERT INTO department …", {}, Exception("unique constraint"))

    monkeypatch.setattr("app.services.units.add_department", concurrent_insert)
    login("a.admin")
    response = client.post(f"/quan-tri/don-vi/{world.a.unit.id}/bo-phan", data={"name": "Phòng Kinh tế"})
    assert response.status_code == 409
    assert "vừa được người khác lưu" in response.get_data(as_text=True)


def test_the_edit_form_shows_stored_numbers_as_typed(client, world, login, db_session):
    from tests.builders import make_procedure
    from app.domain.catalogue import StepSpec

    procedure = make_procedure(
        db_session, unit=world.a.unit, now=world.a.procedure.created_at, code="1.001612", duration_value="10",
        steps=(StepSpec("Tiếp nhận", Decimal("0.5"), role=Role.CLERK), StepSpec("Thẩm định", Decimal("9.5"), role=Role.OFFICER)),
    )
    login("a.admin")
    page = client.get(f"/thu-tuc/{procedure.id}/sua").get_data(as_text=True)
    assert 'id="duration_value" name="duration_value" type="text" value="10"' in page
    assert 'value="0,5"' in page and 'value="9,5"' in page


def test_the_audit_log_page_lists_changes_for_leaders_and_admins(client, db_session, world, login):
    calendar.add_override(db_session, world.a.admin, world.a.unit.id, day=date(2026, 12, 26), working=True,
                          reason="Làm bù ngày 02/01", now=NOW)
    login(world.a.admin.username)
    page = client.get("/quan-tri/nhat-ky")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Điều chỉnh lịch làm việc" in text and "ngày 26/12/2026 là ngày làm việc (Làm bù ngày 02/01)" in text
    assert "Đăng nhập" in text  # the admin's own login
    changes_only = client.get("/quan-tri/nhat-ky?loai=thay-doi").get_data(as_text=True)
    assert "Điều chỉnh lịch làm việc" in changes_only and "<td data-label=\"Việc\">Đăng nhập</td>" not in changes_only
    login(world.b.leader.username)
    assert "Làm bù ngày 02/01" not in client.get("/quan-tri/nhat-ky").get_data(as_text=True)
    login(world.a.clerk.username)
    assert client.get("/quan-tri/nhat-ky").status_code == 403


def test_an_access_request_through_the_ui(client, db_session, world, login):
    from app.services import reception
    from models import AuditEntry
    from tests.integration.test_reception import reception_input

    dossier = reception.receive_dossier(db_session, world.a.clerk, reception_input(world.a.procedure.id), now=NOW)
    login(world.a.officer.username)
    assert client.get(f"/ho-so/{dossier.id}").status_code == 200
    assert client.get("/quan-tri/du-lieu-ca-nhan").status_code == 403
    login(world.a.leader.username)
    page = client.get("/quan-tri/du-lieu-ca-nhan")
    assert page.status_code == 200 and "Thời hạn lưu dữ liệu cá nhân" in page.get_data(as_text=True)
    bad = client.post("/quan-tri/du-lieu-ca-nhan", data={"id_number": "<script>"})
    assert bad.status_code == 400 and "12 chữ số" in bad.get_data(as_text=True)
    found = client.post("/quan-tri/du-lieu-ca-nhan", data={"id_number": "001203004567"})
    text = found.get_data(as_text=True)
    assert found.status_code == 200 and found.headers["Cache-Control"] == "no-store"
    assert dossier.code in text and "Nguyễn Văn Bình" in text and world.a.officer.full_name in text
    export = client.post("/quan-tri/du-lieu-ca-nhan/xuat", data={"id_number": "001203004567", "format": "xlsx"})
    assert export.status_code == 200 and export.data[:2] == b"PK"
    assert export.headers["Content-Disposition"] == 'attachment; filename="du-lieu-ca-nhan-20261124.xlsx"'
    assert client.post("/quan-tri/du-lieu-ca-nhan/xuat", data={"id_number": "001203004567",
                                                                "format": "exe"}).status_code == 400
    actions = [e.action for e in db_session.scalars(select(AuditEntry).where(AuditEntry.object_type == "dossier",
                                                                           AuditEntry.object_id == dossier.id))]
    assert actions == ["personal_data.view", "personal_data.search", "personal_data.export"]
    log = client.get("/quan-tri/nhat-ky?loai=du-lieu-ca-nhan").get_data(as_text=True)
    assert "Xem hồ sơ có dữ liệu cá nhân" in log and "Tìm dữ liệu của một người" in log
    assert f"hồ sơ {dossier.code}" in log  # rows named as people know them
    assert "001203004567" not in log


def test_opening_an_action_page_of_a_dossier_is_logged_as_a_view(client, db_session, world, login):
    from app.services import reception
    from models import AuditEntry
    from tests.integration.test_reception import reception_input

    dossier = reception.receive_dossier(db_session, world.a.clerk, reception_input(world.a.procedure.id), now=NOW)
    login(world.a.clerk.username)
    assert client.get(f"/ho-so/{dossier.id}/xu-ly/hand_over").status_code == 200
    assert client.post(f"/ho-so/{dossier.id}/xu-ly/hand_over", data={"version": "x"}).status_code == 409  # stale
    views = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "personal_data.view",
                                                        AuditEntry.object_id == dossier.id)).all()
    assert [(v.actor_id, v.object_type) for v in views] == [(world.a.clerk.id, "dossier")]
