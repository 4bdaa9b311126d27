"""Long exports are jobs (issue 23): the page queues, the scheduler makes, the requester downloads.

The runner is the scheduler's (``exports.run_next``) on the suite's database,
with sessions of its own: the pack it makes is the one ``iso_pack.build``
makes, its progress and end are written as it goes, the requester is told,
nobody else sees the file, each download is logged, a dead run is taken up
again, and the files go when their time is up.
"""

from __future__ import annotations

import json
import os
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from app.domain.objectives import parse_period
from app.domain.roles import Role
from app.services import exports, iso_pack
from app.services.demo import load_demo
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.sweep import run_sweep
from models import AuditEntry, ExportJob, OutboxMessage, User, UserRole
from tests.conftest import NOW, _session_on

BASE = "https://motcua.example.vn/"


@pytest.fixture
def demo(db_session):
    load_demo(db_session, now=NOW)
    run_sweep(db_session, now=NOW)
    db_session.commit()
    return db_session


def _user(session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


@pytest.fixture
def runner(connection, tmp_path):
    """The scheduler's runner on the test's connection; returns (run, folder)."""
    folder = tmp_path / "exports"
    seen: list[tuple[int, int, str]] = []

    def run(*, at=NOW + timedelta(minutes=2), holder="may-1:1"):  # type: ignore[no-untyped-def]
        return exports.run_next(lambda: _session_on(connection), folder, clock=lambda: at, holder=holder,
                                base_url="http://khong-dung/")

    run.progress = seen  # type: ignore[attr-defined]
    return run, folder


def test_the_pack_is_queued_made_by_the_runner_and_downloaded_by_its_requester_alone(demo, runner):
    session, (run, folder) = demo, runner
    leader = _user(session, "anbinh.lanhdao")
    period = parse_period("2026-11")
    job = exports.request_iso_pack(session, leader, leader.unit_id, period, base_url=BASE, now=NOW)
    again = exports.request_iso_pack(session, leader, leader.unit_id, period, base_url=BASE, now=NOW)
    session.commit()
    assert again.id == job.id and job.state == "queued"  # a double click queues one job
    with pytest.raises(ValidationFailed):
        exports.download(session, leader, job.id, folder, now=NOW)  # not made yet

    assert run() == job.id
    assert run() is None  # nothing else waits
    session.expire_all()
    job = session.get(ExportJob, job.id)
    assert job.state == "done" and job.error == "" and job.holder == "may-1:1"
    assert job.done == job.total > iso_pack.FIXED_FILES  # the progress reached its end: every slip counted
    assert job.expires_at == NOW + timedelta(minutes=2) + exports.KEEP
    path = folder / job.stored_name
    assert path.stat().st_size == job.size and not list(folder.glob("*.part"))

    # The same pack as the command line's, cut at the run's instant, with the QR codes of the web address.
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    direct = iso_pack.build(session, leader, leader.unit_id, period, base_url=BASE, now=NOW + timedelta(minutes=2))
    with direct.content, zipfile.ZipFile(direct.content) as archive:
        assert set(archive.namelist()) == names
        assert json.loads(archive.read("manifest.json"))["counts"] == manifest["counts"]
    assert job.filename == iso_pack.filename(leader.unit, period) and job.mimetype == "application/zip"

    # What the making logged, and the message to the requester.
    made = session.scalars(select(AuditEntry).where(AuditEntry.action == "iso_pack.export")).all()
    assert [e.actor_id for e in made] == [leader.id, leader.id]  # the job's, then the direct build's
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "export")).one()
    assert message.user_id == leader.id and message.link == f"/xuat-file/{job.id}"
    assert message.subject.startswith("Tệp đã sẵn sàng: Bộ hồ sơ ISO — Tháng 11/2026")

    # Nobody else sees it, not even an inspector who could make their own.
    for other in ("anbinh.tiepnhan", "tinh.thanhtra"):
        with pytest.raises(NotFound):
            exports.download(session, _user(session, other), job.id, folder, now=NOW)
    got, same = exports.download(session, leader, job.id, folder, now=NOW + timedelta(hours=1))
    exports.download(session, leader, job.id, folder, now=NOW + timedelta(hours=2))
    session.commit()
    session.refresh(same)
    assert got == path and same.downloads == 2
    logged = session.scalars(select(AuditEntry).where(AuditEntry.action == "export.download")).all()
    assert [(e.actor_id, e.detail["sha256"]) for e in logged] == [(leader.id, job.sha256)] * 2


