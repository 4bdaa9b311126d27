"""Application factory: configuration, extensions, blueprints, errors, CLI.

Nothing here touches the database: queries at start-up would poison the
connection pools of pre-forked workers, and the schema is Alembic's job.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from app import db
from app.clock import SystemClock
from app.config import load_config
from app.extensions import csrf, login_manager
from app.web.public.throttle import Throttle

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides every other source."""
    config = dict(config or {})
    instance_path = Path(config.pop("INSTANCE_PATH", ROOT / "instance"))
    app = Flask(
        "app",
        instance_path=str(instance_path),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    load_config(app, config)
    _init_logging(app)
    app.extensions["motcua.clock"] = config.get("CLOCK") or SystemClock()

    db.init_app(app)
    _init_login(app)
    csrf.init_app(app)
    _init_proxy(app)
    app.extensions["motcua.throttle"] = Throttle(
        app.config["RATELIMIT_STORAGE_URI"], app.config, enabled=bool(app.config["RATELIMIT_ENABLED"]),
        sessions=lambda: db.new_session(app),
    )

    from app.web import register_web

    register_web(app)

    from app.cli import register_cli

    register_cli(app)
    return app


def _init_logging(app: Flask) -> None:
    """Our own records ("motcua.*": lookups, and later the audit) at LOG_LEVEL, to stderr unless
    logging is configured already (the WSGI server or journald collects stderr)."""
    logger = logging.getLogger("motcua")
    logger.setLevel(app.config["LOG_LEVEL"])
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)


def _init_proxy(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto/-Host from exactly PROXY_COUNT proxies in front of us, and only when the
    request comes from one of TRUSTED_PROXIES: a client reaching the app directly (gunicorn's port open by
    mistake) cannot name its own address and get a fresh rate-limit budget."""
    count = int(app.config["PROXY_COUNT"] or 0)
    if count:
        from app.web.proxies import TrustedProxies

        app.wsgi_app = TrustedProxies(app.wsgi_app, count, app.config["TRUSTED_PROXIES"])  # type: ignore[method-assign]


def _init_login(app: Flask) -> None:
    from app.db import get_session
    from app.services.users import load_session_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str):  # type: ignore[no-untyped-def]
        return load_session_user(get_session(), token)
