"""The stand-in for the provincial platform, over HTTP on loopback (issue 21, §3: the simulator).

It must hold the sender to the JSON Schemas, keep one copy of each message,
refuse messages out of their dossier's order, answer the lookup, and inject
each fault it offers. The mapping of a dossier to the portal's message must
produce what the schemas accept.
"""

from __future__ import annotations

import copy
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from datetime import datetime

import pytest
from werkzeug.serving import make_server

from app.domain.localtime import VN_TZ
from app.domain.workflow import Channel, DossierStatus, ResultDelivery
from app.integrations.portal import messages
from app.integrations.portal.simulator import create_simulator
from tests.gunicorn import ROOT, free_port

EXAMPLE = messages.schema("goi-tin")["examples"][0]


@pytest.fixture
def platform():
    server = make_server("127.0.0.1", 0, create_simulator(token="bi-mat"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(10)


def call(port: int, method: str, path: str, body=None, *, token: str = "bi-mat", timeout: float = 10):  # type: ignore[no-untyped-def]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    try:
        connection.request(method, path, body=json.dumps(body, ensure_ascii=False).encode() if body is not None else None,
                           headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def message(sequence: int, message_id: str | None = None, **changes):  # type: ignore[no-untyped-def]
    sent = copy.deepcopy(EXAMPLE)
    sent.update(ThuTu=sequence, MaGoiTin=message_id or f"goi-tin-{sequence:04d}")
    sent["HoSo"].update(changes)
    return sent


def kept(port: int) -> list[dict]:
    return call(port, "GET", "/_sim/messages")[1]["messages"]


def test_valid_messages_are_kept_once_in_order_and_looked_up(platform):
    assert call(platform, "POST", "/api/dong-bo-ho-so", message(1)) == (200, {"KetQua": "DaNhan", "TrungLap": False})
    assert call(platform, "POST", "/api/dong-bo-ho-so", message(1)) == (200, {"KetQua": "DaNhan", "TrungLap": True})
    status, body = call(platform, "POST", "/api/dong-bo-ho-so", message(3))
    assert (status, body["ThuTuMongDoi"]) == (409, 2)  # out of order: the 2nd is missing
    assert call(platform, "POST", "/api/dong-bo-ho-so", message(2, TrangThaiHoSo=4))[0] == 200
    assert [m["ThuTu"] for m in kept(platform)] == [1, 2]
    status, body = call(platform, "GET", "/api/tra-cuu-ho-so?MaHoSo=" + EXAMPLE["HoSo"]["MaHoSo"])
    assert status == 200 and body["HoSo"]["TrangThaiHoSo"] == 4
    assert call(platform, "GET", "/api/tra-cuu-ho-so?MaHoSo=khong-co")[0] == 404


@pytest.mark.parametrize("change, where", [
    ({"NgayHenTra": "2026-11-26"}, "HoSo/NgayHenTra"),
    ({"TrangThaiHoSo": 11}, "HoSo/TrangThaiHoSo"),
    ({"KenhThucHien": "1"}, "HoSo/KenhThucHien"),
    ({"Thua": "x"}, "HoSo"),
])
def test_a_message_off_the_schema_is_refused_naming_the_field(platform, change, where):
    status, body = call(platform, "POST", "/api/dong-bo-ho-so", message(1, **change))
    assert status == 400 and any(line.startswith(where) for line in body["Loi"]), body
    assert kept(platform) == []


def test_without_the_token_nothing_is_taken(platform):
    assert call(platform, "POST", "/api/dong-bo-ho-so", message(1), token="")[0] == 401
    assert call(platform, "POST", "/api/dong-bo-ho-so", message(1), token="sai")[0] == 401
    assert kept(platform) == []


def test_each_fault_on_request(platform):
    assert call(platform, "POST", "/_sim/faults", {"faults": ["error500", "lost_ack", "reject", "slow:1.5"]})[0] == 200
    assert call(platform, "POST", "/api/dong-bo-ho-so", message(1))[0] == 500  # nothing kept
    assert kept(platform) == []
    assert call(platform, "POST", "/api/dong-bo-ho-so", message(1))[0] == 500  # kept, acknowledgement lost
    assert len(kept(platform)) == 1
    assert call(platform, "POST", "/api/dong-bo-ho-so", message(2))[0] == 400  # a value refused
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        call(platform, "POST", "/api/dong-bo-ho-so", message(2), timeout=0.5)  # past the sender's timeout
    time.sleep(1.2)
    assert time.monotonic() - started >= 1.5
    assert [m["ThuTu"] for m in kept(platform)] == [1, 2]  # the slow one was kept after all
    # The resends: duplicates, acknowledged without a second copy.
    assert call(platform, "POST", "/api/dong-bo-ho-so", message(1))[1]["TrungLap"] is True
    assert call(platform, "POST", "/api/dong-bo-ho-so", message(2))[1]["TrungLap"] is True
    assert len(kept(platform)) == 2
    assert call(platform, "POST", "/_sim/faults", {"faults": ["meteor"]})[0] == 400
    assert call(platform, "POST", "/_sim/reset")[0] == 200 and kept(platform) == []


def test_a_dossier_maps_to_a_message_the_schemas_accept():
    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 11, day, hour, tzinfo=VN_TZ)

    record = messages.DossierRecord(
        code="000.00.31.H99-261123-0004", procedure_code="1.001022", unit_code="000.00.31.H99",
        receipt_number="2026/4", holder="Vũ Thị Hạnh", holder_id="001092000104", organisation=False,
        channel=Channel.ONLINE, received_at=at(23, 14), due_at=at(26, 14), status=DossierStatus.RETURNED,
        processing_body="Tư pháp - Hộ tịch, Ủy ban nhân dân xã An Bình", delivery=ResultDelivery.POST,
        rescheduled_due_at=at(27, 14), finished_at=at(26, 16), returned_at=at(27, 9),
        steps=(messages.Step("Nguyễn Thị Lan", "Công chức tiếp nhận", "Bộ phận tiếp nhận và trả kết quả", at(23, 15),
                             "Chuyển hồ sơ", DossierStatus.IN_PROGRESS, at(23, 14), at(23, 18)),),
        supplements=(messages.Supplement(at(24, 9), "Bản sao giấy khai sinh", at(25, 8), at(26, 14), at(27, 14)),),
    )
    body = messages.dossier_message(record)
    assert messages.problems("ho-so", body) == []
    assert (body["NgayTiepNhan"], body["TrangThaiHoSo"], body["KenhThucHien"], body["HinhThucTra"]) == (
        "20261123140000", 10, 2, 2)
    assert messages.from_portal_time(body["NgayTra"]) == at(27, 9)
    assert messages.problems("goi-tin", messages.envelope("motcua-0004-1", 1, "DongBoHoSo", body)) == []


def test_the_command_serves_the_simulator(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "portal", "simulate", "--port", str(port)],
                               cwd=ROOT, env={**os.environ, "PORTAL_SIM_TOKEN": "bi-mat",
                                              "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 30
        while True:
            try:
                assert call(port, "POST", "/api/dong-bo-ho-so", message(1))[0] == 200
                break
            except ConnectionRefusedError:
                assert time.time() < deadline and process.poll() is None, process.stderr.read() if process.stderr else ""
                time.sleep(0.2)
        assert len(kept(port)) == 1
    finally:
        process.terminate()
        process.wait(10)
        if process.stderr:
            process.stderr.close()


def test_every_demo_dossier_maps_to_a_valid_message(scratch_app):
    """The demo's dossiers in every state, through the real services: each one's message passes the schemas."""
    from sqlalchemy import select as sql_select

    from app.db import new_session
    from app.services.portal_records import message_of
    from models import Dossier

    assert scratch_app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    session = new_session(scratch_app)
    try:
        dossiers = session.scalars(sql_select(Dossier).order_by(Dossier.id)).all()
        assert len(dossiers) >= 7
        statuses = set()
        for dossier in dossiers:
            body = message_of(session, dossier)
            assert messages.problems("ho-so", body) == [], dossier.code
            assert body["MaHoSo"] == dossier.code and body["TrangThaiHoSo"] == dossier.status.national_code
            assert len(body["QuaTrinhXuLy"]) == len([e for e in dossier.events if not e.action.startswith("flag")])
            statuses.add(body["TrangThaiHoSo"])
        assert {2, 4, 5, 9, 10} <= statuses  # received, in progress, supplement, done, returned
        paused = next(d for d in dossiers if d.status is DossierStatus.SUPPLEMENT_REQUESTED)
        assert message_of(session, paused)["DanhSachHoSoBoSung"][0]["NoiDungBoSung"].startswith("Bản sao kết quả")
    finally:
        session.close()


def test_the_simulator_hands_a_dossier_filed_online_to_mot_cua(scratch_app):
    """The demo's way in: POST /_sim/nop-truc-tuyen on the stand-in, over HTTP to Một Cửa's API and back."""
    from app.db import new_session
    from app.services import api_tokens

    runner = scratch_app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    made = runner.invoke(args=["api-token", "create", "--scope", "integration", "--name", "Cổng DVC tỉnh"])
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    assert runner.invoke(args=["api-token", "create", "--scope", "integration", "--name", "x", "--username",
                               "anbinh.tiepnhan"]).exit_code != 0  # an integration token is no one's
    desk = make_server("127.0.0.1", 0, scratch_app, threaded=True)
    threading.Thread(target=desk.serve_forever, daemon=True).start()
    simulator = make_server("127.0.0.1", 0, create_simulator(token="bi-mat", motcua_url=f"http://127.0.0.1:{desk.server_port}",
                                                             motcua_token=token), threaded=True)
    threading.Thread(target=simulator.serve_forever, daemon=True).start()
    try:
        filing = copy.deepcopy(messages.schema(messages.ONLINE)["examples"][0])
        first = call(simulator.server_port, "POST", "/_sim/nop-truc-tuyen", filing)
        again = call(simulator.server_port, "POST", "/_sim/nop-truc-tuyen", filing)
        assert first[0] == 200 and first[1]["TrangThaiHTTP"] == 201 and first[1]["TraLoi"]["TrangThai"] == "waiting"
        assert again[1]["TrangThaiHTTP"] == 200  # handed over twice, one dossier
        wrong = call(simulator.server_port, "POST", "/_sim/nop-truc-tuyen", {**filing, "MaTTHC": ""})
        assert wrong[0] == 400
        session = new_session(scratch_app)
        try:
            from models import OnlineDossier

            assert session.query(OnlineDossier).filter_by(portal_code=filing["MaHoSo"]).count() == 1
            assert api_tokens.INTEGRATION in {t.scope for t in session.query(api_tokens.ApiToken)}
        finally:
            session.close()
    finally:
        simulator.shutdown()
        desk.shutdown()


@pytest.mark.parametrize("name", ["goi-tin", "ho-so", "ho-so-truc-tuyen", "phan-hoi"])
def test_each_schema_is_valid_and_its_examples_fit_the_demo_commune(name):
    from jsonschema import Draft202012Validator

    schema = messages.schema(name)
    Draft202012Validator.check_schema(schema)
    examples = schema.get("examples") or []
    assert examples, f"{name} has no example"
    for example in examples:
        assert messages.problems(name, example) == []
        text = json.dumps(example, ensure_ascii=False)
        assert "000.00.31.H99" in text  # An Bình, the demo commune


def test_the_demo_commune_accepts_the_online_example(scratch_app):
    """The example of ho-so-truc-tuyen.schema.json names a unit and a procedure the demo has."""
    from app.db import new_session
    from app.services import online_dossiers

    assert scratch_app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    session = new_session(scratch_app)
    try:
        example = messages.schema(messages.ONLINE)["examples"][0]
        clock_now = datetime(2026, 12, 7, 2, 0, tzinfo=VN_TZ)
        handed = online_dossiers.hand_over(session, None, example, now=clock_now)
        assert handed.created and handed.online.unit.code == "000.00.31.H99"
    finally:
        session.rollback()
        session.close()
