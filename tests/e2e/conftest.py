"""A live server on a temporary SQLite file with the demo data, and a headless Chromium.

Chromium comes from Debian (``/usr/bin/chromium``; override with CHROMIUM_PATH).
Outside CI the browser tests are skipped when it is missing; in CI they fail.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from alembic import command
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from app import create_app
from app.cli.db import alembic_config
from app.services.demo import load_demo
from models.engine import make_engine
from tests.conftest import NOW

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def live_server(live_site):
    """Base URL of the app served on 127.0.0.1, migrated and loaded with the demo data."""
    return live_site[0]


@pytest.fixture(scope="module")
def live_app(live_site):
    """The served application (to run what its scheduler would, on the same database and instance folder)."""
    return live_site[1]


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    """(base URL, application) of the app served on 127.0.0.1, migrated and loaded with the demo data."""
    folder = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'e2e.sqlite3'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    with Session(engine) as session:
        load_demo(session, now=NOW)
        session.commit()
    engine.dispose()
    app = create_app({"SECRET_KEY": "e2e", "DATABASE_URL": url, "INSTANCE_PATH": str(folder)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["motcua.engine"].dispose()


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs Debian's chromium package.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
