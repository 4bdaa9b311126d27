"""``flask backup`` / ``flask restore``: a round trip gives back the very same database.

On SQLite (a scratch file) and, when the suite runs on PostgreSQL, on a scratch
database next to the test database (pg_dump / pg_restore).
"""

from __future__ import annotations

from sqlalchemy import text

from app.services.backup import fingerprint


def test_a_backup_restored_over_changed_data_gives_back_the_same_database(scratch_app, tmp_path):
    app = scratch_app
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    engine = app.extensions["motcua.engine"]
    before = fingerprint(engine)
    assert before["dossier"][0] > 0 and before["user_account"][0] > 0 and before["alembic_version"][0] == 1

    made = runner.invoke(args=["backup"])
    assert made.exit_code == 0, made.output
    assert "Đã sao lưu vào" in made.output
    [written] = (tmp_path / "instance" / "backups").iterdir()
    assert written.name.startswith("motcua-20261124-") and written.stat().st_size > 0

    # Life goes on: a dossier is deleted, a unit renamed; then the backup is restored.
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM dossier_event"))
        connection.execute(text("UPDATE unit SET name = 'Đổi tên sau khi sao lưu'"))
    assert fingerprint(engine) != before
    refused = runner.invoke(args=["restore", str(written)], input="n\n")
    assert refused.exit_code != 0 and fingerprint(engine) != before  # asked first; "no" changes nothing
    restored = runner.invoke(args=["restore", str(written), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert fingerprint(engine) == before  # every table: same row count, same content hash
    # The restored database is used as before.
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM dossier_event")).scalar() == before["dossier_event"][0]


def test_a_backup_never_overwrites_and_a_bad_file_is_not_restored(scratch_app, tmp_path):
    runner = scratch_app.test_cli_runner()
    engine = scratch_app.extensions["motcua.engine"]
    before = fingerprint(engine)
    target = tmp_path / "one.bak"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "đã có" in again.output
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"not a backup at all" * 100)
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "Error" in result.output
    assert fingerprint(engine) == before
    missing = runner.invoke(args=["restore", str(tmp_path / "khong-co.bak"), "--yes"])
    assert missing.exit_code != 0 and "Không tìm thấy tệp sao lưu" in missing.output
