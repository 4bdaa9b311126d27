"""Authorisation of every route, found by walking the URL map (docs/security.md, "Authorisation").

For each route and method the app serves:

- an anonymous request is refused (the login page, or 401 for the API), unless the
  route is one of the few listed as public;
- a route naming a row (a dossier, a user, a procedure …) is asked for a row of
  commune a by every user of commune b: each gets 403 or 404. So that a 404 for a
  malformed address cannot pass for a refusal, the same request by commune a's own
  users must get through (a positive control);
- every page without a row in its address, asked by commune b's users for commune
  a (``?unit=``), shows nothing of commune a.

A route added later is walked too: it fails here until it is either protected or
listed as public on purpose.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from app.web.api.views import INTEGRATION_ENDPOINTS
from tests.web.url_map import PUBLIC, ROW_ARGUMENTS, path_arguments, routes, url_of

REFUSED = (403, 404)


def _request(client, method, url, token=None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(url, method=method, data={}, headers=headers)


def _as(client, login, username):  # type: ignore[no-untyped-def]
    if username is None:
        client.post("/dang-xuat")
    else:
        assert login(username).status_code == 302


def test_every_route_refuses_an_anonymous_user_unless_it_is_public(app, client, world, rows):
    walked = set()
    for rule, method in routes(app):
        walked.add(rule.endpoint)
        if rule.endpoint in PUBLIC:
            continue
        response = _request(client, method, url_of(rule, rows))
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, (method, rule.rule)
        else:
            assert response.status_code == 302 and response.headers["Location"].startswith("/dang-nhap"), \
                (method, rule.rule, response.status_code)
    assert PUBLIC <= walked  # the list names real routes
    assert len(walked) >= 60


def test_a_user_of_another_unit_is_refused_every_row_of_commune_a(app, client, world, login, rows):
    others = ("b.clerk", "b.officer", "b.leader", "b.admin")
    owners = ("a.clerk", "a.officer", "a.leader", "a.admin")
    checked = []
    for rule, method in routes(app):
        if rule.endpoint in PUBLIC or not path_arguments(rule) & ROW_ARGUMENTS:
            continue  # e.g. /xu-ly/<slug>: the user's own queue; /iso/danh-muc/<name>/moi: a new entry
        url = url_of(rule, rows)
        if rule.rule.startswith("/api/"):
            platform = rule.endpoint in INTEGRATION_ENDPOINTS  # the provincial platform's token, limited to units
            response = _request(client, method, url, token=rows["_b_platform" if platform else "_b_token"])
            assert response.status_code in REFUSED, (method, url, response.status_code)
            assert _request(client, method, url, token=rows["_a_platform" if platform else "_a_token"]
                            ).status_code not in REFUSED, (method, url)
            checked.append((method, rule.rule))
            continue
        for username in others:
            _as(client, login, username)
            response = _request(client, method, url)
            assert response.status_code in REFUSED, (username, method, url, response.status_code)
        let_in = []
        for username in owners:
            _as(client, login, username)
            if _request(client, method, url).status_code not in REFUSED:
                let_in.append(username)
                break
        assert let_in, f"no user of commune a may {method} {url}: the walk is not testing the unit check"
        checked.append((method, rule.rule))
    assert len(checked) >= 30


def test_pages_asked_for_another_units_data_show_none_of_it(app, client, world, login, rows):
    a_names = (world.a.unit.governing_body_name, world.a.unit.code)
    for username in ("b.clerk", "b.officer", "b.leader", "b.admin"):
        _as(client, login, username)
        for rule, method in routes(app):
            if method != "GET" or path_arguments(rule) & ROW_ARGUMENTS or rule.endpoint in PUBLIC or rule.rule.startswith("/api/"):
                continue
            response = client.get(f"{rule.rule}?unit={world.a.unit.id}&unit_id={world.a.unit.id}")
            if response.status_code == 200 and response.mimetype == "text/html":
                page = response.get_data(as_text=True)
                assert not any(name in page for name in a_names), (username, rule.rule)
            else:
                assert response.status_code in (302, 400, *REFUSED), (username, rule.rule, response.status_code)



class _VisibleText(HTMLParser):
    """The text a reader sees: no tags, scripts or styles; attributes a screen reader speaks included."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not self._hidden:
            self.parts.append(data)


# Python's and the code's own words where Vietnamese should be: "True", "None", "Loại: form", "received".
RAW = re.compile(r"\b(True|False|None|null|undefined)\b|(?<![\w/.-])(form|procedure|record|plan|manual|"
                 r"supplement_requested|in_progress|tax_code|cccd|passport|hand_over|request_supplement)(?![\w/.-])")


def test_no_page_shows_a_raw_value(app, client, world, login, rows):
    seen = 0
    for username in ("a.clerk", "a.officer", "a.leader", "a.admin", "tinh.inspector"):
        _as(client, login, username)
        for rule, method in routes(app):
            if method != "GET" or rule.rule.startswith("/api/") or rule.endpoint in PUBLIC:
                continue
            response = client.get(url_of(rule, rows))
            if response.status_code != 200 or not response.mimetype == "text/html":
                continue
            parser = _VisibleText()
            parser.feed(response.get_data(as_text=True))
            found = RAW.search(" ".join(parser.parts))
            assert found is None, (username, rule.rule, found.group(0))
            seen += 1
    assert seen >= 80
