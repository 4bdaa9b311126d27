"""The JSON API: bearer tokens, unit separation, actions with version checks, answers that match the OpenAPI document."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from sqlalchemy import func, select

from app.services import api_tokens
from models import DossierEvent
from tests.integration.test_processing import vn
from tests.web.test_processing_pages import received


@pytest.fixture
def tokens(db_session, world):
    def make(user):
        return {"Authorization": f"Bearer {api_tokens.create_token(db_session, user, user.id, 'Thử', now=vn(1, 11, 9))[1]}"}
    return make


def conforms(client, payload, schema_name):
    document = client.get("/api/v1/openapi.json").get_json()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    errors = list(Draft202012Validator(schema).iter_errors(payload))
    assert errors == [], errors[0].message if errors else ""


def test_the_openapi_document_is_valid_and_describes_every_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    described = {("/api/v1" + path.replace("{", "<").replace("}", ">"), method.upper())
                 for path, item in document["paths"].items() for method in item}
    routes = {(rule.rule, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              and rule.endpoint != "api.openapi" for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == described


def test_no_token_or_a_bad_one_is_401_in_json(client, world, tokens):
    for headers in ({}, {"Authorization": "Bearer mc_nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/dossiers", headers=headers)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "khoá API" in response.get_json()["error"]["message"]


def test_a_revoked_token_stops_working(client, db_session, world):
    row, token = api_tokens.create_token(db_session, world.a.clerk, world.a.clerk.id, "Kiosk", now=vn(1, 11, 9))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 200
    api_tokens.revoke_token(db_session, world.a.clerk, row.id, now=vn(2, 11, 9))
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 401
    assert token not in str(row.token_hash)


def test_tokens_pass_the_checks_of_a_web_login_on_every_request(client, db_session, world, login):
    """A deactivated user or unit: every token (and every login cookie) stops at once; back when reactivated."""
    from app.services import users

    clerk = world.a.clerk
    headers = {"Authorization": f"Bearer {api_tokens.create_token(db_session, clerk, clerk.id, 'Kiosk', now=vn(1, 11, 9))[1]}"}
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 200
    clerk.is_active = False
    db_session.flush()
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 401
    clerk.is_active = True
    world.a.unit.is_active = False
    db_session.flush()
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 401
    assert not users.can_sign_in(clerk)
    web = client.application.test_client()
    world.a.unit.is_active = True
    db_session.flush()
    assert web.post("/dang-nhap", data={"username": "a.clerk", "password": "Mat-khau-2026"}).status_code == 302
    world.a.unit.is_active = False
    db_session.flush()
    assert web.get("/").status_code in (302, 401)  # the login cookie of a deactivated unit is refused too
    world.a.unit.is_active = True
    db_session.flush()
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 200


def test_an_admins_new_password_ends_the_accounts_tokens_the_users_own_change_does_not(client, db_session, world):
    from sqlalchemy import select as sql_select

    from app.services import users
    from models import AuditEntry
    from tests.conftest import NOW

    clerk = world.a.clerk
    _, first = api_tokens.create_token(db_session, clerk, clerk.id, "Cổng tỉnh", now=vn(1, 11, 9))
    _, second = api_tokens.create_token(db_session, clerk, clerk.id, "Kiosk", now=vn(1, 11, 9))
    users.change_own_password(db_session, clerk, current="Mat-khau-2026", new="Mat-khau-moi-2026", now=NOW)
    for token in (first, second):
        assert client.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    data = users.UserInput(username=clerk.username, full_name=clerk.full_name, unit_id=clerk.unit_id,
                           roles=clerk.roles, password="Mat-khau-dat-lai-9")
    users.update_user(db_session, world.a.admin, clerk.id, data, expected_version=clerk.version, now=NOW)
    for token in (first, second):
        assert client.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    revoked = db_session.scalars(sql_select(AuditEntry).where(AuditEntry.action == "api_token.revoke")).all()
    assert [(e.actor_id, e.detail["reason"]) for e in revoked] == [(world.a.admin.id, "password_reset")] * 2


def test_read_hand_over_supplement_and_return_through_the_api(client, world, login, db_session, clock, tokens):
    dossier = received(client, world, login, db_session, clock)
    clerk, officer, leader = tokens(world.a.clerk), tokens(world.a.officer), tokens(world.a.leader)
    url = f"/api/v1/dossiers/{dossier.code}"
    body = client.get(url, headers=clerk).get_json()
    conforms(client, body, "Dossier")
    assert body["status"]["national_code"] == 2 and body["allowed_actions"][0] == "hand_over"
    listed = client.get("/api/v1/dossiers?queue=mine", headers=clerk).get_json()
    conforms(client, listed, "QueuePage")
    assert [item["code"] for item in listed["items"]] == [dossier.code]

    version = body["version"]
    taken = client.post(f"{url}/actions/hand_over", json={"version": version}, headers=officer)
    assert taken.status_code == 200 and taken.get_json()["step"]["holder_user_id"] == world.a.officer.id
    again = client.post(f"{url}/actions/hand_over", json={"version": version}, headers=officer)
    assert again.status_code == 409 and "vừa được cập nhật" in again.get_json()["error"]["message"]

    version = taken.get_json()["version"]
    refused = client.post(f"{url}/actions/request_supplement", json={"version": version, "missing": ["Tờ khai"]},
                          headers=officer)
    assert refused.status_code == 400 and refused.get_json()["error"]["fields"] == {"reason": "Vui lòng ghi rõ lý do."}
    paused = client.post(f"{url}/actions/request_supplement",
                         json={"version": version, "missing": ["Tờ khai có chữ ký"], "reason": "Thiếu chữ ký"},
                         headers=officer).get_json()
    assert paused["status"]["national_code"] == 5 and paused["supplement_count"] == 1
    resumed = client.post(f"{url}/actions/receive_supplement", json={"version": paused["version"]}, headers=clerk)
    version = resumed.get_json()["version"]
    version = client.post(f"{url}/actions/hand_over", json={"version": version}, headers=officer).get_json()["version"]
    done = client.post(f"{url}/actions/finish", json={"version": version}, headers=leader).get_json()
    returned = client.post(f"{url}/actions/return_result",
                           json={"version": done["version"], "return_method": "desk"}, headers=clerk)
    assert returned.status_code == 200
    final = returned.get_json()
    conforms(client, final, "Dossier")
    assert final["status"]["national_code"] == 10 and len(final["handovers"]) == 4
    assert [e["action"] for e in final["events"]] == [
        "receive", "hand_over", "request_supplement", "receive_supplement", "hand_over", "finish", "return_result"]


def test_bad_requests_are_clear_4xx_and_write_nothing(client, world, login, db_session, clock, tokens):
    dossier = received(client, world, login, db_session, clock)
    clerk = tokens(world.a.clerk)
    url = f"/api/v1/dossiers/{dossier.code}/actions"
    cases = [
        (f"{url}/hand_over", {}, 400),  # no version
        (f"{url}/hand_over", {"version": "1"}, 400),
        (f"{url}/hand_over", [1, 2], 400),
        (f"{url}/reschedule", {"version": 1, "reason": "x", "new_due_at": "mai"}, 400),
        (f"{url}/return_result", {"version": 1, "return_method": "bay"}, 400),
        (f"{url}/fly", {"version": 1}, 404),
        ("/api/v1/dossiers/KHONG-CO/actions/hand_over", {"version": 1}, 404),
        ("/api/v1/dossiers?queue=everything", None, 400),
    ]
    for path, body, status in cases:
        response = client.post(path, json=body, headers=clerk) if body is not None else client.get(path, headers=clerk)
        assert response.status_code == status, (path, body, response.get_data(as_text=True))
        assert response.is_json and response.get_json()["error"]["message"]
    assert db_session.scalar(select(func.count(DossierEvent.id))) == 1
    other_unit = tokens(world.b.clerk)
    assert client.get(f"/api/v1/dossiers/{dossier.code}", headers=other_unit).status_code == 404
    assert client.get("/api/v1/nothing-here", headers=clerk).get_json()["error"]["status"] == 404


def test_a_user_makes_and_revokes_a_token_on_the_account_page(client, world, login, db_session):
    login("a.officer")
    page = client.post("/tai-khoan/khoa-api", data={"name": "Kiosk tra cứu"}).get_data(as_text=True)
    token = page.split('id="new-token">')[1].split("<")[0]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 200
    listed = client.get("/tai-khoan/khoa-api").get_data(as_text=True)
    assert token not in listed and token[:8] in listed and "Kiosk tra cứu" in listed
    assert client.post("/tai-khoan/khoa-api", data={"name": ""}).status_code == 400
    from models import ApiToken
    row = db_session.scalars(select(ApiToken)).one()
    login("a.clerk")
    assert client.post(f"/tai-khoan/khoa-api/{row.id}/thu-hoi").status_code == 403  # not theirs
    login("a.officer")
    client.post(f"/tai-khoan/khoa-api/{row.id}/thu-hoi")
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 401


def test_the_platform_hands_over_online_dossiers_with_an_integration_token_only(client, db_session, world, tokens):
    from tests.integration.test_online_dossiers import filing

    _, text = api_tokens.create_integration_token(db_session, "Cổng DVC tỉnh", unit_id=world.province.id,
                                                  now=vn(1, 11, 9))
    platform = {"Authorization": f"Bearer {text}"}
    document = filing(world)
    first = client.post("/api/v1/online-dossiers", json=document, headers=platform)
    assert first.status_code == 201, first.get_json()
    conforms(client, first.get_json(), "HoSoTrucTuyenDaNhan")
    assert first.get_json()["TrangThai"] == "waiting" and first.get_json()["MaHoSoMotCua"] is None
    again = client.post("/api/v1/online-dossiers", json=document, headers=platform)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert client.get(f"/api/v1/online-dossiers/{document['MaHoSo']}", headers=platform).get_json() == first.get_json()
    # A staff token cannot hand dossiers over; the platform's token cannot read the desk's dossiers.
    assert client.post("/api/v1/online-dossiers", json=document, headers=tokens(world.a.clerk)).status_code == 401
    assert client.get("/api/v1/dossiers", headers=platform).status_code == 401
    # Bad input: 400 naming the portal's field, in Vietnamese; unknown unit 404; unknown procedure 409.
    bad = client.post("/api/v1/online-dossiers", json={**document, "NgayNopHoSo": "hôm qua"}, headers=platform)
    assert bad.status_code == 400 and bad.get_json()["error"]["fields"] == {"NgayNopHoSo": "Không đúng định dạng."}
    unknown = client.post("/api/v1/online-dossiers", json={**document, "MaDonVi": "000.99.99.H99"}, headers=platform)
    assert unknown.status_code == 404 and "MaDonVi" in unknown.get_json()["error"]["fields"]
    other = client.post("/api/v1/online-dossiers", json={**document, "MaHoSo": "X-0001", "MaTTHC": "2.000001"},
                        headers=platform)
    assert other.status_code == 409 and "MaTTHC" in other.get_json()["error"]["fields"]
    assert client.post("/api/v1/online-dossiers", data="[1]", headers={**platform, "Content-Type": "application/json"}
                       ).status_code == 400
