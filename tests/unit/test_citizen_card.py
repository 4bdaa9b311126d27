"""The Căn cước / CCCD QR as a USB scanner types it (issue 22): the variants met at the desk."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.citizen_card import looks_like_card, read_card
from app.domain.errors import DomainError

CARD = "001203004567|123456789|Nguyễn Thị Hồng Nhung|15051990|Nữ|Thôn Trung Hoà, xã An Bình, tỉnh Bắc Ninh|20042021"


def test_a_whole_card():
    card = read_card(CARD)
    assert (card.id_number, card.old_id, card.name, card.sex) == ("001203004567", "123456789",
                                                                   "Nguyễn Thị Hồng Nhung", "Nữ")
    assert card.birth_date == date(1990, 5, 15) and card.issued_on == date(2021, 4, 20)
    assert card.address == "Thôn Trung Hoà, xã An Bình, tỉnh Bắc Ninh"


@pytest.mark.parametrize("scan", [
    CARD.replace("|123456789|", "||"),  # no old ID
    CARD + "|dữ liệu mới|",  # a newer card's extra fields
    unicodedata.normalize("NFD", CARD),  # decomposed diacritics
    CARD + "\r\n",  # the scanner's Windows line ending
    "  " + CARD.replace("|", " | ") + "\n",  # spaces around the bars, a line feed
])
def test_the_variants_read_the_same(scan):
    card = read_card(scan)
    assert card.id_number == "001203004567" and card.name == "Nguyễn Thị Hồng Nhung"
    assert unicodedata.is_normalized("NFC", card.address) and card.birth_date == date(1990, 5, 15)


@pytest.mark.parametrize("scan, words", [
    ("001203004567|123456789|Nguyễn Thị", "chưa được đọc hết (3/7 trường)"),
    (CARD.rsplit("|", 1)[0] + "|", "chưa được đọc hết"),
    ("01203004567|" + CARD.split("|", 1)[1], "đúng 12 chữ số"),
    (CARD.replace("15051990", "31021990"), "ngày sinh không hợp lệ"),
    (CARD.replace("20042021", "2004202"), "ngày cấp không hợp lệ"),
    (CARD.replace("|Nữ|Thôn Trung Hoà, xã An Bình, tỉnh Bắc Ninh|", "|Nữ||"), "nơi thường trú"),
    (CARD.replace("|123456789|", "|12345|"), "chứng minh nhân dân cũ"),
    ("", "Chưa có dữ liệu"),
])
def test_a_bad_scan_says_what_is_wrong(scan, words):
    with pytest.raises(DomainError) as refused:
        read_card(scan)
    assert words in refused.value.message


def test_a_scan_is_told_from_a_typed_name():
    assert looks_like_card(CARD) and looks_like_card(" " + CARD)
    assert not looks_like_card("Nguyễn Văn Bình") and not looks_like_card("001203004567")


@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_with_a_message(text):
    try:
        card = read_card(text)
    except DomainError as error:
        assert error.message.endswith(".")
    else:
        assert len(card.id_number) == 12 and card.name and card.address
