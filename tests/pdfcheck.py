"""Helpers for the printing tests: extracted text, page sizes, decoded QR codes."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page, whitespace collapsed so that wrapped lines still match."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [(round(float(p.mediabox.width) / 72 * 25.4), round(float(p.mediabox.height) / 72 * 25.4)) for p in reader.pages]


def decoded_codes(pdf: bytes, page: int = 1, dpi: int = 150) -> list[tuple[str, str]]:
    """(format, text) of every barcode found on ``page`` rendered by pdftoppm."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: install the Debian package poppler-utils (.ci/run does)")
    import zxingcpp
    from PIL import Image

    png = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", "-"],
        input=pdf, capture_output=True, check=True,
    ).stdout
    return [(str(r.format).replace(" ", ""), r.text) for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
