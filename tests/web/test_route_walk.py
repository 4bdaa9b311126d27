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
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain.localtime import VN_TZ
from app.domain.workflow import Channel, NonReceptionKind
from app.domain.registers import Register
from app.services import api_tokens, calendar, reception, registers
from app.services.sweep import run_sweep
from models import Department, DossierNotice, ExpectedDelay, Nonconformity
from tests.builders import make_department
from tests.integration.test_reception import reception_input

# Routes anyone may use without logging in (the citizen's QR pages, the login page, static files).
PUBLIC = {"static", "public.robots", "public.lookup", "public.status", "public.rate", "auth.login", "api.openapi"}
METHODS = ("GET", "POST")
REFUSED = (403, 404)
# Arguments naming a row that belongs to a unit.
ROW_ARGUMENTS = {"dossier_id", "record_id", "entry_id", "override_id", "token_id", "department_id", "unit_id",
                 "user_id", "procedure_id", "notice_id", "code"}


@pytest.fixture
def rows(db_session, world):
    """One row of commune a for each kind of row an address can name."""
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id),
                                        now=datetime(2026, 11, 2, 9, tzinfo=VN_TZ))
    run_sweep(db_session, now=datetime(2026, 11, 10, 9, tzinfo=VN_TZ))  # overdue: a nonconformity
    nonconformity = db_session.scalars(select(Nonconformity).where(Nonconformity.unit_id == a.unit.id)).first()
    turned_away = reception.turn_away(db_session, a.clerk, NonReceptionKind.INCOMPLETE, reception.NonReceptionInput(
        procedure_id=a.procedure.id,
        applicant=reception.ApplicantInput(name="Trần Thị Cúc", id_kind=reception_input(1).applicant.id_kind,
                                           id_number="001203004568"),
        reason="Thiếu giấy tờ.", missing=("Bản sao giấy khai sinh",), channel=Channel.DIRECT),
        now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    entry = registers.save_entry(db_session, a.admin, Register.INTERNAL, a.unit.id, registers.EntryInput(
        code="QT-01", title="Quy trình tiếp nhận", edition="01", issued_on=date(2026, 1, 5), approver="Chủ tịch"))
    override = calendar.add_override(db_session, a.admin, a.unit.id, day=date(2026, 12, 26), working=True,
                                     reason="Làm bù", now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    token_row, a_token = api_tokens.create_token(db_session, a.clerk, a.clerk.id, "Máy tiếp nhận",
                                                 now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    _, b_token = api_tokens.create_token(db_session, world.b.leader, world.b.leader.id, "Máy lãnh đạo",
                                         now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    department = db_session.scalar(select(Department).where(Department.unit_id == a.unit.id)) \
        or make_department(db_session, unit=a.unit)
    notice = DossierNotice(unit_id=a.unit.id, dossier_id=dossier.id, form="02", number=1, year=2026,
                           at=dossier.received_at, by_id=a.officer.id, reason="Thiếu", missing="Tờ khai")
    db_session.add(notice)
    db_session.add(ExpectedDelay(unit_id=a.unit.id, dossier_id=dossier.id, marked_at=dossier.received_at,
                                 marked_by_id=a.officer.id, reason="Chờ xác minh", proposed_due_at=dossier.due_at,
                                 drafted_at=dossier.received_at))
    db_session.flush()
    return {
        "dossier_id": dossier.id, "code": dossier.code, "record_id": None, "entry_id": entry.id,
        "override_id": override.id, "token_id": token_row.id, "department_id": department.id,
        "unit_id": a.unit.id, "user_id": a.clerk.id, "procedure_id": a.procedure.id, "notice_id": notice.id,
        "name": Register.INTERNAL.value, "form_code": "01", "action": "hand_over", "step": "analyse",
        "slug": "cua-toi", "fmt": "pdf", "_nonconformity": nonconformity.id, "_non_reception": turned_away.id,
        "_a_token": a_token, "_b_token": b_token,
    }


def _path_arguments(rule) -> set[str]:  # type: ignore[no-untyped-def]
    """The variables of the rule's path (``rule.arguments`` also holds the defaults' keys)."""
    return set(re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule.rule))


def _routes(app):  # type: ignore[no-untyped-def]
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (("xoa" in r.rule or "thu-hoi" in r.rule), r.rule)):
        for method in METHODS:
            if method in rule.methods:
                yield rule, method


def _url(rule, rows) -> str:  # type: ignore[no-untyped-def]
    values = {}
    for argument in _path_arguments(rule):
        if argument == "record_id":
            values[argument] = rows["_non_reception"] if rule.rule.startswith("/phieu") else rows["_nonconformity"]
        elif argument == "name" and rule.endpoint == "reports.export":
            values[argument] = "bieu-06"
        elif argument == "filename":
            values[argument] = "css/app.css"
        elif argument == "token":
            values[argument] = "x" * 43
        else:
            values[argument] = rows[argument]
    return rule.build(values, append_unknown=False)[1]


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
    for rule, method in _routes(app):
        walked.add(rule.endpoint)
        if rule.endpoint in PUBLIC:
            continue
        response = _request(client, method, _url(rule, rows))
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
    for rule, method in _routes(app):
        if rule.endpoint in PUBLIC or not _path_arguments(rule) & ROW_ARGUMENTS:
            continue  # e.g. /xu-ly/<slug>: the user's own queue; /iso/danh-muc/<name>/moi: a new entry
        url = _url(rule, rows)
        if rule.rule.startswith("/api/"):
            response = _request(client, method, url, token=rows["_b_token"])
            assert response.status_code in REFUSED, (method, url, response.status_code)
            assert _request(client, method, url, token=rows["_a_token"]).status_code not in REFUSED, (method, url)
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
        for rule, method in _routes(app):
            if method != "GET" or _path_arguments(rule) & ROW_ARGUMENTS or rule.endpoint in PUBLIC or rule.rule.startswith("/api/"):
                continue
            response = client.get(f"{rule.rule}?unit={world.a.unit.id}&unit_id={world.a.unit.id}")
            if response.status_code == 200 and response.mimetype == "text/html":
                page = response.get_data(as_text=True)
                assert not any(name in page for name in a_names), (username, rule.rule)
            else:
                assert response.status_code in (302, 400, *REFUSED), (username, rule.rule, response.status_code)

