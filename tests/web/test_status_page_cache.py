"""The status page is rendered once per dossier version and kept for every worker (issue 23): a kept page is
served as it is, and never once it would read differently: after any change to the dossier, a reissued link,
a due instant or step deadline passing, a minute of a running delay, the citizen's rating, an erasure, or a
change to the unit's details or calendar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.workflow import Action
from app.services import citizen, status_pages
from app.services.calendar import add_override
from app.services.units import UnitInput, update_unit
from models import Dossier, StatusPageCache
from tests.citizen_states import LOOK_AT, _act, vn


@pytest.fixture
def rendered(monkeypatch):
    """How many times a status page was worked out from the dossier (not served as kept)."""
    calls = []
    real = citizen.status_page

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(citizen, "status_page", counting)
    return calls


def _kept(db_session, token):  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.get(StatusPageCache, token)


def _dossier(db_session, token) -> Dossier:  # type: ignore[no-untyped-def]
    return db_session.scalar(select(Dossier).where(Dossier.token == token))


def test_a_page_is_rendered_once_then_served_as_kept_with_its_etag(client, db_session, states, rendered):
    token = states["in_progress"]
    first = client.get(f"/tra-cuu/{token}")
    second = client.get(f"/tra-cuu/{token}")
    assert first.status_code == second.status_code == 200
    assert rendered == [token]  # the second came from the kept page
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert second.headers["Cache-Control"] == "private, no-cache"
    again = client.get(f"/tra-cuu/{token}", headers={"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304 and rendered == [token]
    kept = _kept(db_session, token)
    assert kept.version == _dossier(db_session, token).version and kept.valid_until > LOOK_AT


def test_a_change_to_the_dossier_is_seen_at_once(client, db_session, states, world, clock, rendered):
    token = states["in_progress"]
    before = client.get(f"/tra-cuu/{token}").get_data(as_text=True)
    dossier = _dossier(db_session, token)
    _act(db_session, world.a.officer, dossier, Action.HAND_OVER, LOOK_AT + timedelta(minutes=5))
    db_session.commit()
    clock.at = LOOK_AT + timedelta(minutes=6)
    after = client.get(f"/tra-cuu/{token}").get_data(as_text=True)
    assert rendered == [token, token] and after != before
    assert after == citizen_page_now(client, db_session, token, clock)


def citizen_page_now(client, db_session, token, clock):  # type: ignore[no-untyped-def]
    """The page worked out afresh (its kept copy dropped first)."""
    db_session.execute(StatusPageCache.__table__.delete())
    db_session.commit()
    return client.get(f"/tra-cuu/{token}").get_data(as_text=True)


def test_a_due_instant_passing_ends_the_kept_page(client, db_session, states, clock, rendered):
    """"rescheduled" is due Wed 2/12 09:00: kept until then, and the page a second later says it is late."""
    token = states["rescheduled"]
    assert "quá ngày hẹn" not in client.get(f"/tra-cuu/{token}").get_data(as_text=True)
    assert _kept(db_session, token).valid_until <= vn(2, 12, 9)
    clock.at = vn(2, 12, 8, 59)
    client.get(f"/tra-cuu/{token}")
    assert len(rendered) in (1, 2)  # a step deadline may come first; the due instant bounds it anyway
    clock.at = vn(2, 12, 9) + timedelta(seconds=1)
    late = client.get(f"/tra-cuu/{token}").get_data(as_text=True)
    assert "quá ngày hẹn" in late and rendered[-1] == token


def test_a_running_delay_is_kept_one_minute_at_most(client, db_session, states, clock, rendered):
    token = states["overdue"]  # due Mon 30/11 09:00; it is Tue 10:00
    page = client.get(f"/tra-cuu/{token}").get_data(as_text=True)
    assert "chậm 1 ngày 1 giờ" in page
    assert _kept(db_session, token).valid_until == LOOK_AT + timedelta(minutes=1)
    clock.at = LOOK_AT + timedelta(seconds=59)
    client.get(f"/tra-cuu/{token}")
    assert len(rendered) == 1
    clock.at = LOOK_AT + timedelta(minutes=1, seconds=1)
    assert "chậm 1 ngày 1 giờ 1 phút" in client.get(f"/tra-cuu/{token}").get_data(as_text=True)
    assert len(rendered) == 2


def test_a_reissued_link_finds_nothing_even_with_its_page_kept(client, db_session, states, world):
    token = states["in_progress"]
    assert client.get(f"/tra-cuu/{token}").status_code == 200 and _kept(db_session, token) is not None
    citizen.reissue_status_link(db_session, world.a.clerk, _dossier(db_session, token).id, reason="Mất giấy",
                                now=LOOK_AT)
    db_session.commit()
    assert client.get(f"/tra-cuu/{token}").status_code == 404


def test_the_page_with_the_rating_form_is_never_kept_and_the_rated_page_is(client, db_session, states, rendered):
    token = states["returned"]
    assert "Đánh giá" in client.get(f"/tra-cuu/{token}").get_data(as_text=True)
    assert _kept(db_session, token) is None
    answer = client.post(f"/tra-cuu/{token}/danh-gia", data={
        "contacts": "2", "agencies": "2", "one_stop": "2", "disclosure": "1", "attitude": "2", "convenience": "2",
        "overall": "2", "gop_y": ""})
    assert answer.status_code in (302, 303)
    rated = client.get(f"/tra-cuu/{token}").get_data(as_text=True)
    assert 'name="overall"' not in rated
    assert _kept(db_session, token) is not None
    assert client.get(f"/tra-cuu/{token}").get_data(as_text=True) == rated


def test_erasure_and_the_units_details_and_calendar_forget_kept_pages(client, db_session, states, world):
    tokens = [states["in_progress"], states["received"], states["refused"]]
    for token in tokens:
        client.get(f"/tra-cuu/{token}")
    count = lambda: db_session.scalar(select(func.count()).select_from(StatusPageCache))  # noqa: E731
    assert count() == 3
    status_pages.forget_dossiers(db_session, [_dossier(db_session, tokens[0]).id])
    db_session.commit()
    assert count() == 2
    add_override(db_session, world.a.admin, world.a.unit.id, day=vn(4, 12, 0).date(), working=False,
                 reason="Nghỉ bù", now=LOOK_AT)
    db_session.commit()
    assert count() == 0
    for token in tokens:
        client.get(f"/tra-cuu/{token}")
    unit = world.a.unit
    data = UnitInput(code=unit.code, governing_body_name=unit.governing_body_name, name=unit.name,
                     place_name=unit.place_name, address=unit.address, phone="0203 999 888", email=unit.email or "",
                     working_windows=unit.working_windows, same_day_cutoff=f"{unit.same_day_cutoff:%H:%M}",
                     receipt_paper=unit.receipt_paper, control_slip_paper=unit.control_slip_paper)
    update_unit(db_session, world.a.admin, unit.id, data=data, expected_version=unit.version, now=LOOK_AT)
    db_session.commit()
    assert count() == 0
    assert "0203 999 888" in client.get(f"/tra-cuu/{tokens[1]}").get_data(as_text=True)
