"""Background jobs run once per tick, whatever the number of schedulers sharing the database.

``claim`` is called first thing in a job's transaction. It updates the job's
row of ``job_lease`` only if the row's tick is older than this tick:

- the UPDATE takes the row's lock (PostgreSQL) or the database's write lock
  (SQLite, ``BEGIN IMMEDIATE``) until the job's transaction ends, so two runs
  of a job never overlap;
- a second scheduler firing the same tick waits for the first to commit,
  then finds the tick taken and skips;
- a run that crashes rolls back: the tick is free again and the next run
  (or the other scheduler) does the work. Nothing is half done.

A run by hand (``flask sweep``) claims the current instant as its tick.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import JobLease


def holder_name() -> str:
    """Who runs the job: host and process, for the lease row and the run record."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(session: Session, name: str, tick: datetime, *, holder: str | None = None, force: bool = False) -> bool:
    """Whether this run owns ``tick`` of job ``name`` (and holds the job's lock until the transaction ends).

    ``force`` runs even if the tick was taken (a re-run by hand of the same
    instant): the lock still serialises it with any other run.
    """
    holder = holder or holder_name()
    _ensure_row(session, name)
    statement = update(JobLease).where(JobLease.name == name)
    if not force:
        statement = statement.where(or_(JobLease.tick.is_(None), JobLease.tick < tick))
    result = session.execute(
        statement.values(tick=tick, holder=holder, started_at=tick, runs=JobLease.runs + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _ensure_row(session: Session, name: str) -> None:
    if session.scalar(select(JobLease.name).where(JobLease.name == name)) is not None:
        return
    try:
        with session.begin_nested():
            session.execute(insert(JobLease).values(name=name, holder="", runs=0))
    except IntegrityError:
        pass  # another scheduler created it first


def last_tick(session: Session, name: str) -> datetime | None:
    return session.scalar(select(JobLease.tick).where(JobLease.name == name))
