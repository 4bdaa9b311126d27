import pytest

from app import create_app


def test_unknown_pages_get_a_vietnamese_404(client, world, login):
    login("a.clerk")
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_wrong_method_gets_a_vietnamese_405(client, world, login):
    login("a.clerk")
    response = client.get("/dang-xuat")
    assert response.status_code == 405
    assert "Thao tác không được hỗ trợ" in response.get_data(as_text=True)


@pytest.fixture
def csrf_client(connection, clock, tmp_path):
    from sqlalchemy.orm import Session

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DB_SESSION_FACTORY": lambda: Session(bind=connection, join_transaction_mode="create_savepoint"),
            "INSTANCE_PATH": str(tmp_path),
            "CLOCK": clock,
        }
    )
    return app.test_client()


def test_a_post_without_csrf_token_is_refused_in_vietnamese(csrf_client, world):
    response = csrf_client.post("/dang-nhap", data={"username": "a.clerk", "password": "x"})
    assert response.status_code == 400
    assert "Phiên làm việc của biểu mẫu đã hết hạn" in response.get_data(as_text=True)


def test_every_form_page_carries_a_csrf_token(csrf_client, world):
    page = csrf_client.get("/dang-nhap").get_data(as_text=True)
    assert 'name="csrf_token"' in page
