"""With REPLICA_DATABASE_URL, the leadership reports read the replica; the desks and the exports use the primary."""

from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy.engine import make_url

from app import create_app


def test_reports_read_the_replica_and_everything_else_the_primary(database_url, tmp_path, clock):
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("the routing does not depend on the database; two SQLite files stand for primary and standby")
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    setup = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{primary}", "CLOCK": clock,
                        "INSTANCE_PATH": str(tmp_path / "instance")})
    runner = setup.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["backup", str(replica)]).exit_code == 0  # the standby, a moment ago
    setup.extensions["motcua.engine"].dispose()
    with sqlite3.connect(replica) as standby:  # make the two tell apart: the standby lags behind
        standby.execute("PRAGMA foreign_keys = OFF")
        for table in ("satisfaction_rating", "printed_document", "dossier_notice", "dossier_handover",
                      "dossier_event", "dossier_document", "expected_delay", "dossier"):
            standby.execute(f"DELETE FROM {table}")

    def received_count(app) -> str:  # type: ignore[no-untyped-def]
        client = app.test_client()
        assert client.post("/dang-nhap", data={"username": "anbinh.lanhdao", "password": "MotCua@2026"}
                           ).status_code == 302
        page = client.get("/thong-ke/ho-so?metric=received&period=2026").get_data(as_text=True)
        return re.search(r"<h1>.*?\((\d+)\)</span></h1>", page).group(1)

    alone = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{primary}", "CLOCK": clock,
                        "INSTANCE_PATH": str(tmp_path / "i1"), "WTF_CSRF_ENABLED": False})
    both = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{primary}", "CLOCK": clock,
                       "REPLICA_DATABASE_URL": f"sqlite:///{replica}", "INSTANCE_PATH": str(tmp_path / "i2"),
                       "WTF_CSRF_ENABLED": False})
    assert int(received_count(alone)) > 0
    assert received_count(both) == "0"  # read on the (lagging) replica
    client = both.test_client()
    client.post("/dang-nhap", data={"username": "anbinh.lanhdao", "password": "MotCua@2026"})
    desk_list = client.get("/ho-so")
    assert desk_list.status_code == 200 and "000.00.31.H99-" in desk_list.get_data(as_text=True)  # the primary
    for app in (alone, both):
        app.extensions["motcua.engine"].dispose()
    both.extensions["motcua.replica_engine"].dispose()