def test_helper_processes_make_the_pack_byte_for_byte(demo, connection, tmp_path, monkeypatch):
    """The runner with two render helpers (as the scheduler on a two-core server) makes every file of the pack
    the same, to the byte, as the pack made in one process."""
    session = demo
    leader = _user(session, "anbinh.lanhdao")
    period = parse_period("2026-11")
    job = exports.request_iso_pack(session, leader, leader.unit_id, period, base_url=BASE, now=NOW)
    session.commit()
    monkeypatch.setattr(iso_pack, "HELPED_FROM", 1)  # the demo's month has a few slips, not hundreds
    at = NOW + timedelta(minutes=2)
    assert exports.run_next(lambda: _session_on(connection), tmp_path, clock=lambda: at, holder="may-1:1",
                            base_url="http://khong-dung/", helpers=2) == job.id
    session.expire_all()
    job = session.get(ExportJob, job.id)
    assert job.state == "done", job.error
    with zipfile.ZipFile(tmp_path / job.stored_name) as archive:
        helped = json.loads(archive.read("manifest.json"))["files"]
    monkeypatch.setattr(iso_pack, "HELPED_FROM", 10**9)
    direct = iso_pack.build(session, leader, leader.unit_id, period, base_url=BASE, now=at)
    direct.content.close()
    assert [f["name"] for f in helped] == [f["name"] for f in direct.manifest["files"]]
    pdfs = [f for f in helped if f["name"].endswith(".pdf")]  # a workbook carries the instant it was saved
    assert len(pdfs) >= 4  # the logbook and the slips
    assert pdfs == [f for f in direct.manifest["files"] if f["name"].endswith(".pdf")]


def test_a_requester_who_lost_the_role_gets_a_refusal_not_the_file(demo, runner):
    session, (run, folder) = demo, runner
    leader = _user(session, "anbinh.lanhdao")
    job = exports.request_iso_pack(session, leader, leader.unit_id, parse_period("2026-11"), base_url=BASE, now=NOW)
    session.execute(delete(UserRole).where(UserRole.user_id == leader.id, UserRole.role == Role.LEADER))
    session.commit()
    assert run() == job.id
    session.expire_all()
    job = session.get(ExportJob, job.id)
    assert job.state == "failed" and "Chỉ lãnh đạo" in job.error and job.stored_name == ""
    assert not folder.exists() or not any(folder.iterdir())
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "export")).one()
    assert message.subject.startswith("Không tạo được tệp") and "Chỉ lãnh đạo" in message.body


def test_a_clerk_cannot_queue_the_pack_nor_another_communes(demo, db_session):
    clerk = _user(db_session, "anbinh.tiepnhan")
    with pytest.raises(Forbidden):
        exports.request_iso_pack(db_session, clerk, clerk.unit_id, parse_period("2026-11"), base_url=BASE, now=NOW)
    assert db_session.scalars(select(ExportJob)).all() == []


