"""The monthly summary: on the 1st, last month's figures of each unit go to its leaders through the outbox.

Inspectors get one message with every unit's on-time rate. Each message is
queued once (the outbox's dedupe key), so a scheduler that restarts, or two
that run at once, never send it twice; a scheduler that was down on the 1st
sends it on its next start.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.localtime import to_local
from app.domain.objectives import Period, month
from app.domain.reports import Figures, days_shown, league
from app.domain.roles import Role
from app.services import reports
from app.services.outbox import Channel, notify
from models import Unit, User, UserRole

KIND = "monthly_report"


def previous_month(now: datetime) -> Period:
    today = to_local(now).date()
    return month(today.year - (today.month == 1), 12 if today.month == 1 else today.month - 1)


def summary_lines(figures: Figures, satisfaction_shown: str) -> list[str]:
    t = figures
    return [
        f"Tỷ lệ giải quyết đúng hạn: {t.on_time.shown} ({t.on_time.numerator}/{t.on_time.denominator} hồ sơ).",
        f"Tiếp nhận: {t.received} (trực tuyến {t.received_online}); từ kỳ trước: {t.carried_over}.",
        f"Đã giải quyết: {t.finished} — trước hạn {t.finished_early}, đúng hạn {t.finished_on_time}, "
        f"quá hạn {t.finished_late}.",
        f"Đang giải quyết: {t.open} — trong hạn {t.open_in_time}, quá hạn {t.open_late}.",
        f"Thời gian giải quyết trung bình: {days_shown(t.average_days)} ngày làm việc.",
        f"Yêu cầu bổ sung: {t.supplemented} (quá một lần: {t.over_one_supplement}); từ chối: {t.refused}.",
        f"Người dân hài lòng: {satisfaction_shown}.",
    ]


def _people(session: Session, role: Role, unit_id: int | None = None) -> list[User]:
    query = (select(User).join(UserRole, UserRole.user_id == User.id)
             .where(User.is_active.is_(True), UserRole.role == role).order_by(User.id))
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    return list(session.scalars(query))


def send_monthly_reports(session: Session, *, now: datetime) -> int:
    """Queue last month's summary for every unit's leaders and for inspectors; returns how many were queued."""
    period = previous_month(now)
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    ids = [u.id for u in units]
    per_unit = reports.grouped(session, ids, period, now=now).by_unit()
    satisfaction = reports.satisfaction_by_unit(session, ids, period, now=now)
    queued = 0
    channels = (Channel.IN_APP, Channel.EMAIL)
    for unit in units:
        figures = per_unit.get(unit.id, Figures())
        leaders = _people(session, Role.LEADER, unit.id)
        if not leaders:
            continue
        body = "\n".join([f"{unit.governing_body_name} — {period.label}", *summary_lines(
            figures, satisfaction[unit.id].shown)])
        subject = f"Báo cáo {period.label.lower()}: đúng hạn {figures.on_time.shown} ({figures.on_time.numerator}/{figures.on_time.denominator})"
        for leader in leaders:
            queued += notify(session, unit_id=unit.id, user_id=leader.id, kind=KIND, subject=subject, body=body,
                             link=f"/thong-ke/?ky={period.slug}", now=now, dedupe=f"{KIND}:{unit.id}:{period.slug}:{leader.id}",
                             channels=channels)
    inspectors = _people(session, Role.INSPECTOR)
    if inspectors:
        by_name = {u.id: u.governing_body_name for u in units}
        ranked, small = league((u, by_name[u], per_unit.get(u, Figures())) for u in ids)
        lines = [f"Tổng hợp {len(units)} đơn vị — {period.label}",
                 *(f"{r.rank}. {r.label}: {r.figures.on_time.shown} ({r.figures.on_time.numerator}/"
                   f"{r.figures.on_time.denominator}), đang quá hạn {r.figures.open_late}" for r in ranked)]
        if small:
            lines.append(f"Chưa xếp hạng (dưới 20 hồ sơ): {len(small)} đơn vị.")
        total = sum(per_unit.values(), Figures())
        subject = f"Báo cáo {period.label.lower()} toàn tỉnh: đúng hạn {total.on_time.shown}"
        for inspector in inspectors:
            queued += notify(session, unit_id=inspector.unit_id, user_id=inspector.id, kind=KIND, subject=subject,
                             body="\n".join(lines), link=f"/thong-ke/?ky={period.slug}", now=now,
                             dedupe=f"{KIND}:all:{period.slug}:{inspector.id}", channels=channels)
    session.flush()
    return queued
