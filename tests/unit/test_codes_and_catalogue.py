from datetime import date
from decimal import Decimal

import pytest

from app.domain.catalogue import (
    DocumentSpec,
    StepSpec,
    Validity,
    close_before,
    validate_documents,
    validate_steps,
)
from app.domain.codes import normalize_procedure_code, normalize_unit_code, normalize_username
from app.domain.durations import Duration, DurationKind
from app.domain.errors import DomainError
from app.domain.roles import Role


@pytest.mark.parametrize(
    "text, expected",
    [
        ("000.00.30.H33", "000.00.30.H33"),
        (" h15.50.05.13 ", "H15.50.05.13"),
        ("H55.242", "H55.242"),
    ],
)
def test_unit_codes_of_both_catalogue_generations_are_accepted(text, expected):
    assert normalize_unit_code(text) == expected


@pytest.mark.parametrize("text", ["", "H33", "000-00-30-H33", "000.00.30.H33.", "xã An Bình", "00000.1"])
def test_malformed_unit_codes_are_refused(text):
    with pytest.raises(DomainError):
        normalize_unit_code(text)


@pytest.mark.parametrize("text", ["1.000894", "2.000815", "1.011442.000.00.00.H38", "2.000815.01"])
def test_procedure_codes(text):
    assert normalize_procedure_code(text) == text


@pytest.mark.parametrize("text", ["", "1000894", "1.00089", "A.000894", "1.000894-H38"])
def test_bad_procedure_codes(text):
    with pytest.raises(DomainError):
        normalize_procedure_code(text)


def test_usernames_are_lower_case_ascii():
    assert normalize_username("  AnBinh.TiepNhan ") == "anbinh.tiepnhan"
    for bad in ("ab", "nguyễn", "a b c", "-abc", "x" * 41):
        with pytest.raises(DomainError):
            normalize_username(bad)


def test_validity_periods_overlap_when_they_share_a_day():
    july = Validity(date(2025, 7, 1), date(2025, 7, 31))
    assert july.overlaps(Validity(date(2025, 7, 31)))
    assert not july.overlaps(Validity(date(2025, 8, 1)))
    assert Validity(date(2025, 1, 1)).overlaps(Validity(date(2030, 1, 1)))
    assert july.contains(date(2025, 7, 31)) and not july.contains(date(2025, 8, 1))


def test_validity_must_not_end_before_it_starts():
    with pytest.raises(DomainError) as error:
        Validity(date(2025, 7, 2), date(2025, 7, 1))
    assert error.value.field == "effective_to"


def test_closing_a_version_ends_it_the_day_before_its_successor():
    closed = close_before(Validity(date(2025, 7, 1)), date(2026, 1, 1))
    assert closed == Validity(date(2025, 7, 1), date(2025, 12, 31))
    with pytest.raises(DomainError):
        close_before(Validity(date(2025, 7, 1)), date(2025, 7, 1))


def test_steps_need_a_name_and_someone_responsible():
    duration = Duration.of(DurationKind.WORKING_DAYS, "1")
    validate_steps(duration, [StepSpec("Thẩm định", Decimal(1), role=Role.OFFICER)])
    with pytest.raises(DomainError, match="Bước 1: vui lòng chọn bộ phận hoặc vai trò"):
        validate_steps(duration, [StepSpec("Thẩm định", Decimal(1))])
    with pytest.raises(DomainError, match="Bước 1: vui lòng nhập tên bước"):
        validate_steps(duration, [StepSpec(" ", Decimal(1), department_id=4)])


def test_documents_need_a_name_a_count_and_no_duplicates():
    validate_documents([DocumentSpec("Tờ khai", 1), DocumentSpec("Bản sao CCCD", 0, 1)])
    with pytest.raises(DomainError, match="ít nhất 1"):
        validate_documents([DocumentSpec("Tờ khai")])
    with pytest.raises(DomainError, match="bị lặp lại"):
        validate_documents([DocumentSpec("Tờ khai", 1), DocumentSpec("tờ khai", 1)])
    with pytest.raises(DomainError, match="từ 0 đến 99"):
        validate_documents([DocumentSpec("Tờ khai", -1, 1)])
