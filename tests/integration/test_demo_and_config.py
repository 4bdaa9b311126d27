import os
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from app.config import ConfigError, render_helpers
from app.domain.roles import Role
from app.services.demo import DEMO_PASSWORD, load_demo
from app.services.users import authenticate
from models import Department, Procedure, Unit, User
from tests.conftest import NOW


def _counts(session):
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Unit, Department, User, Procedure))


def test_demo_data_loads_once_and_is_idempotent(db_session):
    first = load_demo(db_session, now=NOW)
    assert (first.units, first.users) == (3, 10)
    counts = _counts(db_session)
    second = load_demo(db_session, now=NOW)
    assert (second.units, second.departments, second.users, second.procedures) == (0, 0, 0, 0)
    assert _counts(db_session) == counts


def test_demo_communes_have_fifteen_real_procedures_with_consistent_processes(db_session):
    load_demo(db_session, now=NOW)
    commune = db_session.scalar(select(Unit).where(Unit.code == "000.00.31.H99"))
    procedures = db_session.scalars(select(Procedure).where(Procedure.unit_id == commune.id)).all()
    assert len(procedures) >= 15
    codes = {p.code for p in procedures}
    assert {"1.001193", "1.000894", "1.000656", "1.004873", "2.000635", "2.000815"} <= codes
    for procedure in procedures:
        assert 3 <= len(procedure.steps) <= 6, procedure.code
        assert sum(Decimal(s.share) for s in procedure.steps) == procedure.duration.share_total
        assert procedure.documents, procedure.code


def test_demo_has_every_role_and_the_accounts_work(db_session):
    load_demo(db_session, now=NOW)
    roles = {role for user in db_session.scalars(select(User)) for role in user.roles}
    assert roles == set(Role)
    user = authenticate(db_session, "anbinh.tiepnhan", DEMO_PASSWORD, now=NOW).user
    assert user is not None and user.has_role(Role.CLERK)


def test_a_further_commune_comes_with_its_staff_and_the_procedures_asked_for_and_once_only(db_session):
    from app.services.demo import add_commune

    commune = add_commune(db_session, 107, now=NOW, procedure_codes=("1.004873", "1.001193"))
    assert add_commune(db_session, 107, now=NOW, procedure_codes=("1.004873", "1.001193")).id == commune.id
    assert (commune.code, commune.governing_body_name) == ("000.01.07.H98", "ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM 107")
    assert sorted(db_session.scalars(select(Procedure.code).where(Procedure.unit_id == commune.id))) == [
        "1.001193", "1.004873"]
    staff = {u.username: u for u in db_session.scalars(select(User).where(User.unit_id == commune.id))}
    assert set(staff) == {"xa107.tiepnhan", "xa107.hotich", "xa107.lanhdao", "xa107.quantri"}
    assert staff["xa107.hotich"].has_role(Role.OFFICER) and staff["xa107.hotich"].department_id is not None
    assert authenticate(db_session, "xa107.lanhdao", DEMO_PASSWORD, now=NOW).user is staff["xa107.lanhdao"]


def test_production_without_secret_key_is_a_clear_startup_error(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("MOTCUA_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_development_generates_a_secret_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("MOTCUA_ENV", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})
    secret = Path(tmp_path, "secret_key")
    assert secret.stat().st_mode & 0o077 == 0
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == secret.read_text().strip()
    assert len(first.config["SECRET_KEY"]) >= 64


def test_instance_config_and_environment_override_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    Path(tmp_path, "config.py").write_text("SECRET_KEY = 'from-instance'\nDATABASE_URL = 'sqlite:///x.db'\n")
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"] == "from-instance"
    monkeypatch.setenv("SECRET_KEY", "from-env")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["DATABASE_URL"] == "sqlite:///x.db"


def test_unknown_environment_names_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_ENV", "prod")
    with pytest.raises(ConfigError, match="MOTCUA_ENV"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})


def test_render_helpers_come_from_the_environment_or_the_cores(tmp_path, monkeypatch):
    monkeypatch.delenv("RENDER_HELPERS", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert render_helpers(app.config) == min(2, os.cpu_count() or 1)
    monkeypatch.setenv("RENDER_HELPERS", "0")
    assert render_helpers(create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}).config) == 0
    monkeypatch.setenv("RENDER_HELPERS", "3")
    assert render_helpers(create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}).config) == 3
    for wrong in ("two", "-1", "17", "1.5"):
        monkeypatch.setenv("RENDER_HELPERS", wrong)
        with pytest.raises(ConfigError, match="RENDER_HELPERS must be a number of processes from 0 to 16"):
            create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})


def test_the_demo_commune_has_dossiers_in_every_everyday_state(db_session):
    from collections import Counter

    from app.domain.process import rebuild
    from app.services import processing
    from models import Dossier

    summary = load_demo(db_session, now=NOW)
    assert summary.dossiers == 7
    dossiers = db_session.query(Dossier).all()
    assert Counter(d.status.value for d in dossiers) == {
        "received": 1, "in_progress": 3, "supplement_requested": 1, "done": 1, "returned": 1}
    for dossier in dossiers:
        state = rebuild((e.action, e.status, e.payload) for e in dossier.events)
        assert state.values == processing.snapshot(dossier, list(state.values))
    assert any(d.step_due_at < NOW and d.status.value == "in_progress" for d in dossiers)  # one overdue
    assert load_demo(db_session, now=NOW).dossiers == 0
