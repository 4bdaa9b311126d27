"""Over HTTP: a user of unit A can never read or change unit B's rows."""

import pytest

from models import Procedure, Unit


@pytest.mark.parametrize("username", ["a.clerk", "a.officer", "a.leader", "a.admin"])
def test_commune_a_users_get_404_for_commune_b_rows(client, world, login, username):
    login(username)
    b = world.b
    assert client.get(f"/thu-tuc/{b.procedure.id}").status_code == 404
    assert client.get(f"/thu-tuc?unit={b.unit.id}").status_code == 404


def test_commune_a_admin_cannot_change_commune_b(client, world, login, db_session):
    login("a.admin")
    b = world.b
    assert client.get(f"/quan-tri/don-vi/{b.unit.id}").status_code == 404
    assert client.post(f"/quan-tri/don-vi/{b.unit.id}", data={"name": "Chiếm quyền"}).status_code == 404
    assert client.get(f"/quan-tri/nguoi-dung/{b.clerk.id}").status_code == 404
    assert client.post(f"/quan-tri/nguoi-dung/{b.clerk.id}", data={"full_name": "X"}).status_code == 404
    assert client.post(f"/thu-tuc/{b.procedure.id}/sua", data={"name": "X"}).status_code == 404
    assert client.post(f"/thu-tuc/moi?unit={b.unit.id}", data={"name": "X"}).status_code == 404
    assert client.post(f"/quan-tri/don-vi/{b.unit.id}/bo-phan", data={"name": "X"}).status_code == 404
    db_session.expire_all()
    assert db_session.get(Unit, b.unit.id).name == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    assert db_session.get(Procedure, b.procedure.id).name == world.b.procedure.name
    users_page = client.get("/quan-tri/nguoi-dung").get_data(as_text=True)
    assert "a.clerk" in users_page and "b.clerk" not in users_page


def test_non_admins_cannot_open_admin_pages(client, world, login):
    login("a.leader")
    assert client.get("/quan-tri/don-vi").status_code == 403
    assert client.get("/quan-tri/nguoi-dung/moi").status_code == 403
    assert client.get(f"/thu-tuc/{world.a.procedure.id}/sua").status_code == 403
    page = client.get("/quan-tri/nguoi-dung/moi")
    assert "không có quyền" in page.get_data(as_text=True)


def test_the_inspector_reads_every_unit_but_changes_nothing(client, world, login):
    login("tinh.inspector")
    assert client.get(f"/thu-tuc/{world.b.procedure.id}").status_code == 200
    assert client.get(f"/thu-tuc?unit={world.a.unit.id}").status_code == 200
    page = client.get(f"/quan-tri/don-vi/{world.b.unit.id}")
    assert page.status_code == 200 and "chỉ có quyền xem" in page.get_data(as_text=True)
    assert client.post(f"/quan-tri/don-vi/{world.b.unit.id}", data={}).status_code == 403
    assert client.get(f"/thu-tuc/{world.b.procedure.id}/sua").status_code == 403


def test_the_province_admin_manages_every_commune(client, world, login):
    login("tinh.admin")
    assert client.get(f"/quan-tri/don-vi/{world.b.unit.id}").status_code == 200
    assert client.get(f"/thu-tuc/{world.b.procedure.id}/sua").status_code == 200
