from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.catalogue import DocumentSpec, StepSpec
from app.domain.durations import DurationKind
from app.domain.roles import Role
from app.services import catalogue, units, users
from app.services.errors import Conflict, ValidationFailed
from models import Procedure, User
from tests import builders
from tests.builders import procedure_input
from tests.conftest import NOW


def _unit_input(**overrides):
    data = dict(code="000.00.90.H77", governing_body_name="ỦY BAN NHÂN DÂN XÃ MỚI", name="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", place_name="Xã Mới")
    data.update(overrides)
    return units.UnitInput(**data)


def test_creating_a_unit_stores_canonical_values(db_session, world):
    unit = units.create_unit(
        db_session, world.province_admin, parent_id=world.province.id,
        data=_unit_input(code=" 000.00.90.h77 ", working_windows="13:30-17:30; 7:30-11:30", same_day_cutoff="15h30"),
        now=NOW,
    )
    assert unit.code == "000.00.90.H77"
    assert unit.working_windows == "07:30-11:30, 13:30-17:30"
    assert f"{unit.same_day_cutoff:%H:%M}" == "15:30"
    assert unit.parent_id == world.province.id


def test_bad_unit_input_reports_every_field(db_session, world):
    with pytest.raises(ValidationFailed) as error:
        units.create_unit(
            db_session, world.province_admin, parent_id=world.province.id,
            data=_unit_input(code=world.a.unit.code, name="", place_name="x" * 101,
                             working_windows="07:00-11:00", same_day_cutoff="25:00"),
            now=NOW,
        )
    errors = error.value.errors
    assert "đã được dùng" in errors["code"]
    assert errors["name"] == "Vui lòng nhập thông tin này."
    assert "Tối đa 100 ký tự" in errors["place_name"]
    assert "phải đủ 8 giờ" in errors["working_windows"]
    assert "không phải giờ hợp lệ" in errors["same_day_cutoff"]


def test_a_stale_unit_form_is_refused(db_session, world):
    unit = world.a.unit
    seen = unit.version
    units.update_unit(db_session, world.a.admin, unit.id, data=_unit_input(code=unit.code, phone="0210 1"),
                      expected_version=seen, now=NOW)
    with pytest.raises(Conflict):
        units.update_unit(db_session, world.a.admin, unit.id, data=_unit_input(code=unit.code, phone="0210 2"),
                          expected_version=seen, now=NOW)
    assert unit.phone == "0210 1"


def test_departments_are_unique_per_unit_ignoring_case(db_session, world):
    units.add_department(db_session, world.a.admin, world.a.unit.id, name="Tư  pháp - Hộ tịch", now=NOW)
    with pytest.raises(ValidationFailed):
        units.add_department(db_session, world.a.admin, world.a.unit.id, name="tư pháp - hộ tịch", now=NOW)
    units.add_department(db_session, world.b.admin, world.b.unit.id, name="Tư pháp - Hộ tịch", now=NOW)


def test_users_get_hashed_passwords_and_can_log_in(db_session, world):
    user = world.a.clerk
    assert builders.PASSWORD not in user.password_hash
    assert users.authenticate(db_session, "A.CLERK", builders.PASSWORD, now=NOW).user is user
    assert user.last_login_at == NOW
    assert users.authenticate(db_session, "a.clerk", "wrong-password", now=NOW).user is None
    assert users.authenticate(db_session, "nobody", builders.PASSWORD, now=NOW).user is None


def test_inactive_users_and_users_of_inactive_units_cannot_log_in(db_session, world):
    world.a.clerk.is_active = False
    assert users.authenticate(db_session, "a.clerk", builders.PASSWORD, now=NOW).user is None
    world.b.unit.is_active = False
    assert users.authenticate(db_session, "b.clerk", builders.PASSWORD, now=NOW).user is None


def test_weak_passwords_and_duplicate_usernames_are_refused(db_session, world):
    data = users.UserInput(username="a.clerk", full_name="", unit_id=world.a.unit.id, roles=frozenset(), password="a.clerk")
    with pytest.raises(ValidationFailed) as error:
        users.create_user(db_session, world.a.admin, data, now=NOW)
    errors = error.value.errors
    assert "đã có người dùng" in errors["username"]
    assert errors["full_name"] == "Vui lòng nhập thông tin này."
    assert errors["roles"] == "Chọn ít nhất một vai trò."
    assert "ít nhất 8 ký tự" in errors["password"]


