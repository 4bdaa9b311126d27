"""Rate limits are shared by every worker and survive a restart (issue 20, item 3).

The budgets live in the application's database by default. Under gunicorn with
5 workers (each request on a new connection, so the master spreads them),
one attacker gets exactly the configured number of wrong guesses for a dossier
code and of failed logins, however many workers answer, and a restart gives
no fresh budget. With the old per-process store the same run let through up
to 5 times as many.
"""

from __future__ import annotations

import http.client
import os
import time
from datetime import datetime, timezone
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from app import create_app
from app.clock import FixedClock
from app.db import new_session
from app.services import rate_limits
from app.web.public.throttle import Throttle
from models import Dossier, RateCounter
from tests.gunicorn import gunicorn

WORKERS = 5
APP_MODULE = '''
import os
from app import create_app

app = create_app({
    "SECRET_KEY": "limits-test", "DATABASE_URL": os.environ["LIMITS_DATABASE_URL"], "WTF_CSRF_ENABLED": False,
    "INSTANCE_PATH": os.environ["LIMITS_INSTANCE"], "RATELIMIT_STORAGE_URI": os.environ["LIMITS_STORE"],
    "PUBLIC_RATE_LIMIT": "10000 per minute", "LOOKUP_MISS_LIMIT": "10000 per day",
    "LOOKUP_CODE_MISS_LIMIT": "10 per day", "LOGIN_FAILURE_LIMIT": "30 per day",
})
'''


