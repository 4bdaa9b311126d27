"""The public status pages over HTTP: one answer for everything not found, rate limits, headers,
logging without personal data, the rating form, and the clerk's reissue of a lost receipt's link."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func, select

from app.db import new_session
from app.web.public.throttle import Throttle
from models import Dossier, SatisfactionRating
from tests.citizen_states import ID_NUMBER, LEAKS, LOOK_AT, NAME, PHONE
from tests.web.test_hostile_input import NASTY as HOSTILE

RATING = {"contacts": "2", "agencies": "2", "one_stop": "2", "disclosure": "1", "attitude": "2", "convenience": "2",
          "overall": "2", "gop_y": "Nhanh, gọn."}


def code_of(db_session, token):
    return db_session.scalar(select(Dossier.code).where(Dossier.token == token))


def limit(app, **budgets):
    """Replace the app's budgets: public, miss, code_miss (``limits`` strings)."""
    keys = {"public": "PUBLIC_RATE_LIMIT", "miss": "LOOKUP_MISS_LIMIT", "code_miss": "LOOKUP_CODE_MISS_LIMIT"}
    app.extensions["motcua.throttle"] = Throttle("database", {keys[k]: v for k, v in budgets.items()},
                                                 sessions=lambda: new_session(app))


def test_revoked_random_and_wrong_pairs_all_get_the_same_not_found_page(client, db_session, states, world):
    token = states["in_progress"]
    code = code_of(db_session, token)
    from app.services import citizen

    dossier = db_session.scalar(select(Dossier).where(Dossier.token == token))
    citizen.reissue_status_link(db_session, world.a.clerk, dossier.id, reason="Mất giấy", now=LOOK_AT)
    db_session.commit()
    revoked = client.get(f"/tra-cuu/{token}")
    random = client.get("/tra-cuu/" + "Q" * 32)
    malformed = client.get("/tra-cuu/abc")
    assert revoked.status_code == random.status_code == malformed.status_code == 404
    assert revoked.data == random.data == malformed.data
    assert "Không tìm thấy hồ sơ" in revoked.get_data(as_text=True)
    # A wrong pair for a real code and any pair for a code that does not exist: one answer.
    unknown = code[:-4] + "9999"
    wrong = client.post("/tra-cuu", data={"ma_ho_so": code, "so_cuoi": "0000"})
    missing = client.post("/tra-cuu", data={"ma_ho_so": unknown, "so_cuoi": "4567"})
    assert wrong.status_code == missing.status_code == 404
    assert wrong.get_data(as_text=True).replace(code, "") == missing.get_data(as_text=True).replace(unknown, "")
    # The not-found page of a token is the same page too.
    assert wrong.get_data(as_text=True).replace(f'value="{code}"', 'value=""') == revoked.get_data(as_text=True)


def test_the_right_pair_leads_to_the_status_page(client, db_session, states):
    token = states["supplement"]
    code = code_of(db_session, token)
    assert client.post("/tra-cuu", data={"ma_ho_so": code, "so_cuoi": PHONE[-4:]}).status_code == 404
    found = client.post("/tra-cuu", data={"ma_ho_so": code.lower(), "so_cuoi": ID_NUMBER[-4:]})
    assert found.status_code == 303 and found.headers["Location"] == f"/tra-cuu/{token}"
    assert client.get(found.headers["Location"]).status_code == 200


@pytest.mark.parametrize("form, field", [
    ({"ma_ho_so": "", "so_cuoi": "1234"}, "Vui lòng nhập mã hồ sơ"),
    ({"ma_ho_so": "ABC", "so_cuoi": ""}, "Vui lòng nhập 4 chữ số cuối"),
    ({"ma_ho_so": "ABC", "so_cuoi": "12a4"}, "Nhập đúng 4 chữ số cuối"),
    ({"ma_ho_so": "ABC", "so_cuoi": "123"}, "Nhập đúng 4 chữ số cuối"),
])
def test_an_incomplete_lookup_form_says_what_is_missing(client, states, form, field):
    response = client.post("/tra-cuu", data=form)
    assert response.status_code == 400 and field in response.get_data(as_text=True)


