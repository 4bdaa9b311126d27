"""Text helpers for Vietnamese: search that ignores diacritics and case."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII form for matching: "Đăng ký khai sinh" → "dang ky khai sinh"."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


def matches(query: str, *texts: str) -> bool:
    """Whether every word of ``query`` appears in one of ``texts``, diacritics ignored."""
    haystack = " ".join(fold(t) for t in texts)
    return all(word in haystack for word in fold(query).split())


# Characters that turn the direction of the text around ("RLO", "LRI" …): in a name or an address they
# make "Bình" print as "hnìB" or hide what follows (CVE-2021-42574, "Trojan Source"). Never typed in
# Vietnamese.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC: Vietnamese typed as combining marks ("Unicode tổ hợp", some copy and paste)
    becomes the precomposed letters everything else uses, so it prints, compares and searches the same."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def has_bidi_controls(text: str) -> bool:
    return any(c in BIDI_CONTROLS for c in text)
