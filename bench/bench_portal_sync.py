"""The portal sync: its cost on the reception path, and its throughput against a bare loop (issue 21).

Run: .venv/bin/python bench/bench_portal_sync.py [receptions] [messages]
     (BENCH_DATABASE_URL=postgresql://… to run on PostgreSQL; default: a fresh SQLite file)

All in one run on this machine:
1. the reception path: ``receptions`` dossiers received through the real service, each committed, with the
   outbox message written in the same transaction, against the same receptions with the outbox left out
   (alternating blocks of 50, so that both see the same database size). Goal: under 10 % more.
2. throughput: ``messages`` waiting messages delivered by the sender to the stand-in platform over HTTP on
   loopback, against a bare loop posting the same envelopes with the same client (no database).
Prints seconds, messages/s and the ratios.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app.integrations.portal.client import poster  # noqa: E402
from app.integrations.portal.messages import envelope  # noqa: E402
from app.integrations.portal.simulator import create_simulator  # noqa: E402
from app.services import portal_sync, reception  # noqa: E402
from app.services.demo import load_demo  # noqa: E402
from app.domain.catalogue import DocumentSpec  # noqa: E402
from app.domain.workflow import IdKind  # noqa: E402
from bench.synthetic import migrate_fresh  # noqa: E402
from models import PortalMessage, Procedure, Unit, User  # noqa: E402
from models.engine import make_engine  # noqa: E402

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)  # Wed 25/11/2026 09:00 in Vietnam
BLOCK = 50


def main() -> None:
    receptions = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    engine = make_engine(url)
    migrate_fresh(engine)
    with Session(engine) as session:
        load_demo(session, now=NOW)
        session.commit()
        unit = session.scalars(select(Unit).where(Unit.code == "000.00.31.H99")).one()
        clerk = session.scalars(select(User).where(User.username == "anbinh.tiepnhan")).one()
        procedure = session.scalars(select(Procedure).where(Procedure.unit_id == unit.id,
                                                            Procedure.code == "1.004873")).one()
        data = reception.ReceptionInput(
            procedure_id=procedure.id, documents=tuple(DocumentSpec(d.name, max(d.originals, 1)) for d in procedure.documents),
            applicant=reception.ApplicantInput(name="Nguyễn Văn Bình", id_kind=IdKind.CITIZEN_ID,
                                               id_number="001203004567", address="Thôn Trung Hoà"))
        clerk_id = clerk.id

    # 1. The reception path, with and without the outbox, in alternating blocks.
    real_enqueue = portal_sync.enqueue
    timings = {True: 0.0, False: 0.0}
    done = 0
    at = NOW
    rounds = 0
    while done < receptions:
        rounds += 1
        for with_outbox in ((True, False) if rounds % 2 else (False, True)):  # neither always goes first
            portal_sync.enqueue = real_enqueue if with_outbox else (lambda *a, **k: None)  # type: ignore[assignment]
            # As the app's sessions when PORTAL_SYNC_URL is set (app.db): the events write their messages.
            with Session(engine, expire_on_commit=False, info={portal_sync.SYNC: True}) as session:
                clerk = session.get(User, clerk_id)
                started = time.perf_counter()
                for _ in range(BLOCK):
                    at += timedelta(seconds=20)
                    reception.receive_dossier(session, clerk, data, now=at)
                    session.commit()
                timings[with_outbox] += time.perf_counter() - started
            done += BLOCK
    portal_sync.enqueue = real_enqueue  # type: ignore[assignment]
    with Session(engine) as session:
        written = session.scalar(select(func.count()).select_from(PortalMessage))
    assert written == receptions // 2, written  # one message per reception with the outbox, none without
    per = {k: v / (receptions / 2) * 1000 for k, v in timings.items()}
    cost = timings[True] / timings[False] - 1

    # 2. Throughput: the sender against a bare loop, to the same simulator.
    simulator = create_simulator()
    server = make_server("127.0.0.1", 0, simulator, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    post = poster(f"http://127.0.0.1:{server.server_port}", timeout=10)
    with Session(engine) as session:
        waiting = session.scalars(select(PortalMessage).where(PortalMessage.delivered_at.is_(None))
                                  .order_by(PortalMessage.id).limit(count)).all()
        payloads = [envelope(f"bare-msg-{m.id:06d}", m.sequence, portal_sync.KIND, {**m.body, "MaHoSo": m.body["MaHoSo"] + "0"})
                    for m in waiting]
        session.expunge_all()
    started = time.perf_counter()
    for payload in payloads:
        answer = post(payload)
        assert answer.status == 200, answer
    bare = time.perf_counter() - started
    simulator.extensions["portal_state"].kept.clear()
    with Session(engine) as session:
        started = time.perf_counter()
        report = portal_sync.deliver(session, post, now=NOW + timedelta(days=30), limit=len(payloads))
        ours = time.perf_counter() - started
    server.shutdown()
    assert report.delivered >= len(payloads) > 0, report

    print(f"database: {engine.dialect.name}")
    print(f"reception path: {per[True]:.2f} ms with the outbox, {per[False]:.2f} ms without "
          f"({receptions // 2} receptions each): cost {cost * 100:+.1f} % (goal < 10 %)")
    print(f"sync throughput: {report.delivered / ours:.0f} messages/s delivered by the sender, "
          f"{len(payloads) / bare:.0f}/s by a bare loop posting the same payloads: ratio {bare / ours:.2f}")


if __name__ == "__main__":
    main()
