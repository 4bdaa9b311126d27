"""The citizen's status pages kept as rendered, for every worker and server (issue 23).

A crowd scanning QR codes asks for the same few thousand pages again and again; each one's rendering costs
four queries and a template. A page is kept, once rendered, in ``status_page_cache`` with the dossier's token
and version, and served as it is while:

- the dossier still has that token (a reissued link finds nothing, as before) and that version (every change
  made to it through the application moves its version; erasing its personal data forgets its page);
- its ``valid_until`` has not come: the first instant at which the page would read differently with nothing
  done (``app.domain.citizen.page_changes_at``), and at most a day after it was made (a unit's details and
  calendar: changing them forgets the unit's pages at once).

The page with the rating form (returned, not rated yet) is never kept: the citizen's rating changes it
without changing the dossier. Keeping is best effort, in a transaction of its own after the request's read:
a busy database makes the next view render again, never a wrong page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.services.rows import read_only
from models import Dossier, StatusPageCache

if TYPE_CHECKING:  # app.services.citizen needs the calendars, whose changes forget pages here
    from app.services.citizen import DossierPage


@dataclass(frozen=True)
class KeptPage:
    body: str
    etag: str
    code: str


_KEPT = (
    select(StatusPageCache.body, StatusPageCache.etag, StatusPageCache.code)
    .join(Dossier, and_(Dossier.token == StatusPageCache.token, Dossier.version == StatusPageCache.version))
    .where(StatusPageCache.token == bindparam("token"), StatusPageCache.valid_until > bindparam("now"))
)


def kept(session: Session, token: str, *, now: datetime) -> KeptPage | None:
    """The page kept for ``token``, if it still says what a new one would."""
    row = read_only(session).execute(_KEPT, {"token": token, "now": now}).first()
    return KeptPage(row.body, row.etag, row.code) if row is not None else None


def can_keep(page: DossierPage) -> bool:
    return not page.can_rate and page.changes_at is not None and page.dossier_id > 0


def keep(session: Session, token: str, page: DossierPage, body: str, etag: str, *, now: datetime) -> bool:
    """Keep ``body`` as the page of ``token`` (after ending the session's read); False when the database was
    too busy to take it now."""
    if not can_keep(page):
        return False
    session.rollback()  # the request only read: its snapshot ends, the write is a short transaction of its own
    values = {"token": token, "dossier_id": page.dossier_id, "unit_id": page.unit_id, "version": page.version,
              "code": page.code, "etag": etag, "body": body, "made_at": now, "valid_until": page.changes_at}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(StatusPageCache).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[StatusPageCache.token], set_={k: statement.excluded[k] for k in values if k != "token"})
    try:
        session.execute(statement)
        session.commit()
    except OperationalError:  # locked by a desk's write for longer than the wait: not worth more
        session.rollback()
        return False
    return True


def forget_dossiers(session: Session, dossier_ids: list[int]) -> None:
    """In the caller's transaction: the kept pages of these dossiers go (their personal data was erased)."""
    if dossier_ids:
        session.execute(delete(StatusPageCache).where(StatusPageCache.dossier_id.in_(dossier_ids))
                        .execution_options(synchronize_session=False))


def forget_unit(session: Session, unit_id: int) -> None:
    """In the caller's transaction: the kept pages of a unit go (its details or calendar changed)."""
    session.execute(delete(StatusPageCache).where(StatusPageCache.unit_id == unit_id)
                    .execution_options(synchronize_session=False))
