"""Faults: the database going away and coming back; a full disk under SQLite.

- PostgreSQL behind a TCP relay that the test cuts and restores: while it is
  cut, pages answer a standalone Vietnamese 503 with Retry-After (the usual
  layout would ask the database who is logged in); when it is back, the same
  app serves again without a restart (pre-ping replaces the dead connections).
- SQLite whose file may not grow (``max_page_count`` at its current size, the
  error SQLite gives on a full disk, SQLITE_FULL): receiving a dossier answers
  503 "hết dung lượng", nothing of it is written, the file passes
  ``PRAGMA integrity_check``, and once there is room again the same request
  succeeds.
"""

from __future__ import annotations

import re
import socket
import threading

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import create_app
from models import Dossier, Procedure, Unit
from tests.web.test_reception_pages import _form


class Relay:
    """A TCP relay to the database server that can be cut (every connection dropped) and restored."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        """The server vanishes: no new connections, every open one dropped."""
        assert self._listener is not None
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() (Linux)
        except OSError:
            pass
        self._listener.close()
        with self._lock:
            for end in self._sockets:
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()
            self._sockets.clear()


@pytest.mark.postgres_only
def test_the_database_going_away_gives_a_503_and_service_resumes_by_itself(database_url, scratch_url, tmp_path,
                                                                            clock):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    setup = create_app({"SECRET_KEY": "x", "DATABASE_URL": scratch_url, "CLOCK": clock,
                        "INSTANCE_PATH": str(tmp_path / "setup")})
    runner = setup.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    setup.extensions["motcua.engine"].dispose()

    url = make_url(scratch_url)
    relay = Relay(url.host or "127.0.0.1", url.port or 5432)
    relay.start()
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": url.set(host="127.0.0.1", port=relay.port)
                      .render_as_string(hide_password=False), "CLOCK": clock, "INSTANCE_PATH": str(tmp_path / "i"),
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    try:
        assert client.post("/dang-nhap", data={"username": "anbinh.tiepnhan", "password": "MotCua@2026"}
                           ).status_code == 302
        assert client.get("/ho-so").status_code == 200
        assert client.get("/suc-khoe").get_json() == {"status": "ok", "database": "ok"}

        relay.cut()
        for path in ("/ho-so", "/suc-khoe", "/api/v1/dossiers", "/tra-cuu/" + "x" * 43):
            response = client.get(path, headers={"Authorization": "Bearer mc_" + "x" * 43})
            assert response.status_code == 503, (path, response.status_code)
            assert response.headers["Retry-After"] == "30"
            if path == "/ho-so":
                page = response.get_data(as_text=True)
                assert "Hệ thống tạm thời không kết nối được cơ sở dữ liệu" in page and "Thử lại" in page
        failed = client.post("/tiep-nhan", data={"applicant_name": "Nguyễn Văn Bình"})
        assert failed.status_code == 503

        relay.start()  # the server is back, on the same address
        assert client.get("/suc-khoe").status_code == 200
        assert client.get("/ho-so").status_code == 200  # still logged in: the session cookie outlived the outage
    finally:
        relay.cut()
        app.extensions["motcua.engine"].dispose()


def test_a_full_disk_under_sqlite_fails_the_request_cleanly(database_url, tmp_path, clock):
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("SQLite only")
    path = tmp_path / "full.sqlite3"
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{path}", "CLOCK": clock,
                      "INSTANCE_PATH": str(tmp_path / "instance"), "WTF_CSRF_ENABLED": False})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    engine = app.extensions["motcua.engine"]
    with engine.connect() as connection:
        unit_id, procedure_id = connection.execute(
            select(Unit.id, Procedure.id).join(Procedure, Procedure.unit_id == Unit.id)
            .where(Unit.code.like("%H99"), Procedure.code == "1.004873")).first() or (None, None)
        before = connection.scalar(select(func.count(Dossier.id)))
    assert procedure_id is not None
    client = app.test_client()
    assert client.post("/dang-nhap", data={"username": "anbinh.tiepnhan", "password": "MotCua@2026"}
                       ).status_code == 302
    with Session(engine) as session:
        data = _form(session.get(Procedure, procedure_id), note="Ghi chú dài. " * 150)

    room = {"pages": None}

    @event.listens_for(engine, "connect")
    def limit(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        if room["pages"] is not None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {room['pages']}")

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM")  # no free pages left inside the file
        room["pages"] = connection.exec_driver_sql("PRAGMA page_count").scalar()
    engine.dispose()  # every new connection gets the limit: the disk is full

    assert client.get("/suc-khoe").status_code == 200  # reading still works on a full disk
    refused = client.post(f"/tiep-nhan?procedure={procedure_id}", data=data)
    assert refused.status_code == 503, re.sub(r"<[^>]+>", " ", refused.get_data(as_text=True))[-1500:]
    assert "hết dung lượng lưu trữ" in refused.get_data(as_text=True)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert connection.scalar(select(func.count(Dossier.id))) == before

    room["pages"] = None
    engine.dispose()  # room again
    accepted = client.post(f"/tiep-nhan?procedure={procedure_id}", data=data)
    assert accepted.status_code == 302, accepted.get_data(as_text=True)[:2000]
    with engine.connect() as connection:
        assert connection.scalar(select(func.count(Dossier.id))) == before + 1
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert unit_id is not None
    engine.dispose()
