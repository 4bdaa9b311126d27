"""Unit separation in the services: nobody reads or changes another unit's rows."""

import pytest

from app.services import catalogue, units, users
from app.services.access import manageable_unit_ids, visible_unit_ids
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.domain.roles import Role
from tests.builders import procedure_input
from tests.conftest import NOW


def test_operational_roles_see_only_their_own_unit(db_session, world):
    for user in (world.a.clerk, world.a.officer, world.a.leader):
        assert visible_unit_ids(db_session, user) == {world.a.unit.id}
        assert manageable_unit_ids(db_session, user) == set()


def test_a_commune_admin_manages_only_their_commune(db_session, world):
    assert manageable_unit_ids(db_session, world.a.admin) == {world.a.unit.id}


def test_a_province_admin_manages_the_whole_subtree(db_session, world):
    assert manageable_unit_ids(db_session, world.province_admin) == {
        world.province.id, world.a.unit.id, world.b.unit.id
    }


def test_an_inspector_sees_everything_and_manages_nothing(db_session, world):
    assert visible_unit_ids(db_session, world.inspector) is None
    assert manageable_unit_ids(db_session, world.inspector) == set()
    assert catalogue.get_procedure(db_session, world.inspector, world.b.procedure.id) == world.b.procedure
    with pytest.raises(Forbidden):
        catalogue.update_procedure(
            db_session, world.inspector, world.b.procedure.id, procedure_input(name="Đổi tên"),
            expected_version=None, now=NOW,
        )


def test_unit_a_cannot_read_unit_b_procedures(db_session, world):
    with pytest.raises(NotFound):
        catalogue.get_procedure(db_session, world.a.clerk, world.b.procedure.id)
    with pytest.raises(NotFound):
        catalogue.list_procedures(db_session, world.a.clerk, world.b.unit.id)


def test_unit_a_admin_cannot_change_unit_b(db_session, world):
    with pytest.raises(NotFound):
        catalogue.update_procedure(
            db_session, world.a.admin, world.b.procedure.id, procedure_input(), expected_version=None, now=NOW
        )
    with pytest.raises(NotFound):
        catalogue.create_procedure(db_session, world.a.admin, world.b.unit.id, procedure_input(code="1.000894"), now=NOW)
    with pytest.raises(NotFound):
        users.get_user(db_session, world.a.admin, world.b.clerk.id)
    with pytest.raises(NotFound):
        units.update_unit(
            db_session, world.a.admin, world.b.unit.id,
            data=units.UnitInput(code="000.99.99.H77", governing_body_name="X", name="Y", place_name="Z"),
            expected_version=None, now=NOW,
        )
    assert {u.unit_id for u in users.list_users(db_session, world.a.admin)} == {world.a.unit.id}


def test_an_admin_cannot_create_a_user_in_another_unit(db_session, world):
    data = users.UserInput(
        username="la.mat", full_name="Người Lạ", unit_id=world.b.unit.id,
        roles=frozenset({Role.CLERK}), password="Mat-khau-2026",
    )
    with pytest.raises(NotFound):
        users.create_user(db_session, world.a.admin, data, now=NOW)


def test_only_a_province_admin_may_grant_the_inspector_role(db_session, world):
    data = users.UserInput(
        username="xem.tat.ca", full_name="Muốn Xem Hết", unit_id=world.a.unit.id,
        roles=frozenset({Role.INSPECTOR}), password="Mat-khau-2026",
    )
    with pytest.raises(ValidationFailed) as error:
        users.create_user(db_session, world.a.admin, data, now=NOW)
    assert "cấp tỉnh" in error.value.errors["roles"]
    created = users.create_user(db_session, world.province_admin, data, now=NOW)
    assert created.roles == {Role.INSPECTOR}
