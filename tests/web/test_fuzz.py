"""Fuzzing: random bad input to every form, every page's query string and every API operation.

10,000 generated requests in all (``FUZZ_EXAMPLES`` to change it), drawn by
Hypothesis with a fixed seed (the same inputs on every run, so a failure can
be replayed):

- forms: every POST route of the URL map and every GET page, logged in as
  each role of commune a; the fields are those of the page's forms (found by
  reading the pages), filled with hostile text, out-of-range numbers,
  impossible dates, control characters, very long strings, repeated keys,
  valid choices mixed with invalid ones, and keys no form has;
- the API: every operation of the OpenAPI document, with random path and
  query values and random JSON (or non-JSON) bodies, by bearer token;
- the public pages (citizen lookup, status, rating, login) without a session.

Every answer must be below 500. A request that is refused (4xx) must write
nothing: the statements sent to the database are watched, and when a refused
request sent any INSERT, UPDATE or DELETE, the content of every table is
compared with what it was before (a failed login may only add its audit entry
and count the failure on the account; an API token notes when it was last used).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from app.domain.workflow import Action
from app.services.backup import fingerprint
from app.web.api.openapi import document
from tests.web.url_map import routes, url_of

TOTAL = int(os.environ.get("FUZZ_EXAMPLES", "10000"))
SHARES = {"forms": 0.6, "api": 0.25, "public": 0.15}
# The writes a refused request may make, per endpoint: a failed login is audited and counted on the
# account; an API token's "last used" time is kept (at most once every 5 minutes) whatever the answer.
ALLOWED_WRITES = {"auth.login": {"audit_entry", "login_guard"}, "api": {"api_token"}}
# Counting a refused request against its budget is the point of the budgets (shared in the database).
COUNTED = {"rate_counter"}
# Routes that end the session or are not forms: fuzzing them would only log the fuzzer out.
SKIPPED = {"auth.logout", "static"}

HOSTILE = [
    "", " ", "0", "-1", "1.5", "1e309", "NaN", "99999999999999999999999", "-2147483649", "0x1F", "٣",
    "31/02/2026", "2026-02-30", "2026-13-45", "0000-00-00", "9999-12-31", "24:00", "25:61", "7h30", "07:30-05:00",
    "null", "None", "true", "[]", "{}", "' OR '1'='1", "1; DROP TABLE dossier; --", "<script>alert(1)</script>",
    "\"><img src=x>", "{{7*7}}", "${7*7}", "../../etc/passwd", "%00", "%s%s%n", "\\", "\u202eabc", "\ufeff",
    "\x00", "\x07\x08", "\r\n\r\n", "\t", "😀" * 30, "Ｎｇｕｙễｎ", "a" * 300, "1" * 13, "0" * 12,
    "Nguyễn Văn Bình", "001203004567", "0912345678", "a@", "@b.vn", "A5", "A4", "A3", "cccd", "hand_over",
]
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(str),
)


class _Forms(HTMLParser):
    """The forms of a page: (method, action, {field name: values seen})."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path, self.forms, self._current = page_path, [], None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            action = urlsplit(values.get("action") or self.page_path).path
            self._current = ((values.get("method") or "get").upper(), action, {})
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "select", "textarea", "button") and values.get("name"):
            seen = self._current[2].setdefault(values["name"], set())
            if values.get("value") is not None:
                seen.add(values["value"])
            self._last = values["name"]
        elif self._current is not None and tag == "option" and getattr(self, "_last", None):
            self._current[2].setdefault(self._last, set()).add(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _fields(strategy_values: dict[str, set[str]]) -> st.SearchStrategy:
    """Some of the form's fields (a seen value or a hostile one, sometimes twice), and sometimes a stray key."""
    optional = {name: st.lists(st.one_of(st.sampled_from(sorted(seen)), TEXT) if seen else TEXT,
                               min_size=1, max_size=2)
                for name, seen in strategy_values.items() if name != "csrf_token"}
    return st.tuples(st.fixed_dictionaries({}, optional=optional),
                     st.dictionaries(st.text(min_size=1, max_size=12), st.lists(TEXT, max_size=1), max_size=2))


def _as_pairs(drawn) -> MultiDict:  # type: ignore[no-untyped-def]
    known, stray = drawn
    return MultiDict([(name, value) for name, values in {**stray, **known}.items() for value in values])


class WriteWatch:
    """Whether a request sent INSERT, UPDATE or DELETE to the database."""

    def __init__(self, connection) -> None:  # type: ignore[no-untyped-def]
        self.writes = 0
        event.listen(connection, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", statement, re.IGNORECASE):
            self.writes += 1


class Referee:
    """Asserts each answer: never 5xx; a refused request leaves every table as it was."""

    def __init__(self, connection) -> None:  # type: ignore[no-untyped-def]
        self.connection, self.watch = connection, WriteWatch(connection)
        self.state = fingerprint(connection)
        self.statuses: Counter[int] = Counter()
        self.sent = 0

    def check(self, endpoint: str, send):  # type: ignore[no-untyped-def]
        writes_before = self.watch.writes
        response = send()
        response.close()  # a streamed file (the ISO pack) releases its temporary file
        self.sent += 1
        self.statuses[response.status_code] += 1
        assert response.status_code < 500, (endpoint, response.status_code, response.get_data(as_text=True)[:500])
        if self.watch.writes == writes_before:
            return response
        state = fingerprint(self.connection)
        if 400 <= response.status_code < 500:
            changed = {name for name in state if state[name] != self.state.get(name)}
            assert changed - COUNTED <= ALLOWED_WRITES.get(endpoint, set()), (endpoint, response.status_code, changed)
        self.state = state
        return response


def _settings(share: str):  # type: ignore[no-untyped-def]
    return settings(max_examples=max(1, round(TOTAL * SHARES[share])), deadline=None, database=None,
                    derandomize=True, phases=[Phase.generate], print_blob=True,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def targets(app, client, world, rows):
    """Each route once per method, with its address and the fields its page's forms post."""
    users = [world.a.admin, world.a.leader, world.a.officer, world.a.clerk]
    form_fields: dict[tuple[str, str], dict[str, set[str]]] = {}
    pages = []
    for rule, method in routes(app):
        if rule.endpoint in SKIPPED:
            continue
        url = url_of(rule, rows)
        pages.append((rule.endpoint, method, url))
        if method == "GET" and not rule.endpoint.startswith("api."):
            for user in users:
                _log_in(client, user)
                page = client.get(url)
                if page.mimetype != "text/html":
                    continue
                parser = _Forms(urlsplit(url).path)
                parser.feed(page.get_data(as_text=True))
                for form_method, action, fields in parser.forms:
                    known = form_fields.setdefault((form_method, action), {})
                    for name, seen in fields.items():
                        known.setdefault(name, set()).update(seen)
    return pages, form_fields, users


def _log_in(client, user) -> None:  # type: ignore[no-untyped-def]
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True


def test_forms_and_pages_survive_random_bad_input(client, connection, targets):
    pages, form_fields, users = targets
    web = [(endpoint, method, url) for endpoint, method, url in pages
           if not endpoint.startswith(("api.", "public.")) and endpoint != "auth.login"]
    known = {(method, url): form_fields.get((method, urlsplit(url).path), {}) for _, method, url in web}
    strategies = {(method, url): _fields(known[method, url]) for _, method, url in web}
    assert sum(1 for _, method, _ in web if method == "POST") >= 30
    assert sum(1 for (method, _), fields in known.items() if method == "POST" and fields) >= 30  # forms found
    referee = Referee(connection)

    @_settings("forms")
    @given(st.data())
    def run(data):  # type: ignore[no-untyped-def]
        endpoint, method, url = data.draw(st.sampled_from(web), label="route")
        _log_in(client, data.draw(st.sampled_from(users), label="user"))
        pairs = _as_pairs(data.draw(strategies[method, url], label="fields"))
        if method == "GET":
            referee.check(endpoint, lambda: client.get(url, query_string=pairs))
        else:
            referee.check(endpoint, lambda: client.post(url, data=pairs))

    run()
    assert referee.sent >= SHARES["forms"] * TOTAL * 0.99
    print(f"\nfuzz forms: {referee.sent} requests, answers {dict(sorted(referee.statuses.items()))}")
    assert sum(n for status, n in referee.statuses.items() if 400 <= status < 500) > referee.sent * 0.2


def _api_operations():  # type: ignore[no-untyped-def]
    spec = document("http://localhost/api/v1")
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post"):
                continue
            parameters = {p["name"]: p for p in operation.get("parameters", [])}
            body = (operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                    .get("schema", {}))
            if "$ref" in body:
                body = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
            yield path, method.upper(), parameters, sorted(body.get("properties", {}))


JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
                          lambda children: st.lists(children, max_size=3)
                          | st.dictionaries(st.text(max_size=8), children, max_size=3), max_leaves=8)


def test_the_api_survives_random_bad_input(client, connection, rows, world):
    operations = list(_api_operations())
    assert len(operations) >= 3
    referee = Referee(connection)
    _log_in(client, None)
    tokens = [rows["_a_token"], rows["_b_token"], "mc_" + "x" * 40, ""]

    @_settings("api")
    @given(st.data())
    def run(data):  # type: ignore[no-untyped-def]
        path, method, parameters, properties = data.draw(st.sampled_from(operations), label="operation")
        url = "/api/v1" + path
        for name, parameter in parameters.items():
            if parameter["in"] != "path":
                continue
            known = [rows["code"]] if name == "code" else [a.value for a in Action]
            value = data.draw(st.one_of(st.sampled_from(known), TEXT.filter(lambda t: t.strip("/") != "")), label=name)
            url = url.replace("{" + name + "}", quote(value, safe=""))
        query = data.draw(st.dictionaries(st.sampled_from(sorted(n for n, p in parameters.items()
                                                                  if p["in"] == "query") or ["q"]),
                                          TEXT, max_size=4), label="query")
        headers = {"Authorization": f"Bearer {data.draw(st.sampled_from(tokens), label='token')}"}
        if method == "GET":
            referee.check("api", lambda: client.get(url, query_string=query, headers=headers))
            return
        body = data.draw(st.one_of(
            st.fixed_dictionaries({}, optional={name: JSON_VALUE for name in properties}).map(json.dumps),
            JSON_VALUE.map(json.dumps), TEXT), label="body")
        content_type = data.draw(st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]))
        referee.check("api", lambda: client.post(url, data=body.encode("utf-8", "surrogatepass"),
                                                 query_string=query, headers=headers, content_type=content_type))

    run()
    assert referee.sent >= SHARES["api"] * TOTAL * 0.99
    print(f"\nfuzz api: {referee.sent} requests, answers {dict(sorted(referee.statuses.items()))}")


