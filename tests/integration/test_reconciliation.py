"""Counts reconciled with the platform (issue 21, §4), and a dossier filed online driven to its return through
every fault of the stand-in platform (the issue's "done when")."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.domain.nonconformity import Source
from app.domain.reconcile import Gap, Side, compare, late_only_on_portal, on_time_rate
from app.domain.workflow import Action
from app.integrations.portal import messages
from app.integrations.portal.client import lister
from app.services import api_tokens, online_dossiers, portal_sync, reception, reconciliation
from models import Nonconformity, PortalMessage, ReconciliationRun
from tests.gunicorn import free_port
from tests.integration.test_online_dossiers import filing
from tests.integration.test_portal_sync import (  # noqa: F401  (platform, sync_on: the fixtures, shared)
    act,
    deliver_until_done,
    drive,
    platform,
    post_to,
    sync_on,
)
from tests.integration.test_processing import vn
from tests.integration.test_reception import reception_input


def list_from(port: int):  # type: ignore[no-untyped-def]
    return lister(f"http://127.0.0.1:{port}", "bi-mat", timeout=2)


def test_compare_names_every_kind_of_gap_and_each_sides_rate():
    due = vn(27, 11, 9)
    ours = [Side("A", 9, due, vn(26, 11, 9)), Side("B", 4, due), Side("C", 10, due, vn(27, 11, 8, 59)),
            Side("D", 2, due)]
    theirs = [Side("A", 9, due, vn(26, 11, 9)), Side("B", 5, due + timedelta(days=1)),
              Side("C", 10, due, vn(27, 11, 10)), Side("E", 2, due)]
    gaps = [(d.code, d.gap) for d in compare(ours, theirs)]
    assert gaps == [("B", Gap.STATUS), ("B", Gap.DUE), ("C", Gap.FINISHED), ("D", Gap.MISSING_ON_PORTAL),
                    ("E", Gap.MISSING_HERE)]
    assert (on_time_rate(ours).finished, on_time_rate(ours).on_time) == (2, 2)
    assert on_time_rate(theirs).percent == 50
    assert late_only_on_portal(ours, theirs, vn(27, 11, 12)) == ["C"]  # B is late on both sides by noon
    same_second = [Side("A", 9, due.replace(microsecond=400), vn(26, 11, 9).replace(microsecond=900))]
    assert compare(same_second, theirs[:1]) == []  # the portal writes seconds


def test_a_planted_mismatch_is_found_and_opens_one_nonconformity(db_session, world, platform):
    dossier = drive(db_session, world)  # received 25/11 09:00, due 30/11, finished 27/11: on time here
    deliver_until_done(db_session, post_to(platform.port), vn(27, 11, 15))
    listing = list_from(platform.port)
    clean = reconciliation.reconcile(db_session, world.a.unit, date(2026, 11, 25), date(2026, 11, 25), listing,
                                     now=vn(28, 11, 2))
    assert (clean.ours, clean.theirs, clean.differences, clean.error) == (1, 1, [], "")
    assert (clean.our_finished, clean.our_on_time) == (clean.their_finished, clean.their_on_time) == (1, 1)

    # The platform's copy says the dossier finished after its due instant (the data reached it late, wrong).
    planted = dict(platform.state.dossiers[dossier.code])
    planted["NgayKetThucXuLy"] = messages.portal_time(dossier.due_at + timedelta(hours=3))
    planted["NgayHenTra"] = messages.portal_time(dossier.due_at)
    platform.state.dossiers[dossier.code] = planted
    platform.state.dossiers["000.00.99.H77-261125-0001"] = {**planted, "MaHoSo": "000.00.99.H77-261125-0001",
                                                            "MaDonVi": world.a.unit.code}
    run = reconciliation.reconcile(db_session, world.a.unit, date(2026, 11, 25), date(2026, 11, 25), listing,
                                   now=vn(2, 12, 2))
    assert sorted((d["code"], d["gap"]) for d in run.differences) == sorted([
        ("000.00.99.H77-261125-0001", "missing_here"), (dossier.code, "finished")])
    assert run.late_only_there == [dossier.code]
    assert (run.our_on_time, run.their_on_time) == (1, 0)
    assert reconciliation.open_nonconformities(db_session, run, now=vn(2, 12, 2)) == 1
    assert reconciliation.open_nonconformities(db_session, run, now=vn(3, 12, 2)) == 0  # once per dossier
    record = db_session.scalar(select(Nonconformity).where(Nonconformity.source == Source.PORTAL_MISMATCH))
    assert record.dossier_id == dossier.id and "trễ hạn ảo" in record.description


def test_a_dossier_the_platform_never_heard_of_is_missing_on_the_portal(db_session, world, platform):
    db_session.info[portal_sync.SYNC] = False  # received while no platform was configured
    dossier = reception.receive_dossier(db_session, world.a.clerk, reception_input(world.a.procedure.id),
                                        now=vn(25, 11, 9))
    run = reconciliation.reconcile(db_session, world.a.unit, date(2026, 11, 25), date(2026, 11, 25),
                                   list_from(platform.port), now=vn(26, 11, 2))
    assert [(d["code"], d["gap"]) for d in run.differences] == [(dossier.code, "missing_on_portal")]


def test_the_platform_down_is_recorded_not_raised(db_session, world):
    run = reconciliation.reconcile(db_session, world.a.unit, date(2026, 11, 25), date(2026, 11, 25),
                                   list_from(free_port()), now=vn(26, 11, 2))
    assert run.error.startswith("không trả lời") and run.differences == []


def test_the_nightly_job_runs_once_a_night(db_session, world, platform):
    drive(db_session, world)
    deliver_until_done(db_session, post_to(platform.port), vn(27, 11, 15))
    listing = list_from(platform.port)
    first = reconciliation.nightly(db_session, listing, now=vn(28, 11, 2, 15))
    assert [run.unit_id for run in first] == [world.a.unit.id]
    assert reconciliation.nightly(db_session, listing, now=vn(28, 11, 3)) is None  # the same night
    assert len(reconciliation.nightly(db_session, listing, now=vn(29, 11, 2, 15))) == 1


def test_filed_online_to_returned_through_every_fault(db_session, world, platform):
    """Arrival on the platform, a supplement asked and brought, acceptance, processing, return: each answer and
    each event delivered exactly once, in order, valid, while the platform fails in every way it can."""
    a = world.a
    token, _ = api_tokens.create_integration_token(db_session, "Cổng", unit_id=None, now=vn(24, 11, 8))
    row = online_dossiers.hand_over(db_session, token, filing(world), now=vn(25, 11, 8)).online
    online_dossiers.ask_supplement(db_session, a.clerk, row.id, version=row.version, reason="Thiếu.",
                                   missing=("Giấy chứng sinh",), now=vn(25, 11, 8, 30))
    platform.faults("error500", "lost_ack")
    deliver_until_done(db_session, post_to(platform.port), vn(25, 11, 9))
    online_dossiers.hand_over(db_session, token, filing(world, NoiDung="Đã bổ sung"), now=vn(25, 11, 10))
    dossier = online_dossiers.accept(db_session, a.clerk, row.id, version=row.version, now=vn(25, 11, 10, 30))
    act(db_session, a.clerk, dossier, Action.HAND_OVER, vn(25, 11, 11), to_user_id=a.officer.id)
    platform.faults("slow:1.5", "reject", "error500", "lost_ack")
    now = vn(25, 11, 12)
    for _ in range(3):  # the reject holds the dossier back until someone sends it again
        portal_sync.deliver(db_session, post_to(platform.port), now=now)
        now += timedelta(minutes=61)
    assert portal_sync.sync_state(db_session, dossier.id).state == "failed"
    portal_sync.resend(db_session, dossier.id, now=now)
    act(db_session, a.officer, dossier, Action.HAND_OVER, vn(26, 11, 15), to_user_id=a.leader.id)
    act(db_session, a.leader, dossier, Action.FINISH, vn(27, 11, 9))
    act(db_session, a.clerk, dossier, Action.RETURN_RESULT, vn(27, 11, 14))
    deliver_until_done(db_session, post_to(platform.port), now)

    kept = platform.state.kept
    assert all(messages.problems(messages.ENVELOPE, m) == [] for m in kept)
    answers = [m for m in kept if m["LoaiGoiTin"] == "PhanHoiHoSoTrucTuyen"]
    events = [m for m in kept if m["LoaiGoiTin"] == "DongBoHoSo"]
    assert [(m["ThuTu"], m["PhanHoi"]["TrangThaiHoSo"]) for m in answers] == [(1, 5)]
    assert [m["ThuTu"] for m in events] == [1, 2, 3, 4, 5]  # reception, two hand-overs, finish, return
    assert [m["HoSo"]["TrangThaiHoSo"] for m in events] == [2, 4, 4, 9, 10]
    assert {m["HoSo"]["MaHoSoCongDVC"] for m in events} == {row.portal_code}
    assert {m["HoSo"]["KenhThucHien"] for m in events} == {2}
    assert len({m["MaGoiTin"] for m in kept}) == len(kept) == 6
    waiting = db_session.scalar(select(func.count()).select_from(PortalMessage)
                                .where(PortalMessage.delivered_at.is_(None)))
    assert waiting == 0

    run = reconciliation.reconcile(db_session, a.unit, date(2026, 11, 25), date(2026, 11, 25),
                                   list_from(platform.port), now=vn(28, 11, 2))
    assert run.differences == [] and (run.our_finished, run.their_finished) == (1, 1)
    assert db_session.scalar(select(func.count()).select_from(ReconciliationRun)) == 1


def test_the_command_prints_each_gap_and_fails_when_the_platform_cannot_be_asked(app, clock, db_session, world,
                                                                                  platform):
    dossier = drive(db_session, world)
    deliver_until_done(db_session, post_to(platform.port), vn(27, 11, 15))
    platform.state.dossiers[dossier.code] = {**platform.state.dossiers[dossier.code], "TrangThaiHoSo": 9}
    db_session.commit()
    clock.at = vn(28, 11, 9)
    runner = app.test_cli_runner()
    app.config.update(PORTAL_SYNC_URL=f"http://127.0.0.1:{platform.port}", PORTAL_SYNC_TOKEN="bi-mat")
    result = runner.invoke(args=["portal", "reconcile", "--date", "2026-11-25", "--unit", world.a.unit.code])
    assert result.exit_code == 0, result.output
    assert f"{dossier.code}  status: Một Cửa 10 | cổng 9" in result.output
    assert "1 hồ sơ ở Một Cửa, 1 trên cổng" in result.output
    app.config.update(PORTAL_SYNC_URL=f"http://127.0.0.1:{free_port()}")
    down = runner.invoke(args=["portal", "reconcile", "--date", "2026-11-25", "--unit", world.a.unit.code])
    assert down.exit_code == 1 and "không đối chiếu được" in down.output


def test_the_leaders_page_shows_the_gaps_and_resends_a_dossier(app, client, login, clock, db_session, world,
                                                                platform):
    dossier = drive(db_session, world)
    deliver_until_done(db_session, post_to(platform.port), vn(27, 11, 15))
    platform.state.dossiers[dossier.code] = {**platform.state.dossiers[dossier.code], "TrangThaiHoSo": 9}
    db_session.commit()
    app.config.update(PORTAL_SYNC_URL=f"http://127.0.0.1:{platform.port}", PORTAL_SYNC_TOKEN="bi-mat")
    made = app.extensions["motcua.session_factory"]  # the app's sessions, as app.db makes them with the URL set

    def with_sync():  # type: ignore[no-untyped-def]
        session = made()
        session.info[portal_sync.SYNC] = True
        return session

    app.extensions["motcua.session_factory"] = with_sync
    clock.at = vn(28, 11, 9)
    login("a.clerk")
    assert client.get("/thong-ke/doi-chieu").status_code == 403
    login("b.leader")
    assert client.get(f"/thong-ke/doi-chieu?don-vi={world.a.unit.id}").status_code == 404
    login("a.leader")
    assert "Chưa đối chiếu lần nào" in client.get("/thong-ke/doi-chieu").get_data(as_text=True)
    ran = client.post("/thong-ke/doi-chieu", data={"tu": "2026-11-25", "den": "2026-11-25"})
    assert ran.status_code == 302
    page = client.get("/thong-ke/doi-chieu").get_data(as_text=True)
    assert "Trạng thái khác" in page and dossier.code in page and "Gửi lại" in page
    assert "10 — Đã trả kết quả" in page and "9 — " in page  # statuses in words, not bare codes
    resent = client.post(f"/ho-so/{dossier.id}/gui-lai-cong", data={"next": "/thong-ke/doi-chieu"})
    assert resent.status_code == 302 and resent.headers["Location"].endswith("/thong-ke/doi-chieu")
    deliver_until_done(db_session, post_to(platform.port), vn(28, 11, 10))
    assert platform.state.dossiers[dossier.code]["TrangThaiHoSo"] == 10  # the platform's copy replaced
    client.post("/thong-ke/doi-chieu", data={"tu": "2026-11-25", "den": "2026-11-25"})
    assert "Hai bên khớp nhau" in client.get("/thong-ke/doi-chieu").get_data(as_text=True)
    bad = client.post("/thong-ke/doi-chieu", data={"tu": "2026-11-25", "den": "2027-11-25"})
    assert bad.status_code == 400
    offsite = client.post(f"/ho-so/{dossier.id}/gui-lai-cong", data={"next": "//evil.example"})
    assert offsite.headers["Location"].endswith(f"/ho-so/{dossier.id}")
