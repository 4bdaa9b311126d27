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
