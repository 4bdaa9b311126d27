"""A streamed export owns its database session and closes it whatever happens (issue 20, item 1).

On a real database (a scratch SQLite file or a scratch PostgreSQL database),
through the app's own engine and pool, as a server runs it: the request's
session is closed by teardown before the body is sent. 20 leaders' CSV
downloads are held open part-way while a clerk receives and an officer reads;
then half of the downloads finish and half are cut off (the client went away).
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from sqlalchemy import select, text

from app import create_app
from app.domain.localtime import VN_TZ
from app.services import reception
from models import Dossier
from tests import builders
from tests.integration.test_reception import reception_input
from tests.web.test_reception_pages import _form

EXPORTS = 20
EXPORT_URL = "/thong-ke/xuat/ho-so.csv?ky=2026-11"


@pytest.fixture
def live(scratch_url, tmp_path, clock):
    """The app on a scratch database, with two communes and 23 dossiers of November in commune a."""
    scratch_app = create_app({"SECRET_KEY": "x", "DATABASE_URL": scratch_url, "CLOCK": clock, "WTF_CSRF_ENABLED": False,
                              "INSTANCE_PATH": str(tmp_path / "instance")})
    assert scratch_app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    session = scratch_app.extensions["motcua.session_factory"]()
    world = builders.make_world(session, now=datetime(2026, 11, 2, 8, tzinfo=VN_TZ))
    for day in range(2, 25):
        reception.receive_dossier(session, world.a.clerk, reception_input(world.a.procedure.id),
                                  now=datetime(2026, 11, day, 9, tzinfo=VN_TZ))
    session.commit()
    ids = {"procedure": world.a.procedure.id, "leader": world.a.leader.username, "clerk": world.a.clerk.username,
           "officer": world.a.officer.username}
    session.close()
    yield scratch_app, ids
    scratch_app.extensions["motcua.engine"].dispose()


def _logged_in(app, username):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert client.post("/dang-nhap", data={"username": username, "password": builders.PASSWORD}).status_code == 302
    return client


def _idle_in_transaction(engine) -> int:  # type: ignore[no-untyped-def]
    if engine.dialect.name != "postgresql":
        return 0
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()")).scalar_one()


def test_exports_held_open_or_cut_off_never_hold_the_database(live):
    app, ids = live
    engine = app.extensions["motcua.engine"]
    leaders = [_logged_in(app, ids["leader"]) for _ in range(EXPORTS)]
    clerk, officer = _logged_in(app, ids["clerk"]), _logged_in(app, ids["officer"])
    assert engine.pool.checkedout() == 0

    # 20 downloads under way: each has sent its first lines and waits for a slow client.
    streams = []
    for client in leaders:
        response = client.get(EXPORT_URL)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        body = iter(response.response)
        first = next(body)
        assert first.decode("utf-8").startswith('\ufeff"Mã hồ sơ",')
        streams.append((response, body))

    # Meanwhile the desk works: a clerk receives (a write) and an officer opens the queue, at once.
    started = time.monotonic()
    received = clerk.post(f"/tiep-nhan?procedure={ids['procedure']}", data=_form_for(app, ids["procedure"]))
    queue = officer.get("/xu-ly/cua-toi")
    during = time.monotonic() - started
    print(f"\nwith {EXPORTS} downloads open: a reception and a queue answered in {during:.3f} s")
    assert received.status_code == 302, received.get_data(as_text=True)[:500]
    assert queue.status_code == 200
    assert during < 5, f"the desk waited {during:.1f} s behind open downloads"

    # Half the downloads finish, half are cut off by clients that went away.
    for index, (response, body) in enumerate(streams):
        if index % 2 == 0:
            rest = b"".join(body).decode("utf-8")
            assert rest.count("\n") == 23 - 1  # the rows after the first chunk: 23 dossiers of November a
        response.close()

    # Nothing is left checked out of the pool, nor idle in a transaction on the server.
    assert engine.pool.checkedout() == 0
    assert _idle_in_transaction(engine) == 0
    started = time.monotonic()
    again = clerk.post(f"/tiep-nhan?procedure={ids['procedure']}", data=_form_for(app, ids["procedure"]))
    assert again.status_code == 302 and time.monotonic() - started < 5
    with engine.connect() as connection:
        assert connection.execute(select(Dossier.id)).all().__len__() == 23 + 2


def test_a_failing_export_closes_its_session_too(live, monkeypatch):
    app, ids = live
    engine = app.extensions["motcua.engine"]
    client = _logged_in(app, ids["leader"])

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a row the export cannot write")

    monkeypatch.setattr("app.services.dashboard._list_cells", broken)
    response = client.get(EXPORT_URL)
    with pytest.raises(RuntimeError):
        b"".join(response.response)
    response.close()
    assert engine.pool.checkedout() == 0
    assert _idle_in_transaction(engine) == 0


def _form_for(app, procedure_id):  # type: ignore[no-untyped-def]
    from models import Procedure

    session = app.extensions["motcua.session_factory"]()
    try:
        return _form(session.get(Procedure, procedure_id))
    finally:
        session.close()
