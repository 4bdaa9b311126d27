"""The citizen's status page is rendered once per version of its dossier and kept for every worker (issue 23).

What is checked: a second view comes from the kept copy (the renderer is not
called), a phone that has the page gets a bodiless 304, any change through the
application (an event, the office's details) gives a fresh page, time alone
renews it when a deadline it shows passes, and the changes the versions do not
see (a rating, a reissued link, erasure of personal data) drop the copy.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.domain.workflow import Action
from app.services import citizen, privacy, status_cache
from app.services.privacy import Holding
from models import Dossier, StatusPageCache, Unit
from tests.integration.test_processing import act
from tests.web.test_citizen_pages import RATING, states  # noqa: F401  (fixture)


def _kept(db_session, token):  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.get(StatusPageCache, token)


def test_a_second_view_is_the_kept_page_and_a_phone_that_has_it_gets_a_304(client, db_session, states, monkeypatch):
    token = states["in_progress"]
    first = client.get(f"/tra-cuu/{token}")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"].strip('"')
    kept = _kept(db_session, token)
    assert kept.etag == etag and kept.body == first.get_data(as_text=True)

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("rendered again")

    monkeypatch.setattr(citizen, "status_page", refuse)
    again = client.get(f"/tra-cuu/{token}")
    assert again.status_code == 200 and again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["X-Robots-Tag"] == "noindex, nofollow, noarchive"
    same = client.get(f"/tra-cuu/{token}", headers={"If-None-Match": first.headers["ETag"]})
    assert same.status_code == 304 and same.data == b"" and same.headers["Cache-Control"] == "private, no-cache"
    other = client.get(f"/tra-cuu/{token}", headers={"If-None-Match": '"khac"'})
    assert other.status_code == 200 and other.data == first.data


def test_an_event_or_the_offices_details_give_a_fresh_page(client, db_session, states, world, clock):
    token = states["in_progress"]
    before = client.get(f"/tra-cuu/{token}")
    dossier = db_session.scalar(select(Dossier).where(Dossier.token == token))
    act(db_session, world.a.officer, dossier, Action.HAND_OVER, clock.at, to_user_id=world.a.leader.id)
    db_session.commit()
    after = client.get(f"/tra-cuu/{token}")
    assert after.headers["ETag"] != before.headers["ETag"] and after.data != before.data
    assert client.get(f"/tra-cuu/{token}", headers={"If-None-Match": before.headers["ETag"]}).status_code == 200
    unit = db_session.get(Unit, dossier.unit_id)
    unit.phone = "0203 999 888"
    db_session.commit()
    assert "0203 999 888" in client.get(f"/tra-cuu/{token}").get_data(as_text=True)


def test_time_alone_renews_the_page_when_a_deadline_it_shows_passes(client, db_session, states, clock):
    token = states["in_progress"]
    client.get(f"/tra-cuu/{token}")
    kept = _kept(db_session, token)
    dossier = db_session.scalar(select(Dossier).where(Dossier.token == token))
    assert kept.valid_until == min(dossier.step_due_at, dossier.due_at, clock.at + status_cache.LONGEST)
    rendered = kept.rendered_at
    clock.at = kept.valid_until - timedelta(seconds=1)
    client.get(f"/tra-cuu/{token}")
    assert _kept(db_session, token).rendered_at == rendered  # still true: kept
    clock.at = kept.valid_until
    client.get(f"/tra-cuu/{token}")
    assert _kept(db_session, token).rendered_at == clock.at  # rendered again
    # Overdue: the time past the deadline grows, so the page is good for a minute.
    overdue = states["overdue"]
    client.get(f"/tra-cuu/{overdue}")
    assert _kept(db_session, overdue).valid_until == clock.at + status_cache.TICKING


def test_a_rating_a_reissued_link_and_erasure_drop_the_kept_page(client, db_session, states, world, clock):
    returned = states["returned"]
    assert "Gửi đánh giá" in client.get(f"/tra-cuu/{returned}").get_data(as_text=True)
    assert client.post(f"/tra-cuu/{returned}/danh-gia", data=RATING).status_code == 303
    assert _kept(db_session, returned) is None
    page = client.get(f"/tra-cuu/{returned}").get_data(as_text=True)
    assert "Cảm ơn ông/bà đã đánh giá" in page and "Gửi đánh giá" not in page

    token = states["in_progress"]
    client.get(f"/tra-cuu/{token}")
    dossier = db_session.scalar(select(Dossier).where(Dossier.token == token))
    citizen.reissue_status_link(db_session, world.a.clerk, dossier.id, reason="Mất giấy", now=clock.at)
    db_session.commit()
    assert _kept(db_session, token) is None and client.get(f"/tra-cuu/{token}").status_code == 404

    done = states["done"]
    client.get(f"/tra-cuu/{done}")
    done_id = db_session.scalar(select(Dossier.id).where(Dossier.token == done))
    privacy._erase(db_session, Holding.DOSSIER, [done_id], clock.at)  # what the nightly retention run does
    db_session.commit()
    assert _kept(db_session, done) is None


def test_pages_with_a_query_or_of_a_request_turned_away_are_not_kept(client, db_session, states):
    client.get(f"/tra-cuu/{states['returned']}?da-danh-gia=1")
    client.get(f"/tra-cuu/{states['turned_away']}")
    assert db_session.scalars(select(StatusPageCache)).all() == []
    assert client.get(f"/tra-cuu/{states['turned_away']}").headers["Cache-Control"] == "no-store"


def test_copies_past_their_time_go_with_the_nightly_retention_run(client, db_session, states, clock):
    client.get(f"/tra-cuu/{states['overdue']}")  # good for a minute
    client.get(f"/tra-cuu/{states['returned']}")  # for ten
    until = {row.token: row.valid_until for row in db_session.scalars(select(StatusPageCache))}
    first = min(until.values())
    assert status_cache.purge(db_session, now=first - timedelta(seconds=1)) == 0
    assert status_cache.purge(db_session, now=first) == 1
    assert [row.valid_until for row in db_session.scalars(select(StatusPageCache))] == [max(until.values())]
