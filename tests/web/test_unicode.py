"""Text is Unicode NFC at every boundary; control and direction-reversing characters are refused (issue 20, item 5).

Vietnamese typed with Unikey's "Unicode tổ hợp" (or copied from some PDFs)
arrives decomposed: "Bình" as B, i, combining grave, n, h. It must be stored,
printed, redacted and looked up like the precomposed text everybody else types.
"""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from app.services import api_tokens
from models import Dossier, DossierEvent, Unit, User
from tests.integration.test_processing import vn
from tests.pdfcheck import pdf_text
from tests.web.test_processing_pages import received
from tests.web.test_reception_pages import _receive

NAME = "Nguyễn Văn Bình"
ADDRESS = "Thôn Trung Hoà, xã An Bình"
NFD_NAME, NFD_ADDRESS = unicodedata.normalize("NFD", NAME), unicodedata.normalize("NFD", ADDRESS)


def test_decomposed_text_from_a_form_is_stored_and_printed_precomposed(client, world, login, db_session):
    assert NFD_NAME != NAME and len(NFD_NAME) > len(NAME)
    login("a.clerk")
    response = _receive(client, world.a.procedure, applicant_name=NFD_NAME, applicant_address=NFD_ADDRESS)
    assert response.status_code == 302
    dossier = db_session.scalars(select(Dossier)).one()
    assert (dossier.applicant_name, dossier.applicant_address) == (NAME, ADDRESS)
    receipt = pdf_text(client.post(f"/ho-so/{dossier.id}/in/01", data={"paper": ""}).get_data())[0]
    assert NAME in receipt
    # The desk's search finds it whichever way the clerk types the name.
    for typed in (NAME, NFD_NAME):
        assert dossier.code in client.get("/ho-so", query_string={"q": typed}).get_data(as_text=True)


def test_decomposed_text_through_the_api_is_stored_precomposed(client, world, login, db_session, clock):
    dossier = received(client, world, login, db_session, clock)
    token = api_tokens.create_token(db_session, world.a.clerk, world.a.clerk.id, "Thử", now=vn(1, 11, 9))[1]
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/api/v1/dossiers/{dossier.code}", headers=headers).get_json()
    reason = unicodedata.normalize("NFD", "Chuyển cho công chức Tư pháp - Hộ tịch")
    moved = client.post(f"/api/v1/dossiers/{dossier.code}/actions/hand_over",
                        json={"version": body["version"], "reason": reason}, headers=headers)
    assert moved.status_code == 200
    event = db_session.scalars(select(DossierEvent).where(DossierEvent.action == "hand_over")).one()
    assert event.reason == "Chuyển cho công chức Tư pháp - Hộ tịch"


@pytest.mark.parametrize("payload", ['{"version": 1, "reason": "a\\u0000b"}', '{"version": 1, "reason": "\\u0007"}',
                                     '{"version": 1, "missing": ["x\\u001bY"]}', '{"ve\\u0001rsion": 1}'])
def test_control_characters_in_json_are_refused_as_in_forms(client, world, login, db_session, clock, payload):
    dossier = received(client, world, login, db_session, clock)
    token = api_tokens.create_token(db_session, world.a.clerk, world.a.clerk.id, "Thử", now=vn(1, 11, 9))[1]
    before = db_session.scalar(select(Dossier.version).where(Dossier.id == dossier.id))
    response = client.post(f"/api/v1/dossiers/{dossier.code}/actions/hand_over", data=payload,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "ký tự điều khiển" in response.get_json()["error"]["message"]
    assert db_session.scalar(select(Dossier.version).where(Dossier.id == dossier.id)) == before


@pytest.mark.parametrize("depth", [33, 5000, 200_000])
def test_deeply_nested_json_is_a_400_not_a_500(client, world, login, db_session, clock, depth):
    dossier = received(client, world, login, db_session, clock)
    token = api_tokens.create_token(db_session, world.a.clerk, world.a.clerk.id, "Thử", now=vn(1, 11, 9))[1]
    response = client.post(f"/api/v1/dossiers/{dossier.code}/actions/hand_over", data="[" * depth + "]" * depth,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert response.status_code == 400 and response.is_json


@pytest.mark.parametrize("field", ["applicant_name", "applicant_address"])
@pytest.mark.parametrize("mark", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f"])
def test_direction_reversing_characters_are_refused_in_names_and_addresses(client, world, login, db_session,
                                                                          field, mark):
    login("a.clerk")
    response = _receive(client, world.a.procedure, **{field: f"Nguyễn {mark}hnìB"})
    assert response.status_code == 400
    assert "đảo chiều văn bản" in response.get_data(as_text=True)
    assert db_session.scalars(select(Dossier)).all() == []


def test_the_command_line_stores_precomposed_text(app, db_session):
    result = app.test_cli_runner().invoke(args=[
        "create-admin", "--unit-code", "000.00.99.H01", "--governing-body", unicodedata.normalize("NFD", "ỦY BAN NHÂN DÂN TỈNH HOÀ AN"),
        "--unit-name", "VĂN PHÒNG", "--place", unicodedata.normalize("NFD", "Hoà An"), "--username", "quantri.moi",
        "--full-name", NFD_NAME, "--password", "Mat-khau-rat-dai-2026"])
    assert result.exit_code == 0, result.output
    assert db_session.scalar(select(User.full_name).where(User.username == "quantri.moi")) == NAME
    assert db_session.scalar(select(Unit.place_name).where(Unit.code == "000.00.99.H01")) == "Hoà An"
