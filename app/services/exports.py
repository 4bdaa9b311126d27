"""Long exports as jobs (issue 23): asked for on a page, made by the scheduler, downloaded when ready.

The ISO pack of a commune-year renders thousands of control slips (minutes of
work): in a request it would outlive the worker's timeout. So a page only
queues an :class:`ExportJob` row; the scheduler process (``flask scheduler
run``, or ``flask exports run`` by hand) takes the oldest one with a
conditional UPDATE (two schedulers never take the same job), writes the file
under ``instance/exports`` (a ``.part`` file renamed when whole), reports its
progress every second or so in short transactions of its own, and tells the
requester in the app (and by e-mail when configured) when it is ready or has
failed. The build reads only; what it records (the audit entry, the print
record) is written with the job's end, in one transaction.

The file is the requester's alone (it holds personal data): only they see the
job and download it, each download is counted and written to the audit log,
and the nightly retention run deletes files past ``KEEP``. A run whose
heartbeat stops (its process was killed) is taken up again by the next
scheduler, up to ``MAX_ATTEMPTS`` times.

Files live on the scheduler's disk under the instance folder: the web servers
must see the same folder (one machine, or a shared volume) until the object
store of issue 24 holds them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import IO

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.domain.localtime import to_local
from app.domain.objectives import Period, parse_period
from app.services import audit, documents, iso_pack, outbox
from app.services.errors import NotFound, ServiceError, ValidationFailed
from app.services.rows import find
from models import ExportJob, User
from models.engine import READ_ONLY

log = logging.getLogger("motcua.exports")

KEEP = timedelta(days=7)  # a made file stays this long
STALE = timedelta(minutes=5)  # a running job whose heartbeat is older than this has lost its process
MAX_ATTEMPTS = 3
HEARTBEAT_SECONDS = 1.0  # progress is written at most this often
LOGBOOK_INLINE_ROWS = 500  # a logbook longer than this is made as a job (a PDF of 500 rows takes about a second)
FAILED = "Không tạo được tệp do lỗi hệ thống; bộ phận kỹ thuật đã được ghi nhận lỗi. Vui lòng yêu cầu lại sau."


class Kind(StrEnum):
    ISO_PACK = "iso_pack"
    LOGBOOK_PDF = "logbook_pdf"
    LOGBOOK_XLSX = "logbook_xlsx"


class State(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return {State.QUEUED: "Đang chờ", State.RUNNING: "Đang tạo", State.DONE: "Sẵn sàng tải về",
                State.FAILED: "Không tạo được", State.EXPIRED: "Đã hết hạn lưu"}[self]

    @property
    def finished(self) -> bool:
        return self in (State.DONE, State.FAILED, State.EXPIRED)


# --- asking -----------------------------------------------------------------------------------------


def request_iso_pack(session: Session, actor: User, unit_id: int, period: Period, *, base_url: str,
                     now: datetime) -> ExportJob:
    """Queue the ISO pack of ``unit_id`` for ``period`` (checked now, and again when it is made); ``base_url``:
    the address the slips' QR codes point to (the scheduler has no request to read it from)."""
    unit, _, _ = iso_pack.check(session, actor, unit_id, period, now=now)
    return _queue(session, actor, Kind.ISO_PACK, unit.id, {"period": period.slug, "base_url": base_url},
                  f"Bộ hồ sơ ISO — {period.label} — {unit.governing_body_name}", now=now)


def logbook(session: Session, actor: User, unit_id: int, first: date, last: date, *, xlsx: bool,
            now: datetime) -> documents.Printed | ExportJob:
    """Mẫu 07 made in the request when it is short, else queued as a job (more than a few seconds of work)."""
    unit = documents.check_logbook(session, actor, unit_id, first, last, xlsx=xlsx)
    if documents.logbook_size(session, unit, first, last) <= LOGBOOK_INLINE_ROWS:
        return documents.logbook(session, actor, unit.id, first, last, now=now, xlsx=xlsx)
    return request_logbook(session, actor, unit.id, first, last, xlsx=xlsx, now=now)


