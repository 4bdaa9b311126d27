"""How the forms and pages address the one a dossier belongs to, and how a document is signed.

A person is "Ông/Bà"; an organisation (a company, a cooperative, a household business, an association, a
school …) is named and called "Quý tổ chức", never "Ông/Bà". The signature block of a document an authority
issues follows Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.8: a collective body (Ủy ban nhân dân) signs
"TM." (on behalf of) the body; a deputy signs "KT." (for) the head; an acting head signs "Q."; anyone else
the head has delegated to signs "TL." (by order of) the head, not on behalf of the body. The position is written in capitals, the name
under the space for the signature and the seal.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from app.domain.text import fold

# The first words of the names of organisations met at a commune desk (Luật Doanh nghiệp, Luật Hợp tác xã,
# household businesses, associations, public bodies, religious establishments), compared with their
# diacritics: "Trường" (a school) is not "Trương" (a family name).
_ORGANISATION_WORDS = tuple(" ".join(w.split()) for w in (
    "công ty", "tổng công ty", "tập đoàn", "doanh nghiệp", "hợp tác xã", "liên hiệp hợp tác xã", "tổ hợp tác",
    "hộ kinh doanh", "chi nhánh", "văn phòng đại diện", "địa điểm kinh doanh", "ngân hàng", "quỹ", "hội",
    "hiệp hội", "liên đoàn", "câu lạc bộ", "tổ chức", "cơ quan", "ủy ban", "ban quản lý", "ban quản trị",
    "ban đại diện", "trường", "bệnh viện", "trạm y tế", "trung tâm", "viện", "nhà máy", "xí nghiệp", "cửa hàng",
    "đoàn thanh niên", "chùa", "giáo xứ", "giáo họ", "nhà thờ", "tu viện", "thánh thất", "niệm phật đường",
    "nhà văn hóa", "nhà văn hoá", "thôn", "tổ dân phố", "văn phòng", "phòng", "sở", "chi cục", "cục",
))
# Typed without diacritics, only the names of two words or more are unambiguous ("truong" may be Trương).
_ORGANISATION_WORDS_ASCII = tuple(sorted({fold(w) for w in _ORGANISATION_WORDS if len(w.split()) >= 2}))
PERSON_YOU = "Ông/Bà"
ORGANISATION_YOU = "Quý tổ chức"


def is_organisation(name: str, *, tax_code: bool = False) -> bool:
    """Whether ``name`` is an organisation's: identified by a tax or enterprise code, or named as one."""
    if tax_code:
        return True
    written = " ".join(unicodedata.normalize("NFC", name).lower().replace("uỷ", "ủy").split())
    if written.isascii():
        return any(_starts(written, w) for w in _ORGANISATION_WORDS_ASCII)
    return any(_starts(written, w) for w in _ORGANISATION_WORDS)


def you(organisation: bool) -> str:
    """How a letter calls its addressee in running text."""
    return ORGANISATION_YOU if organisation else PERSON_YOU


def dear(name: str, organisation: bool) -> str:
    """The "Kính gửi" line's addressee: "Ông/Bà Nguyễn Văn An" or the organisation's own name."""
    return name if organisation else f"{PERSON_YOU} {name}"


@dataclass(frozen=True)
class Authority:
    """Who issues a document: "Ủy ban nhân dân xã An Bình", headed by a "Chủ tịch", a collective body."""

    name: str  # "Ủy ban nhân dân xã An Bình"
    body: str  # what "TM." names: "Ủy ban nhân dân"
    head: str  # the head's position: "Chủ tịch"
    collective: bool = True


def signature_lines(authority: Authority, position: str) -> tuple[str, ...]:
    """The lines above the signature of someone holding ``position`` (empty: the head, to be signed by hand).

    >>> signature_lines(Authority("Ủy ban nhân dân xã An Bình", "Ủy ban nhân dân", "Chủ tịch"), "Phó Chủ tịch")
    ('TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH')
    """
    head = authority.head.upper()
    folded, folded_head = fold(position), fold(authority.head)
    # "Phó Chủ tịch UBND xã" is written "PHÓ CHỦ TỊCH": the line "TM. ỦY BAN NHÂN DÂN" names the body
    if not folded or _starts(folded, folded_head):
        lines = [head]
    elif _starts(folded, f"pho {folded_head}"):
        lines = [f"KT. {head}", f"PHÓ {head}"]
    elif _starts(folded, f"quyen {folded_head}"):
        lines = [f"Q. {head}"]
    else:  # by order of the head, not on behalf of the collective body
        return (f"TL. {head}", position.upper())
    if authority.collective:
        lines.insert(0, f"TM. {authority.body.upper()}")
    return tuple(lines)


def _starts(folded: str, words: str) -> bool:
    return folded == words or folded.startswith(words + " ")
