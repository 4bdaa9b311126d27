"""Configuration: defaults in code, then instance/config.py, then environment.

Explicit overrides passed to ``create_app`` (the tests) win over everything.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

ENVIRONMENTS = ("development", "production")
SECRET_FILE = "secret_key"
SQLITE_FILE = "motcua.sqlite3"
MAX_RENDER_HELPERS = 16

DEFAULTS: dict[str, Any] = {
    "MOTCUA_ENV": "development",
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    # A read replica (PostgreSQL standby) for the leadership reports; None: everything on DATABASE_URL.
    "REPLICA_DATABASE_URL": None,
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    # Cookies only over HTTPS: None means yes in production, no in development (plain http://localhost).
    "SESSION_COOKIE_SECURE": None,
    "REMEMBER_COOKIE_SECURE": None,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": timedelta(days=14),
    # A clerk may keep a form open through a long morning at the desk.
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # Public address of the service, printed in the QR codes (https://motcua.xa.gov.vn).
    # Default: the address the clerk's browser used, which may be a LAN name citizens cannot reach.
    "PUBLIC_BASE_URL": None,
    "LOG_LEVEL": "INFO",
    # Notifications (app.services.outbox, app.services.senders): e-mail only when an SMTP server is set.
    "MAIL_SERVER": None,
    "MAIL_PORT": 587,
    "MAIL_USE_TLS": True,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_FROM": "",
    "SMS_SENDER": "file",  # file (instance/outbox/sms.jsonl), log, off, or "package.module:Class"  # of the "motcua" loggers (each public lookup is one INFO line)
    # Behind nginx (or another reverse proxy): how many proxies set X-Forwarded-For/-Proto.
    # 0 = none; the client's address is then the socket's, which the rate limits count by.
    "PROXY_COUNT": 0,
    # The addresses those proxies connect from (comma-separated addresses or networks); X-Forwarded-* from
    # anywhere else is ignored.
    "TRUSTED_PROXIES": "127.0.0.1,::1",
    # Rate limits of the public status pages (``limits`` strings, per client IP or per code).
    "RATELIMIT_ENABLED": True,
    # Where the counters live: "database" (this app's database, shared by every worker and server),
    # "redis://host:6379/0" for a large site that runs Redis, "memory://" (one process only).
    "RATELIMIT_STORAGE_URI": "database",
    "PUBLIC_RATE_LIMIT": "60 per minute;600 per hour",
    "LOOKUP_MISS_LIMIT": "10 per 10 minutes;40 per day",
    # Wrong digits per dossier code, from any address: with 2 ID numbers a dossier at most, one day's
    # 10 guesses open it with odds of at most 10 × 2 / 10,000 = 0.2 % (docs/security.md).
    "LOOKUP_CODE_MISS_LIMIT": "3 per hour;10 per day",
    # Failed logins per client IP (a whole office may share one address behind its router).
    "LOGIN_FAILURE_LIMIT": "30 per 10 minutes;200 per day",
    # The provincial platform (docs/integration/README.md): its root URL (None: nothing is sent; the messages
    # wait in portal_message), the bearer token, and how long one delivery may take.
    "PORTAL_SYNC_URL": None,
    "PORTAL_SYNC_TOKEN": "",
    "PORTAL_SYNC_TIMEOUT": 10,
    # Processes that render the forms of a long export (an ISO pack's control slips) beside the scheduler;
    # None: one per CPU core, at most 2 (about 50 MB each). 0: the scheduler renders them itself.
    "RENDER_HELPERS": None,
}

# Environment variables read on top of instance/config.py.
ENV_KEYS = ("MOTCUA_ENV", "SECRET_KEY", "DATABASE_URL", "REPLICA_DATABASE_URL", "PUBLIC_BASE_URL", "RATELIMIT_STORAGE_URI", "LOG_LEVEL",
            "TRUSTED_PROXIES", "PORTAL_SYNC_URL", "PORTAL_SYNC_TOKEN",
            "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "SMS_SENDER", "RENDER_HELPERS")


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to set."""


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` and check it; raise ConfigError when it cannot work."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if overrides:
        app.config.from_mapping(overrides)

    env = app.config["MOTCUA_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"MOTCUA_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / SQLITE_FILE)
    if not app.config["SECRET_KEY"]:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. In production set the SECRET_KEY environment variable "
                "or SECRET_KEY in instance/config.py to a long random string "
                "(python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        app.config["SECRET_KEY"] = ensure_dev_secret(Path(app.instance_path))
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config[key] is None:
            app.config[key] = env == "production"
    helpers = app.config["RENDER_HELPERS"]
    if helpers is not None:
        if not str(helpers).strip().isdigit() or int(helpers) > MAX_RENDER_HELPERS:
            raise ConfigError(f"RENDER_HELPERS must be a number of processes from 0 to {MAX_RENDER_HELPERS} "
                              f"(or unset: one per CPU core, at most 2), not {helpers!r}")
        app.config["RENDER_HELPERS"] = int(helpers)


def ensure_dev_secret(instance_path: Path) -> str:
    """Read the development secret from the instance folder, creating it once."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / SECRET_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def render_helpers(config: Mapping[str, Any]) -> int:
    """How many helper processes render a long export's forms (``RENDER_HELPERS``)."""
    configured = config.get("RENDER_HELPERS")
    if configured is None:
        return min(2, os.cpu_count() or 1)
    return int(configured)