def test_every_public_page_is_private_unindexed_and_sets_no_cookie(client, states):
    for path in ("/tra-cuu", f"/tra-cuu/{states['done']}", "/tra-cuu/" + "Z" * 32):
        response = client.get(path)
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow, noarchive"
        # A dossier's page may stay on the phone that opened it (asked again at each view, never in a shared
        # cache); every other public answer is never kept.
        dossier_page = path.endswith(states["done"])
        assert response.headers["Cache-Control"] == ("private, no-cache" if dossier_page else "no-store")
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in response.headers
        html = response.get_data(as_text=True)
        assert '<meta name="robots" content="noindex' in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /" in robots


def test_staff_pages_get_the_security_headers_but_keep_their_referrer(client, login, world):
    login("a.clerk")
    response = client.get("/")
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("state", ["received", "in_progress", "supplement", "rescheduled", "overdue", "done",
                                   "returned", "refused", "turned_away"])
def test_no_personal_data_and_no_staff_text_in_any_page(client, states, state):
    html = client.get(f"/tra-cuu/{states[state]}").get_data(as_text=True)
    found = [value for value in LEAKS if value.casefold() in html.casefold()]
    assert found == []


def test_the_public_budget_per_address_gives_a_friendly_429(client, app, states):
    limit(app, public="3 per minute")
    for _ in range(3):
        assert client.get(f"/tra-cuu/{states['done']}").status_code == 200
    blocked = client.get(f"/tra-cuu/{states['done']}")
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    text = blocked.get_data(as_text=True)
    assert "Vui lòng thử lại sau" in text and "phút" in text
    # Another address is not affected.
    other = client.get(f"/tra-cuu/{states['done']}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_guessing_blocks_guesses_from_the_address_but_never_a_valid_link(client, app, states):
    """Everybody behind one commune Wi-Fi shares an address: one guesser must not lock their QR codes."""
    limit(app, public="100 per minute", miss="3 per 10 minutes")
    for n in range(3):
        assert client.get(f"/tra-cuu/{'G' * 31}{n}").status_code == 404
    assert client.get(f"/tra-cuu/{'G' * 31}X").status_code == 429
    assert client.post("/tra-cuu/" + "G" * 32 + "/danh-gia", data=RATING).status_code == 429
    assert client.get(f"/tra-cuu/{states['done']}").status_code == 200
    assert client.get(f"/tra-cuu/{states['returned']}").status_code == 200


def test_wrong_digits_for_one_code_are_limited_from_every_address(client, app, db_session, states):
    limit(app, public="100 per minute", miss="100 per minute", code_miss="2 per hour")
    code = code_of(db_session, states["done"])
    for n, address in enumerate(("10.0.0.1", "10.0.0.2")):
        wrong = client.post("/tra-cuu", data={"ma_ho_so": code, "so_cuoi": f"000{n}"},
                            environ_base={"REMOTE_ADDR": address})
        assert wrong.status_code == 404
    blocked = client.post("/tra-cuu", data={"ma_ho_so": code, "so_cuoi": ID_NUMBER[-4:]},
                          environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert blocked.status_code == 429  # even the right digits: the code is locked for a while
    # The QR still works: its token is not a guess.
    assert client.get(f"/tra-cuu/{states['done']}", environ_base={"REMOTE_ADDR": "10.0.0.3"}).status_code == 200


def test_the_address_comes_from_the_proxy_only_when_configured(app, states):
    limit(app, public="1 per minute")
    client = app.test_client()
    first = client.get(f"/tra-cuu/{states['done']}", headers={"X-Forwarded-For": "1.2.3.4"})
    second = client.get(f"/tra-cuu/{states['done']}", headers={"X-Forwarded-For": "5.6.7.8"})
    assert (first.status_code, second.status_code) == (200, 429)  # the header is not trusted by default


def test_forwarded_addresses_count_only_from_the_trusted_proxy(connection, clock, tmp_path, states):
    """Behind nginx (PROXY_COUNT 1), a client that reaches gunicorn directly cannot name its own address."""
    from app import create_app
    from tests.conftest import _session_on

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DB_SESSION_FACTORY": lambda: _session_on(connection),
                      "INSTANCE_PATH": str(tmp_path / "i"), "CLOCK": clock, "PROXY_COUNT": 1})
    limit(app, public="1 per minute")
    client, url = app.test_client(), f"/tra-cuu/{states['done']}"

    def get(peer: str, forwarded: str) -> int:
        return client.get(url, headers={"X-Forwarded-For": forwarded}, environ_base={"REMOTE_ADDR": peer}).status_code

    assert [get("127.0.0.1", "1.2.3.4"), get("127.0.0.1", "5.6.7.8")] == [200, 200]  # nginx names two clients
    assert [get("10.9.9.9", "9.9.9.1"), get("10.9.9.9", "9.9.9.2")] == [200, 429]  # direct: the socket counts