def request_logbook(session: Session, actor: User, unit_id: int, first: date, last: date, *, xlsx: bool,
                    now: datetime) -> ExportJob:
    unit = documents.check_logbook(session, actor, unit_id, first, last, xlsx=xlsx)
    label = (f"Sổ theo dõi hồ sơ (Mẫu 07, {'XLSX' if xlsx else 'PDF'}) — {first:%d/%m/%Y}–{last:%d/%m/%Y} — "
             f"{unit.governing_body_name}")
    return _queue(session, actor, Kind.LOGBOOK_XLSX if xlsx else Kind.LOGBOOK_PDF, unit.id,
                  {"first": first.isoformat(), "last": last.isoformat()}, label, now=now)


def _queue(session: Session, actor: User, kind: Kind, unit_id: int, params: dict[str, str], label: str, *,
           now: datetime) -> ExportJob:
    """A new job, or the same one already waiting or running for this person (a double click queues one)."""
    waiting = session.scalars(select(ExportJob).where(
        ExportJob.requested_by_id == actor.id, ExportJob.kind == kind.value, ExportJob.unit_id == unit_id,
        ExportJob.state.in_((State.QUEUED.value, State.RUNNING.value)))).all()
    for job in waiting:
        if job.params == params:
            return job
    job = ExportJob(kind=kind.value, unit_id=unit_id, requested_by_id=actor.id, params=params, label=label[:255],
                    requested_at=now, state=State.QUEUED.value)
    session.add(job)
    session.flush()
    audit.record(session, actor, "export.request", object_type="export_job", object_id=job.id, unit_id=unit_id,
                 now=now, kind=kind.value, **params)
    return job


# --- looking ------------------------------------------------------------------------------------------


def get_own(session: Session, actor: User, job_id: int) -> ExportJob:
    """The job, if ``actor`` asked for it (the file holds personal data: nobody else sees it)."""
    job = find(session, ExportJob, job_id)  # an id past the column's range finds nothing
    if job is None or job.requested_by_id != actor.id:
        raise NotFound("Không tìm thấy tệp xuất này.")
    return job


def recent(session: Session, actor: User, *, limit: int = 30) -> list[ExportJob]:
    return list(session.scalars(select(ExportJob).where(ExportJob.requested_by_id == actor.id)
                                .order_by(ExportJob.requested_at.desc(), ExportJob.id.desc()).limit(limit)))


@dataclass(frozen=True)
class Status:
    """What the page shows of a job (and its JSON for the progress bar)."""

    id: int
    label: str
    state: State
    done: int
    total: int
    step: str
    error: str
    filename: str
    size: int
    expires_at: datetime | None

    @property
    def percent(self) -> int:
        if self.state is State.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0


def status_of(job: ExportJob) -> Status:
    return Status(job.id, job.label, State(job.state), job.done, job.total, job.step, job.error, job.filename,
                  job.size, job.expires_at)


def download(session: Session, actor: User, job_id: int, folder: Path, *, now: datetime) -> tuple[Path, ExportJob]:
    """The file of a finished job, counted and logged (the caller commits)."""
    job = get_own(session, actor, job_id)
    if job.state != State.DONE.value or (job.expires_at is not None and job.expires_at <= now):
        raise ValidationFailed({"job": "Tệp này chưa sẵn sàng hoặc đã hết hạn lưu; vui lòng yêu cầu lại."})
    path = folder / job.stored_name
    if not job.stored_name or not path.is_file():
        raise NotFound("Tệp không còn trên máy chủ; vui lòng yêu cầu tạo lại.")
    session.execute(update(ExportJob).where(ExportJob.id == job.id).values(downloads=ExportJob.downloads + 1)
                    .execution_options(synchronize_session=False))
    audit.record(session, actor, "export.download", object_type="export_job", object_id=job.id,
                 unit_id=job.unit_id, now=now, kind=job.kind, filename=job.filename, sha256=job.sha256)
    return path, job


# --- making ---------------------------------------------------------------------------------------------


Sessions = Callable[[], Session]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Made:
    filename: str
    mimetype: str
    record: Callable[[Session, User, datetime], object]  # what the making logs, written with the job's end


