from datetime import date, datetime

import pytest

from app.services import calendar
from app.services.errors import Forbidden, NotFound, ValidationFailed
from tests.conftest import NOW


def test_a_unit_calendar_uses_its_windows_and_cut_off(db_session, world):
    unit = world.a.unit
    unit.working_windows = "07:00-11:30, 13:30-17:00"
    cal = calendar.unit_calendar(db_session, unit)
    assert cal.add(datetime(2026, 11, 18, 7, 0), "1d") == datetime(2026, 11, 18, 17, 0)


def test_an_override_changes_due_dates_for_that_unit_only(db_session, world):
    calendar.add_override(db_session, world.a.admin, world.a.unit.id, day=date(2026, 11, 25), working=False,
                          reason="Nghỉ theo quyết định của UBND xã", now=NOW)
    start = datetime(2026, 11, 23, 10, 0)
    # Unit A: Mon 330; Tue 24/11 and Wed 25/11 off; Thu 26/11 +150 → 10:00.
    assert calendar.unit_calendar(db_session, world.a.unit).add(start, "1d") == datetime(2026, 11, 26, 10, 0)
    assert calendar.unit_calendar(db_session, world.b.unit).add(start, "1d") == datetime(2026, 11, 25, 10, 0)


def test_overrides_need_a_reason_and_must_change_something(db_session, world):
    with pytest.raises(ValidationFailed) as error:
        calendar.add_override(db_session, world.a.admin, world.a.unit.id, day=date(2026, 11, 22), working=False,
                              reason="", now=NOW)
    assert error.value.errors["reason"] == "Vui lòng nhập thông tin này."
    assert "vốn đã là ngày nghỉ (Chủ nhật)" in error.value.errors["day"]
    with pytest.raises(ValidationFailed) as error:
        calendar.add_override(db_session, world.a.admin, world.a.unit.id, day=None, working=True, reason="x", now=NOW)
    assert error.value.errors["day"] == "Vui lòng chọn ngày."


def test_one_override_per_day(db_session, world):
    calendar.add_override(db_session, world.a.admin, world.a.unit.id, day=date(2026, 11, 24), working=True,
                          reason="Trực tiếp nhận hồ sơ", now=NOW)
    with pytest.raises(ValidationFailed, match="đã được đơn vị điều chỉnh"):
        calendar.add_override(db_session, world.a.admin, world.a.unit.id, day=date(2026, 11, 24), working=False,
                              reason="Khác", now=NOW)


def test_only_the_units_admins_change_its_calendar(db_session, world):
    with pytest.raises(NotFound):
        calendar.add_override(db_session, world.b.admin, world.a.unit.id, day=date(2026, 11, 25), working=False,
                              reason="x", now=NOW)
    with pytest.raises(Forbidden):
        calendar.add_override(db_session, world.inspector, world.a.unit.id, day=date(2026, 11, 25), working=False,
                              reason="x", now=NOW)
    override = calendar.add_override(db_session, world.a.admin, world.a.unit.id, day=date(2026, 11, 25),
                                     working=False, reason="x", now=NOW)
    with pytest.raises(NotFound):
        calendar.remove_override(db_session, world.b.admin, override.id, now=NOW)
    calendar.remove_override(db_session, world.province_admin, override.id, now=NOW)
    assert calendar.list_overrides(db_session, world.a.admin, world.a.unit.id, year=2026) == []
