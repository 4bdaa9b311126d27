"""Controls of docs/security.md not covered by their own files: headers, no inline script, nothing personal in logs.

(Authentication: test_auth.py; authorisation: test_route_walk.py; CSRF: test_csrf_walk.py.)
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from sqlalchemy import select

from models import Dossier
from tests.web.test_reception_pages import _form, _receive

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_page_sends_the_security_headers(app, client, world, login):
    login("a.admin")
    pages = [rule.rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/api/")]
    assert len(pages) > 25
    for page in pages + ["/dang-nhap", "/tra-cuu", "/khong-co-trang-nay"]:
        headers = client.get(page).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, page
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] in ("same-origin", "no-referrer"), page  # never the full address elsewhere
        assert headers["Cache-Control"] == "no-store", page  # staff pages show personal data: never cached


def test_pages_naming_a_row_and_exports_are_never_cached(client, world, login, rows):
    login("a.clerk")
    for page in (f"/ho-so/{rows['dossier_id']}", "/ho-so", f"/phieu/{rows['_non_reception']}"):
        response = client.get(page)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", page
    static = client.get("/static/css/app.css")
    assert static.headers.get("Cache-Control") != "no-store"  # files may be cached
    static.close()


def test_a_405_says_which_methods_are_allowed(client, world, login):
    login("a.clerk")
    for method, path in (("get", "/dang-xuat"), ("put", "/tra-cuu"), ("delete", "/api/v1/dossiers")):
        response = getattr(client, method)(path)
        assert response.status_code == 405, path
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert allowed and method.upper() not in allowed, (path, allowed)


def test_templates_hold_no_inline_script_or_event_handler():
    """The CSP forbids inline script; a template that needed it would silently break in the browser."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    checked = 0
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not inline_script.search(text), path
        assert not handler.search(text), path
        assert "javascript:" not in text.lower(), path
        checked += 1
    assert checked > 40


def test_nothing_personal_reaches_the_logs(client, world, login, db_session, caplog):
    """Receiving, printing, looking up and a failed login, with every logger at DEBUG."""
    caplog.set_level(logging.DEBUG)
    login("a.clerk")
    assert _receive(client, world.a.procedure).status_code == 302
    dossier = db_session.scalars(select(Dossier)).one()
    assert client.post(f"/ho-so/{dossier.id}/in/01", data={"paper": ""}).status_code == 200
    client.get(f"/tra-cuu/{dossier.token}")
    client.post("/tra-cuu", data={"code": dossier.code, "id_digits": "4567"})
    login("a.clerk", "Mat-khau-sai-ca-nhan")
    form = _form(world.a.procedure)
    logged = caplog.text
    assert caplog.records  # the lookups are logged …
    for secret in (form["applicant_name"], form["applicant_id_number"], form["applicant_phone"], "0912345678",
                   form["applicant_address"], dossier.token, "Mat-khau-sai-ca-nhan"):
        assert secret not in logged, secret  # … without who, or the link's secret


def test_no_address_the_app_makes_carries_personal_data(client, world, login, db_session):
    """Redirects and links name rows by id or code, never by a citizen's name or number."""
    login("a.clerk")
    response = _receive(client, world.a.procedure)
    form = _form(world.a.procedure)
    dossier = db_session.scalars(select(Dossier)).one()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    addresses = [response.headers["Location"], *re.findall(r'(?:href|action|src)="([^"]+)"', page)]
    for address in addresses:
        for secret in (form["applicant_name"], form["applicant_id_number"], "0912", "Nguy"):
            assert secret not in address, address
    assert any(str(dossier.id) in a for a in addresses)