def claim_next(session: Session, *, holder: str, now: datetime) -> int | None:
    """Take the oldest waiting job (or one whose process died); None when there is none. The caller commits."""
    stale = now - STALE
    candidates = session.scalars(
        select(ExportJob.id).where(or_(
            ExportJob.state == State.QUEUED.value,
            (ExportJob.state == State.RUNNING.value) & (ExportJob.heartbeat_at < stale),
        )).order_by(ExportJob.requested_at, ExportJob.id).limit(5)).all()
    for job_id in candidates:
        taken = session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, or_(ExportJob.state == State.QUEUED.value,
                                              (ExportJob.state == State.RUNNING.value) & (ExportJob.heartbeat_at < stale)))
            .values(state=State.RUNNING.value, holder=holder[:100], started_at=now, heartbeat_at=now,
                    attempts=ExportJob.attempts + 1, done=0, total=0, step="Đang chuẩn bị")
            .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            return job_id
    return None


class _Progress:
    """Writes a job's progress and heartbeat in short transactions of their own, at most once a second."""

    def __init__(self, sessions: Sessions, job_id: int, holder: str, clock: Clock) -> None:
        self._sessions, self._job_id, self._holder, self._clock = sessions, job_id, holder, clock
        self._written: datetime | None = None

    def __call__(self, done: int, total: int, step: str) -> None:
        now = self._clock()
        if self._written is not None and (now - self._written).total_seconds() < HEARTBEAT_SECONDS and done < total:
            return
        self._written = now
        with self._sessions() as session:
            session.execute(update(ExportJob).where(ExportJob.id == self._job_id, ExportJob.holder == self._holder)
                            .values(done=done, total=total, step=step[:255], heartbeat_at=now)
                            .execution_options(synchronize_session=False))
            session.commit()


def run_next(sessions: Sessions, folder: Path, *, clock: Clock, holder: str, base_url: str,
             channels: tuple[outbox.Channel, ...] = (outbox.Channel.IN_APP,), helpers: int = 0) -> int | None:
    """Make the oldest waiting export, if any; returns its id. ``helpers``: processes that may render its forms
    beside this one (``printing.parallel``)."""
    with sessions() as session:
        job_id = claim_next(session, holder=holder, now=clock())
        give_up = job_id is not None and session.get(ExportJob, job_id).attempts > MAX_ATTEMPTS  # type: ignore[union-attr]
        session.commit()
    if job_id is None:
        return None
    if give_up:
        _end(sessions, job_id, holder, clock(), channels, error="Tệp không tạo được sau nhiều lần thử; vui lòng "
                                                                  "yêu cầu lại hoặc chọn kỳ ngắn hơn.")
        return job_id
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{job_id}-{secrets.token_hex(8)}.part"
    try:
        with sessions() as reading:
            # It only reads: on SQLite a deferred BEGIN, so its progress and every desk can write meanwhile (WAL).
            reading.connection(execution_options={READ_ONLY: True})
            job = reading.get(ExportJob, job_id)
            assert job is not None
            with partial.open("wb") as out:
                made = BUILDERS[Kind(job.kind)](reading, job, out, base_url=base_url, now=clock(),
                                                progress=_Progress(sessions, job_id, holder, clock), helpers=helpers)
            reading.commit()  # it only read (a rollback would also undo the progress in a test's shared transaction)
        size, digest = _measure(partial)
        stored = partial.with_suffix(Path(made.filename).suffix)
        os.replace(partial, stored)
    except Exception as error:  # noqa: BLE001 - the job records its failure; the scheduler goes on
        partial.unlink(missing_ok=True)
        if isinstance(error, ServiceError):  # refused when made: the requester's role changed, the period …
            message = error.message
        else:
            log.exception("export %s failed", job_id)
            message = FAILED
        _end(sessions, job_id, holder, clock(), channels, error=message)
        return job_id
    if not _end(sessions, job_id, holder, clock(), channels, made=made, stored=stored, size=size, digest=digest):
        stored.unlink(missing_ok=True)  # another scheduler took the job over meanwhile: its file counts
    return job_id


