"""Finding dossiers and requests turned away by code fragment, name (with or without diacritics), phone or ID
number, through the term index of app.domain.search_terms: every lookup is an index range scan, whatever the
number of dossiers of the province.

The index is written with the row: ``index_dossier`` by reception, ``index_non_reception`` by the counter's
turn-away, ``reindex`` after the personal data is erased (only the code stays findable).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, delete, insert, literal, or_, select, tuple_
from sqlalchemy.orm import Session, selectinload

from app.domain.search_terms import Query, after_prefix, dossier_terms, parse_query
from models import Dossier, DossierSearchTerm, NonReception, NonReceptionSearchTerm

LIMIT = 100
PAGE = 50  # the dossier list's page: "Xem tiếp" continues after its last row (keyset, never a count)


@dataclass(frozen=True)
class Cursor:
    """Where a page of the newest-first list ended: its last dossier's reception instant and id."""

    received_at: datetime
    dossier_id: int

    def encode(self) -> str:
        return f"{self.received_at.astimezone(timezone.utc):%Y%m%dT%H%M%S%f}-{self.dossier_id}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        """The cursor a "Xem tiếp" link carries; None for anything else (the list starts again)."""
        try:
            instant, dossier_id = text.split("-", 1)
            return cls(datetime.strptime(instant, "%Y%m%dT%H%M%S%f").replace(tzinfo=timezone.utc), int(dossier_id))
        except ValueError:
            return None


def latest(session: Session, unit_ids: Sequence[int] | None, *, after: Cursor | None = None,
           text: str = "", limit: int = PAGE) -> tuple[list[Dossier], Cursor | None]:
    """One page of the dossiers of ``unit_ids`` (None: every unit), newest first, matching ``text`` if given,
    and the cursor of the next page (None on the last). An index range scan from the cursor: the same cost on
    the thousandth page of a province as on the first."""
    statement = select(Dossier)
    if unit_ids is not None:
        statement = statement.where(Dossier.unit_id.in_(unit_ids))
    query = parse_query(text)
    if not query.empty:
        phrase = _matching(query, DossierSearchTerm, DossierSearchTerm.dossier_id, unit_ids, phrase=True)
        if len(query.words) > 1 and session.scalar(select(phrase.exists())) is not True:
            phrase = _matching(query, DossierSearchTerm, DossierSearchTerm.dossier_id, unit_ids, phrase=False)
        statement = statement.where(Dossier.id.in_(phrase))
    if after is not None:
        statement = statement.where(tuple_(Dossier.received_at, Dossier.id) < tuple_(
            literal(after.received_at, Dossier.received_at.type), literal(after.dossier_id, Dossier.id.type)))
    rows = list(session.scalars(statement.order_by(Dossier.received_at.desc(), Dossier.id.desc()).limit(limit + 1)
                                .options(selectinload(Dossier.procedure))))
    following = Cursor(rows[limit - 1].received_at, rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], following


def _dossier_terms(dossier: Dossier) -> set[str]:
    return dossier_terms(dossier.code, (dossier.applicant_name, dossier.owner_name),
                         (dossier.applicant_phone, dossier.applicant_id_number, dossier.owner_id_number))


def _record_terms(record: NonReception) -> set[str]:
    return dossier_terms("", (record.applicant_name,), (record.applicant_phone, record.applicant_id_number))


def index_dossier(session: Session, dossier: Dossier) -> None:
    """Write ``dossier``'s terms (after it has an id), replacing any it had."""
    _write(session, DossierSearchTerm, "dossier_id", dossier, _dossier_terms(dossier))


def index_non_reception(session: Session, record: NonReception) -> None:
    """Write the terms of a request turned away, replacing any it had."""
    _write(session, NonReceptionSearchTerm, "non_reception_id", record, _record_terms(record))


