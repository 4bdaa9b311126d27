"""A register laid out a page at a time: every row printed once and in order, its rows read only as pages
need them, the long texts after the last page, and any number of rows fitting whatever is left on a page."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.domain.paper import PaperSize
from printing.base import Orientation, Page, PagedRegister, render

HEADER = [["Số", "Nội dung", "Ghi chú"]]


def _register(rows, page: Page) -> PagedRegister:  # type: ignore[no-untyped-def]
    widths = [20 * mm, page.width - 70 * mm, 50 * mm]
    return PagedRegister(HEADER, rows, widths, page, center_columns=(0,), size=8, padding=2)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_row_once_in_order_and_read_only_as_pages_need_them():
    page = Page(PaperSize.A4, Orientation.LANDSCAPE)
    read: list[int] = []
    read_by_page: list[int] = []

    def rows():  # type: ignore[no-untyped-def]
        for number in range(1, 1001):
            read.append(number)
            yield [f"R{number:04d}", f"Dòng thứ {number} của sổ", ""]

    pdf = render([Spacer(1, 40 * mm), _register(rows(), page)], page, title="Sổ",
                 on_page=lambda canvas, doc: read_by_page.append(len(read)))
    pages = _pages(pdf)
    numbers = [int(n) for text in pages for n in re.findall(r"R(\d{4})", text)]
    assert numbers == list(range(1, 1001))
    per_page = [len(re.findall(r"R\d{4}", text)) for text in pages]
    assert len(pages) > 20 and min(per_page[1:-1]) == max(per_page[1:-1])
    # When page k is finished, no more than that page's rows and the next page's (and a batch) were read.
    drawn = 0
    for index, count in enumerate(read_by_page[:-1]):
        drawn += per_page[index]
        assert count <= drawn + per_page[1] + 16
    assert all(text.count("Số") >= 1 for text in pages)  # the header on every page


def test_long_texts_follow_the_last_page_numbered():
    page = Page(PaperSize.A4, Orientation.LANDSCAPE)
    long_note = "Ghi chú rất dài về hồ sơ này " * 30
    rows = [[str(n), f"Dòng {n}", long_note if n % 40 == 0 else ""] for n in range(1, 121)]
    pages = _pages(render([_register(rows, page)], page, title="Sổ"))
    whole = "\n".join(pages)
    assert "Toàn văn các nội dung dài" in whole
    assert [int(n) for n in re.findall(r"\[\*(\d+)\] Ghi chú, dòng", whole)] == [1, 2, 3]
    assert whole.index("Toàn văn") > whole.index("Dòng 120")


@pytest.mark.parametrize("paper", [PaperSize.A4, PaperSize.A5])
def test_any_number_of_rows_fits_from_any_height(paper):
    """The register starts lower and lower on its first page and holds 0 to 45 rows: each row is printed,
    and a page never waits twice for the same rows (a register that could not move on would fail)."""
    page = Page(paper, Orientation.LANDSCAPE)
    for count in range(0, 46, 3):
        for gap in (0, 37, 111):
            rows = [[str(n), f"Dòng {n}", ""] for n in range(1, count + 1)]
            pages = _pages(render([Spacer(1, gap * mm), _register(rows, page)], page, title="Sổ"))
            found = [int(n) for text in pages for n in re.findall(r"Dòng (\d+)", text)]
            assert found == list(range(1, count + 1)), (count, gap)


def test_asking_its_size_twice_before_drawing_loses_no_row():
    """A frame may wrap a flowable more than once before it draws it: the last page's rows stay until drawn."""
    page = Page(PaperSize.A4, Orientation.LANDSCAPE)
    register = _register([[str(n), f"Dòng {n}", ""] for n in range(1, 6)], page)
    register.wrap(page.width, 400)
    register.wrap(page.width, 400)
    pages = _pages(render([register], page, title="Sổ"))
    assert [int(n) for text in pages for n in re.findall(r"Dòng (\d+)", text)] == [1, 2, 3, 4, 5]
    empty = _register([], page)
    empty.wrap(page.width, 400)
    assert "Nội dung" in _pages(render([empty], page, title="Sổ"))[0]  # the header, once
