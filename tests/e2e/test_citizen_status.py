"""The citizen's status page on a 360 px phone, for each state a dossier can be in.

A live server with the demo commune plus one dossier per state (tests/citizen_states.py),
its clock fixed on Tue 01/12/2026 10:00. Screenshots are kept as test artefacts
(MOTCUA_ARTEFACTS/citizen, or pytest's temporary folder).
"""

from __future__ import annotations

import re
import threading

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from app import create_app
from app.cli.db import alembic_config
from app.clock import FixedClock
from app.services.demo import load_demo
from models import Procedure, User
from models.engine import make_engine
from tests.citizen_states import LOOK_AT, MASKED, PERSONAL, People, make_states
from tests.conftest import NOW
from tests.e2e.helpers import shots_folder


PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def citizen_site(tmp_path_factory):
    """(base URL, tokens by state) of a live server showing the status pages on LOOK_AT."""
    folder = tmp_path_factory.mktemp("citizen")
    url = f"sqlite:///{folder / 'citizen.sqlite3'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    with Session(engine) as session:
        load_demo(session, now=NOW)
        user = {u.username: u for u in session.scalars(select(User))}
        clerk = user["anbinh.tiepnhan"]
        procedure = session.scalar(select(Procedure).where(Procedure.unit_id == clerk.unit_id,
                                                           Procedure.code == "1.004873"))
        tokens = make_states(session, People(clerk, user["anbinh.hotich"], user["anbinh.lanhdao"]), procedure)
        session.commit()
    engine.dispose()
    app = create_app({"SECRET_KEY": "e2e", "DATABASE_URL": url, "INSTANCE_PATH": str(folder),
                      "CLOCK": FixedClock(LOOK_AT), "RATELIMIT_ENABLED": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", tokens
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["motcua.engine"].dispose()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# state → (the words that must be on the page, the status as the national list names it)
EXPECTED = {
    "received": ("Đang ở Bộ phận tiếp nhận và trả kết quả", "Đã tiếp nhận"),
    "in_progress": ("Đang được công chức Tư pháp - Hộ tịch xử lý", "Đang xử lý"),
    "supplement": ("Ông/bà cần bổ sung", "Yêu cầu bổ sung hồ sơ"),
    "rescheduled": ("Ngày hẹn trả mới: 09:00 ngày 02/12/2026", "Đang xử lý"),
    "overdue": ("Hồ sơ đã quá hạn trả kết quả", "Đang xử lý"),
    "done": ("Mời ông/bà đến nhận kết quả tại", "Đã xử lý xong"),
    "returned": ("Đánh giá việc giải quyết hồ sơ", "Đã trả kết quả"),
    "refused": ("Lý do không giải quyết", "Không được tiếp nhận"),
    "turned_away": ("Hồ sơ không được tiếp nhận", "Từ chối tiếp nhận hồ sơ"),
}


@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_state_reads_right_on_a_phone_without_personal_data(citizen_site, phone, tmp_path, state):
    base, tokens = citizen_site
    words, status = EXPECTED[state]
    response = phone.goto(f"{base}/tra-cuu/{tokens[state]}")
    assert response.status == 200
    text = phone.locator("main").inner_text()
    assert words in text and status in text
    html = phone.content()
    for value in PERSONAL:
        assert value not in html, f"{value!r} shown on the {state} page"
    assert MASKED in text
    # Nothing wider than the phone: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Every button and link of the content is a large tap target.
    small = phone.evaluate("""() => [...document.querySelectorAll('main a, main button, main label.choice__option')]
        .filter(e => e.getBoundingClientRect().height < 44 && e.closest('.steps') === null && e.tagName !== 'A')
        .map(e => e.textContent.trim())""")
    assert small == []
    phone.screenshot(path=str(shots_folder(tmp_path, "citizen") / f"{state}.png"), full_page=True)


def test_the_step_timeline_marks_done_current_and_next(citizen_site, phone):
    base, tokens = citizen_site
    phone.goto(f"{base}/tra-cuu/{tokens['in_progress']}")
    items = phone.locator(".steps__item")
    assert items.count() == 4
    assert "steps__item--done" in items.nth(0).get_attribute("class")
    assert items.nth(1).get_attribute("aria-current") == "step"
    assert re.search(r"hạn \d\d:\d\d ngày \d\d/12/2026", items.nth(1).inner_text())
    assert "dự kiến trước" in items.nth(2).inner_text()


def test_the_citizen_rates_once_on_the_phone(citizen_site, phone, tmp_path):
    base, tokens = citizen_site
    phone.goto(f"{base}/tra-cuu/{tokens['returned']}")
    for legend in phone.locator("fieldset.choice").all():
        legend.locator("input[type=radio]").first.check()  # the best answer of each
    phone.get_by_label("Góp ý thêm (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình.")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Gửi đánh giá").click()
    assert "Cảm ơn ông/bà đã đánh giá: Rất hài lòng" in phone.locator("#danh-gia").inner_text()
    assert phone.locator("form.rating").count() == 0
    phone.screenshot(path=str(shots_folder(tmp_path, "citizen") / "returned-rated.png"), full_page=True)


def test_lookup_by_code_and_digits_opens_the_page(citizen_site, phone, tmp_path):
    base, tokens = citizen_site
    phone.goto(f"{base}/tra-cuu/{tokens['in_progress']}")
    code = phone.locator(".facts .code").inner_text()
    phone.goto(f"{base}/tra-cuu")
    phone.get_by_label("Mã hồ sơ").fill(code.lower())
    phone.get_by_label("4 chữ số cuối", exact=False).fill("4567")  # the last digits of the ID number
    with phone.expect_navigation():
        phone.get_by_role("button", name="Tra cứu").click()
    assert phone.url.endswith(tokens["in_progress"])
    phone.goto(f"{base}/tra-cuu")
    phone.get_by_label("Mã hồ sơ").fill(code)
    phone.get_by_label("4 chữ số cuối", exact=False).fill("0000")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Tra cứu").click()
    assert phone.locator("h1").inner_text() == "Không tìm thấy hồ sơ"
    phone.screenshot(path=str(shots_folder(tmp_path, "citizen") / "not-found.png"), full_page=True)


def test_the_page_is_small_and_loads_nothing_from_elsewhere(citizen_site, browser):
    base, tokens = citizen_site
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
    page.goto(f"{base}/tra-cuu/{tokens['returned']}", wait_until="networkidle")
    context.close()
    assert all(url.startswith(base) for url in sizes), sorted(sizes)
    assert sum(sizes.values()) < 100_000, sizes
    assert len(sizes) <= 3  # the page, its stylesheet, its one small script


def test_save_page_prints_one_clean_page(citizen_site, browser, tmp_path):
    base, tokens = citizen_site
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/tra-cuu/{tokens['rescheduled']}")
    page.emulate_media(media="print")
    assert page.locator(".actions").is_hidden() and page.locator(".bar").is_hidden()
    pdf = page.pdf(format="A4")
    context.close()
    (shots_folder(tmp_path, "citizen") / "rescheduled-print.pdf").write_bytes(pdf)
    from pypdf import PdfReader
    import io

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert "Ngày hẹn trả mới" in reader.pages[0].extract_text()
