"""One SQLAlchemy session per request (or CLI command), closed at teardown.

Views commit once per use case (house rule 4); anything not committed is
rolled back when the session closes.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from models.engine import make_engine

_FACTORY_KEY = "motcua.session_factory"


def init_app(app: Flask) -> None:
    """Create the engine (no connection yet) and the session factory."""
    factory = app.config.get("DB_SESSION_FACTORY")
    if factory is None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["motcua.engine"] = engine
        factory = sessionmaker(bind=engine, expire_on_commit=False)
    app.extensions[_FACTORY_KEY] = factory
    app.teardown_appcontext(_close_session)


def get_session() -> Session:
    """The session of the current request or command."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[_FACTORY_KEY]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def ping() -> None:
    """Ask the database something trivial; raises the driver's error when it cannot answer."""
    get_session().execute(text("SELECT 1"))