def _measure(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return path.stat().st_size, digest.hexdigest()


def _end(sessions: Sessions, job_id: int, holder: str, now: datetime, channels: tuple[outbox.Channel, ...], *,
         made: Made | None = None, stored: Path | None = None, size: int = 0, digest: str = "",
         error: str = "") -> bool:
    """Write the job's end, what it logs and the message to the requester, in one transaction."""
    with sessions() as session:
        values: dict[str, object] = {"finished_at": now, "heartbeat_at": now}
        if made is not None and stored is not None:
            values |= {"state": State.DONE.value, "stored_name": stored.name, "filename": made.filename,
                       "mimetype": made.mimetype, "size": size, "sha256": digest, "expires_at": now + KEEP,
                       "error": "", "step": ""}
        else:
            values |= {"state": State.FAILED.value, "error": error[:500], "step": ""}
        ended = session.execute(update(ExportJob).where(ExportJob.id == job_id, ExportJob.holder == holder[:100],
                                                        ExportJob.state == State.RUNNING.value)
                                .values(**values).execution_options(synchronize_session=False))
        if ended.rowcount != 1:
            session.rollback()
            return False
        job = session.get(ExportJob, job_id)
        assert job is not None
        session.refresh(job)
        if made is not None:
            made.record(session, job.requested_by, now)
            subject, body = (f"Tệp đã sẵn sàng: {job.label}",
                             f"{job.label}: đã tạo xong ({size_label(size)}), tải về trước "
                             f"{to_local(now + KEEP):%H:%M ngày %d/%m/%Y}.")
        else:
            subject, body = f"Không tạo được tệp: {job.label}", f"{job.label}: {error}"
        outbox.notify(session, unit_id=job.unit_id, user_id=job.requested_by_id, kind="export", subject=subject,
                      body=body, link=f"/xuat-file/{job.id}", now=now, dedupe=f"export:{job.id}:{job.attempts}",
                      channels=channels)
        session.commit()
    return True


def size_label(size: int) -> str:
    """“2,4 MB”, “812 KB”."""
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"


def purge_expired(session: Session, folder: Path, *, now: datetime) -> int:
    """Delete the files past their time and mark their jobs expired (the nightly retention run), and the
    half-written files of runs whose process died (a ``.part`` untouched for a day)."""
    jobs = session.scalars(select(ExportJob).where(ExportJob.state == State.DONE.value,
                                                   ExportJob.expires_at <= now)).all()
    for job in jobs:
        if job.stored_name:
            (folder / job.stored_name).unlink(missing_ok=True)
        job.state, job.stored_name = State.EXPIRED.value, ""
    if folder.is_dir():
        for partial in folder.glob("*.part"):
            if partial.stat().st_mtime < (now - timedelta(days=1)).timestamp():
                partial.unlink(missing_ok=True)
    return len(jobs)


# --- the builders: read only, write into ``out``, report progress ---------------------------------------------


Progress = Callable[[int, int, str], None]


def _iso_pack(session: Session, job: ExportJob, out: IO[bytes], *, base_url: str, now: datetime,
              progress: Progress, helpers: int) -> Made:
    actor, period = job.requested_by, parse_period(job.params["period"])
    unit, first, last = iso_pack.check(session, actor, job.unit_id, period, now=now)  # the role may have changed
    manifest = iso_pack.write(session, actor, unit, period, first, last, out,
                              base_url=job.params.get("base_url") or base_url, now=now,
                              progress=progress, helpers=helpers)
    return Made(iso_pack.filename(unit, period), "application/zip",
                lambda s, who, when: iso_pack.log_made(s, who, unit, period, manifest, now=when))


def _logbook(session: Session, job: ExportJob, out: IO[bytes], *, base_url: str, now: datetime,
             progress: Progress, helpers: int) -> Made:
    xlsx = job.kind == Kind.LOGBOOK_XLSX.value
    first, last = date.fromisoformat(job.params["first"]), date.fromisoformat(job.params["last"])
    unit = documents.check_logbook(session, job.requested_by, job.unit_id, first, last, xlsx=xlsx)
    progress(0, 1, "Sổ theo dõi hồ sơ (Mẫu 07)")
    out.write(documents.render_logbook(session, unit, first, last, now=now, xlsx=xlsx))
    progress(1, 1, "")
    return Made(documents.logbook_filename(unit, first, last) + (".xlsx" if xlsx else ".pdf"),
                documents.XLSX if xlsx else "application/pdf",
                lambda s, who, when: documents.record_logbook(s, who, unit, first, last, now=when, xlsx=xlsx))


BUILDERS: dict[Kind, Callable[..., Made]] = {
    Kind.ISO_PACK: _iso_pack,
    Kind.LOGBOOK_PDF: _logbook,
    Kind.LOGBOOK_XLSX: _logbook,
}
