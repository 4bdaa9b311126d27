#!/usr/bin/env python3
"""The ISO pack of one commune-year, made as a job the way the scheduler makes it: time and peak memory.

Run: .venv/bin/python bench/bench_iso_pack.py [DOSSIERS]   (default 3,600 over the year before "now": about
     3,300 fall in the calendar year, a commune of a 500,000-a-year province of 150 communes)
     (BENCH_DATABASE_URL=postgresql://…/db to run on PostgreSQL; default: a fresh SQLite file)

1. builds the data with bench_dashboard's generator (one commune, three handovers per finished dossier);
2. queues the pack of the year as the province's inspector (``exports.request_iso_pack``) and makes it
   in a fresh child process with ``exports.run_next``, the scheduler's call, with the helper processes the
   scheduler would lease on this machine (``RENDER_HELPERS`` default: one per core, at most 2); the child
   prints its wall time, its own peak resident memory (``ru_maxrss``) and each helper's (``VmHWM``, read
   from /proc while it runs), and the memory goal is judged on their sum, as if every peak came at once;
3. the baseline, in a second fresh child: the same imports and one SELECT of the year's dossiers (what
   any process of the app costs before it makes anything).
Goal (issue 23): under 60 s and under 300 MB peak for a commune-year.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CHILD = r'''
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from datetime import timedelta
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from app.services import exports
from models import Dossier, ExportJob
from models.engine import make_engine
engine = make_engine({url!r})
sessions = sessionmaker(bind=engine, expire_on_commit=False)
now = {now!r}
from datetime import datetime
now = datetime.fromisoformat(now)
import os, threading
helper_peaks = {{}}  # pid → the highest VmHWM seen (kB): reset by exec, so the helper's own
stop = threading.Event()
def watch():
    me = str(os.getpid())
    while not stop.wait(0.05):
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{{pid}}/stat") as stat:
                    if stat.read().rsplit(")", 1)[1].split()[1] != me:
                        continue
                with open(f"/proc/{{pid}}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            helper_peaks[pid] = max(helper_peaks.get(pid, 0), int(line.split()[1]))
            except (OSError, IndexError):
                continue
threading.Thread(target=watch, daemon=True).start()
from app.config import render_helpers
started = time.perf_counter()
if {make!r}:
    job_id = exports.run_next(sessions, Path({folder!r}), clock=lambda: now, holder="bench:1",
                              base_url="https://motcua.example.vn/", helpers=render_helpers({{}}))
    with sessions() as s:
        job = s.get(ExportJob, job_id)
        result = dict(state=job.state, error=job.error, size=job.size, total=job.total, stored=job.stored_name)
else:
    with sessions() as s:
        result = dict(rows=len(s.scalars(select(Dossier)).all()))
result["seconds"] = time.perf_counter() - started
stop.set()
result["own_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
result["helper_peaks_mb"] = sorted(kb / 1024 for kb in helper_peaks.values())
result["peak_mb"] = result["own_peak_mb"] + sum(result["helper_peaks_mb"])
print(json.dumps(result))
'''


def child(url: str, folder: Path, now: str, make: bool) -> dict:  # type: ignore[type-arg]
    code = CHILD.format(root=str(ROOT), url=url, folder=str(folder), now=now, make=make)
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(count: int) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    import bench_dashboard
    from app.domain.objectives import parse_period
    from app.services import exports
    from models import Unit, User
    from models.engine import make_engine

    workdir = tempfile.TemporaryDirectory(prefix="motcua-bench-pack-")
    url = os.environ.get("BENCH_DATABASE_URL") or "sqlite:///" + str(Path(workdir.name) / "bench.sqlite3")
    bench_dashboard.build(url, count, 1, 1)
    engine = make_engine(url)
    now = bench_dashboard.NOW
    with Session(engine) as session:
        inspector = session.scalars(select(User).where(User.username == "tinh.thanhtra")).one()
        unit_id = session.scalar(select(Unit.id).order_by(Unit.id.desc()).limit(1))  # the generated commune
        job = exports.request_iso_pack(session, inspector, unit_id, parse_period(str(now.year)),
                                       base_url="https://motcua.example.vn/", now=now)
        session.commit()
        job_id = job.id
    engine.dispose()
    folder = Path(workdir.name) / "exports"
    made = child(url, folder, now.isoformat(), True)
    base = child(url, folder, now.isoformat(), False)
    assert made["state"] == "done", made
    with zipfile.ZipFile(folder / made["stored"]) as archive:
        slips = sum(1 for n in archive.namelist() if n.startswith("02-"))
        manifest = json.loads(archive.read("manifest.json"))
    assert slips == manifest["counts"]["control_slips"]
    print(f"ISO pack of one commune-year (job {job_id}): {slips:,} control slips, {made['size'] / 1e6:.1f} MB ZIP")
    helpers = " + ".join(f"{mb:.0f}" for mb in made["helper_peaks_mb"]) or "none"
    print(f"{'':34}{'seconds':>9}{'peak MB':>9}")
    print(f"{'baseline (imports + one SELECT)':34}{base['seconds']:9.2f}{base['own_peak_mb']:9.0f}")
    print(f"{'the pack, as the scheduler makes it':34}{made['seconds']:9.2f}{made['peak_mb']:9.0f}"
          f"   (the scheduler {made['own_peak_mb']:.0f}, its render helpers {helpers})")
    print(f"per slip: {made['seconds'] / max(1, slips) * 1000:.1f} ms; "
          f"pack: {made['seconds']:.1f} s (goal < 60 s), {made['peak_mb']:.0f} MB peak, all processes "
          f"(goal < 300 MB)")
    workdir.cleanup()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3_600)