def test_lookups_are_logged_without_personal_data_or_the_token(client, db_session, states, caplog):
    caplog.set_level(logging.INFO, logger="motcua.lookup")
    token = states["supplement"]
    client.get(f"/tra-cuu/{token}")
    client.get("/tra-cuu/" + "N" * 32)
    client.post("/tra-cuu", data={"ma_ho_so": code_of(db_session, token), "so_cuoi": "4567"})
    lines = [r.getMessage() for r in caplog.records if r.name == "motcua.lookup"]
    assert len(lines) == 3
    assert lines[0].startswith("lookup via=qr outcome=found client=")
    assert lines[1].startswith("lookup via=qr outcome=not_found client=")
    assert lines[2].startswith("lookup via=code outcome=found client=")
    for line in lines:
        assert token not in line and "127.0.0.1" not in line
        for value in (NAME, ID_NUMBER, PHONE, "4567"):
            assert value not in line


def test_the_rating_form_is_saved_once(client, db_session, states):
    token = states["returned"]
    page = client.get(f"/tra-cuu/{token}").get_data(as_text=True)
    assert "Gửi đánh giá" in page and "(theo hồ sơ)" in page
    saved = client.post(f"/tra-cuu/{token}/danh-gia", data=RATING)
    assert saved.status_code == 303 and "da-danh-gia=1" in saved.headers["Location"]
    after = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Đã ghi nhận đánh giá" in after and "Rất hài lòng" in after and "Gửi đánh giá" not in after
    again = client.post(f"/tra-cuu/{token}/danh-gia", data={**RATING, "overall": "0"})
    assert again.status_code == 303
    rows = db_session.scalars(select(SatisfactionRating)).all()
    assert [(r.overall, r.comment) for r in rows] == [(2, "Nhanh, gọn.")]


def test_an_incomplete_rating_keeps_the_answers_and_marks_what_is_missing(client, db_session, states):
    token = states["returned"]
    response = client.post(f"/tra-cuu/{token}/danh-gia", data={**RATING, "attitude": ""})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Vui lòng chọn một mức đánh giá." in text
    assert 'name="overall" value="2" required checked' in text and "Nhanh, gọn." in text
    assert db_session.scalar(select(func.count(SatisfactionRating.id))) == 0