def test_a_run_whose_process_died_is_taken_up_again_and_a_live_one_is_left_alone(demo, runner, connection):
    session, (run, folder) = demo, runner
    leader = _user(session, "anbinh.lanhdao")
    job = exports.request_iso_pack(session, leader, leader.unit_id, parse_period("2026-11"), base_url=BASE, now=NOW)
    session.commit()
    assert exports.claim_next(session, holder="may-chet:9", now=NOW) == job.id  # claimed, then its process died
    session.commit()
    assert exports.claim_next(session, holder="may-2:2", now=NOW + exports.STALE - timedelta(seconds=1)) is None
    assert run(at=NOW + exports.STALE + timedelta(seconds=1), holder="may-2:2") == job.id
    session.expire_all()
    job = session.get(ExportJob, job.id)
    assert (job.state, job.holder, job.attempts) == ("done", "may-2:2", 2)
    # The dead process, if it was only slow, cannot overwrite the end: its end is refused.
    assert not exports._end(lambda: _session_on(connection), job.id, "may-chet:9", NOW, (), error="trễ")
    session.expire_all()
    assert session.get(ExportJob, job.id).state == "done"


def test_two_runners_take_different_jobs(demo, connection):
    session = demo
    leader, inspector = _user(session, "anbinh.lanhdao"), _user(session, "tinh.thanhtra")
    first = exports.request_iso_pack(session, leader, leader.unit_id, parse_period("2026-11"), base_url=BASE, now=NOW)
    second = exports.request_iso_pack(session, inspector, leader.unit_id, parse_period("2026-11"), base_url=BASE,
                                      now=NOW + timedelta(seconds=1))
    session.commit()
    one, two = _session_on(connection), _session_on(connection)
    assert exports.claim_next(one, holder="a", now=NOW) == first.id
    one.commit()
    assert exports.claim_next(two, holder="b", now=NOW) == second.id
    two.commit()
    assert exports.claim_next(_session_on(connection), holder="c", now=NOW) is None


def test_files_go_when_their_time_is_up(demo, runner):
    session, (run, folder) = demo, runner
    leader = _user(session, "anbinh.lanhdao")
    job = exports.request_logbook(session, leader, leader.unit_id, NOW.date().replace(day=1), NOW.date(), xlsx=True,
                                  now=NOW)
    session.commit()
    run()
    session.expire_all()
    job = session.get(ExportJob, job.id)
    assert job.state == "done" and job.filename.endswith(".xlsx") and (folder / job.stored_name).is_file()
    stored = folder / job.stored_name
    assert exports.purge_expired(session, folder, now=job.expires_at - timedelta(seconds=1)) == 0
    assert exports.purge_expired(session, folder, now=job.expires_at) == 1
    session.commit()
    assert not stored.exists() and job.state == "expired"
    # A half-written file of a run whose process died goes after a day untouched; a fresh one stays.
    dead, fresh = folder / "9-dead.part", folder / "10-live.part"
    for path in (dead, fresh):
        path.write_bytes(b"PK")
    day_old = (job.expires_at - timedelta(days=1, seconds=1)).timestamp()
    os.utime(dead, (day_old, day_old))
    os.utime(fresh, (job.expires_at.timestamp(), job.expires_at.timestamp()))
    exports.purge_expired(session, folder, now=job.expires_at)
    assert not dead.exists() and fresh.exists()
    with pytest.raises(ValidationFailed):
        exports.download(session, leader, job.id, folder, now=job.expires_at)


def test_the_logbook_job_writes_its_print_record_when_made(demo, runner):
    session, (run, _) = demo, runner
    clerk = _user(session, "anbinh.tiepnhan")
    job = exports.request_logbook(session, clerk, clerk.unit_id, NOW.date().replace(day=1), NOW.date(), xlsx=False,
                                  now=NOW)
    session.commit()
    printed_before = session.scalars(select(AuditEntry).where(AuditEntry.action == "personal_data.print")).all()
    run()
    session.expire_all()
    job = session.get(ExportJob, job.id)
    assert job.state == "done" and job.mimetype == "application/pdf"
    printed = session.scalars(select(AuditEntry).where(AuditEntry.action == "personal_data.print")).all()
    assert len(printed) == len(printed_before) + 1 and printed[-1].actor_id == clerk.id
    assert Path(job.filename).stem.startswith("so-theo-doi-")
