"""Due instants for real cases of 2025–2027, each worked out by hand.

Default windows 07:30–11:30 and 13:30–17:30 (8 h), cut-off 15:00. The
comment of each row shows the count. Calendars: TB 6150/TB-BLĐTBXH (2025),
TB 9441/TB-BNV (2026), and the Labour Code rules computed for 2027.
"""

from datetime import datetime as dt

import pytest

from app.domain.worktime import WorkCalendar

CAL = WorkCalendar()

CASES = [
    # --- Tết ---------------------------------------------------------------
    # Fri 24/01/2025 10:00: 90+240=330 min that day; Tết Mon 27 – Fri 31/01 off; Mon 03/02 +150 → 10:00.
    ("tet_2025", dt(2025, 1, 24, 10, 0), "1d", dt(2025, 2, 3, 10, 0)),
    # Fri 13/02/2026 10:00: 330; Tết Mon 16 – Fri 20/02 off; Mon 23/02 +150 → 10:00.
    ("tet_2026", dt(2026, 2, 13, 10, 0), "1d", dt(2026, 2, 23, 10, 0)),
    # Wed 03/02/2027 13:30: 240; Tết Thu 04 – Wed 10/02 (computed); Thu 11/02 +240 → 11:30, a window end.
    ("tet_2027_window_end", dt(2027, 2, 3, 13, 30), "1d", dt(2027, 2, 11, 11, 30)),
    # --- Giỗ Tổ ------------------------------------------------------------
    # Fri 04/04/2025 15:00: 150; Mon 07/04 Giỗ Tổ; Tue 08/04 +90 → 09:00.
    ("gio_to_2025", dt(2025, 4, 4, 15, 0), "4h", dt(2025, 4, 8, 9, 0)),
    # Fri 24/04/2026 17:00: 30; Giỗ Tổ Sun 26/04 → nghỉ bù Mon 27/04; Tue 28/04 +30 → 08:00.
    ("gio_to_2026_nghi_bu", dt(2026, 4, 24, 17, 0), "1h", dt(2026, 4, 28, 8, 0)),
    # --- 30/4 – 1/5 --------------------------------------------------------
    # Fri 25/04/2025 14:00: 210; Sat 26/04 worked (swap for Fri 02/05): +240 → 11:30, +30 → 14:00.
    ("swap_saturday_2025", dt(2025, 4, 25, 14, 0), "1d", dt(2025, 4, 26, 14, 0)),
    # Tue 29/04/2025 09:00: 390; Wed 30/04, Thu 01/05, Fri 02/05 off; Mon 05/05 +90 → 09:00.
    ("block_30_4_2025", dt(2025, 4, 29, 9, 0), "1d", dt(2025, 5, 5, 9, 0)),
    # Wed 29/04/2026 13:30: 240; Thu 30/04, Fri 01/05 off (no swap); Mon 04/05 +240 → 11:30.
    ("block_30_4_2026", dt(2026, 4, 29, 13, 30), "1d", dt(2026, 5, 4, 11, 30)),
    # --- Quốc khánh --------------------------------------------------------
    # Fri 29/08/2025 16:30: 60; Mon 01/09, Tue 02/09 off; Wed 03/09 +60 → 08:30.
    ("quoc_khanh_2025", dt(2025, 8, 29, 16, 30), "2h", dt(2025, 9, 3, 8, 30)),
    # Fri 21/08/2026 16:00: 90; Sat 22/08 worked (swap for Mon 31/08): +240 → 11:30, +150 → 16:00.
    ("worked_saturday_2026", dt(2026, 8, 21, 16, 0), "1d", dt(2026, 8, 22, 16, 0)),
    # Fri 28/08/2026 10:00: 330; Mon 31/08 (swap), Tue 01/09, Wed 02/09 off; Thu 03/09 +150 → 10:00.
    ("quoc_khanh_2026", dt(2026, 8, 28, 10, 0), "1d", dt(2026, 9, 3, 10, 0)),
    # --- Ngày Văn hóa Việt Nam 24/11 (from 2026) ----------------------------
    # Mon 23/11/2026 10:00: 330; Tue 24/11 off; Wed 25/11 +150 → 10:00.
    ("van_hoa_2026", dt(2026, 11, 23, 10, 0), "1d", dt(2026, 11, 25, 10, 0)),
    # Fri 20/11/2026 16:00 + 3d = 1440: Fri 90, Mon 570, (Tue off), Wed 1050, Thu +390 → 16:00.
    ("three_days_over_24_11", dt(2026, 11, 20, 16, 0), "3d", dt(2026, 11, 26, 16, 0)),
    # --- windows -------------------------------------------------------------
    # Lunch: 12:00 → clock starts 13:30; +1h → 14:30.
    ("lunch_start", dt(2026, 11, 18, 12, 0), "1h", dt(2026, 11, 18, 14, 30)),
    # Before opening: 06:00 → 07:30; +1h → 08:30.
    ("before_opening", dt(2026, 11, 18, 6, 0), "1h", dt(2026, 11, 18, 8, 30)),
    # After closing Fri 20/11 18:00 → Mon 23/11 07:30; +1h → 08:30.
    ("after_hours_friday", dt(2026, 11, 20, 18, 0), "1h", dt(2026, 11, 23, 8, 30)),
    # Saturday start → Mon 23/11 07:30; Mon 480, (Tue off), Wed 960, Thu 1440 → Thu 17:30 (window end).
    ("weekend_start", dt(2026, 11, 21, 10, 0), "3d", dt(2026, 11, 26, 17, 30)),
    # A due instant exactly at a window's end stays there.
    ("full_day_ends_17_30", dt(2026, 11, 18, 7, 30), "1d", dt(2026, 11, 18, 17, 30)),
    ("morning_ends_11_30", dt(2026, 11, 18, 9, 30), "2h", dt(2026, 11, 18, 11, 30)),
    # Starting at 11:30 (a window's end): +1h → 14:30.
    ("start_at_window_end", dt(2026, 11, 18, 11, 30), "1h", dt(2026, 11, 18, 14, 30)),
    # --- half days -----------------------------------------------------------
    ("half_day_afternoon", dt(2026, 11, 18, 13, 30), "0.5d", dt(2026, 11, 18, 17, 30)),
    # Wed 10:00 + 240: 90 → 11:30, +150 → 16:00.
    ("half_day_over_lunch", dt(2026, 11, 18, 10, 0), "0.5d", dt(2026, 11, 18, 16, 0)),
    # --- same day ("trong ngày") --------------------------------------------
    ("same_day_before_cutoff", dt(2026, 11, 23, 14, 59), "same-day", dt(2026, 11, 23, 17, 30)),
    # At the cut-off → next working day; Tue 24/11 off → Wed 25/11.
    ("same_day_at_cutoff", dt(2026, 11, 23, 15, 0), "same-day", dt(2026, 11, 25, 17, 30)),
    ("same_day_lunch", dt(2026, 11, 18, 12, 0), "same-day", dt(2026, 11, 18, 17, 30)),
    ("same_day_saturday", dt(2026, 11, 28, 9, 0), "same-day", dt(2026, 11, 30, 17, 30)),
    ("same_day_evening", dt(2026, 11, 18, 19, 0), "same-day", dt(2026, 11, 19, 17, 30)),
    # --- calendar days ---------------------------------------------------------
    # Fri 20/11 10:00 + 15 days = Sat 05/12 → next working day Mon 07/12, same time.
    ("calendar_days_roll", dt(2026, 11, 20, 10, 0), "15cd", dt(2026, 12, 7, 10, 0)),
    # Mon 09/02/2026 09:00 + 7 days = Mon 16/02 (Tết) → Mon 23/02 09:00.
    ("calendar_days_into_tet", dt(2026, 2, 9, 9, 0), "7cd", dt(2026, 2, 23, 9, 0)),
]