def test_an_admin_cannot_lock_themselves_out(db_session, world):
    admin = world.a.admin
    base = dict(username=admin.username, full_name=admin.full_name, unit_id=admin.unit_id)
    with pytest.raises(ValidationFailed, match="tự khoá"):
        users.update_user(db_session, admin, admin.id, users.UserInput(**base, roles=frozenset({Role.ADMIN}), is_active=False),
                          expected_version=None, now=NOW)
    with pytest.raises(ValidationFailed, match="tự bỏ vai trò"):
        users.update_user(db_session, admin, admin.id, users.UserInput(**base, roles=frozenset({Role.CLERK})),
                          expected_version=None, now=NOW)


def test_changing_a_password_or_deactivating_ends_existing_sessions(db_session, world):
    user = world.a.officer
    token = user.get_id()
    assert users.load_session_user(db_session, token) is user
    users.change_own_password(db_session, user, current=builders.PASSWORD, new="Mat-khau-moi-2027", now=NOW)
    assert users.load_session_user(db_session, token) is None
    token = user.get_id()
    users.update_user(
        db_session, world.a.admin, user.id,
        users.UserInput(username=user.username, full_name=user.full_name, unit_id=user.unit_id,
                        roles=user.roles, is_active=False),
        expected_version=user.version, now=NOW,
    )
    assert users.load_session_user(db_session, token) is None


def test_a_procedure_is_stored_with_its_documents_and_steps(db_session, world):
    department = builders.make_department(db_session, unit=world.a.unit)
    procedure = catalogue.create_procedure(
        db_session, world.a.admin, world.a.unit.id,
        procedure_input(
            code="1.001193", duration_kind=DurationKind.SAME_DAY, duration_value="",
            documents=(DocumentSpec("Tờ khai", 1), DocumentSpec("Giấy chứng sinh", 1)),
            steps=(
                StepSpec("Tiếp nhận", Decimal(1), role=Role.CLERK),
                StepSpec("Thẩm định", Decimal(5), department_id=department.id, role=Role.OFFICER),
                StepSpec("Ký, trả kết quả", Decimal(2), role=Role.LEADER),
            ),
        ),
        now=NOW,
    )
    db_session.expire_all()
    stored = db_session.get(Procedure, procedure.id)
    assert stored.duration.describe() == "Trong ngày"
    assert [d.name for d in stored.documents] == ["Tờ khai", "Giấy chứng sinh"]
    assert [(s.position, s.name, s.share) for s in stored.steps] == [
        (1, "Tiếp nhận", Decimal(1)), (2, "Thẩm định", Decimal(5)), (3, "Ký, trả kết quả", Decimal(2))
    ]
    assert stored.steps[1].department == department


def test_shares_that_do_not_sum_to_the_duration_are_refused(db_session, world):
    with pytest.raises(ValidationFailed) as error:
        catalogue.create_procedure(
            db_session, world.a.admin, world.a.unit.id,
            procedure_input(code="1.000894", steps=(StepSpec("Một bước", Decimal(2), role=Role.OFFICER),)),
            now=NOW,
        )
    assert error.value.errors["steps"].startswith("Tổng thời gian các bước (2 ngày làm việc)")


def test_a_step_cannot_go_to_another_units_department(db_session, world):
    foreign = builders.make_department(db_session, unit=world.b.unit)
    with pytest.raises(ValidationFailed) as error:
        catalogue.create_procedure(
            db_session, world.a.admin, world.a.unit.id,
            procedure_input(code="1.000894", steps=(StepSpec("Thẩm định", Decimal(3), department_id=foreign.id),)),
            now=NOW,
        )
    assert "không thuộc đơn vị này" in error.value.errors["steps"]


