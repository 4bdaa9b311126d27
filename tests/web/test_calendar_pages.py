import re
from datetime import date

from sqlalchemy import select

from models import CalendarOverride


def _due(page: str) -> str:
    match = re.search(r"Hẹn trả kết quả: <strong>([^<]*)", page)
    return match.group(1) if match else ""


def test_a_clerk_tries_a_due_date_and_sees_the_days_counted(client, world, login):
    login("a.clerk")
    page = client.get("/lich?nam=2026&start=2026-11-20T16:00&amount=3&kind=working_days").get_data(as_text=True)
    assert _due(page) == "16:00 Thứ Năm, 26/11/2026"
    counted = page.split("Các ngày làm việc được tính", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<td>(Thứ [^<]*)</td><td class=\"num\">([^<]*)</td>", counted)
    # Ngày Văn hóa Việt Nam (Tue 24/11) is not counted.
    assert rows == [("Thứ Sáu, 20/11/2026", "1 giờ 30 phút"), ("Thứ Hai, 23/11/2026", "8 giờ"),
                    ("Thứ Tư, 25/11/2026", "8 giờ"), ("Thứ Năm, 26/11/2026", "6 giờ 30 phút")]


def test_the_try_box_uses_a_procedures_duration(client, world, login):
    login("a.clerk")
    page = client.get(f"/lich?start=2026-11-23T15:30&procedure_id={world.a.procedure.id}").get_data(as_text=True)
    # 3 working days from Mon 23/11 15:30: Mon 120, (Tue off), Wed 600, Thu 1080, Fri 27/11 +360 → 15:30.
    assert _due(page) == "15:30 Thứ Sáu, 27/11/2026"


def test_an_after_hours_start_is_explained(client, world, login):
    login("a.clerk")
    page = client.get("/lich?start=2026-11-21T09:00&amount=&kind=same_day").get_data(as_text=True)
    assert _due(page) == "17:30 Thứ Hai, 23/11/2026"
    assert "bắt đầu tính từ 07:30 Thứ Hai, 23/11/2026" in page


def test_bad_try_input_is_explained_not_crashed(client, world, login):
    login("a.clerk")
    for query in ("start=abc&amount=3", "start=2026-11-20T16:00&amount=ba&kind=working_days",
                  "start=2026-11-20T16:00&amount=3&kind=weeks", f"start=2026-11-20T16:00&procedure_id={world.b.procedure.id}",
                  "start=3026-11-20T16:00&amount=3&kind=working_days"):
        response = client.get("/lich?" + query)
        assert response.status_code in (200, 404), query
        if response.status_code == 200:
            assert 'class="alert alert--error"' in response.get_data(as_text=True), query


def test_the_year_grid_marks_days_off_worked_saturdays_and_unconfirmed_years(client, world, login):
    login("a.clerk")
    page = client.get("/lich?nam=2026").get_data(as_text=True)
    assert 'title="Ngày Văn hóa Việt Nam — Bộ luật Lao động"' in page
    assert "Làm việc bù cho ngày nghỉ 31/08/2026" in page
    assert "đã được đối chiếu với Thông báo 9441/TB-BNV" in page
    assert "chưa được xác nhận theo thông báo chính thức" in client.get("/lich?nam=2027").get_data(as_text=True)


def test_an_admin_adds_and_removes_an_override(client, world, login, db_session):
    login("a.admin")
    response = client.post(f"/lich/dieu-chinh?unit={world.a.unit.id}",
                           data={"day": "2026-11-25", "working": "0", "reason": "Nghỉ theo quyết định của UBND xã"})
    assert response.status_code == 302
    override = db_session.scalar(select(CalendarOverride).where(CalendarOverride.unit_id == world.a.unit.id))
    assert override.day == date(2026, 11, 25) and not override.working
    page = client.get("/lich?nam=2026&start=2026-11-23T10:00&amount=1&kind=working_days").get_data(as_text=True)
    assert _due(page) == "10:00 Thứ Năm, 26/11/2026"
    assert client.post(f"/lich/dieu-chinh/{override.id}/xoa").status_code == 302
    assert db_session.scalar(select(CalendarOverride)) is None


def test_a_useless_override_is_refused_with_a_400(client, world, login):
    login("a.admin")
    response = client.post(f"/lich/dieu-chinh?unit={world.a.unit.id}", data={"day": "2026-11-22", "working": "0", "reason": "x"})
    assert response.status_code == 400
    assert "vốn đã là ngày nghỉ" in response.get_data(as_text=True)


def test_clerks_and_other_units_cannot_change_the_calendar(client, world, login):
    login("a.clerk")
    assert client.post(f"/lich/dieu-chinh?unit={world.a.unit.id}", data={"day": "2026-11-25", "reason": "x"}).status_code == 403
    login("b.admin")
    assert client.post(f"/lich/dieu-chinh?unit={world.a.unit.id}", data={"day": "2026-11-25", "reason": "x"}).status_code == 404
    assert client.get(f"/lich?unit={world.a.unit.id}").status_code == 404
