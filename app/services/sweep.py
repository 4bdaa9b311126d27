"""The overdue sweep: flag what is due soon or overdue, open nonconformities, draft apologies, tell people.

One run is one transaction that starts by claiming the job's tick (see
``app.services.jobs``), then, for each flag of ``app.domain.monitoring``:

1. one UPDATE sets the flag on every row that needs it and is not flagged
   yet, and RETURNS those rows (set-based: the database compares columns with
   a few constant instants; a partial index holds only unflagged rows);
2. the rows just flagged get their event and, for overdue dossiers and second
   supplement requests, their nonconformity record, by INSERT … SELECT in
   chunks of ids;
3. each person concerned gets one digest message in the outbox.

Then the dossiers a holder marked as going to be late get their Mẫu 04 draft.
Level-triggered: whatever was missed (the scheduler was down) is found by the
next run; whatever was flagged is never flagged again.
"""

from __future__ import annotations

import time as timer
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import String, and_, cast, func, insert, literal, null, or_, select, update
from sqlalchemy.orm import Session, aliased

from app.domain.localtime import to_local
from app.domain.durations import Duration
from app.domain.monitoring import (
    DUE_SOON,
    FLAG_ACTIONS,
    Flag,
    Limits,
    apology_send_by,
    due_soon_threshold,
    leader_digest_slot,
    limits,
)
from app.domain.nonconformity import Source, Status
from app.domain.roles import Role
from app.domain.timeliness import Timeliness
from app.domain.workflow import DossierStatus
from app.domain.worktime import WorkCalendar
from app.services import jobs, outbox
from app.services.calendar import calendars_of_units
from models import (
    Department,
    Dossier,
    DossierEvent,
    ExpectedDelay,
    Handover,
    Nonconformity,
    Procedure,
    ProcedureStep,
    SweepRun,
    Unit,
    User,
    UserRole,
)

JOB = "sweep"
LEADER_DIGEST_JOB = "leader_digest"  # its lease row: one digest count per slot, whoever sweeps
CHUNK = 500
PAUSED = DossierStatus.SUPPLEMENT_REQUESTED


@dataclass
class SweepReport:
    """What a run did."""

    run_id: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def describe(self) -> str:
        parts = [f"{flag.label.lower()}: {self.counts[flag.value]}" for flag in Flag if self.counts.get(flag.value)]
        extra = [f"{label}: {self.counts[key]}" for key, label in (
            ("nonconformities", "hồ sơ không phù hợp mở mới"), ("apology_drafts", "dự thảo Mẫu 04"),
            ("messages", "thông báo"), ("leader_digests", "tin tổng hợp cho lãnh đạo")) if self.counts.get(key)]
        return "; ".join(parts + extra) or "không có gì mới"


def run_sweep(
    session: Session, *, now: datetime, tick: datetime | None = None, trigger: str = "manual", force: bool = False,
    channels: Iterable[outbox.Channel] = (outbox.Channel.IN_APP,),
) -> SweepReport | None:
    """Sweep every unit at ``now``; None if this tick was already swept (by another scheduler).

    ``channels``: how staff are told (the app; e-mail when SMTP is configured).
    """
    started = timer.perf_counter()
    holder = jobs.holder_name()
    if not jobs.claim(session, JOB, tick or now, holder=holder, force=force):
        return None
    run = SweepRun(started_at=now, finished_at=now, trigger=trigger, holder=holder, counts={})
    session.add(run)
    session.flush()
    sweep = _Sweep(session, now, run.id, tuple(channels))
    sweep.flag_all()
    sweep.draft_apologies()
    sweep.send_digests()
    sweep.send_leader_digests()
    run.counts = {key: count for key, count in sweep.counts.items() if count}
    run.seconds = round(timer.perf_counter() - started, 3)
    session.flush()
    return SweepReport(run.id, dict(run.counts), run.seconds)


