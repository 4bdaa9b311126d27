#!/usr/bin/env python3
"""Exports grow linearly with their rows: the cost per row of 3,200 rows against 100, in one run.

Run: .venv/bin/python bench/bench_exports.py [ROWS]   (default 3200; the small size is always 100)

Measured for Mẫu 07 as PDF and XLSX (the logbook of a commune-year) and for a report sheet
(printing.workbook.table_sheet, every leadership XLSX). Each size is rendered three times and the
median kept. Goal (issue 23): the cost per row at 3,200 rows at most 1.2× that at 100.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook  # noqa: E402

from printing import form07_logbook, samples  # noqa: E402
from printing.workbook import Column, table_sheet  # noqa: E402

SMALL = 100
RUNS = 3


def _median_seconds(work) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _report_sheet(rows: int) -> None:
    data = samples.logbook(rows)
    columns = [Column(heading, width) for heading, _, width, _ in form07_logbook.COLUMNS]
    values = [[e.number, e.code, e.procedure, e.sets_count, e.applicant, e.contact, e.processing_body, e.received_at,
               e.due_at, e.sent_at, e.result_received_at, e.returned_at, "", e.note] for e in data.entries]
    workbook = Workbook()
    table_sheet(workbook, "Sổ", ["ỦY BAN NHÂN DÂN", "TRUNG TÂM", "BÁO CÁO"], columns, values)


def main(large: int) -> None:
    cases = {
        "Mẫu 07 PDF": lambda n: form07_logbook.render(samples.logbook(n)),
        "Mẫu 07 XLSX": lambda n: form07_logbook.render_xlsx(samples.logbook(n)),
        "report sheet XLSX": _report_sheet,
    }
    print(f"{'export':<20} {'ms/row at ' + str(SMALL):>14} {'ms/row at ' + str(large):>16} {'ratio':>7}")
    worst = 0.0
    for name, work in cases.items():
        small = _median_seconds(lambda: work(SMALL)) / SMALL
        big = _median_seconds(lambda: work(large)) / large
        worst = max(worst, big / small)
        print(f"{name:<20} {small * 1000:>14.3f} {big * 1000:>16.3f} {big / small:>6.2f}×")
    print(f"worst per-row cost ratio {large} / {SMALL} rows: {worst:.2f}× (goal ≤ 1.2×)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3200)
