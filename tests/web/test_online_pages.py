"""The desk's queue of dossiers filed online (issue 21, §2): accept, supplement, refuse, in a browser's requests."""

from __future__ import annotations

import re

import pytest

from app.domain.online import OnlineState
from app.services import api_tokens, online_dossiers
from models import Dossier
from tests.integration.test_online_dossiers import filing
from tests.integration.test_processing import vn


@pytest.fixture
def handed(db_session, world, clock):  # type: ignore[no-untyped-def]
    token, _ = api_tokens.create_integration_token(db_session, "Cổng", unit_id=None, now=vn(27, 11, 8))
    row = online_dossiers.hand_over(db_session, token, filing(world), now=vn(27, 11, 16)).online  # Friday 16:00
    db_session.flush()
    clock.at = vn(30, 11, 9)  # Monday 09:00
    return row


def _version(page: str, prefix: str) -> str:
    return re.search(rf'name="{prefix}-version" type="hidden" value="(\d+)"', page).group(1)


def test_the_queue_shows_the_wait_in_working_hours_and_accepting_receives_now(client, login, handed, db_session):
    login("a.clerk")
    queue = client.get("/truc-tuyen").get_data(as_text=True)
    assert "G22.99-261125-0042" in queue and "3 giờ" in queue and "Chờ tiếp nhận (1)" in queue
    page = client.get(f"/truc-tuyen/{handed.id}").get_data(as_text=True)
    assert "Giấy khai sinh" in page and "tái sử dụng từ kho dữ liệu" in page and "đã xác thực VNeID" in page
    response = client.post(f"/truc-tuyen/{handed.id}", data={"decision": "accept",
                                                             "accept-version": _version(page, "accept")})
    assert response.status_code == 302
    db_session.refresh(handed)
    dossier = db_session.get(Dossier, handed.dossier_id)
    assert response.headers["Location"].endswith(f"/ho-so/{dossier.id}?printed=new")
    assert dossier.received_at == vn(30, 11, 9) and dossier.portal_code == handed.portal_code
    again = client.post(f"/truc-tuyen/{handed.id}", data={"decision": "accept",
                                                          "accept-version": _version(page, "accept")})
    assert again.status_code in (400, 409) and db_session.query(Dossier).count() == 1


def test_a_supplement_needs_its_list_and_is_sent_back(client, login, handed, db_session):
    login("a.clerk")
    page = client.get(f"/truc-tuyen/{handed.id}").get_data(as_text=True)
    version = _version(page, "supplement")
    empty = client.post(f"/truc-tuyen/{handed.id}", data={"decision": "supplement", "supplement-version": version,
                                                          "supplement-missing": "  ", "supplement-reason": ""})
    assert empty.status_code == 400 and "Vui lòng ghi các giấy tờ" in empty.get_data(as_text=True)
    assert handed.state is OnlineState.WAITING
    sent = client.post(f"/truc-tuyen/{handed.id}", data={"decision": "supplement", "supplement-version": version,
                                                         "supplement-missing": "Giấy chứng sinh",
                                                         "supplement-reason": "Thiếu giấy chứng sinh."})
    assert sent.status_code == 302 and "/phieu/" in sent.headers["Location"]
    db_session.refresh(handed)
    assert handed.state is OnlineState.SUPPLEMENT
    assert "Chờ công dân bổ sung" in client.get("/truc-tuyen?tab=bo-sung").get_data(as_text=True)


def test_a_refusal_needs_its_reason_and_only_the_units_clerks_decide(client, login, handed, db_session):
    login("b.clerk")
    assert client.get(f"/truc-tuyen/{handed.id}").status_code == 404
    login("a.officer")
    assert client.get("/truc-tuyen").status_code == 403
    login("a.clerk")
    page = client.get(f"/truc-tuyen/{handed.id}").get_data(as_text=True)
    refused = client.post(f"/truc-tuyen/{handed.id}", data={"decision": "refuse", "refuse-version": _version(page, "refuse"),
                                                            "refuse-reason": ""})
    assert refused.status_code == 400 and "Vui lòng nhập thông tin này" in refused.get_data(as_text=True)
    done = client.post(f"/truc-tuyen/{handed.id}", data={"decision": "refuse", "refuse-version": _version(page, "refuse"),
                                                         "refuse-reason": "Không thuộc thẩm quyền."})
    assert done.status_code == 302
    db_session.refresh(handed)
    assert handed.state is OnlineState.REFUSED
