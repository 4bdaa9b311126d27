"""Running totals the leadership reports read instead of scanning a province's rows (issue 23).

The database keeps them: triggers made by the migration that creates each table
add a row's contribution when it is inserted and take it away when it changes or
goes, whichever code (or bulk load) wrote it. ``app.services.reports`` reads whole
days from here and the rest of a period from the rows themselves, and the tests
hold the two ways to each other on both databases.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class HandoverTally(Base):
    """The handovers of one local day by unit, procedure version, step and giver, counted by step timeliness.

    Only handovers with a result (the giver's step judged trước hạn, đúng hạn or
    quá hạn) count. ``giver_user_id`` 0 stands for a handover with no named giver.
    """

    __tablename__ = "handover_tally"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)  # the local (UTC+7) day of the handover
    procedure_id: Mapped[int] = mapped_column(primary_key=True)
    step_position: Mapped[int] = mapped_column(primary_key=True)
    giver_user_id: Mapped[int] = mapped_column(primary_key=True)
    early: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)
    late: Mapped[int] = mapped_column(default=0)
