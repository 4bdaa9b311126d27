"""Background jobs from the command line and the scheduler process.

- ``flask sweep``: one overdue sweep now (by hand, or from cron).
- ``flask outbox send``: send what the outbox holds and may leave now.
- ``flask scheduler run``: the scheduler process, started beside the web
  server (never inside ``create_app``: every gunicorn worker would start one).
  It sweeps every 5 minutes in office hours (Monday–Saturday 07:00–17:55) and
  once at night (22:00), empties the outbox every minute, and at 23:30 writes down the
  quality-objective measurements of the months and quarters that ended; on the 1st at 07:00
  it puts last month's summary in the outbox for each unit's leaders and for inspectors.
  At 01:30 it erases the personal data past its retention (app.services.privacy) and the export files
  past their time. Every 5 seconds it makes the exports people asked for (app.services.exports).
  On start it runs the sweep, the measurements and the monthly summary at once, to catch
  up what was missed while it was down. Several
  schedulers may share a database: each tick runs once (app.services.jobs).
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from datetime import datetime, timedelta
from typing import Any, Callable, TypeVar

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.orm import Session

from app.config import render_helpers
from app.domain.localtime import VN_TZ
from app.services import jobs, outbox, senders
from app.services.sweep import run_sweep

log = logging.getLogger("motcua.jobs")

SWEEP_EVERY_MINUTES = 5
EXPORTS_EVERY_SECONDS = 5  # a queued export starts within this
TALLIES_EVERY_MINUTES = 10  # the dossier tally's deltas are folded this often (a few hundred rows each time)
TAKEN = "Lượt này đã được một tiến trình khác thực hiện."
T = TypeVar("T")


def floor_tick(now: datetime, minutes: int) -> datetime:
    """The scheduled instant a run belongs to: two schedulers firing a few seconds apart agree on it."""
    floored = now.replace(second=0, microsecond=0)
    return floored - timedelta(minutes=floored.minute % minutes)


def in_transaction(app: Flask, work: Callable[[Session, datetime], T]) -> T:
    """Run ``work(session, now)`` in its own session and transaction: committed if it returns, rolled back if not."""
    with app.app_context():
        factory = app.extensions["motcua.session_factory"]
        now = app.extensions["motcua.clock"].now()
        with factory() as session:
            try:
                result = work(session, now)
                session.commit()
            except Exception:
                session.rollback()
                raise
    return result


def sweep_once(app: Flask, *, trigger: str, tick: datetime | None = None, force: bool = False) -> str:
    """Run the sweep; returns what it did, in words."""
    report = in_transaction(app, lambda session, now: run_sweep(
        session, now=now, tick=tick, trigger=trigger, force=force, channels=outbox.channels_from_config(app.config)))
    if report is None:
        return TAKEN
    return f"Đã rà soát ({report.seconds:.2f} s): {report.describe()}."


def send_outbox(app: Flask, *, tick: datetime | None = None) -> str:
    configured = senders.senders_from_config(app.config, app.instance_path)

    def work(session: Session, now: datetime) -> outbox.DispatchReport | None:
        if not jobs.claim(session, "outbox", tick or now):
            return None
        return outbox.dispatch(session, configured, now=now)

    report = in_transaction(app, work)
    if report is None:
        return TAKEN
    return (f"Đã gửi {report.sent}, để đến giờ làm việc {report.deferred}, lỗi sẽ thử lại {report.failed}, "
            f"bỏ {report.given_up}.")


@click.command("sweep")
@click.option("--force", is_flag=True, help="Chạy lại cả khi thời điểm này đã được rà soát.")
@with_appcontext
def sweep_command(force: bool) -> None:
    """Rà soát hồ sơ sắp đến hạn, quá hạn ngay bây giờ (như bộ lập lịch)."""
    click.echo(sweep_once(current_app._get_current_object(), trigger="manual", force=force))  # type: ignore[attr-defined]


outbox_group = AppGroup("outbox", help="Hộp thư đi: thông báo trong ứng dụng, thư điện tử, SMS/Zalo.")


@outbox_group.command("send")
@with_appcontext
def outbox_send_command() -> None:
    """Gửi các thông báo đến hạn (chỉ trong giờ làm việc của đơn vị)."""
    click.echo(send_outbox(current_app._get_current_object()))  # type: ignore[attr-defined]


scheduler_group = AppGroup("scheduler", help="Bộ lập lịch chạy nền.")


@scheduler_group.command("run")
@with_appcontext
def scheduler_run_command() -> None:
    """Chạy bộ lập lịch (rà soát hồ sơ, gửi thông báo) cho đến khi bị dừng."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    scheduler = build_scheduler(app, BlockingScheduler)

    def stop(_signum: int, _frame: Any) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    click.echo("Bộ lập lịch đang chạy: rà soát 5 phút một lần trong giờ làm việc và 22:00 hằng ngày; "
               "gửi thông báo mỗi phút.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    sys.stdout.flush()


def build_scheduler(app: Flask, scheduler_class: Any) -> Any:
    """The APScheduler with the jobs of this application (in Vietnam time)."""
    from apscheduler.triggers.combining import OrTrigger
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.date import DateTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler = scheduler_class(timezone=VN_TZ, job_defaults={"coalesce": True, "max_instances": 1,
                                                              "misfire_grace_time": 120})
    sweep_trigger = OrTrigger([
        CronTrigger(day_of_week="mon-sat", hour="7-17", minute=f"*/{SWEEP_EVERY_MINUTES}", timezone=VN_TZ),
        CronTrigger(hour=22, minute=0, timezone=VN_TZ),
    ])
    scheduler.add_job(_guarded(app, "sweep", _scheduled_sweep), sweep_trigger, id="sweep", name="Rà soát hạn")
    scheduler.add_job(_guarded(app, "outbox", _scheduled_outbox), CronTrigger(minute="*", timezone=VN_TZ),
                      id="outbox", name="Gửi thông báo")
    scheduler.add_job(_guarded(app, "measure", _scheduled_measure), CronTrigger(hour=23, minute=30, timezone=VN_TZ),
                      id="measure", name="Ghi kết quả đo mục tiêu chất lượng")
    # On start, catch up at once what was missed while no scheduler ran (both jobs are level-triggered,
    # and the lease keeps two schedulers starting together from doing it twice).
    scheduler.add_job(_guarded(app, "sweep", _scheduled_sweep), DateTrigger(timezone=VN_TZ), id="sweep-on-start",
                      name="Rà soát hạn khi khởi động")
    scheduler.add_job(_guarded(app, "monthly_report", _scheduled_monthly),
                      CronTrigger(day=1, hour=7, minute=0, timezone=VN_TZ), id="monthly-report",
                      name="Báo cáo tháng cho lãnh đạo")
    scheduler.add_job(_guarded(app, "retention", _scheduled_retention),
                      CronTrigger(hour=1, minute=30, timezone=VN_TZ), id="retention",
                      name="Xoá dữ liệu cá nhân hết thời hạn lưu")
    scheduler.add_job(_guarded(app, "monthly_report", _scheduled_monthly), DateTrigger(timezone=VN_TZ),
                      id="monthly-report-on-start", name="Báo cáo tháng còn thiếu khi khởi động")
    scheduler.add_job(_guarded(app, "measure", _scheduled_measure), DateTrigger(timezone=VN_TZ),
                      id="measure-on-start", name="Ghi kết quả đo còn thiếu khi khởi động")
    scheduler.add_job(_guarded(app, "exports", _scheduled_exports), IntervalTrigger(seconds=EXPORTS_EVERY_SECONDS),
                      id="exports", name="Tạo tệp xuất theo yêu cầu")
    scheduler.add_job(_guarded(app, "tallies", _scheduled_tallies),
                      CronTrigger(minute=f"*/{TALLIES_EVERY_MINUTES}", timezone=VN_TZ),
                      id="tallies", name="Gộp số liệu tổng hợp cho báo cáo")
    from app.cli.portal import reconcile_nightly, sync_portal  # both do nothing while PORTAL_SYNC_URL is unset

    scheduler.add_job(_guarded(app, "portal", sync_portal), CronTrigger(minute="*", timezone=VN_TZ),
                      id="portal-sync", name="Đồng bộ với hệ thống của tỉnh")
    scheduler.add_job(_guarded(app, "reconcile", reconcile_nightly), CronTrigger(hour=2, minute=15, timezone=VN_TZ),
                      id="portal-reconcile", name="Đối chiếu số liệu với hệ thống của tỉnh")
    return scheduler


def record_measurements(app: Flask, *, tick: datetime | None = None) -> str:
    """Write the quality-objective measurements of the months and quarters that ended (ISO 9.1 record)."""
    from app.services.objectives import record_closed_periods

    from app.services.reports import fill_work_minutes

    def work(session: Session, now: datetime) -> int | None:
        if not jobs.claim(session, "measure", tick or now):
            return None
        fill_work_minutes(session)  # dossiers finished before processing time was recorded
        return record_closed_periods(session, now=now)

    written = in_transaction(app, work)
    return TAKEN if written is None else f"Đã ghi {written} kết quả đo."


def fold_tallies(app: Flask, *, tick: datetime | None = None) -> str:
    """Fold the dossier tally's deltas (app.services.tallies), once per tick across schedulers."""
    from app.services.tallies import fold

    def work(session: Session, now: datetime) -> int | None:
        if not jobs.claim(session, "tallies", tick or now):
            return None
        return fold(session)

    folded = in_transaction(app, work)
    return TAKEN if folded is None else (f"Đã gộp {folded} dòng số liệu tổng hợp." if folded else "")


def monthly_reports(app: Flask, *, tick: datetime | None = None) -> str:
    """Last month's summary to each unit's leaders and to inspectors, through the outbox (once per month)."""
    from app.services.monthly_report import send_monthly_reports

    def work(session: Session, now: datetime) -> int | None:
        if not jobs.claim(session, "monthly_report", tick or now):
            return None
        return send_monthly_reports(session, now=now)

    queued = in_transaction(app, work)
    return TAKEN if queued is None else f"Đã đưa {queued} báo cáo tháng vào hộp thư đi."


def erase_expired(app: Flask, *, tick: datetime | None = None) -> str:
    """Erase the personal data past its retention in every unit (once per night), and the rate-limit
    counters whose window is over (they name client addresses)."""
    from app.services import exports
    from app.services.privacy import erase_expired as erase
    from app.services.rate_limits import purge_expired
    from app.services.users import purge_login_guards

    def work(session: Session, now: datetime) -> dict | None:
        if not jobs.claim(session, "retention", tick or now):
            return None
        purge_expired(session, now=now.timestamp())
        purge_login_guards(session, now=now)
        erased = dict(erase(session, now=now))
        expired_files = exports.purge_expired(session, exports_folder(app), now=now)
        if expired_files:
            erased["export_file"] = expired_files
        return erased

    erased = in_transaction(app, work)
    if erased is None:
        return TAKEN
    return f"Đã xoá dữ liệu cá nhân hết thời hạn lưu: {sum(erased.values())} bản ghi" + (
        f" ({', '.join(f'{k}: {v}' for k, v in sorted(erased.items()))})." if erased else ".")


retention_group = AppGroup("retention", help="Thời hạn lưu dữ liệu cá nhân (Luật 91/2025/QH15).")


@retention_group.command("run")
@with_appcontext
def retention_run_command() -> None:
    """Xoá ngay dữ liệu cá nhân đã hết thời hạn lưu (như bộ lập lịch chạy lúc 01:30)."""
    click.echo(erase_expired(current_app._get_current_object()))  # type: ignore[attr-defined]


def exports_folder(app: Flask) -> Path:
    return Path(app.instance_path) / "exports"


def make_exports(app: Flask, *, limit: int = 50) -> int:
    """Make the exports waiting in the queue (the ISO pack, long logbooks), one after the other; how many."""
    from app.services import exports

    factory = app.extensions["motcua.session_factory"]
    clock = app.extensions["motcua.clock"]
    base_url = app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000/"
    made = 0
    with app.app_context():
        while made < limit and exports.run_next(factory, exports_folder(app), clock=clock.now, holder=jobs.holder_name(),
                                                base_url=base_url, channels=outbox.channels_from_config(app.config),
                                                helpers=render_helpers(app.config)):
            made += 1
    return made


exports_group = AppGroup("exports", help="Tệp xuất dài (bộ hồ sơ ISO, sổ theo dõi nhiều tháng) do bộ lập lịch tạo.")


@exports_group.command("run")
@with_appcontext
def exports_run_command() -> None:
    """Tạo ngay các tệp đang chờ trong hàng đợi (như bộ lập lịch, vài giây một lần)."""
    made = make_exports(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(f"Đã xử lý {made} yêu cầu xuất tệp.")


def _scheduled_exports(app: Flask) -> str:
    made = make_exports(app)
    return f"Đã xử lý {made} yêu cầu xuất tệp." if made else ""  # every 5 s: silent when there was nothing


def _scheduled_tallies(app: Flask) -> str:
    return fold_tallies(app, tick=floor_tick(app.extensions["motcua.clock"].now(), TALLIES_EVERY_MINUTES))


def _scheduled_retention(app: Flask) -> str:
    return erase_expired(app, tick=floor_tick(app.extensions["motcua.clock"].now(), 60))


def _scheduled_monthly(app: Flask) -> str:
    return monthly_reports(app, tick=floor_tick(app.extensions["motcua.clock"].now(), 60))


def _scheduled_measure(app: Flask) -> str:
    return record_measurements(app, tick=floor_tick(app.extensions["motcua.clock"].now(), 30))


def _scheduled_sweep(app: Flask) -> str:
    now = app.extensions["motcua.clock"].now()
    return sweep_once(app, trigger="scheduler", tick=floor_tick(now, SWEEP_EVERY_MINUTES))


def _scheduled_outbox(app: Flask) -> str:
    return send_outbox(app, tick=floor_tick(app.extensions["motcua.clock"].now(), 1))


def _guarded(app: Flask, name: str, job: Any) -> Any:
    """Log what a job did; an error is logged and the scheduler goes on (the next tick catches up)."""

    def run() -> None:
        try:
            said = job(app)
            if said:
                log.info("%s: %s", name, said)
        except Exception:  # noqa: BLE001 - a failed run must not stop the scheduler
            log.exception("%s failed; the next run will catch up", name)

    run.__name__ = f"{name}_job"
    return run
