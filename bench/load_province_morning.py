"""A province morning under load: clerks receiving and printing, officers handing over, citizens scanning.

Run: BENCH_DATABASE_URL=postgresql://…/db .venv/bin/python bench/load_province_morning.py
         [--users 50] [--seconds 60] [--think 1.0] [--dossiers 100000] [--units 150]
     (default database: a fresh SQLite file; the issue's figure is on PostgreSQL on loopback)

What it does, all in one run on this machine:
1. migrates a fresh database, loads the demo, adds communes up to ``--units``, each with its own clerk,
   officer, leader and two procedures (``demo.add_commune``), and ``--dossiers`` returned dossiers spread
   over all of them and over the year (copies of the demo's, moved back 0–299 days: the history every list,
   lookup, dashboard and logbook reads);
2. serves the app under gunicorn (sync workers, 2 per core + 1, production settings: CSRF on,
   secure cookies; the same app module and bare Flask "hello" baseline as bench_status_page.py), and beside
   it the export runner the scheduler would run (``make_exports`` every 2 s, at nice 10 as the deployed
   scheduler unit runs);
3. after ``--warmup`` seconds of the same traffic (not counted: workers import, open their pools,
   load fonts and calendars), runs ``--users`` virtual users for ``--seconds``, each in its own thread and keep-alive
   connection, waiting ``--think`` seconds (± 50 %) between actions. Of every ten users:
   - two clerks, each of a commune of their own: open the reception form, receive a dossier (POST, CSRF
     token), print its receipt (Mẫu 01, PDF), hand it over to the department (API);
   - the two officers of those communes: list their queue (API), open one of its dossiers and, if its step
     allows it, hand it over (API);
   - one leader (the first of all: the province's inspector, the whole province's dashboard and dossier
     list): the commune's dashboard for the year, the month's logbook (Mẫu 07, PDF in the request or queued
     past 500 rows), and once the month's ISO pack, queued, watched every 2 s as its page does, downloaded;
   - five citizens: open a random dossier's status page (QR link).
4. prints throughput, p50/p99 per action, the ISO packs' time to ready, and the errors (anything but 2xx/3xx;
   a 409 from two officers racing for one dossier is a refused stale write, counted apart).
   The same users replay against the bare route ("hello") for the machine's ceiling.

Goal (issues 9 and 23): 0 errors, p99 < 300 ms for desk actions at 50 concurrent users on a 2-core machine,
with the leaders' dashboards, logbooks and ISO packs running beside them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import bindparam, func, select, update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.services import api_tokens, demo, tallies, users  # noqa: E402
from bench_status_page import HELLO_APP, OUR_APP, build_database, serve, stop, wait_until_up  # noqa: E402
from app.domain.workflow import DossierStatus  # noqa: E402
from models import Dossier, Procedure, Unit, User  # noqa: E402
from models.engine import make_engine  # noqa: E402

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)  # the served app's clock: Tue 24/11/2026 10:00
DESK_ACTIONS = ("receive form", "receive", "dossier page", "print receipt", "hand over (clerk)", "queue (officer)",
                "dossier (officer)", "hand over (officer)")
PASSWORD = "MotCua@2026"
PROCEDURE_CODES = ("1.004873", "1.001193")  # each commune's: a three-day procedure and a same-day one
EXPORT_RUNNER = '''
import os, time
from datetime import datetime, timezone
from app import create_app
from app.clock import FixedClock
from app.cli.jobs import make_exports

app = create_app({"MOTCUA_ENV": "production", "SECRET_KEY": os.environ["BENCH_SECRET"],
                  "DATABASE_URL": os.environ["BENCH_DATABASE_URL"], "INSTANCE_PATH": os.environ["BENCH_INSTANCE"],
                  "CLOCK": FixedClock(datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc))})
os.nice(10)  # as docs/deploy/motcua-scheduler.service runs the scheduler: the desks come first
while True:  # as the scheduler's "exports" job: every few seconds
    make_exports(app)
    time.sleep(2)
'''
@dataclass
class Tally:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conflicts: int = 0
    received: int = 0  # receptions answered "saved" (302 to the dossier)
    packs: list[tuple[str, float]] = field(default_factory=list)  # ISO packs: end state, seconds from the request
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, action: str, seconds: float, status: int) -> None:
        with self.lock:
            self.timings[action].append(seconds)
            if status == 409:
                self.conflicts += 1
            elif status >= 400 or status == 0:
                self.errors[f"{action} → {status}"] += 1


class Browser:
    """One user's keep-alive connection, with its cookies."""

    def __init__(self, base: str, tally: Tally) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.tally = tally
        self.headers: dict[str, str] = {}

    def request(self, action: str | None, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            data = response.read()
            status = response.status
            got = {k.lower(): v for k, v in response.getheaders()}
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
        except (OSError, http.client.HTTPException):
            self.connection.close()
            status, got, data = 0, {}, b""
        if action:
            self.tally.add(action, time.perf_counter() - started, status)
        return status, got, data

    def form(self, action: str, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        return self.request(action, "POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})


def _csrf(page: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    return match.group(1).decode() if match else ""


def clerk(base: str, tally: Tally, stop_at: float, think: float, account: dict, rng: random.Random) -> None:
    browser = Browser(base, tally)
    _, _, page = browser.request(None, "GET", "/dang-nhap")
    browser.form("", "/dang-nhap", {"csrf_token": _csrf(page), "username": account["username"], "password": PASSWORD})
    api = Browser(base, tally)
    api.headers = {"Authorization": f"Bearer {account['token']}", "Content-Type": "application/json"}
    procedure = account["procedure"]
    number = 0
    while time.time() < stop_at:
        status, _, page = browser.request("receive form", "GET", f"/tiep-nhan?procedure={procedure['id']}")
        token = _csrf(page)
        number += 1
        fields = {"csrf_token": token, "applicant_name": "Nguyễn Văn Bình", "applicant_id_kind": "cccd",
                  "applicant_id_number": f"0012{rng.randrange(10**8):08d}", "applicant_phone": "0912345678",
                  "applicant_address": "Thôn Trung Hoà", "channel": "direct", "sets_count": "1",
                  "fee_amount": "0", "result_delivery": "desk"}
        for index, name in enumerate(procedure["documents"]):
            fields.update({f"documents-{index}-received": "y", f"documents-{index}-name": name,
                           f"documents-{index}-originals": "1"})
        status, headers, _ = browser.form("receive", f"/tiep-nhan?procedure={procedure['id']}", fields)
        match = re.search(r"/ho-so/(\d+)", headers.get("location", ""))
        if status == 302 and match:
            with tally.lock:
                tally.received += 1
            dossier_id = match.group(1)
            _, _, page = browser.request("dossier page", "GET", f"/ho-so/{dossier_id}?printed=new")
            code = re.search(rb"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4,6}", page)
            _pause(think, rng)
            browser.form("print receipt", f"/ho-so/{dossier_id}/in/01", {"csrf_token": token, "paper": ""})
            if code:
                _, _, detail = api.request(None, "GET", f"/api/v1/dossiers/{code.group(0).decode()}")
                version = json.loads(detail or b"{}").get("version")
                api.request("hand over (clerk)", "POST", f"/api/v1/dossiers/{code.group(0).decode()}/actions/hand_over",
                            json.dumps({"version": version}).encode())
        _pause(think, rng)


def officer(base: str, tally: Tally, stop_at: float, think: float, account: dict, rng: random.Random) -> None:
    api = Browser(base, tally)
    api.headers = {"Authorization": f"Bearer {account['token']}", "Content-Type": "application/json"}
    while time.time() < stop_at:
        status, _, body = api.request("queue (officer)", "GET", "/api/v1/dossiers?queue=mine&per_page=20")
        items = json.loads(body or b"{}").get("items") or [] if status == 200 else []
        if items:  # open one, and hand it over if that is what its step allows now (as the page's buttons do)
            item = rng.choice(items)
            status, _, body = api.request("dossier (officer)", "GET", f"/api/v1/dossiers/{item['code']}")
            detail = json.loads(body or b"{}") if status == 200 else {}
            if "hand_over" in detail.get("allowed_actions", ()):
                api.request("hand over (officer)", "POST", f"/api/v1/dossiers/{item['code']}/actions/hand_over",
                            json.dumps({"version": detail["version"]}).encode())
        _pause(think, rng)


def citizen(base: str, tally: Tally, stop_at: float, think: float, tokens: list[str], rng: random.Random) -> None:
    browser = Browser(base, tally)
    while time.time() < stop_at:
        browser.request("status page (citizen)", "GET", "/tra-cuu/" + rng.choice(tokens))
        _pause(think, rng)


def hello(base: str, tally: Tally, stop_at: float, think: float, rng: random.Random) -> None:
    browser = Browser(base, tally)
    while time.time() < stop_at:
        browser.request("hello", "GET", "/hello")
        _pause(think, rng)


def leader(base: str, tally: Tally, stop_at: float, think: float, account: dict, rng: random.Random) -> None:
    """A commune leader (or the province's inspector) at their desk: the dashboard, the month's logbook (Mẫu 07,
    made in the request or queued), and once the month's ISO pack, queued and watched as its page does (every 2 s)
    until it is ready, then downloaded."""
    browser = Browser(base, tally)
    _, _, page = browser.request(None, "GET", "/dang-nhap")
    browser.form("", "/dang-nhap", {"csrf_token": _csrf(page), "username": account["username"], "password": PASSWORD})
    packed = account.get("inspector", False)  # the inspector reads the province; packs are a commune's
    turn = 0
    while time.time() < stop_at:
        turn += 1
        browser.request("dashboard (leader)", "GET", "/thong-ke/?ky=2026")
        _pause(think, rng)
        if account.get("inspector"):
            browser.request("dossier list (inspector)", "GET", "/ho-so")
        elif turn % 2 == 1:
            _, _, page = browser.request(None, "GET", "/so-theo-doi")
            browser.form("logbook (leader)", "/so-theo-doi", {
                "csrf_token": _csrf(page), "unit": str(account["unit_id"]), "first": "2026-11-01",
                "last": "2026-11-24", "fmt": "pdf"})
        elif not packed:
            packed = True
            _, _, page = browser.request(None, "GET", "/iso/?ky=2026-11")
            asked = time.time()
            status, headers, _ = browser.form("ISO pack (request)", "/iso/bo-ho-so", {
                "csrf_token": _csrf(page), "ky": "2026-11", "don-vi": str(account["unit_id"])})
            match = re.search(r"/xuat-file/(\d+)", headers.get("location", ""))
            while match and time.time() < stop_at:
                time.sleep(2)
                status, _, body = browser.request("export progress (poll)", "GET",
                                                  f"/xuat-file/{match.group(1)}/tien-do")
                state = json.loads(body or b"{}").get("state") if status == 200 else None
                if state in ("done", "failed"):
                    with tally.lock:
                        tally.packs.append((state, time.time() - asked))
                    if state == "done":
                        browser.request("ISO pack (download)", "GET", f"/xuat-file/{match.group(1)}/tai-ve")
                    break
        _pause(think, rng)


def _pause(think: float, rng: random.Random) -> None:
    if think > 0:
        time.sleep(think * rng.uniform(0.5, 1.5))


def prepare(url: str, dossiers: int, units: int) -> tuple[dict[str, list[dict]], list[str]]:
    """The database, and the accounts the virtual users act as (API tokens for the desks).

    Every commune has its own staff (``demo.add_commune``): the desks and the leaders of the run each work in
    a commune of their own. The copies are the communes' past, spread over all of them, returned and held
    by nobody (a commune has a few hundred open dossiers, not a hundred thousand in one officer's queue).
    """
    tokens = build_database(url, dossiers)
    users.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # hundreds of accounts made in seconds; logins check any method
    engine = make_engine(url)
    with Session(engine) as session:
        for number in range(1, units - 1):
            demo.add_commune(session, number, now=NOW, procedure_codes=PROCEDURE_CODES)
        session.commit()
        communes = list(session.scalars(select(Unit).where(Unit.parent_id.is_not(None)).order_by(Unit.code)))
        procedures = {(p.unit_id, p.code): p.id for p in session.scalars(
            select(Procedure).where(Procedure.code.in_(PROCEDURE_CODES)))}
        copies = session.execute(select(Dossier.id).where(Dossier.sequence > 100_000).order_by(Dossier.id)).scalars()
        moves = [{"b_id": dossier_id, "unit": communes[n % len(communes)].id,
                  "procedure": procedures[(communes[n % len(communes)].id, PROCEDURE_CODES[n % 2])]}
                 for n, dossier_id in enumerate(copies)]
    with engine.begin() as connection:
        connection.execute(update(Dossier).where(Dossier.id == bindparam("b_id")).values(
            unit_id=bindparam("unit"), procedure_id=bindparam("procedure")).execution_options(synchronize_session=False),
            moves)
        connection.execute(update(Dossier).where(Dossier.sequence > 100_000).values(
            status=DossierStatus.RETURNED, finished_at=Dossier.due_at, returned_at=Dossier.due_at,
            holder_user_id=None, holder_department_id=None, holder_role=None))
        # The copies share their templates' dates (the demo's last weeks); a commune's history is spread over
        # the year: each copy, with its handovers, moves back 0–299 days (a few dozen a commune a month).
        for table, key, columns in (
                ("dossier", "id", ("received_at", "due_at", "finished_at", "returned_at", "step_started_at",
                                   "step_due_at")),
                ("dossier_handover", "dossier_id", ("at", "step_deadline"))):
            shift = f"mod({key} * 7919, 300)"  # (no "%": psycopg reads it as a placeholder)
            if connection.dialect.name == "postgresql":
                moved = [f"{c} = {c} - make_interval(days => CAST({shift} AS integer))" for c in columns]
                if table == "dossier":
                    moved.append(f"reception_day = reception_day - CAST({shift} AS integer)")
            else:
                moved = [f"{c} = strftime('%Y-%m-%d %H:%M:%f', {c}, '-' || {shift} || ' days') || '000'"
                         for c in columns]
                if table == "dossier":
                    moved.append(f"reception_day = date(reception_day, '-' || {shift} || ' days')")
            where = "sequence > 100000" if table == "dossier" else \
                "dossier_id IN (SELECT id FROM dossier WHERE sequence > 100000)"
            connection.exec_driver_sql(f"UPDATE {table} SET {', '.join(moved)} WHERE {where}")
        if connection.dialect.name == "postgresql":  # inserted with their ids: move the sequence past them
            connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('dossier', 'id'), max(id)) FROM dossier")
    with Session(engine) as session:
        tallies.fold(session)
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    accounts: dict[str, list[dict]] = {"clerk": [], "officer": [], "leader": []}
    with Session(engine) as session:
        inspector = session.scalar(select(User).where(User.username == "tinh.thanhtra"))
        accounts["leader"].append({"username": inspector.username, "unit_id": inspector.unit_id, "inspector": True})
        for commune in communes:
            staff = {u.username.rsplit(".", 1)[1]: u for u in session.scalars(select(User).where(
                User.unit_id == commune.id))}
            clerk_user, officer_user, leader_user = staff["tiepnhan"], staff["hotich"], staff["lanhdao"]
            procedure = session.get(Procedure, procedures[(commune.id, "1.004873")])
            spec = {"id": procedure.id, "documents": [d.name for d in procedure.documents]}
            _, clerk_token = api_tokens.create_token(session, clerk_user, clerk_user.id, "load", now=NOW)
            _, officer_token = api_tokens.create_token(session, officer_user, officer_user.id, "load", now=NOW)
            accounts["clerk"].append({"username": clerk_user.username, "token": clerk_token, "procedure": spec})
            accounts["officer"].append({"username": officer_user.username, "token": officer_token})
            accounts["leader"].append({"username": leader_user.username, "unit_id": commune.id})
        session.commit()
    engine.dispose()
    return accounts, tokens


def run(base: str, users: int, seconds: int, think: float, accounts: dict[str, list[dict]], tokens: list[str], *,
        bare: bool) -> tuple[Tally, float]:
    """``users`` virtual users for ``seconds``: of each ten, two clerks and the two officers of their communes,
    one leader (the first the province's inspector), five citizens."""
    tally = Tally()
    stop_at = time.time() + seconds
    threads = []
    for number in range(users):
        rng = random.Random(2026 + number)
        desk = number // 10 * 2 + number % 2  # the desks of the n-th clerk and the n-th officer: one commune
        if bare:
            target, args = hello, (rng,)
        elif number % 10 in (0, 1):
            target, args = clerk, (accounts["clerk"][desk % len(accounts["clerk"])], rng)
        elif number % 10 in (2, 3):
            target, args = officer, (accounts["officer"][desk % len(accounts["officer"])], rng)
        elif number % 10 == 4:
            target, args = leader, (accounts["leader"][number // 10 % len(accounts["leader"])], rng)
        else:
            target, args = citizen, (tokens, rng)
        threads.append(threading.Thread(target=target, args=(base, tally, stop_at, think, *args), daemon=True))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def report(name: str, tally: Tally, elapsed: float) -> dict[str, float]:
    total = sum(len(v) for v in tally.timings.values())
    print(f"\n{name}: {total:,} requests in {elapsed:.0f} s = {total / elapsed:.1f} req/s; "
          f"errors {sum(tally.errors.values())}; stale-write conflicts (409) {tally.conflicts}")
    print(f"{'':28}{'count':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for action, values in sorted(tally.timings.items()):
        print(f"{action:28}{len(values):8}{statistics.median(values) * 1000:9.1f}{_percentile(values, 0.99):9.1f}")
    for what, count in sorted(tally.errors.items()):
        print(f"  error: {what} × {count}")
    desk = [v for action in DESK_ACTIONS for v in tally.timings.get(action, [])]
    every = [v for values in tally.timings.values() for v in values]
    return {"rps": total / elapsed, "p50": statistics.median(every) * 1000 if every else 0.0, "desk_p99": _percentile(desk, 0.99) if desk else 0.0,
            "desk_p50": statistics.median(desk) * 1000 if desk else 0.0, "errors": sum(tally.errors.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--warmup", type=int, default=15)
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        work = Path(folder)
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work / 'load.sqlite3'}"
        began = time.perf_counter()
        accounts, tokens = prepare(url, args.dossiers, args.units)
        with make_engine(url).connect() as connection:
            last_id = connection.scalar(select(func.max(Dossier.id)))
        print(f"database: {make_engine(url).dialect.name}, {args.dossiers:,} dossiers, {args.units} units, "
              f"built in {time.perf_counter() - began:.0f} s")
        (work / "load_app.py").write_text(OUR_APP)
        (work / "hello_app.py").write_text(HELLO_APP)
        (work / "export_runner.py").write_text(EXPORT_RUNNER)
        env = {"BENCH_DATABASE_URL": url, "BENCH_SECRET": secrets.token_hex(16), "BENCH_INSTANCE": str(work / "instance")}
        results = {}
        for name, module, probe, bare in (("bare Flask /hello", "hello_app", "/hello", True),
                                          ("Một Cửa, province morning", "load_app", "/dang-nhap", False)):
            process, base = serve(work, module, args.workers, env)
            runner = None if bare else subprocess.Popen(  # the scheduler's export runner, on the same machine
                [sys.executable, str(work / "export_runner.py")], env={**os.environ, **env, "PYTHONPATH": str(ROOT)})
            try:
                wait_until_up(base + probe, process)
                # Warm-up, not counted: every worker imports, opens its pool, loads fonts and calendars.
                warm, _ = run(base, args.users, args.warmup, args.think, accounts, tokens, bare=bare)
                tally, elapsed = run(base, args.users, args.seconds, args.think, accounts, tokens, bare=bare)
                results[name] = report(name, tally, elapsed)
                results[name]["answered"] = warm.received + tally.received
                results[name]["packs"] = warm.packs + tally.packs  # type: ignore[assignment]
            finally:
                stop(process)
                if runner is not None:
                    runner.terminate()
                    runner.wait(timeout=30)
        engine = make_engine(url)
        with engine.connect() as connection:  # every reception answered "saved" must be in the database
            stored = connection.scalar(select(func.count(Dossier.id)).where(Dossier.id > last_id))
        engine.dispose()
    ours, bare = results["Một Cửa, province morning"], results["bare Flask /hello"]
    print(f"\nreceptions answered as saved: {ours['answered']:.0f}; new dossiers in the database: {stored} "
          f"(goal: equal, no write lost)")
    if stored != ours["answered"]:
        ours["errors"] += abs(stored - ours["answered"])
    print(f"\ngunicorn: {args.workers} sync workers on 127.0.0.1; {args.users} users, think {args.think} s ± 50 %, "
          f"{args.seconds} s")
    print(f"desk actions p50 {ours['desk_p50']:.1f} ms = {ours['desk_p50'] / bare['p50']:.1f}× the bare route's "
          f"{bare['p50']:.1f} ms under the same users")
    packs = ours["packs"]
    print(f"leaders' ISO packs (a commune-month, built by the export runner beside the desks): {len(packs)} finished, "
          + ", ".join(f"{state} after {seconds:.0f} s" for state, seconds in packs))
    print(f"desk actions p50 {ours['desk_p50']:.1f} ms, p99 {ours['desk_p99']:.1f} ms (goal < 300 ms); "
          f"errors {ours['errors']:.0f} (goal 0)")


if __name__ == "__main__":
    main()