@pytest.mark.parametrize("name, start, duration, due", CASES, ids=[c[0] for c in CASES])
def test_due_instant(name, start, duration, due):
    assert CAL.add(start, duration) == due


# Pauses (waiting for a supplement). Fri 13/11/2026 08:00 + 5d (2400 min) without pause:
# Fri 450, Mon 930, Tue 1410, Wed 1890, Thu 2370, Fri 20/11 +30 → 08:00.
START = dt(2026, 11, 13, 8, 0)
# Pause Wed 18/11 10:00 → Wed 25/11 10:00, across 24/11: Wed 330 + Thu 480 + Fri 480 + Mon 480
# + Wed 150 = 1920 working minutes (Tue 24/11 does not count).
PAUSE = (dt(2026, 11, 18, 10, 0), dt(2026, 11, 25, 10, 0))


def test_without_pause():
    assert CAL.add(START, "5d") == dt(2026, 11, 20, 8, 0)


def test_a_pause_across_a_holiday_moves_the_due_instant_by_the_working_time_paused():
    assert CAL.elapsed(*PAUSE).total_seconds() == 1920 * 60
    # Fri 20/11 08:00 + 1920: Fri 450, Mon 930, (Tue off), Wed 1410, Thu 1890, Fri 27/11 +30 → 08:00.
    assert CAL.add(START, "5d", pauses=[PAUSE]) == dt(2026, 11, 27, 8, 0)


