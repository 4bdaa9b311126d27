import pytest

from app.services import reception
from tests.integration.test_processing import vn
from tests.integration.test_reception import reception_input


@pytest.fixture
def desk(db_session, world):
    """A dossier of commune a received at the desk on Wed 25/11/2026 09:00 (due Mon 30/11 09:00)."""
    a = world.a
    return reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 9))
