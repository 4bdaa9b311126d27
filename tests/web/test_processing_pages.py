"""The workflow through the browser's eyes: actions, scanning, conflicts, queues, notices."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Dossier, DossierEvent, Handover
from tests.integration.test_processing import vn
from tests.pdfcheck import pdf_text
from tests.web.test_reception_pages import _receive


def received(client, world, login, db_session, clock):
    clock.at = vn(25, 11, 9)
    login("a.clerk")
    _receive(client, world.a.procedure)
    return db_session.scalars(select(Dossier)).one()


def test_the_dossier_page_offers_the_holders_actions_and_shows_the_timeline(client, world, login, db_session, clock):
    dossier = received(client, world, login, db_session, clock)
    page = client.get(f"/ho-so/{dossier.id}").get_data(as_text=True)
    assert "Quá trình giải quyết" in page and "Nhật ký hồ sơ" in page and "Tiếp nhận hồ sơ" in page
    assert f"/ho-so/{dossier.id}/xu-ly/hand_over" in page and "Chuyển hồ sơ" in page
    assert "còn 4 giờ làm việc" in page  # the desk's half day from 09:00
    login("a.officer")
    page = client.get(f"/ho-so/{dossier.id}").get_data(as_text=True)
    # Step 2 is the officers': an officer may take the dossier over from the desk, nothing else yet.
    assert f"/ho-so/{dossier.id}/xu-ly/hand_over" in page and "/xu-ly/withdraw" not in page
    login("b.clerk")
    assert client.get(f"/ho-so/{dossier.id}").status_code == 404


def test_scanning_the_slip_opens_the_handover_and_the_officer_takes_it(client, world, login, db_session, clock):
    dossier = received(client, world, login, db_session, clock)
    login("a.officer")
    clock.at = vn(25, 11, 10)
    scanned = client.get(f"/quet?ma=https://motcua.example.vn/tra-cuu/{dossier.token}")
    assert scanned.status_code == 302 and scanned.headers["Location"].endswith(f"/ho-so/{dossier.id}/xu-ly/hand_over")
    form = client.get(scanned.headers["Location"]).get_data(as_text=True)
    assert "Nhận hồ sơ" in form and "Xác nhận nhận hồ sơ" in form
    done = client.post(f"/ho-so/{dossier.id}/xu-ly/hand_over", data={"version": str(dossier.version)})
    assert done.status_code == 302
    db_session.expire_all()
    assert dossier.holder_user_id == world.a.officer.id and dossier.status.value == "in_progress"
    typed = client.get(f"/quet?ma={dossier.code.lower()}")  # typed code, any case: the officer has no handover now
    assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/ho-so/{dossier.id}/xu-ly/hand_over")


def test_an_unknown_code_says_so(client, world, login, db_session, clock):
    received(client, world, login, db_session, clock)
    response = client.get("/quet?ma=000.00.99.X-000000-0001")
    assert response.status_code == 404 and "Không tìm thấy hồ sơ có mã" in response.get_data(as_text=True)
    login("b.clerk")  # another unit's dossier is unknown to them
    dossier = db_session.scalars(select(Dossier)).one()
    assert client.get(f"/quet?ma={dossier.code}").status_code == 404


def test_a_stale_form_gets_409_and_nothing_is_written(client, world, login, db_session, clock):
    dossier = received(client, world, login, db_session, clock)
    stale = dossier.version
    assert client.post(f"/ho-so/{dossier.id}/xu-ly/hand_over", data={"version": str(stale)}).status_code == 302
    login("a.officer")
    response = client.post(f"/ho-so/{dossier.id}/xu-ly/hand_over", data={"version": str(stale)})
    assert response.status_code == 409 and "vừa được cập nhật" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count(DossierEvent.id))) == 2
    assert db_session.scalar(select(func.count(Handover.id))) == 1


def test_missing_reason_is_a_400_next_to_the_field(client, world, login, db_session, clock):
    dossier = received(client, world, login, db_session, clock)
    client.post(f"/ho-so/{dossier.id}/xu-ly/hand_over", data={"version": str(dossier.version)})
    db_session.expire_all()
    login("a.officer")
    response = client.post(f"/ho-so/{dossier.id}/xu-ly/request_supplement",
                           data={"version": str(dossier.version), "missing": "Tờ khai", "reason": " "})
    assert response.status_code == 400 and "Vui lòng ghi rõ lý do." in response.get_data(as_text=True)
    assert client.post(f"/ho-so/{dossier.id}/xu-ly/no_such_action", data={}).status_code == 404
    response = client.post(f"/ho-so/{dossier.id}/xu-ly/return_result", data={"version": str(dossier.version)})
    assert response.status_code == 400


def test_supplement_notice_prints_and_queues_show_the_work(client, world, login, db_session, clock):
    dossier = received(client, world, login, db_session, clock)
    client.post(f"/ho-so/{dossier.id}/xu-ly/hand_over",
                data={"version": str(dossier.version), "to_user_id": str(world.a.officer.id)})
    db_session.expire_all()
    login("a.officer")
    queue = client.get("/xu-ly/cua-toi").get_data(as_text=True)
    assert dossier.code in queue and "Hồ sơ của tôi" in queue
    form = client.get(f"/ho-so/{dossier.id}/xu-ly/request_supplement").get_data(as_text=True)
    assert "Lời nhắn cho công dân" in form and "Không ghi họ tên" in form
    response = client.post(f"/ho-so/{dossier.id}/xu-ly/request_supplement",
                           data={"version": str(dossier.version), "missing": "Bản sao CCCD\nTờ khai", "reason": "Thiếu",
                                 "citizen_message": "Mời ông Nguyen Van Binh mang bản sao CCCD."})
    assert response.status_code == 302
    db_session.expire_all()
    public = client.get(f"/tra-cuu/{dossier.token}").get_data(as_text=True)
    assert "Mời ông Nguyễn V. B. mang bản sao CCCD." in public and "Thiếu" not in public
    notice = dossier.notices[0]
    pdf = client.post(f"/van-ban/{notice.id}/in", data={"paper": ""})
    assert pdf.status_code == 200 and "Bản sao CCCD" in " ".join(pdf_text(pdf.get_data()))
    assert "Tạm dừng chờ bổ sung" in client.get("/xu-ly/cua-toi").get_data(as_text=True)
    assert client.get("/xu-ly/cho-tra-ket-qua").status_code == 403  # the desk's queue
    assert client.get("/xu-ly/khong-co").status_code == 404
    assert client.get("/xu-ly/cua-toi?status=bogus").status_code == 400
    login("b.clerk")
    assert client.post(f"/van-ban/{notice.id}/in", data={"paper": ""}).status_code == 404


def test_no_workflow_input_makes_a_500(client, world, login, db_session, clock):
    from tests.web.test_hostile_input import NASTY

    dossier = received(client, world, login, db_session, clock)
    fields = ["version", "to_user_id", "reason", "missing", "new_due_at", "return_method", "return_note",
              "requested_at", "fee_handling"]
    failures = []
    for user in ("a.clerk", "a.officer", "a.leader"):
        login(user)
        for action in ("hand_over", "assign", "send_back", "request_supplement", "reschedule", "return_result",
                       "stop", "finish"):
            for field in fields:
                for value in NASTY:
                    db_session.expire_all()
                    data = {"version": str(dossier.version), "reason": "Lý do", field: value}
                    status = client.post(f"/ho-so/{dossier.id}/xu-ly/{action}", data=data).status_code
                    if status >= 500:
                        failures.append((user, action, field, value[:20], status))
        for value in NASTY:
            for url in (f"/quet?ma={value}", f"/xu-ly/cua-toi?q={value}&page={value}&procedure={value}&sort={value}"):
                if client.get(url).status_code >= 500:
                    failures.append((user, url[:40]))
    assert failures == []


def test_a_late_apology_is_warned_about(client, world, login, db_session, clock):
    dossier = received(client, world, login, db_session, clock)  # due Mon 30/11 09:00
    client.post(f"/ho-so/{dossier.id}/xu-ly/hand_over", data={"version": str(dossier.version)})
    login("a.officer")
    clock.at = vn(27, 11, 15)  # 4 working hours left
    page = client.get(f"/ho-so/{dossier.id}/xu-ly/reschedule").get_data(as_text=True)
    assert "ít nhất 1 ngày làm việc" in page and "còn 4 giờ" in page
    clock.at = vn(25, 11, 15)
    assert "ít nhất 1 ngày làm việc" not in client.get(f"/ho-so/{dossier.id}/xu-ly/reschedule").get_data(as_text=True)


def test_the_waiting_on_the_citizen_queue_shows_how_long_each_has_waited(client, world, login, db_session, clock):
    from app.domain.workflow import Action
    from app.services import processing

    dossier = received(client, world, login, db_session, clock)
    a = world.a
    processing.apply_action(db_session, a.clerk, dossier.id, processing.ActionInput(
        Action.HAND_OVER, None, to_user_id=a.officer.id), now=vn(25, 11, 10))
    processing.apply_action(db_session, a.officer, dossier.id, processing.ActionInput(
        Action.REQUEST_SUPPLEMENT, None, reason="Thiếu", missing=("Tờ khai",)), now=vn(25, 11, 14))
    db_session.commit()
    clock.at = vn(26, 11, 9)  # 14:00–17:30 and 07:30–09:00: 5 working hours
    login("a.clerk")
    page = client.get("/xu-ly/cho-bo-sung").get_data(as_text=True)
    assert dossier.code in page and "Chờ bổ sung từ" in page and "5 giờ" in page
    assert "Hồ sơ chờ bổ sung" in client.get("/xu-ly/cua-toi").get_data(as_text=True)  # the queue's button
    login("a.officer")
    assert client.get("/xu-ly/cho-bo-sung").status_code == 403
    login("b.clerk")
    assert dossier.code not in client.get("/xu-ly/cho-bo-sung").get_data(as_text=True)
