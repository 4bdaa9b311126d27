"""Finding a dossier by what a clerk types: a fragment of its code, a name with or without diacritics, a phone
or an ID number, at the scale of a province.

A dossier is indexed under a few short terms, each compared by prefix (an index range scan, never a
``LIKE '%…%'`` over every row):

- each name (the applicant's, the owner's) folded to lower-case ASCII and cut at every word: "nguyen thi hong
  nhung", "thi hong nhung", "hong nhung", "nhung" — so "hong nhung" or "Hồng Nhung" is the prefix of a term;
- the code in lower case and cut after every "." and "-": "000.00.31.h99-261125-0001", …, "261125-0001",
  "0001";
- the phone's digits (a leading +84 or 84 written as 0) and the ID numbers without spaces or dots.

A query is split the same way: its words must all be prefixes of the dossier's terms (first tried as one
phrase, the common case and the most selective), its numbers and code fragments too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.text import fold

MAX_TERM = 120  # characters of a term kept (a prefix of a longer one still matches)
_SEPARATORS = re.compile(r"[.\-]")
_NUMBER_NOISE = re.compile(r"[\s.\-()/]")


def name_terms(name: str) -> set[str]:
    """"Nguyễn Thị Hồng Nhung" → "nguyen thi hong nhung", "thi hong nhung", "hong nhung", "nhung"."""
    words = fold(name).split()
    return {" ".join(words[i:])[:MAX_TERM] for i in range(len(words))}


def code_terms(code: str) -> set[str]:
    """The code and what follows each of its separators, in lower case."""
    code = code.strip().lower()
    if not code:
        return set()
    cuts = [0, *(m.end() for m in _SEPARATORS.finditer(code))]
    return {code[cut:][:MAX_TERM] for cut in cuts if code[cut:]}


def number_term(value: str) -> str:
    """A phone or ID number as typed in any way: "+84 912.345.678" → "0912345678", "B 1234567" → "b1234567"."""
    compact = _NUMBER_NOISE.sub("", fold(value))
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    elif compact.startswith("84") and compact.isdigit() and len(compact) == 11:
        compact = "0" + compact[2:]
    return compact[:MAX_TERM]


def dossier_terms(code: str, names: Iterable[str], numbers: Iterable[str]) -> set[str]:
    """Every term a dossier (or a request turned away) is found by."""
    terms = code_terms(code)
    for name in names:
        terms |= name_terms(name)
    for number in numbers:
        term = number_term(number)
        if len(term) >= 4:
            terms.add(term)
    return {t for t in terms if t}


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...]  # folded name words, in the order typed
    fragments: tuple[tuple[str, ...], ...]  # code fragments and numbers: each one of its prefixes must match

    @property
    def empty(self) -> bool:
        return not self.words and not self.fragments

    @property
    def phrase(self) -> str:
        return " ".join(self.words)


def parse_query(text: str) -> Query:
    """What the clerk typed, as terms to look for: "0912 345 678" is one number, "hong nhung" two words."""
    text = fold(text)[:100]
    whole = _NUMBER_NOISE.sub("", text)
    if whole.lstrip("+").isdigit() and len(whole) >= 6:  # a phone or an ID number typed with spaces or dots,
        typed = "".join(text.split()).strip(".-")  # or a code's tail ("261125-0001")
        return Query((), (tuple(dict.fromkeys((number_term(text), typed[:MAX_TERM]))),))
    words, fragments = [], []
    for token in text.split():
        if any(c.isdigit() for c in token) or _SEPARATORS.search(token):
            fragment = token.strip(".-")
            if fragment:
                fragments.append((fragment[:MAX_TERM],))
        elif token.isalnum():
            words.append(token)
    return Query(tuple(words), tuple(fragments))


def after_prefix(prefix: str) -> str:
    """The first string after every string that starts with ``prefix``: ``term >= prefix AND term < this``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
