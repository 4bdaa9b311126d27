"""The citizen's status page under load: our /tra-cuu/<token> vs a bare Flask "hello", same server.

Run: .venv/bin/python bench/bench_status_page.py [dossiers] [--seconds S] [--connections C] [--workers W]
     (BENCH_DATABASE_URL=postgresql://… to run on PostgreSQL; default: a fresh SQLite file)

What it does, all in one run on this machine:
1. builds a database with the demo commune and ``dossiers`` (default 100,000) dossiers: the demo's
   dossiers, made through the real services in every state (at the desk, with the officer, awaiting
   signature, supplement requested, result at the desk, returned, overdue), cloned with their
   control-slip rows, letters and events, each with its own code and status token;
2. serves our app and a bare Flask app with one "hello" route under gunicorn, the same settings
   (sync workers, loopback), one after the other;
3. loads each with wrk (``C`` connections, 2 threads); ours asks for random tokens among 20,000
   of the dossiers; the rate limits stay on (with a budget too large to trip), and each lookup
   writes its log line, so their costs are counted. Ours is loaded twice:
   - first views: nothing kept at the start (``status_page_cache`` emptied), so most requests
     render their page (a token asked twice in the run is served as kept the second time);
   - kept pages: once every one of the 20,000 pages was viewed (each asked once, 8 at a time), as
     a crowd rescanning its receipts meets them: each served as rendered while its dossier is
     unchanged (issue 23).
Prints requests/s and latency percentiles, and the ratios of both to the bare route. Goal (issues 6
and 23): the kept pages at least 50 % of the bare route's throughput, p99 under 50 ms at 32
connections.
Needs wrk (Debian package ``wrk``).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from sqlalchemy import delete, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.cli.db import alembic_config  # noqa: E402
from app.services.demo import load_demo  # noqa: E402
from models import Dossier, DossierEvent, DossierNotice, Handover, StatusPageCache  # noqa: E402
from models.engine import make_engine  # noqa: E402

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tue 24/11/2026 09:00 in Vietnam
SAMPLED_TOKENS = 20_000

HELLO_APP = '''
from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"
'''
OUR_APP = '''
import os
from app import create_app
from app.clock import FixedClock
from datetime import datetime, timezone

app = create_app({
    "MOTCUA_ENV": "production",
    "SECRET_KEY": os.environ["BENCH_SECRET"],
    "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
    "CLOCK": FixedClock(datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)),
    **({"INSTANCE_PATH": os.environ["BENCH_INSTANCE"]} if os.environ.get("BENCH_INSTANCE") else {}),
    "PUBLIC_RATE_LIMIT": "100000000 per minute",
    "LOOKUP_MISS_LIMIT": "100000000 per minute",
})
'''
WRK_SCRIPT = '''
local tokens = {}
for line in io.lines("%s") do tokens[#tokens + 1] = line end
math.randomseed(%d)
request = function()
  return wrk.format("GET", "/tra-cuu/" .. tokens[math.random(#tokens)])
end
'''


def build_database(url: str, count: int) -> list[str]:
    """Migrate, load the demo, clone its dossiers up to ``count``; the tokens of a sample."""
    engine = make_engine(url)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        command.upgrade(alembic_config(connection), "head")
    with Session(engine) as session:
        load_demo(session, now=NOW)
        session.commit()
        templates = list(session.scalars(select(Dossier)))
        children = {
            model: [row for row in session.scalars(select(model))] for model in (Handover, DossierNotice, DossierEvent)
        }
    dossier_columns = [c.key for c in Dossier.__table__.columns if c.key != "id"]
    tokens: list[str] = []
    next_id = max(d.id for d in templates) + 1
    made = len(templates)
    number = 100_000
    with engine.begin() as connection:
        while made < count:
            batch = min(5_000, count - made)
            dossiers, rows = [], {model: [] for model in children}
            for i in range(batch):
                template = templates[(made + i) % len(templates)]
                number += 1
                values = {c: getattr(template, c) for c in dossier_columns}
                values.update(id=next_id, sequence=number, logbook_number=number, token=secrets.token_urlsafe(24),
                              code=f"{template.code.rsplit('-', 1)[0]}-{number:06d}")
                dossiers.append(values)
                tokens.append(values["token"])
                for model, items in children.items():
                    for child in items:
                        if child.dossier_id != template.id:
                            continue
                        copy = {c.key: getattr(child, c.key) for c in model.__table__.columns if c.key != "id"}
                        copy["dossier_id"] = next_id
                        if model is DossierNotice:
                            copy["number"] = number
                        rows[model].append(copy)
                next_id += 1
            connection.execute(insert(Dossier), dossiers)
            for model, items in rows.items():
                if items:
                    connection.execute(insert(model), items)
            made += batch
    engine.dispose()
    return random.Random(2026).sample(tokens, min(SAMPLED_TOKENS, len(tokens)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(module_dir: Path, module: str, workers: int, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free loopback port; its stderr (our lookup log lines) goes to a file."""
    port = free_port()
    log = open(module_dir / f"{module}.log", "ab")  # noqa: SIM115 — kept open for the server's lifetime
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--chdir", str(module_dir), f"{module}:app"],
        env={**os.environ, **env, "PYTHONPATH": f"{ROOT}:{module_dir}"}, stderr=log,
    )
    return process, f"http://127.0.0.1:{port}"


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode})")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:  # noqa: BLE001 — not up yet
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in 60 s")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def run_wrk(url: str, seconds: int, connections: int, script: Path | None) -> dict[str, float]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        args += ["-s", str(script)]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percent in ("50", "90", "99"):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        result[f"p{percent}"] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    result["non_2xx"] = float(errors.group(1)) if errors else 0.0
    result["socket_errors"] = socket_errors.group(1) if socket_errors else "none"  # type: ignore[assignment]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dossiers", type=int, nargs="?", default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    with tempfile.TemporaryDirectory(prefix="bench-status-") as folder:
        work = Path(folder)
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite3'}"
        started = time.perf_counter()
        tokens = build_database(url, args.dossiers)
        print(f"database: {make_engine(url).dialect.name}, {args.dossiers:,} dossiers built in "
              f"{time.perf_counter() - started:.1f} s")
        (work / "tokens.txt").write_text("\n".join(tokens) + "\n")
        (work / "wrk.lua").write_text(WRK_SCRIPT % (work / "tokens.txt", 2026))
        (work / "hello_app.py").write_text(HELLO_APP)
        (work / "status_app.py").write_text(OUR_APP)
        env = {"BENCH_DATABASE_URL": url, "BENCH_SECRET": secrets.token_hex(16)}

        results = {}
        process, base = serve(work, "hello_app", args.workers, env)
        try:
            wait_until_up(base + "/hello", process)
            run_wrk(base + "/hello", 3, args.connections, None)  # warm-up
            results["bare Flask /hello"] = run_wrk(base + "/hello", args.seconds, args.connections, None)
        finally:
            stop(process)
        process, base = serve(work, "status_app", args.workers, env)
        try:
            wait_until_up(base + "/tra-cuu/" + tokens[0], process)
            run_wrk(base, 3, args.connections, work / "wrk.lua")  # warm-up: imports, pools, calendars
            forget_kept(url)
            results["ours, first views"] = run_wrk(base, args.seconds, args.connections, work / "wrk.lua")
            started = time.perf_counter()
            view_each(base, tokens)
            print(f"every one of the {len(tokens):,} pages viewed once in {time.perf_counter() - started:.1f} s")
            results["ours, kept pages"] = run_wrk(base, args.seconds, args.connections, work / "wrk.lua")
        finally:
            stop(process)

    print(f"gunicorn: {args.workers} sync workers on 127.0.0.1; wrk: 2 threads, {args.connections} connections, "
          f"{args.seconds} s each")
    print(f"{'':24} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  socket errors")
    for name, r in results.items():
        print(f"{name:24} {r['rps']:9.0f} {r['p50']:8.2f} {r['p90']:8.2f} {r['p99']:8.2f} {r['non_2xx']:8.0f}  "
              f"{r['socket_errors']}")
    bare, first, ours = results["bare Flask /hello"], results["ours, first views"], results["ours, kept pages"]
    print(f"first views: ratio ours/bare {first['rps'] / bare['rps']:.2f}, p99 {first['p99']:.1f} ms")
    ratio = ours["rps"] / bare["rps"]
    print(f"throughput ratio ours/bare: {ratio:.2f} (goal ≥ 0.50); our p99 {ours['p99']:.1f} ms (goal < 50 ms)")


def forget_kept(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(delete(StatusPageCache))
    engine.dispose()


def view_each(base: str, tokens: list[str]) -> None:
    """Each page asked for once, 8 at a time: what a crowd's first scans leave kept."""
    def view(token: str) -> None:
        with urllib.request.urlopen(f"{base}/tra-cuu/{token}", timeout=30) as answer:
            answer.read()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(view, tokens))


if __name__ == "__main__":
    main()
