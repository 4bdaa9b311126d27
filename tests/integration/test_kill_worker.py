"""A gunicorn worker killed (kill -9) in the middle of 1,000 concurrent receptions; a sweep killed mid-run.

The app runs under gunicorn (4 sync workers) on the suite's kind of database
(a scratch SQLite file, or a scratch PostgreSQL database). Eight clients post
1,000 receptions to one commune's desk as fast as they can; two workers are
killed with SIGKILL while requests are in flight (gunicorn starts new ones).
Afterwards:

- no partial dossier: every dossier has its documents, its reception event,
  its logbook number, and nothing refers to a dossier that is not there;
- the day's codes run 1…N with no gap and no duplicate, and so do the
  logbook numbers: a killed transaction took its number with it;
- every answered reception is in the database, and at most the killed
  requests' dossiers (committed just before the kill) are there unanswered.

Then a sweep process is killed at once and two more run the same tick
together: exactly one sweep run is recorded for it.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import create_app
from models import Dossier, DossierDocument, DossierEvent, Procedure, SweepRun, Unit
from tests.gunicorn import gunicorn
from tests.web.test_reception_pages import _form

ROOT = Path(__file__).resolve().parents[2]
TOTAL, CLIENTS, WORKERS = 1000, 8, 4
APP_MODULE = '''
import os
from datetime import datetime, timezone
from app import create_app
from app.clock import FixedClock

app = create_app({
    "SECRET_KEY": "kill-test", "DATABASE_URL": os.environ["KILL_DATABASE_URL"], "WTF_CSRF_ENABLED": False,
    "CLOCK": FixedClock(datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)),
    "INSTANCE_PATH": os.environ["KILL_INSTANCE"],
})
'''


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            self.connection.request("POST", path, body=urlencode(fields), headers=headers)
            response = self.connection.getresponse()
            self.body = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0, ""
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, response.getheader("Location") or ""


@pytest.fixture
def served(scratch_url, tmp_path, clock):
    setup = create_app({"SECRET_KEY": "x", "DATABASE_URL": scratch_url, "CLOCK": clock,
                        "INSTANCE_PATH": str(tmp_path / "instance")})
    runner = setup.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    engine = setup.extensions["motcua.engine"]
    (tmp_path / "kill_app.py").write_text(APP_MODULE)
    env = {**os.environ, "KILL_DATABASE_URL": scratch_url, "KILL_INSTANCE": str(tmp_path / "instance")}
    with gunicorn("kill_app", tmp_path, env, workers=WORKERS) as (master, port):
        yield engine, port, master, {**env, "PYTHONPATH": f"{ROOT}:{tmp_path}"}, tmp_path
    engine.dispose()


def test_a_worker_killed_during_1000_receptions_leaves_no_partial_dossier_and_no_gap(served):
    engine, port, master, env, tmp_path = served
    with Session(engine) as session:
        unit = session.scalars(select(Unit).where(Unit.code == "000.00.31.H99")).one()
        procedure = session.scalars(select(Procedure).where(Procedure.unit_id == unit.id,
                                                            Procedure.code == "1.004873")).one()
        form = _form(procedure)
        documents = len(procedure.documents)
        before = set(session.scalars(select(Dossier.id).where(Dossier.unit_id == unit.id)))
    path = f"/tiep-nhan?procedure={procedure.id}"

    issued = iter(range(TOTAL))
    lock = threading.Lock()
    answered, lost, refused = [], [], []

    def desk() -> None:
        client = Client(port)
        while client.post("/dang-nhap", {"username": "anbinh.tiepnhan", "password": "MotCua@2026"})[0] != 302:
            time.sleep(0.1)
        while True:
            with lock:
                number = next(issued, None)
            if number is None:
                return
            status, location = client.post(path, form)
            with lock:
                if status == 302 and "/ho-so/" in location:
                    answered.append(int(re.search(r"/ho-so/(\d+)", location).group(1)))
                elif status == 0:
                    lost.append(number)
                else:
                    page = client.body.decode("utf-8", "replace")  # what the clerk would read: why not saved
                    refused.append((status, re.findall(r'role="alert">(.*?)</div>|<h1>([^<]*)</h1>\s*<p>([^<]*)',
                                                       page, re.S)[:2]))

    threads = [threading.Thread(target=desk) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    kills = 0
    for threshold in (TOTAL // 4, TOTAL // 2):
        while len(answered) + len(lost) < threshold and any(t.is_alive() for t in threads):
            time.sleep(0.01)
        workers = _children(master.pid)
        assert workers, "no gunicorn worker to kill"
        os.kill(workers[0], signal.SIGKILL)
        kills += 1
    for thread in threads:
        thread.join(timeout=600)
    assert kills == 2 and not any(t.is_alive() for t in threads)
    assert not refused, refused[:10]  # busy databases wait; nothing is refused

    with Session(engine) as session:
        rows = session.execute(select(Dossier.id, Dossier.sequence, Dossier.logbook_number, Dossier.code)
                               .where(Dossier.unit_id == unit.id, Dossier.reception_day == date(2026, 11, 25))
                               .order_by(Dossier.sequence)).all()
        made = set(session.scalars(select(Dossier.id).where(Dossier.unit_id == unit.id))) - before
        assert made <= {r.id for r in rows}  # all received today
        sequences = [r.sequence for r in rows]
        assert sequences == list(range(1, len(rows) + 1)), "a gap or a duplicate in the day's codes"
        assert len({r.code for r in rows}) == len(rows)
        numbers = sorted(r.logbook_number for r in rows if r.id in made)
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), "a gap in the logbook"
        ids = sorted(made)
        per_dossier_documents = dict(session.execute(
            select(DossierDocument.dossier_id, func.count()).where(DossierDocument.dossier_id.in_(ids))
            .group_by(DossierDocument.dossier_id)).tuples().all())
        receive_events = dict(session.execute(
            select(DossierEvent.dossier_id, func.count()).where(DossierEvent.dossier_id.in_(ids),
                                                                DossierEvent.action == "receive")
            .group_by(DossierEvent.dossier_id)).tuples().all())
        assert all(per_dossier_documents.get(i) == documents for i in ids), "a dossier without all its documents"
        assert all(receive_events.get(i) == 1 for i in ids), "a dossier without its reception event"
    assert set(answered) <= set(ids)  # every answered reception was kept
    assert len(answered) <= len(ids) <= len(answered) + len(lost)  # and only killed requests went unanswered
    assert len(answered) + len(lost) == TOTAL and len(answered) >= TOTAL * 0.9
    print(f"\n{TOTAL} receptions, {CLIENTS} clients, {WORKERS} workers, 2 killed: {len(answered)} answered, "
          f"{len(lost)} cut off by the kills, {len(ids)} dossiers, codes 1…{len(ids)} without a gap")

    # The sweep: one process killed at once, two more for the same tick at the same time.
    tick = "datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)"
    script = textwrap.dedent(f"""
        from datetime import datetime, timezone
        from kill_app import app
        from app.cli.jobs import sweep_once
        print(sweep_once(app, trigger="scheduler", tick={tick}))
    """)
    doomed = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # importing the app; the sweep starts about now
    doomed.kill()
    doomed.wait()
    pair = [subprocess.Popen([sys.executable, "-c", script], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=300) for process in pair]
    assert all(process.returncode == 0 for process in pair), outputs
    with Session(engine) as session:
        runs = session.scalars(select(SweepRun)).all()
    assert len(runs) == 1, [(r.holder, r.started_at) for r in runs]
    swept = [process for process, (out, _) in zip(pair, outputs) if "Đã rà soát" in out]
    if swept:  # the killed one died before committing: one of the pair did the work, the other skipped
        assert len(swept) == 1 and runs[0].holder.endswith(f":{swept[0].pid}")
    else:  # the killed one had committed its run: both found the tick taken
        assert runs[0].holder.endswith(f":{doomed.pid}")
