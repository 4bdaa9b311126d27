"""Running totals the leadership reports read instead of scanning a province's rows (issue 23).

The database keeps them: triggers made by the migration that creates each table
add a row's contribution when it is inserted and take it away when it changes or
goes, whichever code (or bulk load) wrote it. ``app.services.reports`` reads whole
days from here and the rest of a period from the rows themselves, and the tests
hold the two ways to each other on both databases.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class HandoverTally(Base):
    """The handovers of one local day by unit, procedure version, step and giver, counted by step timeliness.

    Only handovers with a result (the giver's step judged trước hạn, đúng hạn or
    quá hạn) count. ``giver_user_id`` 0 stands for a handover with no named giver.
    """

    __tablename__ = "handover_tally"

    unit_id: Mapped[int] = mapped_column(primary_key=True)  # derived data: no foreign keys to check or to block a cleanup
    day: Mapped[date] = mapped_column(primary_key=True)  # the local (UTC+7) day of the handover
    procedure_id: Mapped[int] = mapped_column(primary_key=True)
    step_position: Mapped[int] = mapped_column(primary_key=True)
    giver_user_id: Mapped[int] = mapped_column(primary_key=True)
    early: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)
    late: Mapped[int] = mapped_column(default=0)


class DossierTally(Base):
    """Dossiers counted by the local months of their reception, finish and due date, and how they stand.

    Rows are deltas: a trigger adds +1 under a dossier's new key and −1 under its
    old one whenever a column the key (or the processing time) is made of changes,
    so writers never wait on each other's rows; the scheduler folds them into one
    row per key (``app.services.tallies``). The dashboard's figures and month trend
    read the sums.

    ``finished_month`` is NULL while the dossier is open. ``finish`` is how it
    finished (early, on_time, late) or "open"; ``due_kind`` says whether the due
    date decides ("due"), or the dossier counts late whatever (more than one
    supplement: "over") or waits for a supplement asked for in time ("paused").
    ``channel`` is "online" or "direct" (at the desk or by post), ``closed`` how it
    was closed ("done", "refused", "withdrawn", or "" while open), ``supplements``
    0, 1 or 2 for more than one. ``timed`` and ``minutes``: how many have their
    processing time (``work_minutes``) and its sum.
    """

    __tablename__ = "dossier_tally"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int]
    procedure_id: Mapped[int]
    received_month: Mapped[date]
    finished_month: Mapped[date | None]
    due_month: Mapped[date]
    finish: Mapped[str] = mapped_column(String(8))
    due_kind: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(8))
    closed: Mapped[str] = mapped_column(String(10))
    supplements: Mapped[int]
    n: Mapped[int]
    timed: Mapped[int]
    minutes: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_dossier_tally_unit", "unit_id", "finished_month", "received_month"),)
