"""``flask backup`` / ``flask restore``: a round trip gives back the very same database.

On SQLite (a scratch file) and, when the suite runs on PostgreSQL, on a scratch
database next to the test database (pg_dump / pg_restore).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from app.services.backup import fingerprint
from models.engine import make_engine


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """An empty database of the suite's kind that this test may wipe."""
    if make_url(database_url).get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
        return
    name = make_url(database_url).database + "_backup"
    admin = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def scratch_app(scratch_url, tmp_path, clock):
    """The app on the scratch database, migrated to the newest schema."""
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": scratch_url, "CLOCK": clock,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    yield app
    app.extensions["motcua.engine"].dispose()


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
