"""The reception desk through the browser's eyes: receive, turn away, print, logbook."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from models import Dossier, NonReception, PrintedDocument
from tests import builders
from tests.pdfcheck import decoded_codes, page_sizes_mm, pdf_text


def _form(procedure, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "applicant_name": "Nguyễn Văn Bình", "applicant_id_kind": "cccd", "applicant_id_number": "001203004567",
        "applicant_phone": "0912 345 678", "applicant_address": "Thôn Trung Hoà", "applicant_email": "",
        "channel": "direct", "sets_count": "1", "fee_amount": "8000", "result_delivery": "desk",
    }
    for index, document in enumerate(procedure.documents):
        data[f"documents-{index}-received"] = "y"
        data[f"documents-{index}-name"] = document.name
        data[f"documents-{index}-originals"] = str(document.originals or 1)
    data.update(overrides)
    return data


def _receive(client, procedure, **overrides):  # type: ignore[no-untyped-def]
    return client.post(f"/tiep-nhan?procedure={procedure.id}", data=_form(procedure, **overrides))


def test_the_clerk_finds_a_procedure_without_diacritics(client, world, login, db_session, clock):
    builders.make_procedure(db_session, unit=world.a.unit, now=clock.now(), code="1.001193", name="Đăng ký khai sinh")
    login("a.clerk")
    page = client.get("/tiep-nhan?q=khai+sinh").get_data(as_text=True)
    assert "Đăng ký khai sinh" in page and "1.001193" in page
    assert "Đăng ký khai sinh" not in client.get("/tiep-nhan?q=ket+hon").get_data(as_text=True)


def test_receiving_lands_on_the_dossier_page_with_the_due_instant_in_words(client, world, login, db_session):
    login("a.clerk")
    procedure = world.a.procedure
    form_page = client.get(f"/tiep-nhan?procedure={procedure.id}").get_data(as_text=True)
    assert procedure.documents[0].name in form_page  # the checklist is prefilled
    assert "hẹn trả: <strong>17 giờ 30 phút, thứ Sáu, ngày 27/11/2026</strong>" in form_page  # told before saving
    response = _receive(client, procedure)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    dossier = db_session.scalars(select(Dossier)).one()
    assert dossier.code in page
    # Received on a holiday (Tue 24/11/2026): the clock starts Wed 07:30; 3 days → Fri 17:30.
    assert "17 giờ 30 phút, thứ Sáu, ngày 27/11/2026" in page
    assert "In giấy tiếp nhận" in page and "In phiếu kiểm soát" in page
    assert "Chưa in giấy tờ nào" in page


def test_printing_the_receipt_opens_a_pdf_inline_and_records_the_print_only(client, world, login, db_session, app):
    app.config["PUBLIC_BASE_URL"] = "https://motcua.anbinh.gov.vn"
    login("a.clerk")
    _receive(client, world.a.procedure)
    dossier = db_session.scalars(select(Dossier)).one()
    version = dossier.version
    response = client.post(f"/ho-so/{dossier.id}/in/01", data={"paper": ""})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["Cache-Control"] == "no-store"
    pdf = response.get_data()
    assert page_sizes_mm(pdf) == [(148, 210), (148, 210)]  # the unit's default: A5, two copies
    text = pdf_text(pdf)[0]
    assert dossier.code in text and "Nguyễn Văn Bình" in text and "8.000 đồng" in text
    assert ("QRCode", f"https://motcua.anbinh.gov.vn/tra-cuu/{dossier.token}") in decoded_codes(pdf)
    db_session.refresh(dossier)
    assert dossier.version == version  # a print never changes the dossier
    record = db_session.scalars(select(PrintedDocument)).one()
    assert (record.form, record.paper.value, record.dossier_id, record.subject_version) == ("01", "A5", dossier.id, version)
    # Reprint on A4 from the dossier page.
    page = client.get(f"/ho-so/{dossier.id}").get_data(as_text=True)
    assert "Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page and "In lại" in page
    again = client.post(f"/ho-so/{dossier.id}/in/01", data={"paper": "A4"})
    assert page_sizes_mm(again.get_data())[0] == (210, 297)
    assert db_session.scalar(select(func.count(PrintedDocument.id))) == 2


def test_the_control_slip_lists_the_planned_handovers_with_step_deadlines(client, world, login, db_session):
    login("a.clerk")
    _receive(client, world.a.procedure)
    dossier = db_session.scalars(select(Dossier)).one()
    pdf = client.post(f"/ho-so/{dossier.id}/in/06", data={"paper": ""}).get_data()
    assert page_sizes_mm(pdf) == [(210, 297)]
    text = " ".join(pdf_text(pdf))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and dossier.code in text
    assert "1. Giao: Bộ phận tiếp nhận và trả kết quả" in text
    assert "2. Nhận: Tổ chức, cá nhân" in text
    steps = len(dossier.procedure.steps)
    assert "Hạn bước: 17:30 27/11/2026" in text  # the last step ends at the due instant
    # One row per step of the process, then the desk returns the result to the citizen.
    assert text.count("1. Giao:") == steps + 1


def test_bad_reception_input_is_refused_with_messages_and_nothing_saved(client, world, login, db_session):
    login("a.clerk")
    response = _receive(client, world.a.procedure, applicant_name="", applicant_id_number="123", sets_count="0",
                        result_delivery="post", delivery_address="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "12 chữ số" in page and "Vui lòng nhập thông tin này." in page and "địa chỉ nhận" in page
    assert db_session.scalar(select(func.count(Dossier.id))) == 0
    assert _receive(client, world.a.procedure, channel="fax").status_code == 400


def test_turning_away_with_mau_02_and_mau_03(client, world, login, db_session):
    login("a.clerk")
    procedure = world.a.procedure
    base = {"applicant_name": "Trần Thị Cúc", "applicant_id_kind": "cccd", "applicant_id_number": "001203004568",
            "channel": "direct"}
    refused = client.post(f"/tiep-nhan/khong-tiep-nhan?procedure={procedure.id}&kind=refused", data={**base, "reason": ""})
    assert refused.status_code == 400 and "Vui lòng nhập thông tin này." in refused.get_data(as_text=True)
    ok = client.post(f"/tiep-nhan/khong-tiep-nhan?procedure={procedure.id}&kind=refused",
                     data={**base, "reason": "Thủ tục thuộc thẩm quyền của xã khác."})
    assert ok.status_code == 302
    record = db_session.scalars(select(NonReception)).one()
    page = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert "Phiếu từ chối tiếp nhận giải quyết hồ sơ số 1/TCHS" in page
    pdf = client.post(f"/phieu/{record.id}/in", data={"paper": "A4"}).get_data()
    text = pdf_text(pdf)[0]
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Thủ tục thuộc thẩm quyền của xã khác." in text
    assert "Số: 1/TCHS" in text and page_sizes_mm(pdf) == [(210, 297)]

    guide = client.get(f"/tiep-nhan/khong-tiep-nhan?procedure={procedure.id}&kind=incomplete").get_data(as_text=True)
    assert procedure.documents[0].name in guide  # the checklist is offered as what may be missing
    made = client.post(f"/tiep-nhan/khong-tiep-nhan?procedure={procedure.id}&kind=incomplete",
                       data={**base, "missing": "Giấy chứng sinh\n", "reason": "Thiếu giấy chứng sinh."})
    second = db_session.scalars(select(NonReception).where(NonReception.kind == "incomplete")).one()
    text = pdf_text(client.post(f"/phieu/{second.id}/in", data={"paper": ""}).get_data())[0]
    assert made.status_code == 302 and "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Giấy chứng sinh" in text
    assert db_session.scalar(select(func.count(Dossier.id))) == 0  # nothing was received
    listing = client.get("/ho-so").get_data(as_text=True)
    assert "Trần Thị Cúc" in listing


def test_only_the_desk_receives_and_other_units_see_nothing(client, world, login, db_session):
    login("a.officer")
    assert client.get("/tiep-nhan").status_code == 403
    login("a.clerk")
    _receive(client, world.a.procedure)
    dossier = db_session.scalars(select(Dossier)).one()
    login("b.clerk")
    assert client.get(f"/ho-so/{dossier.id}").status_code == 404
    assert client.post(f"/ho-so/{dossier.id}/in/01", data={"paper": ""}).status_code == 404
    assert dossier.code not in client.get("/ho-so").get_data(as_text=True)
    assert client.get(f"/tiep-nhan?procedure={world.a.procedure.id}").status_code == 200  # back to the picker
    assert "Chọn" in client.get(f"/tiep-nhan?procedure={world.a.procedure.id}").get_data(as_text=True)
    login("a.officer")
    assert client.get(f"/ho-so/{dossier.id}").status_code == 200
    assert client.post(f"/ho-so/{dossier.id}/in/01", data={"paper": ""}).status_code == 403
    assert client.post(f"/ho-so/{dossier.id}/in/99", data={"paper": ""}).status_code == 404
    assert client.post(f"/ho-so/{dossier.id}/in/06", data={"paper": "A3"}).status_code == 400


def test_the_logbook_as_pdf_and_xlsx(client, world, login, db_session):
    login("a.clerk")
    for name in ("Nguyễn Văn Bình", "Lê Thị Hoa"):
        _receive(client, world.a.procedure, applicant_name=name)
    form = {"unit": str(world.a.unit.id), "first": "2026-11-01", "last": "2026-11-30", "fmt": "pdf"}
    pdf = client.post("/so-theo-doi", data=form).get_data()
    text = " ".join(pdf_text(pdf))
    assert page_sizes_mm(pdf)[0] == (297, 210)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Nguyễn Văn Bình" in text and "Lê Thị Hoa" in text
    # The spreadsheet is a list of citizens' data to take away: not the clerk's, the leader's.
    assert "Excel (XLSX)" not in client.get("/so-theo-doi").get_data(as_text=True)
    assert client.post("/so-theo-doi", data={**form, "fmt": "xlsx"}).status_code == 400
    login("a.leader")
    assert "Excel (XLSX)" in client.get("/so-theo-doi").get_data(as_text=True)
    response = client.post("/so-theo-doi", data={**form, "fmt": "xlsx"})
    assert response.headers["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert [sheet.cell(r, 5).value for r in (9, 10)] == ["Nguyễn Văn Bình", "Lê Thị Hoa"]
    login("a.clerk")
    bad = client.post("/so-theo-doi", data={**form, "first": "2026-12-01"})
    assert bad.status_code == 400 and "Ngày cuối kỳ phải sau ngày đầu kỳ." in bad.get_data(as_text=True)
    other = client.post("/so-theo-doi", data={**form, "unit": str(world.b.unit.id)})
    assert other.status_code == 400  # not one of the clerk's units
    assert re.search(r"Lựa chọn không hợp lệ", other.get_data(as_text=True))


def test_a_long_logbook_is_made_by_the_scheduler_with_the_same_rows(app, client, world, login, monkeypatch):
    from app.cli.jobs import make_exports
    from app.services import exports

    login("a.clerk")
    for name in ("Nguyễn Văn Bình", "Lê Thị Hoa", "Phạm Quốc Việt"):
        _receive(client, world.a.procedure, applicant_name=name)
    form = {"unit": str(world.a.unit.id), "first": "2026-11-01", "last": "2026-11-30", "fmt": "pdf"}
    inline = client.post("/so-theo-doi", data=form)
    assert inline.mimetype == "application/pdf"  # three rows: printed at once
    monkeypatch.setattr(exports, "LOGBOOK_INLINE_ROWS", 2)  # more than this: a job
    queued = client.post("/so-theo-doi", data=form)
    assert queued.status_code == 303 and "/xuat-file/" in queued.headers["Location"]
    assert "máy chủ đang tạo tệp" in client.get(queued.headers["Location"]).get_data(as_text=True)
    make_exports(app)
    job_id = int(queued.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    made = client.get(f"/xuat-file/{job_id}/tai-ve")
    assert made.mimetype == "application/pdf" and made.headers["Content-Disposition"].startswith("attachment")
    content = made.get_data()
    made.close()  # the file is sent from disk
    assert pdf_text(content) == pdf_text(inline.get_data())  # the same book, page for page


def test_a_missing_font_gives_a_clear_503_not_boxes_or_a_crash(client, world, login, db_session, monkeypatch):
    from printing import base

    login("a.clerk")
    _receive(client, world.a.procedure)
    dossier = db_session.scalars(select(Dossier)).one()

    def missing(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise base.FontMissing(base.font_path.__doc__ or "")

    monkeypatch.setattr("printing.form01_receipt.render_copies", missing)
    response = client.post(f"/ho-so/{dossier.id}/in/01", data={"paper": ""})
    assert response.status_code == 503
    assert "thiếu phông chữ" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count(PrintedDocument.id))) == 0


def test_one_print_for_the_desk_holds_both_liên_of_mau_01_and_mau_06(client, world, login, db_session):
    import io

    from pypdf import PdfReader

    from models import PrintedDocument

    login("a.clerk")
    _receive(client, world.a.procedure)
    dossier = db_session.scalars(select(Dossier)).one()
    page = client.get(f"/ho-so/{dossier.id}").get_data(as_text=True)
    assert f"/ho-so/{dossier.id}/in/01-06" in page and "In giấy tiếp nhận và phiếu kiểm soát" in page
    response = client.post(f"/ho-so/{dossier.id}/in/01-06", data={"paper": ""})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename=tiep-nhan-{dossier.code}.pdf' in response.headers["Content-Disposition"]
    pdf = response.get_data()
    assert page_sizes_mm(pdf) == [(148, 210), (148, 210), (210, 297)]  # Mẫu 01 twice on A5, Mẫu 06 on A4
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert all("GIẤY TIẾP NHẬN HỒ SƠ" in t for t in texts[:2]) and "PHIẾU KIỂM SOÁT" in texts[2]
    assert sorted(db_session.scalars(select(PrintedDocument.form)).all()) == ["01", "06"]
    one_paper = client.post(f"/ho-so/{dossier.id}/in/01-06", data={"paper": "A4"})
    assert set(page_sizes_mm(one_paper.get_data())) == {(210, 297)}
    login("a.officer")  # the officer prints the control slip, not the receipt
    assert client.post(f"/ho-so/{dossier.id}/in/01-06", data={"paper": ""}).status_code == 403


def test_the_card_reader_answers_what_the_qr_holds_and_stores_nothing(client, world, login, db_session):
    from models import AuditEntry

    login("a.clerk")
    before = db_session.scalar(select(func.count()).select_from(AuditEntry))
    card = "001190012345||Lê Thị Thu Hà|02091990|Nữ|Thôn Đông, xã An Bình|15082021\r\n"
    answer = client.post("/tiep-nhan/the-can-cuoc", data={"text": card})
    assert answer.status_code == 200 and answer.get_json() == {
        "name": "Lê Thị Thu Hà", "id_kind": "cccd", "id_number": "001190012345", "address": "Thôn Đông, xã An Bình",
        "sex": "Nữ", "birth_date": "02/09/1990", "issued_on": "15/08/2021"}
    cut = client.post("/tiep-nhan/the-can-cuoc", data={"text": "001190012345||Lê"})
    assert cut.status_code == 400 and "chưa được đọc hết" in cut.get_json()["error"]
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) == before
    login("a.officer")
    assert client.post("/tiep-nhan/the-can-cuoc", data={"text": card}).status_code == 403


def test_a_missing_required_document_offers_mau_02_and_nothing_typed_is_lost(client, world, login, db_session):
    from app.domain.catalogue import DocumentSpec
    from app.services.catalogue import ProcedureInput, update_procedure
    from tests.builders import procedure_input
    from tests.integration.test_processing import vn

    procedure = world.a.procedure
    update_procedure(db_session, world.a.admin, procedure.id, procedure_input(documents=(
        DocumentSpec("Tờ khai theo mẫu", 1),
        DocumentSpec("Giấy tờ chứng minh nơi cư trú", 0, 1, requirement="alternative", group="Cư trú"),
        DocumentSpec("Xác nhận thông tin về cư trú", 1, requirement="alternative", group="Cư trú"),
        DocumentSpec("Văn bản ủy quyền (nếu nộp thay)", 1, requirement="optional"))),
        expected_version=None, now=vn(24, 11, 8))
    db_session.commit()
    login("a.clerk")
    typed = _form(procedure, **{"applicant_name": "Trần Thị Cúc", "documents-1-received": "",
                                "documents-2-received": "", "documents-3-received": ""})
    refused = client.post(f"/tiep-nhan?procedure={procedure.id}", data=typed)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and db_session.query(Dossier).count() == 0
    assert "Thiếu giấy tờ bắt buộc: Giấy tờ chứng minh nơi cư trú hoặc Xác nhận thông tin về cư trú" in page
    assert "Lập Mẫu 02 với các giấy tờ còn thiếu" in page and 'value="Trần Thị Cúc"' in page

    carried = {**typed, "carry": "1",
               "missing_prefill": "Giấy tờ chứng minh nơi cư trú hoặc Xác nhận thông tin về cư trú"}
    letter = client.post(f"/tiep-nhan/khong-tiep-nhan?procedure={procedure.id}&kind=incomplete", data=carried)
    page = letter.get_data(as_text=True)
    assert letter.status_code == 200 and 'value="Trần Thị Cúc"' in page and 'value="001203004567"' in page
    assert "Giấy tờ chứng minh nơi cư trú hoặc Xác nhận thông tin về cư trú</textarea>" in page
    assert db_session.query(NonReception).count() == 0  # switching saves nothing
    back = client.post(f"/tiep-nhan?procedure={procedure.id}",
                       data={"carry": "1", "applicant_name": "Trần Thị Cúc", "applicant_id_kind": "cccd",
                             "applicant_id_number": "001203004567", "applicant_phone": "0912 345 678"})
    page = back.get_data(as_text=True)
    assert back.status_code == 200 and 'value="Trần Thị Cúc"' in page and "Tờ khai theo mẫu" in page
    assert db_session.query(Dossier).count() == 0
    received = client.post(f"/tiep-nhan?procedure={procedure.id}", data={**typed, "documents-2-received": "y"})
    assert received.status_code == 302  # one of the group is enough; the optional one is not needed