def _write(session: Session, table, key: str, row: Dossier | NonReception, terms: set[str]) -> None:  # type: ignore[no-untyped-def]
    session.flush()
    session.execute(delete(table).where(getattr(table, key) == row.id))
    if terms:
        session.execute(insert(table), [{"term": term, key: row.id, "unit_id": row.unit_id} for term in sorted(terms)])


def reindex(session: Session, dossier_ids: Iterable[int] = (), record_ids: Iterable[int] = ()) -> None:
    """Rewrite the terms of these rows from what they hold now (after an erasure: the code only)."""
    for chunk in _chunks(list(dossier_ids)):
        for dossier in session.scalars(select(Dossier).where(Dossier.id.in_(chunk))
                                       .execution_options(populate_existing=True)):
            index_dossier(session, dossier)
    for chunk in _chunks(list(record_ids)):
        for record in session.scalars(select(NonReception).where(NonReception.id.in_(chunk))
                                      .execution_options(populate_existing=True)):
            index_non_reception(session, record)


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    return (ids[i:i + size] for i in range(0, len(ids), size))


def matching_dossier_ids(text: str, unit_ids: Sequence[int] | None):  # type: ignore[no-untyped-def]
    """A SELECT of the ids of the dossiers (of ``unit_ids``; None: every unit) matching ``text``; None when
    ``text`` holds nothing to look for. Every word and fragment must match; the words as one phrase first."""
    query = parse_query(text)
    if query.empty:
        return None
    return _matching(query, DossierSearchTerm, DossierSearchTerm.dossier_id, unit_ids, phrase=True)


def _matching(query: Query, table, column, unit_ids: Sequence[int] | None, *, phrase: bool):  # type: ignore[no-untyped-def]
    groups = [(w,) for w in ([query.phrase] if phrase and query.words else query.words)] + list(query.fragments)
    selects = []
    for group in groups:  # every group matches; within one, any of its prefixes
        condition = or_(*(and_(table.term >= prefix, table.term < after_prefix(prefix)) for prefix in group))
        if unit_ids is not None:
            condition = and_(table.unit_id.in_(unit_ids), condition)
        selects.append(select(column).where(condition))
    statement = selects[0]
    for other in selects[1:]:
        statement = statement.where(column.in_(other))
    return statement


def find(session: Session, text: str, unit_ids: Sequence[int] | None, *, limit: int = LIMIT
         ) -> tuple[list[Dossier], list[NonReception]]:
    """The latest dossiers and requests turned away matching ``text``, newest first."""
    if parse_query(text).empty:
        return [], []
    return latest(session, unit_ids, text=text, limit=limit)[0], turned_away(session, text, unit_ids)


def latest_turned_away(session: Session, unit_ids: Sequence[int] | None, *, limit: int = 20) -> list[NonReception]:
    """The latest requests turned away at the desks of ``unit_ids`` (None: every unit)."""
    statement = (select(NonReception).order_by(NonReception.at.desc(), NonReception.id.desc()).limit(limit)
                 .options(selectinload(NonReception.procedure)))
    if unit_ids is not None:
        statement = statement.where(NonReception.unit_id.in_(unit_ids))
    return list(session.scalars(statement))


def turned_away(session: Session, text: str, unit_ids: Sequence[int] | None, *, limit: int = 20
                ) -> list[NonReception]:
    """The latest requests turned away whose applicant matches ``text``: the words as a phrase, else apart."""
    query = parse_query(text)
    if query.empty:
        return []
    records: list[NonReception] = []
    for phrase in (True, False) if len(query.words) > 1 else (True,):
        ids = _matching(query, NonReceptionSearchTerm, NonReceptionSearchTerm.non_reception_id, unit_ids,
                        phrase=phrase)
        records = list(session.scalars(
            select(NonReception).where(NonReception.id.in_(ids))
            .order_by(NonReception.at.desc(), NonReception.id.desc()).limit(limit)
            .options(selectinload(NonReception.procedure))))
        if records:
            break
    return records
