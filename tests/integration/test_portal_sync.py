"""Every event out to the provincial platform, through the stand-in server over HTTP (issue 21, §3).

A dossier goes from reception to return through the real services; each
event writes its message in the same transaction; the sender delivers them to
the simulator while it injects each fault it has. The simulator must hold
exactly one copy of each message, in order, each valid against the schemas;
the desk must not notice the platform being down.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.domain.workflow import Action
from app.integrations.portal import messages
from app.integrations.portal.client import poster
from app.integrations.portal.simulator import create_simulator
from app.services import documents, portal_sync, processing, reception
from models import PortalMessage
from tests.gunicorn import free_port
from tests.integration.test_processing import vn
from tests.integration.test_reception import reception_input


class Platform:
    def __init__(self, port: int | None = None) -> None:
        self.app = create_simulator(token="bi-mat")
        self.server = make_server("127.0.0.1", port or 0, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def state(self):  # type: ignore[no-untyped-def]
        return self.app.extensions["portal_state"]

    def faults(self, *names: str) -> None:
        self.state.faults.extend(names)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture(autouse=True)
def sync_on(db_session):
    """The suite's sessions, as the app's when PORTAL_SYNC_URL is set: events write the platform's messages."""
    db_session.info[portal_sync.SYNC] = True


@pytest.fixture
def platform():
    started = Platform()
    yield started
    started.stop()


def post_to(port: int, timeout: float = 1.0):  # type: ignore[no-untyped-def]
    return poster(f"http://127.0.0.1:{port}", "bi-mat", timeout=timeout)


def act(session, user, dossier, action, at, **values):  # type: ignore[no-untyped-def]
    processing.apply_action(session, user, dossier.id, processing.ActionInput(action, None, **values), now=at)


