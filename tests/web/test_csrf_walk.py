"""CSRF on every form: each POST route refuses a logged-in browser's request without the form's token.

Walks the URL map (with CSRF protection on, as in production) as commune a's
admin, leader, officer and clerk: every POST answers 400 with the Vietnamese
"reload the page" message, and no table gains, loses or changes a row. The API
(bearer tokens, never cookies) and the citizen's pages (no session; the secret in
the address is the key) are exempt by design, see docs/security.md.
"""

from __future__ import annotations

import pytest

from app import create_app
from app.services.backup import fingerprint
from tests.conftest import _session_on
from tests.web.url_map import routes, url_of

EXEMPT_PREFIXES = ("api.", "public.")


@pytest.fixture
def protected_client(connection, clock, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True, "CLOCK": clock,
                      "DB_SESSION_FACTORY": lambda: _session_on(connection),
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    return app, app.test_client()


def test_every_post_without_the_csrf_token_is_refused_and_writes_nothing(protected_client, world, rows, db_session):
    app, client = protected_client
    before = fingerprint(db_session.connection())
    walked = 0
    for user in (world.a.admin, world.a.leader, world.a.officer, world.a.clerk):
        with client.session_transaction() as session:  # logged in without posting the login form
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        for rule, method in routes(app):
            if method != "POST" or rule.endpoint.startswith(EXEMPT_PREFIXES):
                continue
            response = client.post(url_of(rule, rows), data={"version": "1", "reason": "x"})
            assert response.status_code == 400, (user.username, rule.rule, response.status_code)
            assert "Phiên làm việc của biểu mẫu đã hết hạn" in response.get_data(as_text=True)
            walked += 1
    assert walked >= 4 * 30
    assert fingerprint(db_session.connection()) == before


def test_the_login_form_itself_needs_the_token(protected_client, world):
    _, client = protected_client
    response = client.post("/dang-nhap", data={"username": "a.clerk", "password": "x"})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session