def test_overlapping_pauses_count_once_and_pauses_before_the_start_do_not_count():
    overlapping = [PAUSE, (dt(2026, 11, 19, 8, 0), dt(2026, 11, 20, 9, 0)), (dt(2026, 11, 10), dt(2026, 11, 12))]
    assert CAL.add(START, "5d", pauses=overlapping) == dt(2026, 11, 27, 8, 0)


def test_restart_counts_the_whole_duration_again_from_the_end_of_the_last_pause():
    # Wed 25/11 10:00 + 2400: Wed 330, Thu 810, Fri 1290, Mon 1770, Tue 01/12 2250, Wed 02/12 +150 → 10:00.
    assert CAL.add(START, "5d", pauses=[PAUSE], restart=True) == dt(2026, 12, 2, 10, 0)


def test_a_pause_moves_a_same_day_due_instant_too():
    # Received Mon 23/11 09:00 (due 17:30); paused 10:00–11:00 → due Wed 25/11 08:30 (Tue off).
    pause = (dt(2026, 11, 23, 10, 0), dt(2026, 11, 23, 11, 0))
    assert CAL.add(dt(2026, 11, 23, 9, 0), "same-day", pauses=[pause]) == dt(2026, 11, 25, 8, 30)


def test_unit_overrides_win_over_the_national_calendar():
    cal = WorkCalendar(
        days_off=[(dt(2026, 11, 25).date(), "Bầu cử bổ sung")],
        workdays=[dt(2026, 11, 24).date()],
    )
    # Mon 23/11 10:00: 330; Tue 24/11 worked by the unit: +150 → 10:00.
    assert cal.add(dt(2026, 11, 23, 10, 0), "1d") == dt(2026, 11, 24, 10, 0)
    assert cal.day_info(dt(2026, 11, 25).date()).reason == "Bầu cử bổ sung"
    assert not cal.is_working_day(dt(2026, 11, 25).date())


def test_other_windows_are_respected():
    cal = WorkCalendar(windows=[("07:00", "11:30"), ("13:30", "17:00")])
    # 07:00 + 5h: 270 to 11:30, then 30 → 14:00.
    assert cal.add(dt(2026, 11, 18, 7, 0), "5h") == dt(2026, 11, 18, 14, 0)
    assert cal.add(dt(2026, 11, 18, 7, 0), "1d") == dt(2026, 11, 18, 17, 0)


def test_counted_days_explain_an_appointment():
    due = CAL.add(dt(2026, 11, 20, 16, 0), "3d")
    counted = [(d.day.isoformat(), d.minutes) for d in CAL.counted_days(dt(2026, 11, 20, 16, 0), due)]
    assert counted == [("2026-11-20", 90), ("2026-11-23", 480), ("2026-11-25", 480), ("2026-11-26", 390)]


def test_aware_instants_are_converted_and_returned_aware():
    from datetime import timezone

    from app.domain.localtime import VN_TZ

    start = dt(2026, 11, 20, 9, 0, tzinfo=timezone.utc)  # 16:00 in Vietnam
    due = CAL.add(start, "3d")
    assert due == dt(2026, 11, 26, 16, 0, tzinfo=VN_TZ)
    assert due.utcoffset().total_seconds() == 7 * 3600


def test_step_deadlines_follow_the_shares_and_never_pass_the_due_instant():
    from decimal import Decimal

    from app.domain.durations import Duration

    deadlines = CAL.step_deadlines(dt(2026, 11, 20, 16, 0), Duration.parse("3d"),
                                   [Decimal("0.5"), Decimal("1.5"), Decimal("0.5"), Decimal("0.5")])
    # Cumulative shares from Fri 20/11 16:00 (Fri has 90 min left):
    assert deadlines == [
        dt(2026, 11, 23, 10, 0),   # 0.5 d = 240: Fri 90 + Mon 150 → 10:00
        dt(2026, 11, 25, 16, 0),   # 2 d = 960: Fri 90 + Mon 480 (Tue off) + Wed 390 → 16:00
        dt(2026, 11, 26, 10, 0),   # 2.5 d = 1200: 1050 by Wed's end + Thu 150 → 10:00
        dt(2026, 11, 26, 16, 0),   # 3 d = 1440: the dossier's due instant
    ]
    same_day = CAL.step_deadlines(dt(2026, 11, 23, 14, 0), Duration.parse("same-day"),
                                  [Decimal(1), Decimal(4), Decimal(2), Decimal(1)])
    # Received 14:00, due 17:30: 1 h → 15:00, then capped at the due instant.
    assert same_day == [dt(2026, 11, 23, 15, 0)] + [dt(2026, 11, 23, 17, 30)] * 3
