"""The ISO 7.5 registers' rules: retention typed by people, dates of legal texts, the standard entries."""

from datetime import date

import pytest

from app.domain.registers import (
    LEGAL_TEXTS,
    SYSTEM_FORMS,
    SYSTEM_RECORDS,
    check_dates,
    disposal_for,
    in_force,
    parse_retention,
    procedure_seed,
    retention_label,
)


@pytest.mark.parametrize("text, expected", [
    ("10", (10, None)), ("10 năm", (10, None)), (" 5  NĂM ", (5, None)), ("Vĩnh viễn", (None, None)), ("vv", (None, None)),
])
def test_retention_is_read_as_people_write_it(text, expected):
    assert parse_retention(text) == expected


@pytest.mark.parametrize("text", ["", "0", "101", "mãi mãi", "-3", "10 tháng", "1.5"])
def test_bad_retention_is_refused_in_vietnamese(text):
    years, problem = parse_retention(text)
    assert years is None and "vĩnh viễn" in problem


def test_retention_label_and_disposal():
    assert retention_label(None) == "Vĩnh viễn" and retention_label(20) == "20 năm"
    assert "vĩnh viễn" in disposal_for(None).lower() and "tiêu huỷ" in disposal_for(5)


def test_dates_of_a_legal_text():
    assert check_dates(date(2025, 6, 9), date(2025, 7, 1), None) == {}
    assert set(check_dates(date(2025, 6, 9), date(2025, 6, 1), None)) == {"effective_on"}
    assert set(check_dates(None, date(2025, 7, 1), date(2025, 7, 1))) == {"expired_on"}
    assert set(check_dates(date(2025, 6, 9), None, date(2025, 1, 1))) == {"expired_on"}


def test_in_force():
    today = date(2026, 11, 24)
    assert in_force(date(2025, 7, 1), None, today) is True
    assert in_force(date(2018, 6, 21), date(2025, 7, 1), today) is False  # ND 61/2018 ended when ND 118 began
    assert in_force(date(2027, 1, 1), None, today) is False
    assert in_force(None, None, today) is None
    assert in_force(None, date(2026, 1, 1), today) is False


def test_the_standard_entries():
    assert len({s.code for s in SYSTEM_FORMS}) == len(SYSTEM_FORMS)
    assert {f"BM-0{n}" for n in range(1, 8)} <= {s.code for s in SYSTEM_FORMS}
    assert len({t.number for t in LEGAL_TEXTS}) == len(LEGAL_TEXTS)
    nd118 = next(t for t in LEGAL_TEXTS if t.number == "118/2025/NĐ-CP")
    assert (nd118.issued_on, nd118.effective_on) == (date(2025, 6, 9), date(2025, 7, 1))
    for text in LEGAL_TEXTS:
        assert check_dates(text.issued_on, text.effective_on, text.expired_on) == {}, text.number
    assert len({r.code for r in SYSTEM_RECORDS}) == len(SYSTEM_RECORDS)
    assert all(len(r.code) <= 40 and len(r.name) <= 255 and len(r.disposal) <= 255 for r in SYSTEM_RECORDS)
    assert procedure_seed("1.001193", "Thủ tục đăng ký khai sinh").title == \
        "Quy trình nội bộ giải quyết thủ tục đăng ký khai sinh"
    assert procedure_seed("2.000635", "Cấp bản sao trích lục").title == \
        "Quy trình nội bộ giải quyết thủ tục cấp bản sao trích lục"
