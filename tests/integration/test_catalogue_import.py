"""The province's catalogue imported (issue 21, §1): a difference first, versions dated by their decision,
dossiers keeping theirs, the same file twice changing nothing, every bad row explained."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from sqlalchemy import func, inspect, select

from app.domain.catalogue_file import DOCUMENTS, PROCEDURES, STEPS
from app.services import catalogue_import, reception
from app.services.errors import ValidationFailed
from models import Department, Procedure, ProcedureDocument, ProcedureStep
from printing.catalogue_file import catalogue_workbook
from app.domain.catalogue_file import COLUMNS
from tests.integration.test_processing import vn
from tests.integration.test_reception import reception_input

TODAY = date(2026, 11, 25)


def tables_of(db_session, unit):  # type: ignore[no-untyped-def]
    return catalogue_import.export_tables(db_session, unit, today=TODAY)


def snapshot(db_session):  # type: ignore[no-untyped-def]
    """Every row of the catalogue as stored. Read back from the database: an object the session still holds keeps
    the Python value it was given (an aware datetime, a Decimal's own scale), one it let go of is loaded afresh, and
    which of the two happens depends on garbage collection."""
    db_session.flush()
    db_session.expire_all()
    return [sorted(tuple((a.key, str(getattr(row, a.key))) for a in inspect(model).column_attrs)
                   for row in db_session.scalars(select(model)).all())
            for model in (Procedure, ProcedureDocument, ProcedureStep)]


def birth(**changes):  # type: ignore[no-untyped-def]
    row = {"Mã TTHC": "1.001193", "Tên thủ tục": "Thủ tục đăng ký khai sinh", "Lĩnh vực": "Hộ tịch",
           "Cấp thực hiện": "Cấp xã", "Loại thời hạn": "Trong ngày", "Thời hạn": "", "Khi bổ sung hồ sơ": "Tạm dừng",
           "Phí, lệ phí": "Miễn lệ phí đăng ký khai sinh đúng hạn.", "Kết quả": "Giấy khai sinh (bản chính)",
           "Căn cứ pháp lý": "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP.",
           "Quyết định công bố": "", "Ngày hiệu lực": "01/07/2025"}
    row.update(changes)
    return row


def test_the_export_reads_back_as_no_change_in_either_form(db_session, world):
    tables = tables_of(db_session, world.a.unit)
    assert [p["Mã TTHC"] for p in tables[PROCEDURES]] == [world.a.procedure.code]
    for content in (catalogue_workbook({n: (COLUMNS[n], rows) for n, rows in tables.items()}),
                    json.dumps(tables, ensure_ascii=False, default=lambda d: f"{d:%d/%m/%Y}").encode()):
        read = catalogue_import.read_file("tep", content)
        result = catalogue_import.plan(db_session, read, [world.a.unit], today=TODAY)
        assert (result.problems, result.lines, result.entries) == ([], [], 1)


def test_new_changed_withdrawn_then_the_same_file_twice_changes_nothing(db_session, world):
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
    old_version = a.procedure
    tables = tables_of(db_session, a.unit)
    tables[PROCEDURES][0].update({"Phí, lệ phí": "5.000 đồng/bản.", "Quyết định công bố": "Quyết định số 1/QĐ-UBND",
                                  "Ngày hiệu lực": "01/12/2026"})
    tables[DOCUMENTS].append({"Mã TTHC": old_version.code, "STT": 2, "Tên giấy tờ": "Giấy tờ chứng minh nơi cư trú",
                              "Yêu cầu": "Một trong nhóm", "Nhóm": "Cư trú", "Bản photo": 1})
    tables[DOCUMENTS].append({"Mã TTHC": old_version.code, "STT": 3, "Tên giấy tờ": "Xác nhận thông tin về cư trú",
                              "Yêu cầu": "Một trong nhóm", "Nhóm": "Cư trú", "Bản chính": 1})
    tables[PROCEDURES].append(birth())
    tables[DOCUMENTS].append({"Mã TTHC": "1.001193", "Tên giấy tờ": "Tờ khai đăng ký khai sinh", "Bản chính": 1})
    tables[STEPS] += [{"Mã TTHC": "1.001193", "Bước": 1, "Tên bước": "Tiếp nhận", "Vai trò": "Tiếp nhận và trả kết quả",
                       "Giờ làm việc": "1"},
                      {"Mã TTHC": "1.001193", "Bước": 2, "Tên bước": "Thẩm định, trình ký", "Bộ phận": "Văn hoá - Xã hội",
                       "Giờ làm việc": "6,5"},
                      {"Mã TTHC": "1.001193", "Bước": 3, "Tên bước": "Ký, trả kết quả", "Vai trò": "Lãnh đạo",
                       "Giờ làm việc": "0,5"}]
    withdrawn = Procedure(unit_id=a.unit.id, created_at=vn(1, 11, 9))
    from tests.builders import procedure_input
    from app.services.catalogue import apply_procedure_input

    apply_procedure_input(db_session, withdrawn, procedure_input(code="2.000884", name="Chứng thực chữ ký"),
                          now=vn(1, 11, 9))
    preview = catalogue_import.plan(db_session, tables, [a.unit], today=TODAY)
    assert [(line.kind, line.code) for line in preview.lines] == [
        ("new", "1.001193"), ("changed", old_version.code), ("withdrawn", "2.000884")]
    changed = preview.lines[1]
    assert set(changed.parts) == {"Phí, lệ phí", "Quyết định công bố", "Thành phần hồ sơ"}
    assert preview.departments == [(a.unit.code, "Văn hoá - Xã hội")]
    assert "SỬA ĐỔI 1.004873" in changed.text() and "01/12/2026" in changed.text()
    assert db_session.scalar(select(func.count()).select_from(Procedure)) == 3  # the preview wrote nothing

    catalogue_import.apply(db_session, tables, [a.unit], actor=None, now=vn(25, 11, 10))
    versions = db_session.scalars(select(Procedure).where(Procedure.unit_id == a.unit.id,
                                                          Procedure.code == old_version.code)
                                  .order_by(Procedure.effective_from)).all()
    assert [(v.effective_from, v.effective_to) for v in versions] == [(date(2025, 7, 1), date(2026, 11, 30)),
                                                                      (date(2026, 12, 1), None)]
    assert dossier.procedure_id == versions[0].id  # the dossier keeps the version it was received under
    assert [(d.requirement, d.alt_group) for d in versions[1].documents][1:] == [("alternative", "Cư trú")] * 2
    assert withdrawn.effective_to == date(2026, 11, 24)
    assert db_session.scalar(select(Department).where(Department.unit_id == a.unit.id,
                                                      Department.name == "Văn hoá - Xã hội")) is not None

    before = snapshot(db_session)
    again = catalogue_import.apply(db_session, tables, [a.unit], actor=None, now=vn(26, 11, 10))
    assert again.lines == [] and snapshot(db_session) == before


@pytest.mark.parametrize("change, words", [
    (lambda t: t[PROCEDURES][0].update({"Mã TTHC": "abc"}), "Thủ tục, dòng 2: Mã thủ tục không đúng định dạng"),
    (lambda t: t[PROCEDURES][0].update({"Loại thời hạn": "tuần"}), "“Loại thời hạn” phải là một trong"),
    (lambda t: t[PROCEDURES][0].update({"Ngày hiệu lực": "31/02/2026"}), "“Ngày hiệu lực” không hợp lệ"),
    (lambda t: t[STEPS][0].update({"Giờ làm việc": "9"}), "khác thời hạn 24 giờ làm việc"),
    (lambda t: t[DOCUMENTS][0].update({"Yêu cầu": "Một trong nhóm"}), "cần tên nhóm"),
    (lambda t: t[DOCUMENTS].append({"Mã TTHC": "1.999999", "Tên giấy tờ": "X"}), "mã 1.999999 không có trong bảng"),
    (lambda t: t[PROCEDURES].append(dict(t[PROCEDURES][0])), "lặp lại"),
    (lambda t: t[PROCEDURES][0].update({"Tên thủ tục": "x" * 501}), "tối đa 500 ký tự"),
    (lambda t: t[STEPS].clear(), "chưa có quy trình nội bộ"),
])
def test_a_bad_row_is_named_and_nothing_is_written(db_session, world, change, words):
    tables = copy.deepcopy(tables_of(db_session, world.a.unit))
    tables[PROCEDURES][0]["Phí, lệ phí"] = "đổi"
    change(tables)
    preview = catalogue_import.plan(db_session, tables, [world.a.unit], today=TODAY)
    assert any(words in problem for problem in preview.problems), preview.problems
    before = snapshot(db_session)
    with pytest.raises(ValidationFailed):
        catalogue_import.apply(db_session, tables, [world.a.unit], actor=None, now=vn(25, 11, 10))
    assert snapshot(db_session) == before


def test_a_change_dated_before_a_used_version_is_refused(db_session, world):
    a = world.a
    reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
    tables = tables_of(db_session, a.unit)
    tables[PROCEDURES][0]["Phí, lệ phí"] = "Thay đổi không có quyết định mới"
    preview = catalogue_import.plan(db_session, tables, [a.unit], today=TODAY)
    assert preview.lines == [] and "cần quyết định công bố mới" in preview.problems[0]


def test_files_that_are_not_catalogues_are_refused():
    for content in (b"\x00\x01garbage", b"[1, 2]", b"PK\x03\x04broken"):
        with pytest.raises(ValidationFailed):
            catalogue_import.read_file("x", content)


def test_the_command_prints_the_difference_and_applies(app, db_session, world, tmp_path):
    tables = tables_of(db_session, world.a.unit)
    tables[PROCEDURES][0]["Kết quả"] = "Giấy xác nhận (bản điện tử)"
    tables[PROCEDURES][0]["Ngày hiệu lực"] = "01/12/2026"
    path = tmp_path / "danh-muc.json"
    path.write_text(json.dumps(tables, ensure_ascii=False, default=lambda d: f"{d:%d/%m/%Y}"), encoding="utf-8")
    db_session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["catalogue", "import", str(path), "--unit", world.a.unit.code])
    assert dry.exit_code == 0 and "SỬA ĐỔI 1.004873" in dry.output and "(Kết quả)" in dry.output, dry.output
    assert "Chưa ghi gì" in dry.output
    done = runner.invoke(args=["catalogue", "import", str(path), "--apply", "--unit", world.a.unit.code])
    assert done.exit_code == 0 and "Đã nhập" in done.output
    again = runner.invoke(args=["catalogue", "import", str(path), "--unit", world.a.unit.code])
    assert "0 thay đổi" in again.output
    bad = runner.invoke(args=["catalogue", "import", str(path), "--unit", "000.99.99.H99"])
    assert bad.exit_code == 2 and "Không có đơn vị mã" in bad.output


def test_the_admin_page_previews_then_applies_what_was_previewed(client, login, db_session, world):
    import io

    tables = tables_of(db_session, world.a.unit)
    tables[PROCEDURES][0]["Kết quả"] = "Giấy xác nhận (bản điện tử)"
    tables[PROCEDURES][0]["Ngày hiệu lực"] = "01/12/2026"
    content = catalogue_workbook({n: (COLUMNS[n], rows) for n, rows in tables.items()})
    db_session.commit()
    login("a.clerk")
    assert client.get("/thu-tuc/nhap").status_code == 403
    login("a.admin")
    assert "Nhập danh mục thủ tục từ tệp" in client.get("/thu-tuc/nhap").get_data(as_text=True)
    empty = client.post("/thu-tuc/nhap", data={"scope": "unit"})
    assert empty.status_code == 400
    shown = client.post("/thu-tuc/nhap", data={"scope": "unit", "file": (io.BytesIO(content), "danh-muc.xlsx")},
                        content_type="multipart/form-data")
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "SỬA ĐỔI" in page and "Kết quả" in page and "Nhập 1 thay đổi" in page
    key = page.split('name="key" value="')[1].split('"')[0]
    carried = page.split('name="content" value="')[1].split('"')[0]
    assert client.post("/thu-tuc/nhap/ap-dung", data={"key": "0" * 64, "content": carried,
                                                      "scope": "unit"}).status_code == 400  # not what was previewed
    done = client.post("/thu-tuc/nhap/ap-dung", data={"key": key, "content": carried, "scope": "unit",
                                                      "unit": world.a.unit.id})
    assert done.status_code == 302
    versions = db_session.scalars(select(Procedure).where(Procedure.unit_id == world.a.unit.id)).all()
    assert sorted(v.result_text for v in versions) == ["", "Giấy xác nhận (bản điện tử)"]
    bad = client.post("/thu-tuc/nhap", data={"scope": "unit", "file": (io.BytesIO(b"xyz"), "x.xlsx")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and "không phải tệp XLSX hay JSON" in bad.get_data(as_text=True)


def test_the_sample_files_import_into_the_demo_as_no_change(scratch_app):
    """docs/samples are written by the app's own exports (docs/samples/regenerate.py): they must read back."""
    from pathlib import Path

    samples = Path(__file__).resolve().parents[2] / "docs" / "samples"
    runner = scratch_app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    for name in ("catalogue.xlsx", "catalogue.json"):
        result = runner.invoke(args=["catalogue", "import", str(samples / name), "--unit", "000.00.31.H99"])
        assert result.exit_code == 0 and "15 thủ tục trong tệp, 1 đơn vị, 0 thay đổi" in result.output, result.output
    for command, name in (("units", "units.xlsx"), ("users", "users.xlsx")):
        result = runner.invoke(args=[command, "import", str(samples / name)])
        assert result.exit_code == 0 and ": 0 thay đổi" in result.output, result.output
