"""The report pages through HTTP: dashboard, Biểu 06, 766 indicators, drill-down lists and exports.

The app's clock stands at Tue 24/11/2026 09:00; the November data set is the
hand-worked one of ``test_objectives``, cut at that instant: d1–d3, d7 and d8
are in the month (d4 and d5 come later), 2 early, 3 late → 2/5 on time.
"""

import csv
import io

import openpyxl
import pytest
from sqlalchemy import select

from models import AuditEntry
from tests.integration.test_objectives import november  # noqa: F401
from tests.pdfcheck import pdf_text


def test_the_leader_sees_the_dashboard_with_charts_and_counts(client, login, world, november):
    login("a.leader")
    response = client.get("/thong-ke/?ky=2026-11")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "40,00 %" in html and "Tỷ lệ giải quyết đúng hạn" in html
    assert html.count("<svg") >= 2  # the trend and the field chart, drawn by the app
    assert "cdn" not in html.lower() and "<script" not in html.split("<main", 1)[-1]
    assert "Theo bước xử lý" in html and "Theo cán bộ" in html
    assert "Xếp hạng đơn vị" not in html  # one unit: no league


def test_the_inspector_sees_every_unit_side_by_side(client, login, world, november):
    login("tinh.inspector")
    html = client.get("/thong-ke/?ky=2026-11").get_data(as_text=True)
    assert "Xếp hạng đơn vị" in html and "dưới 20 hồ sơ" in html
    assert world.a.unit.governing_body_name in html and world.b.unit.governing_body_name in html


@pytest.mark.parametrize("username", ["a.officer", "a.clerk"])
def test_operational_staff_do_not_see_reports(client, login, world, username):
    login(username)
    assert client.get("/thong-ke/").status_code == 403
    assert client.get("/thong-ke/xuat/bieu-06.pdf").status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, world):
    assert client.get("/thong-ke/ho-so").status_code in (302, 401)


def test_a_leader_cannot_read_another_commune(client, login, world, november):
    login("b.leader")
    assert client.get(f"/thong-ke/?don-vi={world.a.unit.id}").status_code == 404
    assert client.get(f"/thong-ke/xuat/ho-so.csv?don-vi={world.a.unit.id}").status_code == 404


@pytest.mark.parametrize("query, message", [
    ("ky=2026-13", "Kỳ không hợp lệ"),
    ("tu=2026-11-30&den=2026-11-01", "Ngày kết thúc phải sau"),
    ("tu=2026-11-01&den=hôm nay", "Ngày không hợp lệ"),
    ("tu=2020-01-01&den=2026-11-01", "ba năm"),
    ("don-vi=99999999999999999999", "Đơn vị không hợp lệ"),
    ("chi-so=everything", "Chỉ số không hợp lệ"),
])
def test_bad_filters_are_a_400_in_vietnamese(client, login, world, query, message):
    login("a.leader")
    for path in ("/thong-ke/ho-so", "/thong-ke/xuat/ho-so.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_biểu_06_page_and_exports(client, login, db_session, world, november):
    login("a.leader")
    html = client.get("/thong-ke/bieu-06?ky=2026-11").get_data(as_text=True)
    assert "tất cả 3 dòng khớp" in html and "Số hồ sơ đang giải quyết" in html
    pdf = client.get("/thong-ke/xuat/bieu-06.pdf?ky=2026-11")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(pdf_text(pdf.data))
    assert "Biểu số 06/VPCP/KSTT".upper() in text.upper() and "Từ kỳ trước" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/thong-ke/xuat/bieu-06.xlsx?ky=2026-11").data))
    sheet = book["Biểu 06"]
    total_row = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Tổng cộng")
    # Cut on 24/11 09:00: 4 received in person, 1 from October; 5 finished (2 early, 3 late); none open.
    assert list(total_row[2:]) == [5, 0, 4, 1, 5, 2, 0, 3, 0, 0, 0]
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "report.export.bieu-06.xlsx")).one()
    assert entry.actor_id == world.a.leader.id


def test_766_page_shows_formulas_and_counts(client, login, world, november):
    login("a.leader")
    html = client.get("/thong-ke/chi-so-766?ky=2026-11").get_data(as_text=True)
    for code in ("2.1", "2.2", "3.3", "5.4"):
        assert f"<strong>{code}</strong>" in html
    assert "2 / 5" in html and "× 100 %" in html
    assert client.get("/thong-ke/xuat/chi-so-766.xlsx?ky=2026-11").status_code == 200


def test_drill_down_lists_the_dossiers_behind_a_number(client, login, world, november):
    login("a.leader")
    html = client.get("/thong-ke/ho-so?ky=2026-11&chi-so=finished_late").get_data(as_text=True)
    for key in ("d2", "d3", "d8"):
        assert november[key].code in html
    assert november["d1"].code not in html
    assert "Quá hạn (yêu cầu bổ sung quá một lần)" in html


def test_the_csv_list_is_for_the_leader_and_logged(client, login, db_session, world, november):
    login("a.leader")
    response = client.get("/thong-ke/xuat/ho-so.csv?ky=2026-11&chi-so=finished")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Mã hồ sơ" and len(rows) == 1 + 5
    assert db_session.scalars(select(AuditEntry).where(AuditEntry.action == "report.export.csv")).one()
    login("a.admin")
    refused = client.get("/thong-ke/xuat/ho-so.csv?ky=2026-11")
    assert refused.status_code == 403 and "lãnh đạo" in refused.get_data(as_text=True)
    assert client.get("/thong-ke/xuat/ho-so.xlsx?ky=2026-11").status_code == 403


def test_unknown_exports_are_404(client, login, world):
    login("a.leader")
    assert client.get("/thong-ke/xuat/tong-hop.csv").status_code == 404
    assert client.get("/thong-ke/xuat/khac.pdf").status_code == 404
    assert client.get("/thong-ke/xuat/tong-hop.docx").status_code == 404


def test_dashboard_exports_open(client, login, world, november):
    login("a.leader")
    pdf = client.get("/thong-ke/xuat/tong-hop.pdf?ky=2026")
    assert pdf.status_code == 200 and "Theo bước xử lý" in " ".join(pdf_text(pdf.data))
    book = openpyxl.load_workbook(io.BytesIO(client.get("/thong-ke/xuat/tong-hop.xlsx?ky=2026").data))
    assert {"Tổng hợp", "Theo tháng", "Theo lĩnh vực", "Theo thủ tục", "Theo bước", "Theo cán bộ"} <= set(
        book.sheetnames)
