"""A province's units and staff imported (issue 21, §1): dry run first, merged units keep their history,
new staff change their first password before anything else."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.domain.roles import Role
from app.services import org_import, reception
from models import AuditEntry, Department, Unit, User
from tests.integration.test_processing import vn
from tests.integration.test_reception import reception_input


def unit_row(code, name, parent="", replaces="", active="Có"):  # type: ignore[no-untyped-def]
    return {"Mã định danh": code, "Cơ quan": f"ỦY BAN NHÂN DÂN {name.upper()}", "Tên đơn vị": "TRUNG TÂM PHỤC VỤ "
            "HÀNH CHÍNH CÔNG", "Địa danh": name.removeprefix("xã ").title(), "Mã đơn vị cấp trên": parent,
            "Thay cho": replaces, "Hoạt động": active}


def count(db_session, model):  # type: ignore[no-untyped-def]
    return db_session.scalar(select(func.count()).select_from(model))


def test_units_dry_run_then_apply_with_a_merger_that_keeps_history(db_session, world):
    a, b = world.a, world.b
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
    tables = {"Đơn vị": [unit_row("000.00.40.H77", "xã Hoà Bình", world.province.code,
                                  replaces=f"{a.unit.code}; {b.unit.code}")],
              "Bộ phận": [{"Mã định danh": "000.00.40.H77", "Tên bộ phận": "Tư pháp - Hộ tịch"},
                          {"Mã định danh": "000.00.40.H77", "Tên bộ phận": "Văn hoá - Xã hội"}]}
    units_before = count(db_session, Unit)
    dry = org_import.import_units(db_session, tables, apply=False, now=vn(25, 11, 10))
    assert dry.problems == [] and dry.lines[0] == "ĐƠN VỊ MỚI 000.00.40.H77: ỦY BAN NHÂN DÂN XÃ HOÀ BÌNH"
    assert sum(line.startswith("THAY THẾ") for line in dry.lines) == 2
    assert count(db_session, Unit) == units_before and a.unit.is_active  # the dry run wrote nothing

    done = org_import.import_units(db_session, tables, apply=True, now=vn(25, 11, 10))
    assert done.lines == dry.lines
    merged = db_session.scalar(select(Unit).where(Unit.code == "000.00.40.H77"))
    assert merged.parent_id == world.province.id
    assert (a.unit.is_active, a.unit.successor_id, b.unit.successor_id) == (False, merged.id, merged.id)
    assert dossier.unit_id == a.unit.id  # the dossiers stay where they were received
    assert {d.name for d in db_session.scalars(select(Department).where(Department.unit_id == merged.id))} == {
        "Tư pháp - Hộ tịch", "Văn hoá - Xã hội"}
    again = org_import.import_units(db_session, tables, apply=True, now=vn(26, 11, 10))
    assert again.lines == [] and again.problems == []  # the same file twice: nothing


def test_a_renamed_unit_keeps_its_code_and_the_audit_log_keeps_the_old_name(db_session, world):
    row = unit_row(world.a.unit.code, "xã An Bình Mới", world.province.code)
    outcome = org_import.import_units(db_session, {"Đơn vị": [row]}, apply=True, now=vn(25, 11, 10))
    assert outcome.lines == [f"SỬA {world.a.unit.code}: governing_body_name, place_name"]
    assert world.a.unit.governing_body_name == "ỦY BAN NHÂN DÂN XÃ AN BÌNH MỚI"
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "unit.update")) is not None


@pytest.mark.parametrize("tables, words", [
    ({"Đơn vị": [unit_row("abc def", "xã X")]}, "Đơn vị, dòng 2"),
    ({"Đơn vị": [unit_row("000.00.41.H77", "xã X", "000.99.99.H99")]}, "không có đơn vị cấp trên"),
    ({"Đơn vị": [unit_row("000.00.41.H77", "xã X", replaces="000.99.98.H99")]}, "“Thay cho” mã 000.99.98.H99"),
    ({"Đơn vị": [unit_row("000.00.41.H77", "xã X", active="có lẽ")]}, "“Hoạt động” là Có hoặc Không"),
    ({"Đơn vị": [unit_row("000.00.41.H77", "xã X"), unit_row("000.00.41.H77", "xã Y")]}, "lặp lại"),
    ({"Bộ phận": [{"Mã định danh": "000.99.97.H99", "Tên bộ phận": "X"}]}, "không có đơn vị mã"),
    ({"Khác": []}, "Thiếu trang"),
])
def test_a_bad_unit_row_is_named_and_nothing_is_written(db_session, world, tables, words):
    before = count(db_session, Unit)
    outcome = org_import.import_units(db_session, tables, apply=True, now=vn(25, 11, 10))
    assert any(words in p for p in outcome.problems), outcome.problems
    assert count(db_session, Unit) == before


def staff(**changes):  # type: ignore[no-untyped-def]
    row = {"Tên đăng nhập": "anbinh.moi", "Họ và tên": "Lê Văn Mới", "Mã đơn vị": "", "Bộ phận": "",
           "Chức vụ": "Công chức Tư pháp - Hộ tịch", "Email": "", "Vai trò": "Công chức chuyên môn", "Hoạt động": "Có"}
    row.update(changes)
    return row


def test_new_staff_get_a_first_password_and_must_change_it(app, client, db_session, world, login):
    code = world.a.unit.code
    tables = {"Cán bộ": [staff(**{"Mã đơn vị": code}),
                         {**staff(**{"Mã đơn vị": code}), "Tên đăng nhập": "a.clerk", "Họ và tên": "Tên Mới",
                          "Vai trò": "Tiếp nhận và trả kết quả; Lãnh đạo"}]}
    dry = org_import.import_users(db_session, tables, apply=False, now=vn(25, 11, 10))
    assert dry.passwords == [] and count(db_session, User) == 10
    done = org_import.import_users(db_session, tables, apply=True, now=vn(25, 11, 10),
                                   make_password=lambda: "Lan-dau-2026")
    assert done.lines[0].startswith("TÀI KHOẢN MỚI anbinh.moi: Lê Văn Mới") and done.passwords == [
        ("anbinh.moi", "Lan-dau-2026")]
    assert done.lines[1].startswith("SỬA a.clerk: họ tên") and "vai trò" in done.lines[1]
    assert world.a.clerk.roles == {Role.CLERK, Role.LEADER}
    db_session.commit()
    assert login("anbinh.moi", "Lan-dau-2026").headers["Location"].endswith("/tai-khoan/mat-khau")
    home = client.get("/ho-so")
    assert home.status_code == 302 and home.headers["Location"].endswith("/tai-khoan/mat-khau")
    changed = client.post("/tai-khoan/mat-khau", data={"current_password": "Lan-dau-2026",
                                                       "new_password": "Mat-khau-rieng-2026",
                                                       "confirm": "Mat-khau-rieng-2026"})
    assert changed.status_code == 302
    assert client.get("/ho-so").status_code == 200
    db_session.expire_all()  # the web request changed rows this session holds
    assert org_import.import_users(db_session, tables, apply=True, now=vn(26, 11, 10)).lines == []


def test_a_bad_staff_row_refuses_the_file(db_session, world):
    for row, words in ((staff(**{"Mã đơn vị": "000.99.99.H99"}), "không có đơn vị mã"),
                       (staff(**{"Mã đơn vị": world.a.unit.code, "Vai trò": "Thủ quỹ"}), "vai trò “Thủ quỹ”"),
                       (staff(**{"Mã đơn vị": world.a.unit.code, "Bộ phận": "Không có"}), "không có bộ phận"),
                       (staff(**{"Mã đơn vị": world.a.unit.code, "Vai trò": ""}), "Chọn ít nhất một vai trò")):
        outcome = org_import.import_users(db_session, {"Cán bộ": [row]}, apply=True, now=vn(25, 11, 10))
        assert any(words in p for p in outcome.problems), outcome.problems
        assert count(db_session, User) == 10


def test_the_commands_dry_run_first(app, db_session, world, tmp_path):
    db_session.commit()
    path = tmp_path / "can-bo.json"
    path.write_text(json.dumps({"Cán bộ": [staff(**{"Mã đơn vị": world.a.unit.code})]}, ensure_ascii=False),
                    encoding="utf-8")
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["users", "import", str(path)])
    assert dry.exit_code == 0 and "TÀI KHOẢN MỚI anbinh.moi" in dry.output and "Chưa ghi gì" in dry.output
    secrets_file = tmp_path / "mat-khau.txt"
    done = runner.invoke(args=["users", "import", str(path), "--apply", "--passwords", str(secrets_file)])
    assert done.exit_code == 0 and "anbinh.moi\t" in secrets_file.read_text()
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"
    units = tmp_path / "don-vi.json"
    units.write_text(json.dumps({"Đơn vị": [unit_row("bad code", "xã X")]}, ensure_ascii=False), encoding="utf-8")
    refused = runner.invoke(args=["units", "import", str(units), "--apply"])
    assert refused.exit_code == 2 and "Đơn vị, dòng 2" in refused.output


def test_the_exports_read_back_as_no_change(db_session, world):
    from app.services.table_files import read_tables
    from printing.catalogue_file import catalogue_workbook

    world.inspector  # the inspector's role label holds a comma: roles are split on ';' only
    for export, work in ((org_import.export_units, org_import.import_units),
                         (org_import.export_users, org_import.import_users)):
        tables = export(db_session)
        content = catalogue_workbook({n: (org_import.COLUMNS[n], rows) for n, rows in tables.items()},
                                     guide=org_import.GUIDE)
        outcome = work(db_session, read_tables("x.xlsx", content, org_import.COLUMNS), apply=True, now=vn(25, 11, 10))
        assert (outcome.problems, outcome.lines) == ([], [])
