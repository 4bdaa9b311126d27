"""One SQLAlchemy session per request (or CLI command), closed at teardown.

Views commit once per use case (house rule 4); anything not committed is
rolled back when the session closes.

With ``REPLICA_DATABASE_URL`` (a PostgreSQL standby), ``get_read_session``
gives the leadership reports a session on the replica, so that a province's
statistics do not load the primary the desks write to. Without it, it is the
request's ordinary session.

A streamed response outlives its request: teardown closes the request's
session before (or while) the body is sent. Its body therefore reads through
``streamed``, in short sessions of its own, a batch at a time, each closed
before the batch is sent; none outlives the stream, however it ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TypeVar

from flask import Flask, current_app, g
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from models.engine import READ_ONLY, make_engine

T = TypeVar("T")
PORTAL_SYNC = "portal_sync"  # Session.info key: write the platform's messages (app.services.portal_sync)

_FACTORY_KEY = "motcua.session_factory"
_REPLICA_KEY = "motcua.replica_session_factory"


def init_app(app: Flask) -> None:
    """Create the engine (no connection yet) and the session factory."""
    factory = app.config.get("DB_SESSION_FACTORY")
    if factory is None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["motcua.engine"] = engine
        # Sessions know whether the provincial platform is configured: only then do events write its messages.
        factory = sessionmaker(bind=engine, expire_on_commit=False,
                               info={PORTAL_SYNC: bool(app.config.get("PORTAL_SYNC_URL"))})
    app.extensions[_FACTORY_KEY] = factory
    replica = app.config.get("REPLICA_SESSION_FACTORY")
    if replica is None and app.config.get("REPLICA_DATABASE_URL"):
        engine = make_engine(app.config["REPLICA_DATABASE_URL"])
        app.extensions["motcua.replica_engine"] = engine
        replica = sessionmaker(bind=engine, expire_on_commit=False)
    app.extensions[_REPLICA_KEY] = replica
    app.teardown_appcontext(_close_session)


def get_session() -> Session:
    """The session of the current request or command."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[_FACTORY_KEY]()
    return g.db_session


def new_session(app: Flask) -> Session:
    """A session of its own, outside any request's (the caller commits and closes it)."""
    return app.extensions[_FACTORY_KEY]()


def get_read_session() -> Session:
    """A session for reading only: on the replica when one is configured (it may lag by seconds)."""
    factory = current_app.extensions.get(_REPLICA_KEY)
    if factory is None:
        return get_session()
    if "db_read_session" not in g:
        g.db_read_session = factory()
    return g.db_read_session


Reader = Callable[[], AbstractContextManager[Session]]


def streamed(produce: Callable[[Reader], Iterable[T]], *, replica: bool = False) -> Iterator[T]:
    """The items of ``produce(reader)``, for the body of a streamed response.

    ``reader()`` opens a short read-only session as a context manager: a
    producer reads a batch in it, leaves it, then yields the batch, so that a
    slow client holds no connection between batches (and, on SQLite, never
    the write lock). Whatever happens (the last item sent, the client gone:
    the server closes the iterator; an error), every session it opened is
    closed. ``replica``: read the standby when one is configured.
    """
    extensions = current_app.extensions
    factory = (extensions.get(_REPLICA_KEY) if replica else None) or extensions[_FACTORY_KEY]
    open_sessions: list[Session] = []

    @contextmanager
    def reader() -> Iterator[Session]:
        session = factory()
        open_sessions.append(session)
        try:
            session.connection(execution_options={READ_ONLY: True})
            yield session
        finally:
            open_sessions.remove(session)
            session.close()

    def items() -> Iterator[T]:
        try:
            yield from produce(reader)
        finally:
            for session in list(open_sessions):  # a producer that yielded inside ``reader()``
                session.close()

    return items()


def _close_session(_exc: BaseException | None) -> None:
    for key in ("db_session", "db_read_session"):
        session = g.pop(key, None)
        if session is not None:
            session.close()


def ping() -> None:
    """Ask the database something trivial; raises the driver's error when it cannot answer."""
    get_session().execute(text("SELECT 1"))
