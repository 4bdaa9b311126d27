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
