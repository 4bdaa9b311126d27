from tests.conftest import NOW
from tests.builders import PASSWORD


def test_login_page_is_vietnamese(client):
    page = client.get("/dang-nhap")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<html lang="vi">' in text
    assert "Tên đăng nhập" in text and "Mật khẩu" in text


def test_pages_need_login(client, world):
    response = client.get("/thu-tuc")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dang-nhap?next=")


def test_a_user_logs_in_and_sees_their_name_and_unit(client, world, login):
    response = login("a.clerk")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert world.a.clerk.full_name in home
    assert "Tiếp nhận và trả kết quả" in home


def test_wrong_password_gets_a_vietnamese_401_and_no_session(client, world, login):
    response = login("a.clerk", "sai-mat-khau")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_empty_login_form_is_a_400_with_messages(client, world):
    response = client.post("/dang-nhap", data={"username": "", "password": ""})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Vui lòng nhập tên đăng nhập." in text and "Vui lòng nhập mật khẩu." in text


def test_login_never_redirects_off_site(client, world):
    response = client.post(
        "/dang-nhap?next=//evil.example/phish", data={"username": "a.clerk", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    response = client.post("/dang-nhap?next=/thu-tuc", data={"username": "a.clerk", "password": PASSWORD})
    assert response.headers["Location"] == "/thu-tuc"


def test_logout_ends_the_session(client, world, login):
    login("a.clerk")
    assert client.post("/dang-xuat").status_code == 302
    assert client.get("/").status_code == 302


def test_changing_the_password_keeps_this_session_and_the_new_password_works(client, world, login):
    login("a.officer")
    response = client.post(
        "/tai-khoan/mat-khau",
        data={"current_password": PASSWORD, "new_password": "Mat-khau-moi-1", "confirm": "Mat-khau-moi-1"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert login("a.officer", PASSWORD).status_code == 401
    assert login("a.officer", "Mat-khau-moi-1").status_code == 302


def test_a_wrong_current_password_is_refused_next_to_the_field(client, world, login):
    login("a.officer")
    response = client.post(
        "/tai-khoan/mat-khau",
        data={"current_password": "khong-dung", "new_password": "Mat-khau-moi-1", "confirm": "Mat-khau-moi-2"},
    )
    assert response.status_code == 400
    assert "Hai lần nhập mật khẩu mới không khớp nhau." in response.get_data(as_text=True)


def test_the_login_page_sends_a_logged_in_user_on(client, world, login):
    login("a.clerk")
    response = client.get("/dang-nhap?next=/thu-tuc")
    assert response.status_code == 302 and response.headers["Location"] == "/thu-tuc"


# --- controls of docs/security.md: lockout, throttle, session fixation, logout, cookies, audit ----------


def _audit(db_session, *actions):
    from sqlalchemy import select

    from models import AuditEntry

    return list(db_session.scalars(select(AuditEntry).where(AuditEntry.action.in_(actions)).order_by(AuditEntry.id)))


def test_five_wrong_passwords_lock_out_this_address_for_15_minutes_but_not_the_user_elsewhere(
        client, app, world, login, clock, db_session):
    from datetime import timedelta

    for attempt in range(4):
        assert login("a.clerk", f"sai-{attempt}").status_code == 401
    fifth = login("a.clerk", "sai-4")
    assert fifth.status_code == 429
    assert "tạm khoá đăng nhập bằng tên này từ máy này đến 09:15 ngày 24/11/2026" in fifth.get_data(as_text=True)
    assert login("a.clerk").status_code == 429  # the right password, from the locked-out address
    # The real user at another address is not locked out by whoever typed those five.
    elsewhere = app.test_client()
    assert elsewhere.post("/dang-nhap", data={"username": "a.clerk", "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 302
    clock.at += timedelta(minutes=15)
    assert login("a.clerk").status_code == 302
    assert client.get("/").status_code == 200
    failed = _audit(db_session, "auth.login_failed")
    assert [e.detail["reason"] for e in failed] == ["password"] * 5 + ["locked"]
    assert all(e.actor_id is None and e.object_id == world.a.clerk.id for e in failed)
    assert len(_audit(db_session, "auth.locked")) == 1
    assert [e.actor_id for e in _audit(db_session, "auth.login")] == [world.a.clerk.id] * 2


def test_a_wrong_password_after_a_lock_locks_that_address_again_for_longer(client, world, login, clock):
    from datetime import timedelta

    for attempt in range(5):
        login("a.clerk", f"sai-{attempt}")
    clock.at += timedelta(minutes=15)
    response = login("a.clerk", "sai-5")
    assert response.status_code == 429 and "đến 09:45" in response.get_data(as_text=True)


def test_strangers_at_many_addresses_never_lock_out_the_users_own_browser(app, world, clock):
    """20 failures an hour from anywhere close the account to unknown browsers for 15 minutes; a browser
    the user logged in from before (device cookie) keeps its own tries."""
    from datetime import timedelta

    own = app.test_client()
    assert own.post("/dang-nhap", data={"username": "a.clerk", "password": PASSWORD}).status_code == 302
    own.post("/dang-xuat")
    stranger = app.test_client()
    for n in range(20):
        assert stranger.post("/dang-nhap", data={"username": "a.clerk", "password": f"doan-{n}"},
                             environ_base={"REMOTE_ADDR": f"10.1.0.{n}"}).status_code in (401, 429)
    fresh = app.test_client()
    refused = fresh.post("/dang-nhap", data={"username": "a.clerk", "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "10.2.0.1"})
    assert refused.status_code == 429  # an unknown browser, right password: not now
    assert own.post("/dang-nhap", data={"username": "a.clerk", "password": PASSWORD}).status_code == 302
    clock.at += timedelta(minutes=15)
    assert fresh.post("/dang-nhap", data={"username": "a.clerk", "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "10.2.0.1"}).status_code == 302


def test_a_forged_or_foreign_device_cookie_is_no_key(app, world):
    from app.web.auth.views import DEVICE_COOKIE

    client = app.test_client()
    client.set_cookie(DEVICE_COOKIE, "eyJkIjoieCIsInUiOlsxXX0.forged", path="/dang-nhap")
    for n in range(20):
        client.post("/dang-nhap", data={"username": "a.clerk", "password": f"doan-{n}"},
                    environ_base={"REMOTE_ADDR": f"10.1.1.{n}"})
    assert client.post("/dang-nhap", data={"username": "a.clerk", "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.1.2.1"}).status_code == 429
    # A genuine cookie of another account does not open this one either.
    other = app.test_client()
    assert other.post("/dang-nhap", data={"username": "a.officer", "password": PASSWORD}).status_code == 302
    other.post("/dang-xuat")
    assert other.post("/dang-nhap", data={"username": "a.clerk", "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "10.1.2.2"}).status_code == 429


def test_known_and_unknown_usernames_get_the_same_answers_and_the_same_work(client, world, login, monkeypatch):
    """Status, text and cost: each answer checks exactly one password hash of the same kind."""
    from app.services import users

    checked = []
    real = users.check_password_hash

    def counting(pwhash, password):  # type: ignore[no-untyped-def]
        checked.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    answers = {}
    for name in ("a.clerk", "khong.ton.tai"):
        checked.clear()
        runs = [login(name, f"sai-{n}") for n in range(7)]
        answers[name] = ([r.status_code for r in runs],
                         [r.get_data(as_text=True).replace(name, "") for r in runs], list(checked))
    assert answers["a.clerk"][0] == answers["khong.ton.tai"][0] == [401, 401, 401, 401, 429, 429, 429]
    assert answers["a.clerk"][1] == answers["khong.ton.tai"][1]
    assert answers["a.clerk"][2] == answers["khong.ton.tai"][2] == [users.PASSWORD_HASH_METHOD] * 7


def test_an_admins_new_password_lifts_the_lock(client, world, login, db_session):
    from app.services import users

    for attempt in range(5):
        login("a.clerk", f"sai-{attempt}")
    db_session.expire_all()
    user = world.a.clerk
    assert users.locked_until(db_session, user, NOW) is not None
    data = users.UserInput(username=user.username, full_name=user.full_name, unit_id=user.unit_id,
                           roles=user.roles, password="Mat-khau-moi-9")
    users.update_user(db_session, world.a.admin, user.id, data, expected_version=user.version, now=NOW)
    assert users.locked_until(db_session, user, NOW) is None
    assert login("a.clerk", "Mat-khau-moi-9").status_code == 302


def test_failed_logins_from_one_address_are_throttled_whatever_the_username(app, client, world, login):
    from app.web.public.throttle import Throttle

    app.extensions["motcua.throttle"] = Throttle("memory://", {"LOGIN_FAILURE_LIMIT": "3 per 10 minutes"})
    for name in ("a.clerk", "a.officer", "b.clerk"):
        assert login(name, "doan-bua").status_code == 401
    blocked = login("a.leader")  # even the right password, from this address
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Đăng nhập sai quá nhiều lần từ máy này" in blocked.get_data(as_text=True)


def test_the_typed_username_is_never_stored_for_an_unknown_account(client, world, login, db_session):
    login("Mat-khau-go-nham-o-day", "x")
    entry = _audit(db_session, "auth.login_failed")[-1]
    assert entry.object_id is None and entry.detail == {"ip": "127.0.0.1", "reason": "unknown_user"}
    assert "Mat-khau" not in str(entry.detail)


def test_login_starts_a_fresh_session(client, world, login):
    """Session fixation: what was in the session before the login (planted or left over) does not survive."""
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login("a.clerk")
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("_user_id", "").startswith(f"{world.a.clerk.id}.")


def test_logging_out_ends_every_session_of_the_account_so_a_copied_cookie_dies(app, client, world, login):
    login("a.clerk")
    cookie = client.get_cookie("session")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/").status_code == 200  # a copied cookie works while the session lives …
    client.post("/dang-xuat")
    assert thief.get("/").status_code == 302  # … and not after the owner logs out


def test_production_cookies_are_secure_httponly_and_samesite(connection, clock, tmp_path, world, monkeypatch):
    from app import create_app
    from tests.conftest import _session_on

    monkeypatch.setenv("MOTCUA_ENV", "production")
    app = create_app({"SECRET_KEY": "x" * 40, "WTF_CSRF_ENABLED": False, "CLOCK": clock,
                      "DB_SESSION_FACTORY": lambda: _session_on(connection),
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    client = app.test_client()
    response = client.post("/dang-nhap", data={"username": "a.clerk", "password": PASSWORD, "remember": "y"},
                           base_url="https://motcua.example")
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session", "remember_token"):
        cookie = next(c for c in cookies if c.startswith(name + "="))
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_admin_sees_which_account_is_locked_and_until_when(client, world, login):
    for attempt in range(5):
        login("a.clerk", f"sai-{attempt}")
    login("a.admin")
    page = client.get("/quan-tri/nguoi-dung").get_data(as_text=True)
    assert "Tạm khoá đến 09:15 ngày 24/11/2026" in page