def _post(port: int, path: str, fields: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # a new connection: any worker
    try:
        connection.request("POST", path, body=urlencode(fields),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture
def site(scratch_url, tmp_path):
    setup = create_app({"SECRET_KEY": "x", "DATABASE_URL": scratch_url, "INSTANCE_PATH": str(tmp_path / "instance"),
                        "CLOCK": FixedClock(datetime(2026, 11, 24, 2, tzinfo=timezone.utc))})
    runner = setup.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    session = new_session(setup)
    code = session.scalars(select(Dossier.code).order_by(Dossier.id)).first()
    session.close()
    (tmp_path / "limits_app.py").write_text(APP_MODULE)
    env = {**os.environ, "LIMITS_DATABASE_URL": scratch_url, "LIMITS_INSTANCE": str(tmp_path / "instance"),
           "LIMITS_STORE": "database"}
    yield code, env, tmp_path
    setup.extensions["motcua.engine"].dispose()


def _guesses(port: int, code: str, count: int) -> dict[int, int]:
    answers: dict[int, int] = {}
    for n in range(count):
        status = _post(port, "/tra-cuu", {"ma_ho_so": code, "so_cuoi": f"{9000 + n}"})
        answers[status] = answers.get(status, 0) + 1
    return answers


def _clear_of_a_window_boundary(margin: float = 300.0) -> None:
    """Wait, if need be, until the day's window (UTC midnight) is more than ``margin`` seconds away.

    The budgets are sliding window counters: once a new window starts, the full previous one weighs a
    little less than its count, so one more attempt goes through (by design). The exact counts below
    hold only while the whole run stays inside one window; wall-clock time cannot be frozen in gunicorn.
    """
    left = 86400 - time.time() % 86400
    if left < margin:
        time.sleep(left + 1)


def test_five_workers_share_one_budget_per_code_and_a_restart_gives_none_back(site):
    code, env, folder = site
    _clear_of_a_window_boundary()
    with gunicorn("limits_app", folder, env, workers=WORKERS) as (_, port):
        first = _guesses(port, code, 50)
        logins = {}
        for n in range(99):
            status = _post(port, "/dang-nhap", {"username": f"khong-co-{n}", "password": "doan-bua-1"})
            logins[status] = logins.get(status, 0) + 1
    assert first == {404: 10, 429: 40}  # wrong digits checked: 10 a day for this code, from any worker
    assert logins == {401: 30, 429: 69}  # failed logins from one address: 30 a day
    with gunicorn("limits_app", folder, env, workers=WORKERS) as (_, port):  # a restart (or a deploy)
        assert _guesses(port, code, 10) == {429: 10}


def test_the_old_per_process_store_gave_a_fresh_budget_on_every_restart(site):
    """The control: with ``memory://`` a restart (or a recycled worker) forgets the count. (Whether several
    workers counted apart depends on which worker the master hands each connection: not a steady control.)"""
    code, env, folder = site
    memory = {**env, "LIMITS_STORE": "memory://"}
    with gunicorn("limits_app", folder, memory, workers=WORKERS) as (_, port):
        first = _guesses(port, code, 30).get(404, 0)
    with gunicorn("limits_app", folder, memory, workers=WORKERS) as (_, port):
        again = _guesses(port, code, 10).get(404, 0)
    print(f"\nmemory:// with {WORKERS} workers: {first} of 30 guesses checked, then {again} of 10 after a restart")
    assert first >= 10 and again == 10


# --- the store itself, on the suite's database ---------------------------------------------------


@pytest.fixture
def store(app):
    return rate_limits.DatabaseStorage(lambda: new_session(app))


def test_two_processes_share_counters_and_a_new_one_sees_them(app, db_session):
    budgets = {"LOOKUP_CODE_MISS_LIMIT": "3 per hour"}
    workers = [Throttle("database", budgets, sessions=lambda: new_session(app)) for _ in range(3)]
    answers = [workers[n % 3].hit("code_miss", "CODE-1") is None for n in range(6)]
    assert answers == [True, True, True, False, False, False]
    reborn = Throttle("database", budgets, sessions=lambda: new_session(app))
    assert reborn.check("code_miss", "CODE-1") is not None and reborn.check("code_miss", "CODE-2") is None
    blocked = reborn.hit("code_miss", "CODE-1")
    assert blocked is not None and 0 < blocked.retry_after <= 3600


def test_counters_expire_and_are_purged(store, db_session):
    clock = [1_000_000.0]
    store._clock = lambda: clock[0]  # noqa: SLF001 — a test moves time
    assert store.incr("k", 60) == 1 and store.incr("k", 60) == 2 and store.get("k") == 2
    assert store.get_expiry("k") == pytest.approx(1_000_060.0)
    assert store.decr("k", 5) == 0
    clock[0] += 61
    assert store.get("k") == 0 and store.incr("k", 60) == 1  # a new window starts afresh
    long_key = "LIMITER/code_miss/" + "X" * 400
    assert store.incr(long_key, 60) == 1 and store.get(long_key) == 1
    assert all(len(key) <= 255 for key in db_session.scalars(select(RateCounter.key)))
    clock[0] += 120
    assert rate_limits.purge_expired(db_session, now=clock[0]) == 2
    assert db_session.scalars(select(RateCounter)).all() == []


def test_the_sliding_window_weighs_the_previous_window(store):
    clock = [6_000_000.0]  # the start of a 60 s window
    store._clock = lambda: clock[0]  # noqa: SLF001
    assert all(store.acquire_sliding_window_entry("s", 4, 60) for _ in range(4))
    assert not store.acquire_sliding_window_entry("s", 4, 60)
    clock[0] += 90  # half of the previous window still counts: 4 × 0.5 = 2 → 2 more
    assert [store.acquire_sliding_window_entry("s", 4, 60) for _ in range(3)] == [True, True, False]
    previous, _, current, _ = store.get_sliding_window("s", 60)
    assert (previous, current) == (4, 2)
    store.clear_sliding_window("s", 60)
    assert store.get_sliding_window("s", 60)[::2] == (0, 0)


def test_the_nightly_retention_run_deletes_finished_counters(app, db_session, clock):
    now = clock.now().timestamp()
    db_session.add_all([RateCounter(key="LIMITER/miss/10.0.0.1/old", count=3, expires_at=now - 1),
                        RateCounter(key="LIMITER/miss/10.0.0.1/new", count=1, expires_at=now + 600)])
    db_session.flush()
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert db_session.scalars(select(RateCounter.key)).all() == ["LIMITER/miss/10.0.0.1/new"]


def test_the_flood_budget_is_shared_in_batches_and_overshoots_by_less_than_a_batch_per_worker(app, db_session):
    from app.web.public.throttle import FLOOD_SHARE

    budgets = {"PUBLIC_RATE_LIMIT": "60 per minute"}
    workers = [Throttle("database", budgets, sessions=lambda: new_session(app)) for _ in range(2)]
    allowed = sum(workers[n % 2].hit("public", "10.0.0.1") is None for n in range(100))
    batch = 60 // FLOOD_SHARE  # 5
    assert 60 <= allowed <= 60 + 2 * (batch - 1)
    counted = sum(db_session.scalars(select(RateCounter.count).where(RateCounter.key.contains("10.0.0.1"))))
    assert 60 <= counted <= 100  # written a batch at a time, up to the spent budget
    assert workers[0].hit("public", "10.0.0.2") is None  # another address has its own budget


def test_a_large_flood_budget_is_written_a_twelfth_at_a_time(app, db_session, monkeypatch):
    """1,200 a minute: a worker writes its hits of one address a hundred at a time (or each second)."""
    import types

    from app.web.public import throttle as module

    clock = types.SimpleNamespace(monotonic=lambda: 1000.0, time=module.time.time)
    monkeypatch.setattr(module, "time", clock)  # the same second throughout
    worker = Throttle("database", {"PUBLIC_RATE_LIMIT": "1200 per minute"}, sessions=lambda: new_session(app))

    def counted() -> int:
        db_session.expire_all()
        return sum(db_session.scalars(select(RateCounter.count).where(RateCounter.key.contains("10.0.0.7"))))

    for _ in range(99):
        assert worker.hit("public", "10.0.0.7") is None
    assert counted() == 0  # held back
    assert worker.hit("public", "10.0.0.7") is None
    assert counted() == 100
    clock.monotonic = lambda: 1001.5  # a second later: what it holds is written at the next hit
    worker.hit("public", "10.0.0.7")
    assert counted() == 101