def test_editing_replaces_rows_in_place_and_drops_the_extra_ones(db_session, world):
    procedure = world.a.procedure
    catalogue.update_procedure(
        db_session, world.a.admin, procedure.id,
        procedure_input(
            documents=(DocumentSpec("Tờ khai mới", 1), DocumentSpec("Giấy tờ thêm", 0, 0, 2)),
            steps=(StepSpec("Tiếp nhận và thẩm định", Decimal("2.5"), role=Role.OFFICER),
                   StepSpec("Ký duyệt", Decimal("0.5"), role=Role.LEADER)),
        ),
        expected_version=procedure.version, now=NOW,
    )
    db_session.expire_all()
    stored = db_session.get(Procedure, procedure.id)
    assert [d.name for d in stored.documents] == ["Tờ khai mới", "Giấy tờ thêm"]
    assert [s.name for s in stored.steps] == ["Tiếp nhận và thẩm định", "Ký duyệt"]


def test_two_versions_of_a_procedure_may_not_be_in_force_on_the_same_day(db_session, world):
    with pytest.raises(ValidationFailed) as error:
        catalogue.create_procedure(
            db_session, world.a.admin, world.a.unit.id, procedure_input(effective_from=date(2026, 1, 1)), now=NOW
        )
    assert "trùng ngày" in error.value.errors["effective_from"]


def test_a_new_version_ends_the_previous_one_the_day_before(db_session, world):
    old = world.a.procedure
    new = catalogue.create_next_version(
        db_session, world.a.admin, old.id,
        procedure_input(effective_from=date(2027, 1, 1), duration_value="2",
                        steps=(StepSpec("Xử lý", Decimal(2), role=Role.OFFICER),)),
        now=NOW,
    )
    assert old.effective_to == date(2026, 12, 31)
    assert new.effective_from == date(2027, 1, 1) and new.effective_to is None
    in_force_2026 = catalogue.list_procedures(db_session, world.a.clerk, world.a.unit.id, in_force_on=date(2026, 11, 24))
    in_force_2027 = catalogue.list_procedures(db_session, world.a.clerk, world.a.unit.id, in_force_on=date(2027, 1, 1))
    assert [p.id for p in in_force_2026] == [old.id]
    assert [p.id for p in in_force_2027] == [new.id]
    assert [v.id for v in catalogue.list_versions(db_session, new)] == [new.id, old.id]


def test_a_new_version_keeps_the_code_and_starts_later(db_session, world):
    old = world.a.procedure
    with pytest.raises(ValidationFailed) as error:
        catalogue.create_next_version(
            db_session, world.a.admin, old.id,
            procedure_input(code="1.000894", effective_from=old.effective_from), now=NOW,
        )
    assert "giữ nguyên mã" in error.value.errors["code"]
    assert "phải có hiệu lực sau" in error.value.errors["effective_from"]
    assert old.effective_to is None


def test_a_stale_procedure_form_is_refused(db_session, world):
    procedure = world.a.procedure
    seen = procedure.version
    catalogue.update_procedure(db_session, world.a.admin, procedure.id, procedure_input(fee_text="Miễn phí"),
                               expected_version=seen, now=NOW)
    with pytest.raises(Conflict):
        catalogue.update_procedure(db_session, world.a.admin, procedure.id, procedure_input(fee_text="10.000 đồng"),
                                   expected_version=seen, now=NOW)
    assert procedure.fee_text == "Miễn phí"


def test_search_finds_by_code_name_or_field(db_session, world):
    a = world.a
    catalogue.create_procedure(db_session, a.admin, a.unit.id,
                               procedure_input(code="2.000815", name="Chứng thực bản sao từ bản chính", field_name="Chứng thực"),
                               now=NOW)
    found = lambda q: {p.code for p in catalogue.list_procedures(db_session, a.clerk, a.unit.id, search=q)}  # noqa: E731
    assert found("2.000815") == {"2.000815"}
    assert found("Chứng thực") == {"2.000815"}
    assert found("hôn nhân") == {"1.004873"}
    assert db_session.scalar(select(User).where(User.username == "a.clerk")) is a.clerk


def test_services_refuse_control_characters_from_any_caller(db_session, world):
    with pytest.raises(ValidationFailed) as error:
        units.add_department(db_session, world.a.admin, world.a.unit.id, name="Tư pháp\x00", now=NOW)
    assert "ký tự điều khiển" in error.value.errors["name"]
