import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from app.services import reception
from models.engine import make_engine
from tests.integration.test_processing import vn
from tests.integration.test_reception import reception_input


@pytest.fixture
def desk(db_session, world):
    """A dossier of commune a received at the desk on Wed 25/11/2026 09:00 (due Mon 30/11 09:00)."""
    a = world.a
    return reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))


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
