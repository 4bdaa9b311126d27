from datetime import date

import pytest

from app.domain.retention import Holding, cutoff, erasable_on, is_civil_status, record_codes, years_for


def test_a_period_runs_from_the_year_after_the_work_ended():
    assert erasable_on(date(2026, 1, 3), 10) == erasable_on(date(2026, 12, 31), 10) == date(2037, 1, 1)
    assert erasable_on(date(2026, 5, 1), None) is None
    rule = cutoff(10, date(2037, 1, 1))
    assert rule.before == date(2027, 1, 1)
    assert rule.expired(date(2026, 12, 31)) and not rule.expired(date(2027, 1, 1))
    assert not cutoff(10, date(2036, 12, 31)).expired(date(2026, 1, 1))
    assert not cutoff(None, date(2200, 1, 1)).expired(date(1990, 1, 1))


@pytest.mark.parametrize(("register", "civil", "years"), [
    ({}, False, 20),  # defaults: the logbook (20) outlasts the dossier (10)
    ({}, True, None),  # hộ tịch: permanent
    ({"MAU-07": 5, "MAU-01": 5, "MAU-06": 5, "HS-TTHC": 8}, False, 8),
    ({"MAU-07": None}, False, None),  # any permanent record keeps the data
    ({"MAU-07": 5, "MAU-01": 5, "MAU-06": 5}, False, 10),  # a type missing from the register: its default
])
def test_dossier_data_is_kept_as_long_as_the_longest_record_showing_it(register, civil, years):
    assert years_for(record_codes(Holding.DOSSIER, civil_status=civil), register) == years


def test_civil_status_fields():
    assert is_civil_status("Hộ tịch") and is_civil_status("Tư pháp -  HỘ TỊCH")
    assert not is_civil_status("Chứng thực") and not is_civil_status("Đất đai")
