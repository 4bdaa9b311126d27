"""The running totals of ``models.tally``: folding the dossier tally's deltas.

The database's triggers keep the tallies current (see the migrations that create
them); the dossier tally grows by a row or two each time a dossier's key changes,
and this folds each key's rows into one, so reading it stays a few rows per
commune and month. Totals never change by folding; a run interrupted part-way
leaves them exact as well.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models import DossierTally

KEY = ("unit_id", "procedure_id", "received_month", "finished_month", "due_month", "finish", "due_kind", "channel",
       "closed", "supplements")
_SAME_KEY = " AND ".join(
    f"other.{c} IS NOT DISTINCT FROM t.{c}" if c == "finished_month" else f"other.{c} = t.{c}" for c in KEY)
_HAS_ANOTHER = f"EXISTS (SELECT 1 FROM dossier_tally other WHERE other.id <= :top AND other.id <> t.id AND {_SAME_KEY})"
_KEY_LIST = ", ".join(KEY)

# PostgreSQL: one statement, so the rows deleted are exactly the rows added up (one snapshot).
_FOLD_POSTGRESQL = f"""
    WITH gone AS (DELETE FROM dossier_tally t WHERE t.id <= :top AND {_HAS_ANOTHER}
                  RETURNING {_KEY_LIST}, n, timed, minutes)
    INSERT INTO dossier_tally ({_KEY_LIST}, n, timed, minutes)
    SELECT {_KEY_LIST}, sum(n), sum(timed), sum(minutes) FROM gone GROUP BY {_KEY_LIST} HAVING sum(n) <> 0
"""
# SQLite: the first write takes the database's write lock, so the rows up to :top cannot change in between.
_FOLD_SQLITE = [
    f"""INSERT INTO dossier_tally ({_KEY_LIST}, n, timed, minutes)
        SELECT {_KEY_LIST}, sum(n), sum(timed), sum(minutes) FROM dossier_tally t WHERE t.id <= :top AND {_HAS_ANOTHER.replace(
            'IS NOT DISTINCT FROM', 'IS')}
        GROUP BY {_KEY_LIST} HAVING sum(n) <> 0""",
    f"DELETE FROM dossier_tally AS t WHERE t.id <= :top AND {_HAS_ANOTHER.replace('IS NOT DISTINCT FROM', 'IS')}",
]


def fold(session: Session) -> int:
    """Fold the dossier tally's rows of each key into one (dropping keys that add up to no dossier: their
    processing times add up to nothing too); returns how many rows there were before minus after. The caller
    commits."""
    top = session.scalar(select(func.max(DossierTally.id)))
    if top is None:
        return 0
    before = session.scalar(select(func.count()).select_from(DossierTally))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(_FOLD_POSTGRESQL), {"top": top})
    else:
        for statement in _FOLD_SQLITE:
            session.execute(text(statement), {"top": top})
    return int(before) - int(session.scalar(select(func.count()).select_from(DossierTally)))
