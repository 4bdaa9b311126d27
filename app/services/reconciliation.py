"""Counts reconciled with the provincial platform (issue 21, §4).

``reconcile`` asks the platform for a unit's dossiers received in a period
(``List``: the HTTP client lives in app/integrations/portal/client.py), sets
them beside Một Cửa's own, and keeps the result as a ``ReconciliationRun``:
the dossiers whose status, due or finish instant differ, those missing on
either side, and the on-time rate each side would compute. The nightly job
(``nightly``) runs it for every unit that receives dossiers and opens a
nonconformity for each dossier the platform would count late while Một Cửa
does not (trễ hạn ảo), once per dossier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.localtime import local_date, start_of_day, to_local
from app.domain.nonconformity import Source, Status
from app.domain.reconcile import Side, compare, late_only_on_portal, on_time_rate
from app.domain.roles import Role
from app.integrations.portal.client import Answer
from app.integrations.portal.messages import DOSSIER, problems, side_of
from app.services import jobs
from app.services.access import can_see_unit, get_visible_unit
from app.services.errors import Forbidden, ValidationFailed
from app.services.rows import insert_numbered, next_number
from models import Dossier, Nonconformity, ReconciliationRun, Unit, User

List = Callable[[str, str, str], Answer]  # (unit code, first yyyyMMdd, last yyyyMMdd) -> the platform's answer
WINDOW = 31  # days: the longest period one run compares (the nightly job: the last 30 days)
SOURCE_KEY = "portal_late:{dossier_id}"


def reconcile(session: Session, unit: Unit, first: date, last: date, listing: List, *, now: datetime,
              actor: User | None = None) -> ReconciliationRun:
    """Compare the unit's dossiers received from ``first`` to ``last`` (Vietnam days) with the platform's."""
    if last < first or (last - first).days >= WINDOW:
        raise ValidationFailed({"last": f"Khoảng thời gian từ 1 đến {WINDOW} ngày."})
    # The platform is asked before anything is written: no transaction of ours waits on it (on SQLite a
    # write would hold the database's one write lock, and the desk with it).
    answer = listing(unit.code, f"{first:%Y%m%d}", f"{last:%Y%m%d}")
    theirs, error = _platform_sides(answer)
    run = ReconciliationRun(unit_id=unit.id, first_day=first, last_day=last, run_at=now,
                            run_by_id=actor.id if actor else None, differences=[], late_only_there=[], error="")
    session.add(run)
    if error:
        run.error = error[:500]
        session.flush()
        return run
    ours = _our_sides(session, unit.id, first, last)
    mine_rate, their_rate = on_time_rate(ours), on_time_rate(theirs)
    run.ours, run.theirs = len(ours), len(theirs)
    run.our_finished, run.our_on_time = mine_rate.finished, mine_rate.on_time
    run.their_finished, run.their_on_time = their_rate.finished, their_rate.on_time
    run.differences = [{**asdict(d), "gap": d.gap.value} for d in compare(ours, theirs)]
    run.late_only_there = late_only_on_portal(ours, theirs, now)
    session.flush()
    return run


def _platform_sides(answer: Answer) -> tuple[list[Side], str]:
    if answer.status != 200:
        return [], f"{answer.status or 'không trả lời'}: {answer.error or answer.body.get('ThongBao', '')}"
    rows = answer.body.get("HoSo")
    if not isinstance(rows, list):
        return [], "Cổng trả lời không có danh sách HoSo."
    sides, wrong = [], 0
    for row in rows:
        if problems(DOSSIER, row):
            wrong += 1
            continue
        sides.append(side_of(row))
    return sides, (f"{wrong} hồ sơ trong câu trả lời của cổng không đúng đặc tả." if wrong else "")


def _our_sides(session: Session, unit_id: int, first: date, last: date) -> list[Side]:
    start, end = start_of_day(first), start_of_day(last + timedelta(days=1))
    rows = session.execute(select(Dossier.code, Dossier.status, Dossier.due_at, Dossier.finished_at).where(
        Dossier.unit_id == unit_id, Dossier.received_at >= start, Dossier.received_at < end)).all()
    return [Side(r.code, r.status.national_code, r.due_at, r.finished_at) for r in rows]


def open_nonconformities(session: Session, run: ReconciliationRun, *, now: datetime) -> int:
    """One nonconformity per dossier the platform counts late and Một Cửa does not; never twice. How many opened."""
    opened = 0
    year = to_local(now).year
    for code in run.late_only_there:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code, Dossier.unit_id == run.unit_id))
        key = SOURCE_KEY.format(dossier_id=dossier.id) if dossier else None
        if dossier is None or session.scalar(select(Nonconformity.id).where(Nonconformity.source_key == key)):
            continue
        found = next((d for d in run.differences if d["code"] == code and d["gap"] in ("due", "finished", "status")),
                     None)
        detail = f" Chênh lệch: {found['ours']} (Một Cửa) và {found['theirs']} (cổng)." if found else ""
        description = (f"Hồ sơ {code}: số liệu trên hệ thống của tỉnh / Cổng DVCQG tính hồ sơ trễ hạn, theo Một Cửa "
                       f"hồ sơ đúng hạn (hạn {to_local(dossier.due_at):%H:%M %d/%m/%Y}).{detail} Cần đồng bộ lại "
                       "và đề nghị điều chỉnh số liệu (trễ hạn ảo).")

        def build(dossier: Dossier = dossier, key: str = key, description: str = description) -> Nonconformity:
            number = next_number(session, Nonconformity.number, Nonconformity.unit_id == run.unit_id,
                                 Nonconformity.year == year)
            return Nonconformity(unit_id=run.unit_id, year=year, number=number, source=Source.PORTAL_MISMATCH,
                                 source_key=key, dossier_id=dossier.id, opened_at=now, opened_by_id=None,
                                 description=description, due_at=dossier.due_at, step_position=dossier.step_position,
                                 status=Status.OPEN)

        insert_numbered(session, build, field="description")
        opened += 1
    return opened


def nightly(session: Session, listing: List, *, now: datetime, days: int = 30) -> list[ReconciliationRun] | None:
    """The last ``days`` days, for every active unit that received dossiers in them, each unit committed on its
    own; None when another scheduler already ran tonight's."""
    if not jobs.claim(session, "reconcile", start_of_day(local_date(now))):
        session.rollback()
        return None
    session.commit()  # the claim is the night's: a second scheduler skips it, and no lock is held while asking
    last = local_date(now) - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    start = start_of_day(first)
    unit_ids = session.scalars(select(Dossier.unit_id).where(Dossier.received_at >= start).distinct()).all()
    runs = []
    units = session.scalars(select(Unit).where(Unit.id.in_(unit_ids), Unit.is_active.is_(True)).order_by(Unit.id)).all()
    for unit in units:
        run = reconcile(session, unit, first, last, listing, now=now)
        open_nonconformities(session, run, now=now)
        session.commit()
        runs.append(run)
    return runs


def check_leader(session: Session, actor: User, unit_id: int) -> Unit:
    """The unit whose reconciliation ``actor`` may see and run (its leaders, admins and the inspectors)."""
    unit = get_visible_unit(session, actor, unit_id)
    if not actor.has_role(Role.LEADER, Role.ADMIN, Role.INSPECTOR) or not can_see_unit(session, actor, unit_id):
        raise Forbidden("Chỉ lãnh đạo, quản trị và thanh tra xem được đối chiếu số liệu.")
    return unit


def latest(session: Session, unit_id: int) -> ReconciliationRun | None:
    return session.scalar(select(ReconciliationRun).where(ReconciliationRun.unit_id == unit_id)
                          .order_by(ReconciliationRun.run_at.desc(), ReconciliationRun.id.desc()).limit(1))


def runs(session: Session, unit_id: int, limit: int = 10) -> list[ReconciliationRun]:
    return list(session.scalars(select(ReconciliationRun).where(ReconciliationRun.unit_id == unit_id)
                                .order_by(ReconciliationRun.run_at.desc(), ReconciliationRun.id.desc()).limit(limit)))

