#!/usr/bin/env python3
"""The pages of a province at three sizes, in one run: the demo, 150,000 and 1,500,000 dossiers.

Run: BENCH_DATABASE_URL=postgresql://…/db .venv/bin/python bench/bench_province_pages.py [--sizes 0,150000,1500000]
     (default database: a fresh SQLite file per size; the issue's figures are on PostgreSQL; the database is wiped)

For each size it builds the province with bench_dashboard's generator (150 communes, three years of
dossiers before "now", ~3 handovers each, ratings, nonconformities, turn-aways, 4 % open) and gives every generated dossier the search terms
of the dossier it was copied from (what app.services.dossier_search writes at reception), then asks for
each page through the application (Flask's test client: the whole request, template included, no network),
once to warm up and then ``--repeat`` times, keeping the median:

- the inspector (the province): the dossier list, its second page (the "Xem tiếp" link), a search by name,
  the dashboard of the whole province for the year;
- the demo commune's clerk: a search by name, the work queue, a dossier's page.

Prints the milliseconds at each size and the growth from the middle size to the largest; for the slowest
page at the largest size, the statements it ran that took longest, with their EXPLAIN plans.
Goals (issue 23): the inspector's list and search under 300 ms and under 1.5× growth; the clerk's pages
flat; the dashboard page under 1 s.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import event, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import bench_dashboard  # noqa: E402
from app import create_app  # noqa: E402
from app.clock import FixedClock  # noqa: E402
from app.services.demo import load_demo  # noqa: E402
from models import Dossier, DossierSearchTerm  # noqa: E402
from models.engine import make_engine  # noqa: E402
from synthetic import migrate_fresh  # noqa: E402

PASSWORD = "MotCua@2026"
NOW = bench_dashboard.NOW


def build(url: str, size: int) -> None:
    if size:
        bench_dashboard.build(url, size, 150, 3)
    else:
        engine = make_engine(url)
        migrate_fresh(engine)
        with Session(engine) as session:
            load_demo(session, now=NOW - timedelta(days=30))
            session.commit()
        engine.dispose()
        return
    engine = make_engine(url)
    with engine.begin() as connection:  # the generated dossiers get their template's search terms
        template = connection.execute(select(Dossier.id).order_by(Dossier.id).limit(1)).scalar_one()
        connection.execute(text(
            "INSERT INTO dossier_search_term (term, dossier_id, unit_id) "
            "SELECT t.term, d.id, d.unit_id FROM dossier d, dossier_search_term t "
            "WHERE t.dossier_id = :template AND d.code LIKE '%-%-%-%'"), {"template": template})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE")
    engine.dispose()


class Statements:
    """The statements a request runs, with their durations (for the slowest page's plans)."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.seen: list[tuple[float, str, object]] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if self.on:
            self.seen.append((time.perf_counter() - conn.info["bench_started"], statement, parameters))


def median_ms(client, path: str, repeat: int) -> tuple[float, str]:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    body = response.get_data(as_text=True)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        response.get_data()
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, path
    return statistics.median(times) * 1000, body


def measure(url: str, repeat: int) -> tuple[dict[str, float], list[tuple[float, str, object]], str]:
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": tempfile.mkdtemp(prefix="motcua-bench-pages-"), "CLOCK": FixedClock(NOW),
                      "LOGIN_FAILURE_LIMIT": "1000 per minute"})
    engine = app.extensions["motcua.engine"]
    with Session(engine) as session:
        demo_dossier = session.scalar(select(Dossier.id).where(Dossier.code.not_like("%-%-%-%")).order_by(Dossier.id))
        name = session.scalar(select(Dossier.applicant_name).where(Dossier.id == demo_dossier))
        session.scalar(select(DossierSearchTerm.term).limit(1))
    word = name.split()[-1].lower()
    clients = {}
    for who in ("tinh.thanhtra", "anbinh.tiepnhan"):
        client = app.test_client()
        done = client.post("/dang-nhap", data={"username": who, "password": PASSWORD})
        assert done.status_code in (302, 303), (who, done.status_code)
        clients[who] = client
    inspector, clerk = clients["tinh.thanhtra"], clients["anbinh.tiepnhan"]
    results: dict[str, float] = {}
    results["inspector: dossier list"], first_page = median_ms(inspector, "/ho-so", repeat)
    following = re.search(r'href="(/ho-so\?[^"]*sau=[^"]+)"', first_page)
    if following:
        results["inspector: list, next page"], _ = median_ms(inspector, following.group(1).replace("&amp;", "&"),
                                                              repeat)
    results[f"inspector: search “{word}”"], _ = median_ms(inspector, f"/ho-so?q={word}", repeat)
    results["inspector: dashboard, province, year"], _ = median_ms(inspector, f"/thong-ke/?ky={NOW.year}",
                                                                   max(1, repeat // 2))
    results[f"clerk: search “{word}”"], _ = median_ms(clerk, f"/ho-so?q={word}", repeat)
    results["clerk: work queue"], _ = median_ms(clerk, clerk.get("/xu-ly").headers["Location"], repeat)
    results["clerk: dossier page"], _ = median_ms(clerk, f"/ho-so/{demo_dossier}", repeat)
    # The slowest page again, its statements timed.
    slowest = max(results, key=results.get)
    path = {"inspector: dossier list": "/ho-so", "inspector: dashboard, province, year": f"/thong-ke/?ky={NOW.year}"}\
        .get(slowest)
    statements = Statements(engine)
    if path:
        statements.on = True
        (inspector if slowest.startswith("inspector") else clerk).get(path)
        statements.on = False
    plans = []
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            distinct: dict[str, tuple[float, object]] = {}
            for seconds, statement, parameters in statements.seen:
                if seconds > distinct.get(statement, (0.0, None))[0]:
                    distinct[statement] = (seconds, parameters)
            for statement, (seconds, parameters) in sorted(distinct.items(), key=lambda s: -s[1][0])[:2]:
                cursor.execute("EXPLAIN " + statement, parameters)
                plans.append((seconds, statement, "\n".join(r[0][:240] for r in cursor.fetchall())))
        finally:
            raw.close()
    engine.dispose()
    return results, plans, slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="0,150000,1500000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    shared = os.environ.get("BENCH_DATABASE_URL")
    table: dict[int, dict[str, float]] = {}
    last_plans: list = []
    with tempfile.TemporaryDirectory(prefix="motcua-bench-province-") as folder:
        for size in sizes:
            url = shared or f"sqlite:///{Path(folder) / f'province-{size}.sqlite3'}"
            started = time.perf_counter()
            build(url, size)
            print(f"built {size:,} dossiers in {time.perf_counter() - started:.0f} s", flush=True)
            table[size], last_plans, slowest = measure(url, args.repeat)
    names = list(table[sizes[0]])
    for size in sizes[1:]:
        names += [n for n in table[size] if n not in names]
    label = lambda n: "demo" if n == 0 else f"{n:,}"  # noqa: E731
    print(f"database: {make_engine(shared).dialect.name if shared else 'sqlite'}; median of {args.repeat} requests, ms")
    print(f"{'page':42}" + "".join(f"{label(s):>12}" for s in sizes) + f"{'growth':>9}")
    for name in names:
        cells = [table[s].get(name) for s in sizes]
        growth = cells[-1] / cells[-2] if len(cells) > 1 and cells[-1] and cells[-2] else None
        print(f"{name:42}" + "".join(f"{c:12.1f}" if c is not None else f"{'—':>12}" for c in cells)
              + (f"{growth:8.2f}×" if growth else ""))
    biggest = table[sizes[-1]]
    inspector_list = max(v for k, v in biggest.items() if k.startswith("inspector") and "dashboard" not in k)
    growths = [table[sizes[-1]][k] / table[sizes[-2]][k] for k in biggest
               if k.startswith("inspector") and "dashboard" not in k and k in table[sizes[-2]]] if len(sizes) > 1 else []
    print(f"inspector list/search at {label(sizes[-1])}: worst {inspector_list:.0f} ms (goal < 300 ms), "
          f"worst growth {max(growths) if growths else 0:.2f}× (goal < 1.5×); dashboard "
          f"{biggest['inspector: dashboard, province, year']:.0f} ms (goal < 1,000 ms)")
    for seconds, statement, plan in last_plans:
        print(f"\n-- slowest page's statement, {seconds * 1000:.0f} ms:\n{statement[:600]}\n{plan}")


if __name__ == "__main__":
    main()
