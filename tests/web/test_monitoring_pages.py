"""The "Sắp đến hạn" list, the expected-delay form on the dossier page, and the notifications, through HTTP."""

from datetime import datetime

from sqlalchemy import select

from app.domain.localtime import VN_TZ
from app.domain.workflow import Action
from app.services import reception
from app.services.sweep import run_sweep
from models import ExpectedDelay
from tests.conftest import NOW
from tests.integration.test_processing import act
from tests.integration.test_reception import reception_input


def received(db_session, world):
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id),
                                        now=datetime(2026, 11, 19, 9, tzinfo=VN_TZ))
    act(db_session, a.clerk, dossier, Action.HAND_OVER, datetime(2026, 11, 19, 10, tzinfo=VN_TZ),
        to_user_id=a.officer.id)
    return dossier  # due Wed 25/11 09:00: on Tue 24/11 (a holiday) 1.5 working hours are left


def test_due_soon_list_mark_and_notifications(client, login, db_session, world):
    dossier = received(db_session, world)
    other = reception.receive_dossier(db_session, world.b.clerk, reception_input(world.b.procedure.id),
                                      now=datetime(2026, 11, 19, 9, tzinfo=VN_TZ))
    login("a.officer")
    page = client.get("/sap-den-han")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert dossier.code in html and other.code not in html and "1 giờ 30 phút" in html

    response = client.post(f"/ho-so/{dossier.id}/du-kien-tre-han",
                           data={"reason": "Chờ ý kiến Công an xã", "proposed_due_on": "2026-11-30"})
    assert response.status_code == 302
    delay = db_session.scalars(select(ExpectedDelay)).one()
    assert delay.proposed_due_at == datetime(2026, 11, 30, 17, 30, tzinfo=VN_TZ)
    # Bad input: 400, the page again with the Vietnamese message and what was typed; nothing saved.
    bad = client.post(f"/ho-so/{dossier.id}/du-kien-tre-han",
                      data={"reason": "Lý do mới chưa lưu", "proposed_due_on": "hôm qua"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Ngày không hợp lệ" in html and "Lý do mới chưa lưu" in html
    saturday = client.post(f"/ho-so/{dossier.id}/du-kien-tre-han",
                           data={"reason": "Lý do mới chưa lưu", "proposed_due_on": "2026-11-28"})
    assert saturday.status_code == 400 and "Ngày hẹn mới phải là ngày làm việc" in saturday.get_data(as_text=True)
    db_session.refresh(delay)
    assert delay.reason == "Chờ ý kiến Công an xã"

    run_sweep(db_session, now=NOW)
    page = client.get(f"/ho-so/{dossier.id}").get_data(as_text=True)
    assert "Ban hành Mẫu 04 theo dự thảo" in page and "Chờ ý kiến Công an xã" in page
    inbox = client.get("/thong-bao").get_data(as_text=True)
    assert "Hồ sơ sắp đến hạn: 1" in inbox and 'class="badge"' in inbox
    client.post("/thong-bao/da-doc", data={})
    assert 'class="badge"' not in client.get("/thong-bao").get_data(as_text=True)


def test_the_list_needs_a_processing_role(client, login, world):
    login("a.admin")
    assert client.get("/sap-den-han").status_code == 403
    client.post("/dang-xuat")
    assert client.get("/sap-den-han").status_code in (302, 401)