def drive(session, world):  # type: ignore[no-untyped-def]
    """Reception to return: 7 events."""
    a = world.a
    dossier = reception.receive_dossier(session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
    act(session, a.clerk, dossier, Action.HAND_OVER, vn(25, 11, 10), to_user_id=a.officer.id)
    act(session, a.officer, dossier, Action.REQUEST_SUPPLEMENT, vn(25, 11, 14), reason="Thiếu", missing=("Tờ khai",))
    act(session, a.clerk, dossier, Action.RECEIVE_SUPPLEMENT, vn(26, 11, 9))
    act(session, a.officer, dossier, Action.HAND_OVER, vn(26, 11, 15), to_user_id=a.leader.id)
    act(session, a.leader, dossier, Action.FINISH, vn(27, 11, 9))
    act(session, a.clerk, dossier, Action.RETURN_RESULT, vn(27, 11, 14))
    return dossier


def deliver_until_done(session, post, start, rounds: int = 30):  # type: ignore[no-untyped-def]
    """Run the sender as the scheduler would, a minute at a time (past every back-off), until nothing waits."""
    now = start
    for _ in range(rounds):
        portal_sync.deliver(session, post, now=now)
        if not session.scalars(select(PortalMessage).where(PortalMessage.delivered_at.is_(None))).all():
            return now
        now += timedelta(minutes=61)
    raise AssertionError("messages still waiting")


def test_each_event_reaches_the_platform_once_in_order_through_every_fault(db_session, world, platform):
    dossier = drive(db_session, world)
    rows = db_session.scalars(select(PortalMessage).order_by(PortalMessage.sequence)).all()
    assert [r.sequence for r in rows] == list(range(1, 8)) and all(r.dossier_id == dossier.id for r in rows)
    platform.faults("error500", "lost_ack", "slow:1.5", "error500")
    deliver_until_done(db_session, post_to(platform.port), vn(27, 11, 15))
    kept = platform.state.kept
    assert [m["ThuTu"] for m in kept] == list(range(1, 8))  # exactly one of each, in order
    assert len({m["MaGoiTin"] for m in kept}) == 7
    assert all(messages.problems("goi-tin", m) == [] for m in kept)
    assert [m["HoSo"]["TrangThaiHoSo"] for m in kept] == [2, 4, 5, 4, 4, 9, 10]
    assert platform.state.received > 7  # the faults made the sender try again
    state = portal_sync.sync_state(db_session, dossier.id)
    assert state is not None and (state.state, state.waiting) == ("delivered", 0)


def test_the_desk_does_not_notice_the_platform_being_down(db_session, world):
    port = free_port()  # nothing listens there
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
    printed = documents.print_receipt(db_session, a.clerk, dossier.id, base_url="http://x", now=vn(25, 11, 9))
    assert printed.content.startswith(b"%PDF")
    report = portal_sync.deliver(db_session, post_to(port), now=vn(25, 11, 10))
    assert (report.delivered, report.retried) == (0, 1)
    state = portal_sync.sync_state(db_session, dossier.id)
    assert state.state == "pending" and state.last_error.startswith("không trả lời")
    act(db_session, a.clerk, dossier, Action.HAND_OVER, vn(25, 11, 11), to_user_id=a.officer.id)
    later = Platform(port)  # the platform is back
    try:
        deliver_until_done(db_session, post_to(port), vn(25, 11, 12))
        assert [m["ThuTu"] for m in later.state.kept] == [1, 2]
    finally:
        later.stop()


def test_a_rejected_message_holds_the_dossier_back_until_sent_again(db_session, world, platform):
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
    act(db_session, a.clerk, dossier, Action.HAND_OVER, vn(25, 11, 10), to_user_id=a.officer.id)
    platform.faults("reject")
    report = portal_sync.deliver(db_session, post_to(platform.port), now=vn(25, 11, 11))
    assert (report.rejected, report.delivered) == (1, 0)
    state = portal_sync.sync_state(db_session, dossier.id)
    assert state.state == "failed" and "MaTTHC" in state.last_error and state.waiting == 2
    assert portal_sync.deliver(db_session, post_to(platform.port), now=vn(25, 11, 15)).delivered == 0  # held back
    assert portal_sync.resend(db_session, dossier.id, now=vn(25, 11, 16)) == 2
    assert portal_sync.deliver(db_session, post_to(platform.port), now=vn(25, 11, 16)).delivered == 2
    assert [m["ThuTu"] for m in platform.state.kept] == [1, 2]


def test_backoff_grows_to_an_hour():
    assert [portal_sync.delay(n) for n in (1, 2, 3, 7, 30)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(hours=1), timedelta(hours=1)]


def test_a_refused_action_writes_no_message(db_session, world):
    from app.services.errors import ServiceError

    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
    with pytest.raises(ServiceError):
        act(db_session, a.officer, dossier, Action.FINISH, vn(25, 11, 10))  # not the officer's turn
    assert [m.sequence for m in db_session.scalars(select(PortalMessage))] == [1]


def test_the_dossier_page_shows_where_the_sync_stands(client, login, db_session, world):
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
    portal_sync.deliver(db_session, post_to(free_port()), now=vn(25, 11, 10))
    db_session.commit()
    login("a.clerk")
    page = client.get(f"/ho-so/{dossier.id}").get_data(as_text=True)
    assert "Đồng bộ lên hệ thống của tỉnh" in page and "Chờ gửi" in page and "không trả lời" in page


def test_without_a_platform_configured_no_message_is_written(db_session, world):
    db_session.info[portal_sync.SYNC] = False
    a = world.a
    reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
    assert db_session.scalars(select(PortalMessage)).all() == []


def test_the_command_sends_what_waits_to_the_configured_platform(app, clock, db_session, world, platform):
    a = world.a
    clock.at = vn(25, 11, 10)
    reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
    db_session.commit()
    runner = app.test_cli_runner()
    assert "Chưa cấu hình PORTAL_SYNC_URL" in runner.invoke(args=["portal", "sync"]).output
    app.config.update(PORTAL_SYNC_URL=f"http://127.0.0.1:{platform.port}/", PORTAL_SYNC_TOKEN="bi-mat")
    result = runner.invoke(args=["portal", "sync"])
    assert result.exit_code == 0 and "đã gửi 1 gói tin" in result.output, result.output
    assert [m["ThuTu"] for m in platform.state.kept] == [1]


def test_the_sweeps_flags_are_not_steps_of_processing(db_session, world):
    from app.services.portal_records import message_of
    from app.services.sweep import run_sweep

    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
    run_sweep(db_session, now=vn(30, 11, 9))  # overdue by then: flags written as events
    from models import DossierEvent

    actions = db_session.scalars(select(DossierEvent.action).where(DossierEvent.dossier_id == dossier.id)).all()
    assert any(action.startswith("flag") for action in actions)
    act(db_session, a.clerk, dossier, Action.HAND_OVER, vn(30, 11, 10), to_user_id=a.officer.id)
    body = message_of(db_session, dossier)
    assert [step["NoiDungXuLy"] for step in body["QuaTrinhXuLy"]] == ["Tiếp nhận hồ sơ", Action.HAND_OVER.label]
    assert messages.problems("ho-so", body) == []
