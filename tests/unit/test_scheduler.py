"""The scheduler's timetable: every 5 minutes in office hours (Mon–Sat), once at 22:00; the outbox each minute."""

from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from app.cli.jobs import build_scheduler, floor_tick
from app.domain.localtime import VN_TZ


def vn(day, hour, minute, second=0):
    return datetime(2026, 11, day, hour, minute, second, tzinfo=VN_TZ)


def test_the_timetable():
    scheduler = build_scheduler(app=None, scheduler_class=BackgroundScheduler)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"sweep", "outbox", "measure", "monthly-report", "sweep-on-start", "measure-on-start",
                         "monthly-report-on-start", "retention", "portal-sync", "portal-reconcile",
                         "exports", "tallies"}
    sweep = jobs["sweep"].trigger
    nxt = lambda trigger, after: trigger.get_next_fire_time(None, after)  # noqa: E731
    assert nxt(sweep, vn(24, 10, 2)) == vn(24, 10, 5)  # Tuesday, office hours
    assert nxt(sweep, vn(24, 17, 56)) == vn(24, 22, 0)  # after 17:55, the night run
    assert nxt(sweep, vn(24, 22, 1)) == vn(25, 7, 0)
    assert nxt(sweep, vn(28, 12, 1)) == vn(28, 12, 5)  # Saturday: desks may open
    assert nxt(sweep, vn(29, 9, 0, 1)) == vn(29, 22, 0)  # Sunday: only the night run
    assert nxt(jobs["outbox"].trigger, vn(24, 10, 2, 30)) == vn(24, 10, 3)
    assert nxt(jobs["portal-sync"].trigger, vn(24, 10, 2, 30)) == vn(24, 10, 3)  # every minute
    assert nxt(jobs["measure"].trigger, vn(24, 10, 0)) == vn(24, 23, 30)
    assert nxt(jobs["retention"].trigger, vn(24, 10, 0)) == vn(25, 1, 30)  # at night, once
    assert nxt(jobs["portal-reconcile"].trigger, vn(24, 10, 0)) == vn(25, 2, 15)  # the reconciliation, nightly
    assert jobs["exports"].trigger.interval == timedelta(seconds=5)  # an export asked for starts within seconds
    assert nxt(jobs["tallies"].trigger, vn(24, 10, 2)) == vn(24, 10, 10)  # the report tallies folded
    # The monthly summary: the 1st at 07:00, whatever day of the week it is.
    assert nxt(jobs["monthly-report"].trigger, vn(24, 10, 0)) == datetime(2026, 12, 1, 7, 0, tzinfo=VN_TZ)
    # The catch-up runs fire once, as soon as the scheduler starts, then never again.
    started = datetime.now(VN_TZ)
    for name in ("sweep-on-start", "measure-on-start", "monthly-report-on-start"):
        first = nxt(jobs[name].trigger, started)
        assert abs((first - started).total_seconds()) < 5
        assert jobs[name].trigger.get_next_fire_time(first, first) is None


def test_two_schedulers_firing_seconds_apart_claim_the_same_tick():
    assert floor_tick(vn(24, 10, 5, 0), 5) == floor_tick(vn(24, 10, 9, 59), 5) == vn(24, 10, 5)
    assert floor_tick(vn(24, 10, 10, 1), 5) == vn(24, 10, 10)


def test_a_job_that_had_nothing_to_do_says_nothing(caplog):
    """The exports job runs every 5 seconds: only a run that did something writes a line to the log."""
    from app.cli.jobs import _guarded

    with caplog.at_level("INFO", logger="motcua.jobs"):
        _guarded(None, "exports", lambda app: "")()
        _guarded(None, "exports", lambda app: "Đã xử lý 1 yêu cầu xuất tệp.")()
    assert [r.getMessage() for r in caplog.records] == ["exports: Đã xử lý 1 yêu cầu xuất tệp."]
