from sqlalchemy import select

from app.domain.roles import Role
from models import Unit, User


def test_flask_demo_prints_the_accounts_and_can_run_twice(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "thêm 3 đơn vị" in first.output
    assert "anbinh.tiepnhan" in first.output and "MotCua@2026" in first.output
    second = runner.invoke(args=["demo"])
    assert "thêm 0 đơn vị, 0 bộ phận, 0 tài khoản, 0 thủ tục" in second.output


def test_create_admin_sets_up_an_empty_deployment(app, db_session):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--unit-code", "000.00.00.H12", "--governing-body", "ỦY BAN NHÂN DÂN TỈNH THỬ",
              "--unit-name", "VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH", "--place", "Thử", "--username", "quantri",
              "--full-name", "Quản Trị Viên", "--password", "Mat-khau-rat-dai"],
    )
    assert result.exit_code == 0, result.output
    user = db_session.scalar(select(User).where(User.username == "quantri"))
    assert user.roles == {Role.ADMIN}
    assert db_session.get(Unit, user.unit_id).parent_id is None


def test_create_admin_explains_bad_input_and_writes_nothing(app, db_session):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--unit-code", "sai ma", "--governing-body", "X", "--unit-name", "Y",
              "--place", "Z", "--username", "quantri", "--full-name", "Q", "--password", "ngan"],
    )
    assert result.exit_code == 2
    assert "Mã định danh điện tử không đúng định dạng" in result.output
    assert db_session.scalar(select(User).where(User.username == "quantri")) is None


def test_iso_pack_writes_the_zip_as_a_named_leader(app, tmp_path):
    import json
    import zipfile

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    result = runner.invoke(args=["iso-pack", "--username", "anbinh.lanhdao", "--period", "2026-11",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = list(tmp_path.glob("ho-so-iso-*-2026-11.zip"))
    assert len(written) == 1 and str(written[0]) in result.output
    with zipfile.ZipFile(written[0]) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["generated_by"] == "anbinh.lanhdao" and manifest["counts"]["control_slips"] >= 1
    refused = runner.invoke(args=["iso-pack", "--username", "anbinh.hotich", "--period", "2026-11",
                                  "--out", str(tmp_path)])
    assert refused.exit_code == 1 and "Chỉ lãnh đạo đơn vị" in refused.output
    bad = runner.invoke(args=["iso-pack", "--username", "anbinh.lanhdao", "--period", "2026-13"])
    assert bad.exit_code == 1 and "Kỳ không hợp lệ" in bad.output
