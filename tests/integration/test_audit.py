"""The audit log of changes: users, units, departments, procedures, the calendar, API tokens, retention."""

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.audit import AuditKind, describe
from app.domain.catalogue import StepSpec
from app.domain.registers import Register
from app.domain.roles import Role
from app.services import api_tokens, audit, calendar, catalogue, registers, units, users
from app.services.users import UserInput
from models import AuditEntry, RecordType
from tests.builders import procedure_input
from tests.conftest import NOW


def _entries(session, action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))


def _input(user, **changes):
    data = dict(username=user.username, full_name=user.full_name, unit_id=user.unit_id, roles=frozenset(user.roles),
                department_id=user.department_id, position=user.position, email=user.email, is_active=user.is_active)
    data.update(changes)
    return UserInput(**data)


def test_user_changes_name_the_fields_never_the_values(db_session, world):
    a = world.a
    created = users.create_user(db_session, a.admin, UserInput(
        username="moi.taikhoan", full_name="Lê Văn Mới", unit_id=a.unit.id, roles=frozenset({Role.CLERK}),
        email="moi@example.vn", password="Mat-khau-rat-kho-2026"), now=NOW)
    users.update_user(db_session, a.admin, created.id, _input(created, full_name="Lê Văn Đổi",
                      roles=frozenset({Role.CLERK, Role.OFFICER}), password="Mat-khau-khac-2026"),
                      expected_version=created.version, now=NOW)
    users.update_user(db_session, a.admin, created.id, _input(created), expected_version=created.version, now=NOW)
    users.change_own_password(db_session, created, current="Mat-khau-khac-2026", new="Mat-khau-thu-ba-2026", now=NOW)

    made, = _entries(db_session, "user.create")
    changed, = _entries(db_session, "user.update")  # the save that changed nothing is not logged
    own, = _entries(db_session, "user.password_change")
    assert (made.actor_id, made.unit_id, made.object_type, made.object_id) == (a.admin.id, a.unit.id, "user_account",
                                                                              created.id)
    assert changed.detail["fields"] == ["full_name", "password", "roles"]
    assert describe(changed.detail) == "thay đổi: họ tên, mật khẩu, vai trò"
    assert own.actor_id == created.id
    logged = json.dumps([e.detail for e in _entries(db_session)], ensure_ascii=False)
    for secret in ("Lê Văn", "moi@example.vn", "Mat-khau", created.password_hash, "scrypt", "pbkdf2"):
        assert secret not in logged


def test_units_departments_procedures_and_the_calendar_are_audited(db_session, world):
    a = world.a
    units.update_unit(db_session, a.admin, a.unit.id, data=units.UnitInput(
        code=a.unit.code, governing_body_name=a.unit.governing_body_name, name=a.unit.name,
        place_name=a.unit.place_name, working_windows="07:00-11:00, 13:00-17:00"),
        expected_version=a.unit.version, now=NOW)
    department = units.add_department(db_session, a.admin, a.unit.id, name="Địa chính", now=NOW)
    units.update_department(db_session, a.admin, department.id, name="Địa chính - Xây dựng", is_active=True, now=NOW)
    catalogue.update_procedure(db_session, a.admin, a.procedure.id, procedure_input(steps=(
        StepSpec("Tiếp nhận", Decimal("0.5"), role=Role.CLERK), StepSpec("Thẩm định", Decimal("2"), role=Role.OFFICER),
        StepSpec("Ký", Decimal("0.5"), role=Role.LEADER))), expected_version=a.procedure.version, now=NOW)
    override = calendar.add_override(db_session, a.admin, a.unit.id, day=date(2026, 12, 26), working=True,
                                     reason="Làm bù", now=NOW)
    calendar.remove_override(db_session, a.admin, override.id, now=NOW)

    unit_entry, = _entries(db_session, "unit.update")
    assert "working_windows" in unit_entry.detail["fields"]
    assert _entries(db_session, "department.create")[0].object_id == department.id
    assert _entries(db_session, "department.update")[0].detail["fields"] == ["name"]
    procedure_entry, = _entries(db_session, "procedure.update")
    assert "steps" in procedure_entry.detail["fields"] and procedure_entry.detail["code"] == a.procedure.code
    added, removed = _entries(db_session, "calendar.add") + _entries(db_session, "calendar.remove")
    assert added.detail == removed.detail == {"day": "2026-12-26", "working": True, "reason": "Làm bù"}
    assert describe(added.detail) == "ngày 26/12/2026 là ngày làm việc (Làm bù)"


def test_tokens_and_retention_settings_are_audited(db_session, world):
    a = world.a
    row, _ = api_tokens.create_token(db_session, a.admin, a.clerk.id, "Máy quầy 1", now=NOW)
    api_tokens.revoke_token(db_session, a.admin, row.id, now=NOW)
    api_tokens.revoke_token(db_session, a.admin, row.id, now=NOW)  # already revoked: nothing new happens
    assert [e.action for e in _entries(db_session) if e.object_type == "api_token"] == [
        "api_token.create", "api_token.revoke"]
    assert "token" not in json.dumps([e.detail for e in _entries(db_session)]).replace("api_token", "")

    registers.prefill(db_session, a.unit.id)
    kept = db_session.scalars(select(RecordType).where(RecordType.unit_id == a.unit.id,
                                                       RecordType.code == "HAILONG")).one()
    registers.save_entry(db_session, a.leader, Register.RECORDS, a.unit.id, registers.EntryInput(
        code="HAILONG", name=kept.name, kept_at=kept.kept_at, owner=kept.owner, retention="3 năm"),
        entry_id=kept.id, version=kept.version, now=NOW)
    entry, = _entries(db_session, "record_type.update")
    assert entry.detail == {"code": "HAILONG", "fields": ["retention_years"]}
    assert entry.actor_id == a.leader.id


def test_the_log_shows_each_viewer_only_the_units_they_may_see(db_session, world):
    calendar.add_override(db_session, world.a.admin, world.a.unit.id, day=date(2026, 12, 26), working=True,
                          reason="Làm bù", now=NOW)
    calendar.add_override(db_session, world.b.admin, world.b.unit.id, day=date(2026, 12, 27), working=True,
                          reason="Làm bù", now=NOW)
    users.authenticate(db_session, world.a.clerk.username, "sai-mat-khau", now=NOW,
                       source=users.LoginSource("10.0.0.1"))

    def seen(viewer, **wanted):
        return [(e.action, e.unit_id) for e in audit.list_entries(db_session, viewer, audit.AuditFilter(**wanted))[0]]

    assert set(seen(world.a.leader)) == {("calendar.add", world.a.unit.id), ("auth.login_failed", world.a.unit.id)}
    assert seen(world.b.leader) == [("calendar.add", world.b.unit.id)]
    assert seen(world.a.leader, kind=AuditKind.LOGIN) == [("auth.login_failed", world.a.unit.id)]
    assert len(seen(world.inspector)) == 3
    assert seen(world.inspector, unit_id=world.b.unit.id) == [("calendar.add", world.b.unit.id)]
