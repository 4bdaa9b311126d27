"""One SQLAlchemy session per request (or CLI command), closed at teardown.

Views commit once per use case (house rule 4); anything not committed is
rolled back when the session closes.

With ``REPLICA_DATABASE_URL`` (a PostgreSQL standby), ``get_read_session``
gives the leadership reports a session on the replica, so that a province's
statistics do not load the primary the desks write to. Without it, it is the
request's ordinary session.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from models.engine import make_engine

_FACTORY_KEY = "motcua.session_factory"
_REPLICA_KEY = "motcua.replica_session_factory"


def init_app(app: Flask) -> None:
    """Create the engine (no connection yet) and the session factory."""
    factory = app.config.get("DB_SESSION_FACTORY")
    if factory is None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["motcua.engine"] = engine
        factory = sessionmaker(bind=engine, expire_on_commit=False)
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


def get_read_session() -> Session:
    """A session for reading only: on the replica when one is configured (it may lag by seconds)."""
    factory = current_app.extensions.get(_REPLICA_KEY)
    if factory is None:
        return get_session()
    if "db_read_session" not in g:
        g.db_read_session = factory()
    return g.db_read_session


def _close_session(_exc: BaseException | None) -> None:
    for key in ("db_session", "db_read_session"):
        session = g.pop(key, None)
        if session is not None:
            session.close()


def ping() -> None:
    """Ask the database something trivial; raises the driver's error when it cannot answer."""
    get_session().execute(text("SELECT 1"))
