"""What the public page may print of a message written for the citizen (app.domain.citizen.redact)."""

import unicodedata

import pytest

from app.domain.citizen import HIDDEN, mask_name, redact

NAME, ADDRESS = "Nguyễn Văn Bình", "Số 12 ngõ 5, thôn Đông Phú, xã An Bình"


@pytest.mark.parametrize("typed", ["Nguyễn Văn Bình", "Nguyen Van Binh", "NGUYỄN VĂN BÌNH", "nguyen  van\nbinh",
                                   unicodedata.normalize("NFD", "Nguyễn Văn Bình"), "Nguyễn Văn  Bình"])
def test_the_name_is_masked_however_it_was_typed(typed):
    assert redact(f"Mời ông {typed} đến nhận.", names=[NAME]) == "Mời ông Nguyễn V. B. đến nhận."


def test_a_name_inside_a_longer_word_is_left_alone():
    assert redact("Bình Nguyễn Văn Bìnhh", names=[NAME]) == "Bình Nguyễn Văn Bìnhh"


@pytest.mark.parametrize("typed", ["SỐ 12 NGÕ 5", "thôn Đông Phú", "Thon Dong Phu", ADDRESS.upper()])
def test_the_address_and_its_parts_are_hidden(typed):
    assert redact(f"Gửi về {typed} nhé", places=[ADDRESS]) == f"Gửi về {HIDDEN} nhé"


def test_parts_of_an_address_typed_together_are_each_hidden():
    assert redact("Gửi về Số 12 ngõ 5, thôn Đông Phú", places=[ADDRESS]) == f"Gửi về {HIDDEN}, {HIDDEN}"


@pytest.mark.parametrize("number", ["001203004567", "001 203 004 567", "0912.345.678", "0912-345-678",
                                    "(+84) 912 345 678", "+84912345678", "C1234567", "B 12345678", "AB1234567"])
def test_numbers_that_name_a_person_are_hidden(number):
    assert redact(f"Số {number}.") == f"Số {HIDDEN}."


@pytest.mark.parametrize("kept", ["ngày 25/11/2026", "02 bản sao", "1.500.000 đồng", "50.000 VNĐ", "mẫu 02",
                                  "Điều 19 Nghị định 123/2015/NĐ-CP"])
def test_dates_counts_amounts_and_references_are_kept(kept):
    assert redact(kept) == kept


def test_e_mail_addresses_are_hidden():
    assert redact("Gửi binh.nv@example.vn") == f"Gửi {HIDDEN}"


def test_masks():
    assert mask_name(NAME) == "Nguyễn V. B." and mask_name("An") == "A." and mask_name(" ") == ""