def test_the_public_pages_survive_random_bad_input(client, connection, targets):
    pages, form_fields, _ = targets
    public = [(endpoint, method, url) for endpoint, method, url in pages
              if endpoint.startswith("public.") or endpoint == "auth.login"]
    strategies = {(method, url): _fields(form_fields.get((method, urlsplit(url).path), {})
                                         or {"ma": set(), "so": set(), "username": set(), "password": set()})
                  for _, method, url in public}
    assert {endpoint for endpoint, *_ in public} >= {"public.lookup", "public.status", "public.rate", "auth.login"}
    referee = Referee(connection)
    _log_in(client, None)
    token_paths = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet="abcdefABCDEF0123456789-_", min_size=40,
                                                              max_size=46))

    @_settings("public")
    @given(st.data())
    def run(data):  # type: ignore[no-untyped-def]
        endpoint, method, url = data.draw(st.sampled_from(public), label="route")
        fields = strategies[method, url]
        if "x" * 43 in url and data.draw(st.booleans(), label="other token"):
            url = url.replace("x" * 43, data.draw(token_paths, label="token").replace("/", "").replace("?", "")
                              .replace("#", "") or "x")
        pairs = _as_pairs(data.draw(fields, label="fields"))
        if method == "GET":
            referee.check(endpoint, lambda: client.get(url, query_string=pairs,
                                                       environ_base={"REMOTE_ADDR": "10.9.8.7"}))
        else:
            referee.check(endpoint, lambda: client.post(url, data=pairs, environ_base={"REMOTE_ADDR": "10.9.8.7"}))

    run()
    assert referee.sent >= SHARES["public"] * TOTAL * 0.99
    print(f"\nfuzz public: {referee.sent} requests, answers {dict(sorted(referee.statuses.items()))}")
