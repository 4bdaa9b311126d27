"""The citizen's status page rendered once per version of its dossier, shared by every worker (issue 23).

A page is kept in ``status_page_cache`` with the versions of the dossier, its
procedure and its unit it was rendered from, and ``valid_until``: the next
instant at which time alone changes what it says (a step's or the dossier's
deadline passing, the result becoming collectable; a minute while it is
overdue, as the time past the deadline grows), and at most ``LONGEST`` after it
was rendered (a holiday the admin adds moves planned deadlines without a
version). A hit costs one indexed query joining the three rows by the token;
any change made through the application bumps a version, and the bulk changes
that do not (erasure of personal data, a reissued link, a rating) delete the
rows themselves through :func:`forget`. The ETag is the body's digest: a phone
that has the page asks with ``If-None-Match`` and gets a bodiless 304.

Only the plain page is kept (no query string: the "thank you for rating" banner,
a form with errors are rendered each time).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.domain.workflow import DossierStatus
from models import Dossier, Procedure, StatusPageCache, Unit

LONGEST = timedelta(minutes=10)
TICKING = timedelta(minutes=1)  # how long a page that counts the time past a deadline stays right


@dataclass(frozen=True)
class Cached:
    code: str
    etag: str
    body: str


def etag_of(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:40]


def lookup(session: Session, token: str, *, now: datetime) -> Cached | None:
    """The kept page of ``token``, if it still says what a fresh render would."""
    c = StatusPageCache
    row = session.execute(
        select(c.code, c.etag, c.body)
        .join(Dossier, (Dossier.id == c.dossier_id) & (Dossier.token == c.token)
              & (Dossier.version == c.dossier_version))
        .join(Procedure, (Procedure.id == Dossier.procedure_id) & (Procedure.version == c.procedure_version))
        .join(Unit, (Unit.id == Dossier.unit_id) & (Unit.version == c.unit_version))
        .where(c.token == token, c.valid_until > now)
    ).first()
    return Cached(row.code, row.etag, row.body) if row else None


def valid_until(status: DossierStatus, instants: Iterable[datetime | None], *, overdue: bool, now: datetime) -> datetime:
    """When time alone changes the page: the first of ``instants`` after ``now`` (deadlines shown, the hour the
    result can be collected), a minute while the time past a deadline is counted, ``LONGEST`` at the most."""
    ends = [now + LONGEST]
    ends += [instant for instant in instants if instant is not None and instant > now]
    if overdue or status is DossierStatus.DONE:
        ends.append(now + TICKING)
    return min(ends)


def store(session: Session, *, token: str, dossier_id: int, versions: tuple[int, int, int], code: str, body: str,
          now: datetime, until: datetime) -> str:
    """Keep a freshly rendered page (replacing the previous one); returns its ETag. The caller commits."""
    etag = etag_of(body)
    session.execute(delete(StatusPageCache).where(StatusPageCache.token == token))
    session.add(StatusPageCache(token=token, dossier_id=dossier_id, dossier_version=versions[0],
                                procedure_version=versions[1], unit_version=versions[2], code=code, etag=etag,
                                body=body, rendered_at=now, valid_until=until))
    session.flush()
    return etag


def forget(session: Session, dossier_ids: Iterable[int]) -> None:
    """Drop the kept pages of these dossiers (a change their versions do not show)."""
    ids = list(dossier_ids)
    for start in range(0, len(ids), 500):
        session.execute(delete(StatusPageCache).where(StatusPageCache.dossier_id.in_(ids[start:start + 500]))
                        .execution_options(synchronize_session=False))


def purge(session: Session, *, now: datetime) -> int:
    """Delete the copies no longer good (the nightly retention run): each holds a masked name."""
    return session.execute(delete(StatusPageCache).where(StatusPageCache.valid_until <= now)
                           .execution_options(synchronize_session=False)).rowcount or 0