def test_rating_a_dossier_not_yet_returned_or_unknown_writes_nothing(client, db_session, states):
    assert client.post(f"/tra-cuu/{states['done']}/danh-gia", data=RATING).status_code == 303
    assert client.post("/tra-cuu/" + "R" * 32 + "/danh-gia", data=RATING).status_code == 404
    assert db_session.scalar(select(func.count(SatisfactionRating.id))) == 0


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_never_break_the_public_forms(client, states, value):
    for field in ("ma_ho_so", "so_cuoi"):
        data = {"ma_ho_so": "000.00.31.H99-261201-0001", "so_cuoi": "1234", field: value}
        assert client.post("/tra-cuu", data=data).status_code in (400, 404)
    for field in ("overall", "gop_y"):
        response = client.post(f"/tra-cuu/{states['returned']}/danh-gia", data={**RATING, field: value})
        assert response.status_code in (303, 400)
    assert client.get("/tra-cuu/" + value[:40]).status_code in (404, 400)


def test_the_clerk_reissues_a_lost_receipts_link_from_the_dossier_page(client, login, db_session, states, world):
    token = states["in_progress"]
    dossier = db_session.scalar(select(Dossier).where(Dossier.token == token))
    login("a.officer")
    page = client.get(f"/ho-so/{dossier.id}").get_data(as_text=True)
    assert "Cấp lại mã tra cứu" not in page and f"/tra-cuu/{token}" in page
    assert client.post(f"/ho-so/{dossier.id}/cap-lai-ma-tra-cuu", data={"reason": "x"}).status_code == 403
    login("a.clerk")
    refused = client.post(f"/ho-so/{dossier.id}/cap-lai-ma-tra-cuu", data={"reason": " "})
    assert refused.status_code == 400 and "Vui lòng nhập thông tin này." in refused.get_data(as_text=True)
    assert "<details open>" in refused.get_data(as_text=True)
    done = client.post(f"/ho-so/{dossier.id}/cap-lai-ma-tra-cuu", data={"reason": "Công dân báo mất giấy"})
    assert done.status_code == 302
    db_session.expire_all()
    assert dossier.token != token
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Đã cấp mã tra cứu mới" in page and "Công dân báo mất giấy" in page and dossier.token in page
    assert client.get(f"/tra-cuu/{token}").status_code == 404
    assert client.get(f"/tra-cuu/{dossier.token}").status_code == 200
    login("b.clerk")
    assert client.post(f"/ho-so/{dossier.id}/cap-lai-ma-tra-cuu", data={"reason": "x"}).status_code == 404


def test_the_staff_page_shows_the_citizens_rating(client, login, db_session, states):
    token = states["returned"]
    client.post(f"/tra-cuu/{token}/danh-gia", data=RATING)
    dossier = db_session.scalar(select(Dossier).where(Dossier.token == token))
    login("a.clerk")
    page = client.get(f"/ho-so/{dossier.id}").get_data(as_text=True)
    assert "Công dân đã đánh giá" in page and "Rất hài lòng" in page and "16/18 điểm" in page
    assert "Nhanh, gọn." in page


def test_a_phone_that_has_the_page_gets_a_304_until_it_changes(client, db_session, states, world, clock):
    from app.domain.workflow import Action
    from tests.integration.test_processing import act

    token = states["in_progress"]
    first = client.get(f"/tra-cuu/{token}")
    etag = first.headers["ETag"]
    same = client.get(f"/tra-cuu/{token}", headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.data == b"" and same.headers["Cache-Control"] == "private, no-cache"
    assert client.get(f"/tra-cuu/{token}", headers={"If-None-Match": '"khac"'}).data == first.data
    dossier = db_session.scalar(select(Dossier).where(Dossier.token == token))
    act(db_session, world.a.officer, dossier, Action.HAND_OVER, clock.at, to_user_id=world.a.leader.id)
    db_session.commit()
    changed = client.get(f"/tra-cuu/{token}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    # A page with a banner (after rating) or a request turned away: never kept.
    assert client.get(f"/tra-cuu/{states['returned']}?da-danh-gia=1").headers["Cache-Control"] == "no-store"
    assert client.get(f"/tra-cuu/{states['turned_away']}").headers["Cache-Control"] == "no-store"
