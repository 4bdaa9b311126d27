"""Whatever is posted, the answer is a 4xx page or a redirect, never a 500."""

import pytest

NASTY = [
    "",
    " ",
    "x" * 5000,
    "-1",
    "1e309",
    "NaN",
    "'; DROP TABLE unit; --",
    "<script>alert(1)</script>",
    "\x00",
    "９９",  # full-width digits
    "2026-02-30",
    "abc",
    "99999999999",
]


def _endpoints(world):
    a = world.a
    return [
        ("/quan-tri/don-vi/moi", ["code", "governing_body_name", "name", "place_name", "working_windows",
                                  "same_day_cutoff", "receipt_paper", "control_slip_paper", "version"]),
        (f"/quan-tri/don-vi/{a.unit.id}", ["code", "working_windows", "same_day_cutoff", "version", "receipt_paper"]),
        (f"/quan-tri/don-vi/{a.unit.id}/bo-phan", ["name"]),
        ("/quan-tri/nguoi-dung/moi", ["username", "full_name", "unit_id", "department_id", "roles", "password", "email"]),
        (f"/quan-tri/nguoi-dung/{a.clerk.id}", ["username", "unit_id", "department_id", "roles", "version"]),
        ("/thu-tuc/moi", ["code", "name", "level", "duration_kind", "duration_value", "supplement_policy",
                          "effective_from", "effective_to", "documents-0-originals", "steps-0-share",
                          "steps-0-role", "steps-0-department_id", "steps-40-name", "version"]),
        (f"/thu-tuc/{a.procedure.id}/sua", ["duration_value", "effective_from", "steps-0-share", "version"]),
        (f"/thu-tuc/{a.procedure.id}/phien-ban-moi", ["effective_from", "code"]),
        ("/tai-khoan/mat-khau", ["current_password", "new_password", "confirm"]),
    ]


def test_no_field_value_makes_a_500(client, world, login):
    login("a.admin")
    failures = []
    for url, fields in _endpoints(world):
        for field in fields:
            for value in NASTY:
                status = client.post(url, data={field: value}).status_code
                if not (status < 500):
                    failures.append((url, field, value[:20], status))
    assert failures == []


@pytest.mark.parametrize("field", ["code", "name", "field_name", "fee_text"])
def test_markup_in_text_is_shown_as_text_not_run(client, world, login, field):
    login("a.admin")
    response = client.post("/thu-tuc/moi", data={field: "<script>alert(1)</script>"})
    text = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text


def test_too_many_rows_are_refused_cleanly(client, world, login):
    login("a.admin")
    data = {f"steps-{i}-name": f"Bước {i}" for i in range(40)}
    response = client.post("/thu-tuc/moi", data=data)
    assert 400 <= response.status_code < 500


def test_control_characters_are_refused_before_any_view_runs(client, world, login):
    login("a.admin")
    for response in (
        client.get("/thu-tuc?q=%00"),
        client.post("/quan-tri/don-vi/%d/bo-phan" % world.a.unit.id, data={"name": "Tư pháp\x00"}),
        client.post("/dang-nhap", data={"username": "a\x07", "password": "x"}),
    ):
        assert response.status_code == 400
        assert "ký tự điều khiển" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    ["/thu-tuc/99999999999", "/thu-tuc?unit=99999999999", "/quan-tri/don-vi/99999999999",
     "/quan-tri/nguoi-dung?unit=99999999999", "/quan-tri/don-vi/moi?parent=99999999999",
     "/thu-tuc/-1", "/quan-tri/nguoi-dung/99999999999"],
)
def test_out_of_range_ids_are_not_found_not_errors(client, world, login, url):
    login("tinh.admin")
    assert client.get(url).status_code == 404