class _Sweep:
    def __init__(self, session: Session, now: datetime, run_id: int, channels: tuple[outbox.Channel, ...]) -> None:
        self.session = session
        self.channels = channels
        self.now = now
        self.run_id = run_id
        self.counts: Counter[str] = Counter()
        self.flagged: dict[Flag, list[Any]] = defaultdict(list)  # rows (id, unit_id, holder_user_id, code)
        self._limits: dict[timedelta, dict[int, Limits]] = {}
        self._calendars: dict[int, WorkCalendar] | None = None
        self._leaders: dict[int, list[int]] = {}

    # --- limits per unit ---------------------------------------------------------------

    def limit_groups(self, attribute: str, due_soon: timedelta = DUE_SOON) -> list[tuple[datetime, list[int]]]:
        """Units grouped by their threshold instant (most share the national calendar: one group)."""
        if due_soon not in self._limits:
            self._limits[due_soon] = {unit_id: limits(calendar, self.now, due_soon=due_soon)
                                      for unit_id, calendar in self.calendars().items()}
        groups: dict[datetime, list[int]] = defaultdict(list)
        for unit_id, unit_limits in self._limits[due_soon].items():
            groups[getattr(unit_limits, attribute)].append(unit_id)
        return sorted(groups.items())

    def calendars(self) -> dict[int, WorkCalendar]:
        if self._calendars is None:
            active = self.session.scalars(select(Unit.id).where(Unit.is_active.is_(True))).all()
            self._calendars = calendars_of_units(self.session, active)
        return self._calendars

    def due_soon_groups(self) -> list[tuple[datetime, list[int], Any]]:
        """(limit, units, procedures): the procedures sharing a due-soon threshold (a third of their duration,
        app.domain.monitoring.due_soon_threshold), and the units sharing that threshold's instant."""
        by_threshold: dict[timedelta, list[Any]] = defaultdict(list)
        for kind, value in self.session.execute(
                select(Procedure.duration_kind, Procedure.duration_value).distinct()):
            by_threshold[due_soon_threshold(Duration.of(kind, value))].append(
                and_(Procedure.duration_kind == kind, Procedure.duration_value == value))
        groups = []
        for threshold, durations in sorted(by_threshold.items()):
            procedures = select(Procedure.id).where(or_(*durations))
            for limit, unit_ids in self.limit_groups("due_soon_before", threshold):
                groups.append((limit, unit_ids, procedures))
        return groups

    # --- flags ---------------------------------------------------------------------------

    def flag_all(self) -> None:
        now = self.now
        running = Dossier.status != PAUSED
        # Overdue: the due instant passed while the clock ran.
        self.flag(Flag.OVERDUE, Dossier.finished_at.is_(None), Dossier.flag_overdue_at.is_(None), Dossier.due_at < now,
                  or_(running, Dossier.paused_at > Dossier.due_at))
        self.flag(Flag.OVERDUE, Dossier.flag_overdue_at.is_(None), Dossier.finished_at > Dossier.due_at,
                  finished=True)
        for limit, unit_ids, procedures in self.due_soon_groups():
            self.flag(Flag.DUE_SOON, Dossier.finished_at.is_(None), Dossier.flag_due_soon_at.is_(None),
                      Dossier.flag_overdue_at.is_(None), Dossier.due_at < limit, Dossier.due_at >= now,
                      Dossier.unit_id.in_(unit_ids), Dossier.procedure_id.in_(procedures), running)
        self.flag(Flag.STEP_OVERDUE, Dossier.finished_at.is_(None), Dossier.flag_step_overdue_at.is_(None),
                  Dossier.step_due_at < now, running)
        for limit, unit_ids in self.limit_groups("step_due_soon_before"):
            self.flag(Flag.STEP_DUE_SOON, Dossier.finished_at.is_(None), Dossier.flag_step_due_soon_at.is_(None),
                      Dossier.flag_step_overdue_at.is_(None), Dossier.step_due_at < limit,
                      Dossier.step_due_at >= now, Dossier.unit_id.in_(unit_ids), running)
        self.flag(Flag.SECOND_SUPPLEMENT, Dossier.flag_second_supplement_at.is_(None), Dossier.supplement_count >= 2)

    def flag(self, flag: Flag, *conditions: Any, finished: bool = False) -> None:
        column = getattr(Dossier, flag.column)
        rows = self.session.execute(
            update(Dossier).where(*conditions).values({column: self.now})
            .returning(Dossier.id, Dossier.unit_id, Dossier.holder_user_id, Dossier.status)
            .execution_options(synchronize_session=False)
        ).all()
        if not rows:
            return
        self.counts[flag.value] += len(rows)
        self.flagged[flag].extend(rows)
        ids = [row.id for row in rows]
        for chunk in _chunks(ids):
            self.session.execute(insert(DossierEvent).from_select(
                ["dossier_id", "action", "from_status", "status", "at", "actor_id", "reason", "payload"],
                select(Dossier.id, literal(FLAG_ACTIONS[flag]), Dossier.status, Dossier.status, literal(self.now, Dossier.due_at.type),
                       null(), literal(""), literal({"run": self.run_id}, DossierEvent.payload.type))
                .where(Dossier.id.in_(chunk)),
            ))
        if flag is Flag.OVERDUE:
            self.open_nonconformities(Source.OVERDUE, ids, finished=finished)
        elif flag is Flag.SECOND_SUPPLEMENT:
            self.open_nonconformities(Source.SECOND_SUPPLEMENT, ids)

    # --- nonconformities -----------------------------------------------------------------

    def open_nonconformities(self, source: Source, ids: Sequence[int], *, finished: bool = False) -> None:
        """One record per dossier, numbered on from the unit's last number of the year; never twice."""
        year = to_local(self.now).year
        existing = select(Nonconformity.id).where(Nonconformity.source_key == _key(source, Dossier.id)).exists()
        last = (
            select(func.coalesce(func.max(Nonconformity.number), 0))
            .where(Nonconformity.unit_id == Dossier.unit_id, Nonconformity.year == year)
            .scalar_subquery()
        )
        if finished:
            # The step that made it late: the first control-slip row handed over late.
            late = aliased(Handover)
            first_late = (
                select(late.id).where(late.dossier_id == Dossier.id, late.step_result == Timeliness.LATE)
                .order_by(late.seq).limit(1).scalar_subquery()
            )
            position = select(Handover.step_position).where(Handover.id == first_late).scalar_subquery()
            holder_id = select(Handover.giver_user_id).where(Handover.id == first_late).scalar_subquery()
            holder = select(func.coalesce(func.nullif(Handover.giver_person, ""), Handover.giver)).where(
                Handover.id == first_late).scalar_subquery()
        else:
            position = Dossier.step_position
            holder_id = Dossier.holder_user_id
            holder = func.coalesce(
                select(User.full_name).where(User.id == Dossier.holder_user_id).scalar_subquery(),
                select(Department.name).where(Department.id == Dossier.holder_department_id).scalar_subquery(),
                literal(""),
            )
        step_name = func.coalesce(
            select(ProcedureStep.name).where(ProcedureStep.procedure_id == Dossier.procedure_id,
                                             ProcedureStep.position == position).scalar_subquery(),
            literal(""),
        )
        number = last + func.row_number().over(partition_by=Dossier.unit_id, order_by=Dossier.id)
        columns = {
            "unit_id": Dossier.unit_id, "year": literal(year), "number": number, "source": literal(source.value),
            "source_key": _key(source, Dossier.id), "dossier_id": Dossier.id,
            "opened_at": literal(self.now, Dossier.due_at.type), "opened_by_id": null(), "description": literal(""),
            "due_at": Dossier.due_at, "step_position": position, "step_name": step_name,
            "holder_user_id": holder_id, "holder_name": func.coalesce(holder, literal("")),
            "cause": literal(""), "correction": literal(""), "corrective_action": literal(""),
            "action_report": literal(""), "effectiveness": literal(""), "status": literal(Status.OPEN.value),
            "version": literal(1),
        }
        for chunk in _chunks(ids):
            opened = self.session.execute(insert(Nonconformity).from_select(
                list(columns), select(*columns.values()).where(Dossier.id.in_(chunk), ~existing),
            ).returning(Nonconformity.id)).all()
            self.counts["nonconformities"] += len(opened)

    # --- apologies -----------------------------------------------------------------------

    def draft_apologies(self) -> None:
        """Mẫu 04 drafts for the dossiers their holders marked as going to be late."""
        # Driven from the few marks not yet drafted (two steps: SQLite's planner otherwise walked every open
        # dossier and probed the marks).
        delays = self.session.scalars(
            select(ExpectedDelay).where(ExpectedDelay.drafted_at.is_(None), ExpectedDelay.withdrawn_at.is_(None),
                                        ExpectedDelay.notice_id.is_(None))
            .order_by(ExpectedDelay.id)).all()
        if not delays:
            return
        dossiers = {}
        for ids in _chunks(sorted({d.dossier_id for d in delays})):
            dossiers.update({row.id: row for row in self.session.execute(
                select(Dossier.id, Dossier.due_at, Dossier.code, Dossier.unit_id)
                .where(Dossier.id.in_(ids), Dossier.finished_at.is_(None), Dossier.due_rescheduled_at.is_(None)))})
        pending = [(d, dossiers[d.dossier_id].due_at, dossiers[d.dossier_id].code, dossiers[d.dossier_id].unit_id)
                   for d in delays if d.dossier_id in dossiers]
        if not pending:
            return
        calendars = calendars_of_units(self.session, {unit_id for _, _, _, unit_id in pending})
        for delay, due_at, code, unit_id in pending:
            delay.drafted_at = self.now
            delay.send_by = apology_send_by(calendars[unit_id], due_at)
            self.counts["apology_drafts"] += 1
            late = self.now > delay.send_by
            subject = f"Dự thảo văn bản xin lỗi (Mẫu 04) hồ sơ {code}"
            body = (
                f"Hồ sơ {code} được báo dự kiến trễ hạn. Hệ thống đã lập dự thảo văn bản xin lỗi và hẹn lại ngày "
                f"trả kết quả (Mẫu 04); "
                + ("đã quá thời điểm phải gửi (trước hạn giải quyết ít nhất một ngày làm việc), đề nghị ban hành ngay."
                   if late else f"cần ban hành và gửi trước {_vn(delay.send_by)}.")
            )
            for leader_id in self.leaders(unit_id):
                self.counts["messages"] += outbox.notify(
                    self.session, unit_id=unit_id, user_id=leader_id, kind="apology_draft", subject=subject,
                    body=body, link=f"/ho-so/{delay.dossier_id}", now=self.now,
                    dedupe=f"apology-draft:{delay.id}:{leader_id}", channels=self.channels,
                )
        self.session.flush()

    # --- messages ------------------------------------------------------------------------

    def leaders(self, unit_id: int) -> list[int]:
        if unit_id not in self._leaders:
            self._leaders[unit_id] = self.session.scalars(
                select(User.id).join(UserRole, UserRole.user_id == User.id)
                .where(User.unit_id == unit_id, User.is_active.is_(True), UserRole.role == Role.LEADER)
                .order_by(User.id)
            ).all()
        return self._leaders[unit_id]

    def send_digests(self) -> None:
        """One message per holder: how many of their dossiers became due soon or overdue at this run (the
        leaders hear of the unit at fixed times: ``send_leader_digests``)."""
        per_person: dict[tuple[int, int], Counter[Flag]] = defaultdict(Counter)
        for flag, rows in self.flagged.items():
            if not flag.notifies:
                continue
            for row in rows:
                if row.holder_user_id is not None:
                    per_person[(row.unit_id, row.holder_user_id)][flag] += 1
        for (unit_id, user_id), counts in sorted(per_person.items()):
            lines = [f"- {flag.label}: {counts[flag]}" for flag in Flag if counts[flag]]
            overdue = counts[Flag.OVERDUE] + counts[Flag.STEP_OVERDUE]
            subject = ("Có hồ sơ quá hạn cần xử lý" if overdue else "Có hồ sơ sắp đến hạn") + f" ({_vn(self.now)})"
            body = "Kết quả rà soát thời hạn giải quyết hồ sơ:\n" + "\n".join(lines) + (
                "\nXem danh sách “Sắp đến hạn” để xử lý; hồ sơ dự kiến trễ hạn cần gửi văn bản xin lỗi (Mẫu 04) "
                "trước hạn ít nhất một ngày làm việc.")
            self.counts["messages"] += outbox.notify(
                self.session, unit_id=unit_id, user_id=user_id, kind="digest", subject=subject, body=body,
                link="/sap-den-han", now=self.now, dedupe=f"sweep:{self.run_id}:{user_id}",
                channels=self.channels,
            )


    def send_leader_digests(self) -> None:
        """At a digest slot of the working day (app.domain.monitoring.LEADER_DIGEST_TIMES), each leader gets
        one message with the unit's overdue and due-soon dossiers now; once per slot (the outbox's dedupe)."""
        slots: dict[datetime, list[int]] = defaultdict(list)
        local_now = to_local(self.now)
        for unit_id, calendar in self.calendars().items():
            slot = leader_digest_slot(local_now, calendar.is_working_day(local_now.date()))
            if slot is not None:
                slots[slot].append(unit_id)
        for slot, unit_ids in sorted(slots.items()):
            # Once per slot, whoever runs it: the ticks after it (every 5 minutes for two hours) skip the count.
            if not jobs.claim(self.session, LEADER_DIGEST_JOB, slot.astimezone(timezone.utc)):
                continue
            open_ = Dossier.finished_at.is_(None)
            counts = self.session.execute(
                select(Dossier.unit_id,
                       func.count().filter(Dossier.flag_overdue_at.is_not(None)),
                       func.count().filter(Dossier.flag_overdue_at.is_(None), Dossier.flag_due_soon_at.is_not(None),
                                           Dossier.status != PAUSED),
                       func.count().filter(Dossier.flag_overdue_at.is_(None), Dossier.flag_step_overdue_at.is_not(None),
                                           Dossier.status != PAUSED))
                .where(open_, Dossier.unit_id.in_(unit_ids),
                       or_(Dossier.flag_overdue_at.is_not(None), Dossier.flag_due_soon_at.is_not(None),
                           Dossier.flag_step_overdue_at.is_not(None)))
                .group_by(Dossier.unit_id)
            ).all()
            for unit_id, overdue, due_soon, step_overdue in counts:
                lines = [f"- {label}: {n}" for label, n in (
                    ("Hồ sơ quá hạn", overdue), ("Hồ sơ sắp đến hạn", due_soon),
                    ("Hồ sơ có bước xử lý quá hạn", step_overdue)) if n]
                if not lines:
                    continue
                subject = f"Tình hình hồ sơ của đơn vị lúc {slot:%H:%M} ngày {slot:%d/%m/%Y}"
                body = ("Hồ sơ đang giải quyết cần lãnh đạo quan tâm:\n" + "\n".join(lines)
                        + "\nXem danh sách “Sắp đến hạn” để chỉ đạo; hồ sơ dự kiến trễ hạn cần gửi văn bản xin lỗi "
                        "(Mẫu 04) trước hạn ít nhất một ngày làm việc.")
                for leader_id in self.leaders(unit_id):
                    self.counts["leader_digests"] += outbox.notify(
                        self.session, unit_id=unit_id, user_id=leader_id, kind="leader_digest", subject=subject,
                        body=body, link="/sap-den-han", now=self.now, channels=self.channels,
                        dedupe=f"leader-digest:{unit_id}:{slot:%Y%m%d%H%M}:{leader_id}")


def _key(source: Source, dossier_id: Any) -> Any:
    return literal(f"{source.value}:") + cast(dossier_id, String)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _vn(instant: datetime) -> str:
    return f"{to_local(instant):%H:%M %d/%m/%Y}"


def recent_runs(session: Session, *, limit: int = 20) -> list[SweepRun]:
    return list(session.scalars(select(SweepRun).order_by(SweepRun.id.desc()).limit(limit)))


__all__ = ["JOB", "SweepReport", "recent_runs", "run_sweep"]
