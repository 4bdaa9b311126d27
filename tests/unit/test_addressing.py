"""How forms address organisations and how an authority's letter is signed (ND 30/2020)."""

from __future__ import annotations

import pytest

from app.domain.addressing import Authority, dear, is_organisation, signature_lines, you
from app.domain.citizen import public_holder

COMMUNE = Authority("Ủy ban nhân dân xã An Bình", "Ủy ban nhân dân", "Chủ tịch")


@pytest.mark.parametrize("name", ["Công ty TNHH Xây dựng Hoà Bình", "HỢP TÁC XÃ NÔNG NGHIỆP AN BÌNH",
                                  "Hộ kinh doanh Ánh Dương", "cong ty co phan Minh Phat", "Trường Tiểu học An Bình",
                                  "Chi nhánh Ngân hàng Nông nghiệp"])
def test_organisations_are_recognised_by_their_name(name):
    assert is_organisation(name)
    assert you(True) == "Quý tổ chức" and dear(name, True) == name


@pytest.mark.parametrize("name", ["Nguyễn Văn An", "Đoàn Văn Hậu", "Công", "Trương Thị Trường", "Truong Van Hoi",
                                  "Phùng Văn Sở"])
def test_people_are_ong_ba(name):
    assert not is_organisation(name)
    assert dear(name, False) == f"Ông/Bà {name}"


def test_a_tax_code_makes_an_organisation_whatever_the_name():
    assert is_organisation("Ánh Dương", tax_code=True)


@pytest.mark.parametrize(("position", "lines"), [
    ("Chủ tịch UBND xã", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ("Chủ tịch", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ("", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ("Phó Chủ tịch UBND xã", ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ("pho chu tich", ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ("Quyền Chủ tịch", ("TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH")),
    ("Chánh Văn phòng", ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")),
])
def test_signature_lines_follow_decree_30(position, lines):
    assert signature_lines(COMMUNE, position) == lines


def test_a_body_that_is_not_collective_signs_without_tm():
    centre = Authority("Trung tâm Phục vụ hành chính công", "Trung tâm", "Giám đốc", collective=False)
    assert signature_lines(centre, "Phó Giám đốc") == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    assert signature_lines(centre, "Giám đốc") == ("GIÁM ĐỐC",)


def test_the_public_page_masks_a_person_not_an_organisation():
    assert public_holder("Nguyễn Văn An", organisation=False) == "Nguyễn V. A."
    assert public_holder("Công ty  TNHH Hoà Bình", organisation=True) == "Công ty TNHH Hoà Bình"
