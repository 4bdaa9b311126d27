"""Due instants for 100,000 (start, duration) pairs: our engine vs a naive day-by-day walk.

Run: .venv/bin/python bench/bench_worktime.py [pairs]
Prints both timings measured in this run and their ratio. Goals (issue 3):
at least 20x faster than the naive walk, under 2 s for the 100,000 pairs; issue 23: at least 5x for
every duration (the short ones are where the naive walk is quick: one or two windows).
The two must agree on every pair; the script stops if they do not.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.durations import Duration, DurationKind  # noqa: E402
from app.domain.worktime import WorkCalendar  # noqa: E402


def naive_add(cal: WorkCalendar, start: datetime, minutes: int) -> datetime:
    """The obvious algorithm: walk day by day, window by window, spending minutes."""
    day, clock = start.date(), start.hour * 60 + start.minute
    while True:
        if cal.is_working_day(day):
            for window in cal.windows:
                begin = window.start.hour * 60 + window.start.minute
                end = window.end.hour * 60 + window.end.minute
                if clock >= end:
                    continue
                begin = max(begin, clock)
                if minutes <= end - begin:
                    return datetime.combine(day, datetime.min.time()) + timedelta(minutes=begin + minutes)
                minutes -= end - begin
                clock = end
        day += timedelta(days=1)
        clock = 0


def main(pairs: int = 100_000) -> None:
    rng = random.Random(2026)
    first = datetime(2025, 1, 1)
    samples = []
    for _ in range(pairs):
        start = first + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
        days = rng.choice([Decimal("0.5"), Decimal(1), Decimal(3), Decimal(5), Decimal(10), Decimal(15),
                           Decimal(20), Decimal(30)])
        samples.append((start, Duration(DurationKind.WORKING_DAYS, days)))

    ours = WorkCalendar()
    ours.add(first, "1d")  # precompute the calendar once, as a running server would have
    began = time.perf_counter()
    results = [ours.add(start, duration) for start, duration in samples]
    ours_seconds = time.perf_counter() - began

    naive_cal = WorkCalendar()
    naive_cal.is_working_day(date(2025, 1, 1))
    began = time.perf_counter()
    expected = [naive_add(naive_cal, start, duration.working_minutes()) for start, duration in samples]
    naive_seconds = time.perf_counter() - began

    mismatches = sum(1 for a, b in zip(results, expected) if a != b)
    by_length = {}
    for days in (Decimal("0.5"), Decimal(3), Decimal(10), Decimal(30)):
        subset = [(s, d) for s, d in samples if d.value == days][:5000]
        mine = theirs = float("inf")
        for _ in range(3):  # best of three, interleaved: a few milliseconds each, so a hiccup would decide
            began = time.perf_counter()
            for start, duration in subset:
                ours.add(start, duration)
            mine = min(mine, time.perf_counter() - began)
            began = time.perf_counter()
            for start, duration in subset:
                naive_add(naive_cal, start, duration.working_minutes())
            theirs = min(theirs, time.perf_counter() - began)
        by_length[days] = theirs / mine
    print(f"pairs:            {pairs}")
    print(f"naive day walk:   {naive_seconds:.3f} s")
    print(f"engine:           {ours_seconds:.3f} s ({pairs / ours_seconds:,.0f} due dates/s)")
    print(f"speed-up:         {naive_seconds / ours_seconds:.1f}x")
    print(f"disagreements:    {mismatches}")
    print("speed-up by duration: " + ", ".join(f"{d}d {r:.1f}x" for d, r in by_length.items()))
    print(f"slowest duration speed-up: {min(by_length.values()):.1f}x (goal ≥ 5x)")
    if mismatches:
        raise SystemExit("the engine and the naive walk disagree")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
