"""The layer every form shares: fonts, paper, the two-column header, signatures, page numbers.

Forms build a list of reportlab flowables and call :func:`render`; long content
flows onto further pages, tables repeat their header row, nothing is clipped.
Fonts are registered once per process (a lock-guarded flag), never per request.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.addressing import dear, you
from app.domain.paper import PaperSize
from app.domain.vn_words import form_instant, place_and_date
from printing.qr import QrFlowable

FONT = "MotCuaSerif"
FONT_FILES = {
    FONT: "LiberationSerif-Regular.ttf",
    f"{FONT}-Bold": "LiberationSerif-Bold.ttf",
    f"{FONT}-Italic": "LiberationSerif-Italic.ttf",
    f"{FONT}-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}
# Bundled with the code (SIL OFL, see fonts/LICENSE-LiberationSerif.txt); the Debian
# package fonts-liberation installs the same files, used if the bundle was stripped.
FONT_DIRS = (Path(__file__).parent / "fonts", Path("/usr/share/fonts/truetype/liberation"))

MOTTO_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGN_HINT = "(Ký và ghi rõ họ tên)"


class FontMissing(RuntimeError):
    """The Vietnamese font is not installed: printing would show boxes instead of letters."""


_fonts_lock = threading.Lock()
_fonts_ready = False


def register_fonts() -> None:
    """Register the embedded Vietnamese font family once per process."""
    global _fonts_ready
    if _fonts_ready:
        return
    with _fonts_lock:
        if _fonts_ready:
            return
        for name, filename in FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(font_path(filename))))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Italic", boldItalic=f"{FONT}-BoldItalic"
        )
        _fonts_ready = True


def font_path(filename: str) -> Path:
    """Where ``filename`` is installed; FontMissing naming the font and the fix otherwise."""
    for directory in FONT_DIRS:
        candidate = directory / filename
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(d) for d in FONT_DIRS)
    raise FontMissing(
        f"Không tìm thấy phông chữ tiếng Việt {filename} (Liberation Serif) trong: {searched}. "
        "Khôi phục thư mục printing/fonts của mã nguồn hoặc cài gói Debian fonts-liberation."
    )


class Orientation(StrEnum):
    PORTRAIT = "portrait"
    LANDSCAPE = "landscape"


@dataclass(frozen=True)
class Page:
    """Paper, margins and the type sizes that suit it (ND 30/2020: 13–14 pt on A4)."""

    paper: PaperSize
    orientation: Orientation = Orientation.PORTRAIT

    @property
    def size(self) -> tuple[float, float]:
        base = A5 if self.paper is PaperSize.A5 else A4
        return landscape(base) if self.orientation is Orientation.LANDSCAPE else base

    @property
    def small(self) -> bool:
        return self.paper is PaperSize.A5

    @property
    def margins(self) -> tuple[float, float, float, float]:
        """Left, right, top, bottom. The bottom one leaves room for the footer, FOOTER_BASELINE above the edge."""
        if self.small:
            return 14 * mm, 10 * mm, 9 * mm, 15 * mm
        if self.orientation is Orientation.LANDSCAPE:  # registers and reports, not letters: ND 30 does not apply
            return 15 * mm, 12 * mm, 12 * mm, 16 * mm
        return 30 * mm, 15 * mm, 20 * mm, 20 * mm  # ND 30/2020 Phụ lục I: 30–35 / 15–20 / 20–25 / 20–25 mm

    @property
    def bottom_without_footer(self) -> float:
        """The bottom margin of a one-page form, which prints no footer: 10 mm on A5 (no rule of ND 30/2020
        for A5; printers print there)."""
        return 10 * mm if self.small else self.margins[3]

    @property
    def width(self) -> float:
        left, right, _, _ = self.margins
        return self.size[0] - left - right

    @property
    def body_size(self) -> float:
        if self.small:
            return 10
        return 11 if self.orientation is Orientation.LANDSCAPE else 13

    @property
    def qr_size(self) -> float:
        """The side of the QR code itself, its quiet zone not counted: at least 20 mm, so that a phone reads it
        from a photocopy (tests/unit/printing/test_qr_scans.py)."""
        return 20 * mm if self.small else 22 * mm


@lru_cache(maxsize=8)
def styles(page: Page) -> dict[str, ParagraphStyle]:
    """Paragraph styles for ``page`` (cached: one set per paper size)."""
    register_fonts()
    size = page.body_size
    lead = size * 1.2
    base = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=lead, alignment=TA_JUSTIFY)
    return {
        "body": base,
        "left": ParagraphStyle("left", parent=base, alignment=TA_LEFT),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=base, fontName=f"{FONT}-Bold", fontSize=size + 1.5, leading=(size + 1.5) * 1.25,
            alignment=TA_CENTER, spaceBefore=size * 0.6,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, alignment=TA_CENTER),
        "italic_center": ParagraphStyle("italic_center", parent=base, fontName=f"{FONT}-Italic", alignment=TA_CENTER),
        "head_left": ParagraphStyle(
            "head_left", parent=base, fontSize=size - 1, leading=(size - 1) * 1.2, alignment=TA_CENTER,
        ),
        "head_right": ParagraphStyle(
            "head_right", parent=base, fontName=f"{FONT}-Bold", fontSize=size - 1, leading=(size - 1) * 1.2,
            alignment=TA_CENTER,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=size - 1.5, leading=(size - 1.5) * 1.2, alignment=TA_LEFT),
        "cell_center": ParagraphStyle(
            "cell_center", parent=base, fontSize=size - 1.5, leading=(size - 1.5) * 1.2, alignment=TA_CENTER,
        ),
        "cell_head": ParagraphStyle(
            "cell_head", parent=base, fontName=f"{FONT}-Bold", fontSize=size - 1.5, leading=(size - 1.5) * 1.2,
            alignment=TA_CENTER,
        ),
        "note": ParagraphStyle("note", parent=base, fontSize=size - 2, leading=(size - 2) * 1.2),
        "qr_text": ParagraphStyle("qr_text", parent=base, fontSize=size - 1.5, leading=(size - 1.5) * 1.25, alignment=TA_LEFT),
        "sign_title": ParagraphStyle("sign_title", parent=base, fontName=f"{FONT}-Bold", alignment=TA_CENTER),
        "sign_hint": ParagraphStyle(
            "sign_hint", parent=base, fontName=f"{FONT}-Italic", fontSize=size - 1.5, leading=(size - 1.5) * 1.2,
            alignment=TA_CENTER,
        ),
    }


def text(value: object) -> str:
    """Escape a value for a Paragraph (user data may contain <, > or &)."""
    return escape(str(value)).replace("\n", "<br/>")


@dataclass(frozen=True)
class Header:
    """The two-column header of every form (ND 30/2020 layout)."""

    governing_body: str  # tên cơ quan chủ quản: "ỦY BAN NHÂN DÂN XÃ AN BÌNH"; "" when the body named next issues
    unit_name: str  # tên đơn vị: "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" (lines split by "\n")
    place: str  # địa danh of the date line
    issued_on: date
    number: str = ""  # "Số: …" of letter-type forms (02–05)


@dataclass(frozen=True)
class Tracking:
    """The QR (status URL) at the top left and the code printed in clear beside it."""

    url: str
    code: str
    code_label: str = "Mã hồ sơ"


def top_strip(tracking: Tracking | None, page: Page, caption: str = "") -> list[Flowable]:
    """The QR code and, beside it, the code in clear and what the QR is for."""
    if tracking is None:
        return []
    s = styles(page)
    lines = [f"{tracking.code_label}: <b>{text(tracking.code)}</b>"]
    lines.append(text(caption or "Quét mã QR để tra cứu tình trạng hồ sơ."))
    qr = QrFlowable(tracking.url, page.qr_size)
    gap = qr.quiet_zone + 1 * mm  # the quiet zone on the right; above and on the left lie the page's margins
    table = Table(
        [[qr, Paragraph("<br/>".join(lines), s["qr_text"])]],
        colWidths=[page.qr_size + gap, page.width - page.qr_size - gap],
        style=TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]),
        hAlign="LEFT",
    )
    return [table, Spacer(1, qr.quiet_zone + 0.3 * mm)]


def _rule(length: float) -> HRFlowable:
    """A short centred rule under a header column (the "gạch chân" of ND 30/2020)."""
    return HRFlowable(width=length, thickness=0.6, color=colors.black, spaceBefore=3.5, spaceAfter=1.5, hAlign="CENTER")


def header_block(header: Header, page: Page) -> list[Flowable]:
    """Unit names on the left (with "Số: …"), national motto and the place-and-date line on the right."""
    s = styles(page)
    left_width = page.width * 0.44
    right_width = page.width - left_width
    left_size = fit_size(header.governing_body.upper(), FONT, s["head_left"].fontSize, left_width - 4)
    unit_size = fit_size(header.unit_name.upper(), f"{FONT}-Bold", s["head_left"].fontSize, left_width - 4)
    nation_size = fit_size(MOTTO_NATION, f"{FONT}-Bold", s["head_right"].fontSize, right_width - 2)
    motto_size = fit_size(MOTTO, f"{FONT}-Bold", s["head_right"].fontSize + 1, right_width - 2)
    left = [
        line([(header.governing_body.upper(), FONT)], _sized(s["head_left"], left_size), left_width),
        line([(header.unit_name.upper(), f"{FONT}-Bold")], _sized(s["head_left"], unit_size), left_width),
        _rule(min(left_width * 0.4, 30 * mm)),
    ] if header.governing_body else [  # the issuer has no governing body above it on the page (ND 30/2020)
        line([(name_line, f"{FONT}-Bold")], s["head_right"], left_width)
        for name_line in header.unit_name.upper().split("\n")
    ] + [_rule(min(left_width * 0.4, 30 * mm))]
    if header.number:
        left.append(line([(header.number, FONT)], s["head_left"], left_width))
    motto_width = pdfmetrics.stringWidth(MOTTO, f"{FONT}-Bold", motto_size)
    right = [
        line([(MOTTO_NATION, f"{FONT}-Bold")], _sized(s["head_right"], nation_size), right_width),
        line([(MOTTO, f"{FONT}-Bold")], _sized(s["head_right"], motto_size), right_width),
        _rule(motto_width),
        Spacer(1, 1.2 * mm),
        line([(place_and_date(header.place, header.issued_on), f"{FONT}-Italic")], s["head_left"], right_width),
    ]
    table = Table(
        [[left, right]],
        colWidths=[left_width, right_width],
        style=TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),  # centres the rules under the names
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
        ]),
    )
    return [table]


def _sized(style: ParagraphStyle, size: float) -> ParagraphStyle:
    if size == style.fontSize:
        return style
    return ParagraphStyle(f"{style.name}-{size}", parent=style, fontSize=size, leading=size * 1.2)


@lru_cache(maxsize=1024)
def fit_size(value: str, font: str, size: float, width: float, smallest: float = 7) -> float:
    """The largest size ≤ ``size`` (in half points) at which ``value`` fits on one line of ``width``."""
    register_fonts()
    while size > smallest and pdfmetrics.stringWidth(value, font, size) > width:
        size -= 0.5
    return size


def field(label: str, value: object, page: Page, *, bold_value: bool = False) -> Flowable:
    """A "Label: value" line; an empty value leaves a dotted line to fill in by hand."""
    value = str(value)
    filled = bool(value.strip())
    shown = value if filled else "." * 40
    style = styles(page)["body"]
    value_font = f"{FONT}-Bold" if bold_value and filled else FONT
    parts = ((f"{label}: ", FONT), (shown, value_font))
    if "\n" not in value and _width(parts, style.fontSize) <= page.width:
        return OneLine(parts, style)  # most lines: no markup parsing, no line breaking
    markup = f"<b>{text(shown)}</b>" if value_font != FONT else text(shown)
    return Paragraph(f"{text(label)}: {markup}", style)


def line(parts: Sequence[tuple[str, str]], style: ParagraphStyle, width: float) -> Flowable:
    """Runs of (text, font) as one cheap line when they fit ``width``, else as a wrapping Paragraph."""
    if all("\n" not in part for part, _ in parts) and _width(parts, style.fontSize) <= width:
        return OneLine(parts, style)
    markup = []
    for part, font in parts:
        chunk = text(part)
        if font.endswith("Italic"):
            chunk = f"<i>{chunk}</i>"
        if "-Bold" in font:
            chunk = f"<b>{chunk}</b>"
        markup.append(chunk)
    return Paragraph("".join(markup), style)


def _width(parts: Sequence[tuple[str, str]], size: float) -> float:
    return sum(pdfmetrics.stringWidth(part, font, size) for part, font in parts)


class OneLine(Flowable):
    """A line known to fit the frame, drawn as runs of plain text: the cheap case of a Paragraph."""

    def __init__(self, parts: Sequence[tuple[str, str]], style: ParagraphStyle) -> None:
        super().__init__()
        self.parts, self.style = tuple(parts), style
        self.height = style.leading
        self.spaceBefore, self.spaceAfter = style.spaceBefore, style.spaceAfter

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.height

    def draw(self) -> None:
        size = self.style.fontSize
        x = 0.0
        if self.style.alignment == TA_CENTER:
            x = (self.width - _width(self.parts, size)) / 2
        text_object = self.canv.beginText(x, self.height - size)  # the baseline a Paragraph would use
        for part, font in self.parts:
            text_object.setFont(font, size, self.style.leading)
            text_object.textOut(part)
        self.canv.drawText(text_object)


# A table cell shows at most this many lines of a text: a longer one shows its start and a mark
# "[*n]", and the whole text follows the table (a row never grows taller than a page).
CELL_LINES = 8


def wrapped_lines(value: str, width: float, font: str, size: float, limit: int) -> list[str]:
    """``value`` broken into lines of at most ``width`` points as a Paragraph breaks it (at spaces, a word
    wider than the line cut up), stopping once past ``limit`` lines."""
    lines: list[str] = []
    measure = pdfmetrics.stringWidth
    for paragraph in value.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if measure(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while measure(word, font, size) > width and len(word) > 1:
                cut = max(1, min(len(word) - 1, int(len(word) * width / measure(word, font, size))))
                while cut > 1 and measure(word[:cut], font, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
            if len(lines) > limit:
                return lines
        lines.append(current)
        if len(lines) > limit:
            return lines
    return lines


@dataclass
class LongTexts:
    """The texts too long for their table cell, printed in full after the table.

    ``cell`` gives what the cell shows: the text itself when it fits in
    ``CELL_LINES`` lines, else its first lines and the mark "[*n]"; ``section``
    gives the full texts, numbered, as paragraphs that flow over pages.
    """

    items: list[tuple[str, str]] = dataclass_field(default_factory=list)

    def cell(self, value: str, width: float, style: ParagraphStyle, where: tuple[str, int]) -> str:
        """What a cell ``width`` points wide shows of ``value``; ``where``: (column heading, row number)."""
        size = style.fontSize
        if "\n" not in value and pdfmetrics.stringWidth(value, style.fontName, size) <= width * (CELL_LINES - 2):
            return value  # fits whatever the breaks (a line wastes less than a word)
        lines = wrapped_lines(value, width, style.fontName, size, CELL_LINES)
        if len(lines) <= CELL_LINES:
            return value
        kept = sum(len(line) + 1 for line in lines[:CELL_LINES - 1])
        self.items.append((f"{where[0]}, dòng {where[1]}", value))
        return f"{value[:kept].rstrip()}… [*{len(self.items)}]"

    def section(self, page: Page) -> list[Flowable]:
        if not self.items:
            return []
        s = styles(page)
        story: list[Flowable] = [Spacer(1, 1.5 * mm), Paragraph(
            "<b>Toàn văn các nội dung dài</b> <i>(trong bảng chỉ in phần đầu, đánh dấu [*số])</i>", s["note"])]
        for number, (label, value) in enumerate(self.items, start=1):
            story.append(Paragraph(f"<b>[*{number}]</b> {text(label)}: {text(value)}", s["note"]))
        return story


class GridTable(LongTable):
    """A table and the full texts of its long cells, which ``render`` prints right after it.

    A LongTable: split at a page break, the rest keeps the row heights already measured, so a table of many
    pages costs its rows once (a Table measures the rest again at every page: the square of its length)."""

    continuation: list[Flowable]


def with_continuations(story: Sequence[Flowable]) -> list[Flowable]:
    """``story`` with each table's long texts after it."""
    out: list[Flowable] = []
    for flowable in story:
        out.append(flowable)
        out.extend(getattr(flowable, "continuation", ()))
    return out


def grid_table(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    page: Page,
    *,
    header_rows: int = 1,
    center_columns: Sequence[int] = (),
    extra_style: Sequence[tuple] = (),  # type: ignore[type-arg]
    size: float | None = None,
    padding: float = 2.5,
) -> Table:
    """A ruled table whose header rows repeat on every page it flows onto.

    A text cell longer than ``CELL_LINES`` lines shows its start and a mark;
    ``render`` prints the full text after the table (``LongTexts``). ``size``:
    the cells' type size if not the page's (a register packs more rows);
    ``padding``: left and right of each cell, in points.
    """
    body, long_texts, style = _grid_cells(rows, widths, page, header_rows, center_columns, extra_style, size, padding)
    table = GridTable(body, colWidths=list(widths), repeatRows=header_rows, hAlign="CENTER")
    table.continuation = long_texts.section(page)
    table.setStyle(style)
    return table


class PagedRegister(Flowable):
    """A ruled register of thousands of rows, laid out a page at a time as the document reaches it.

    ``rows`` (the body, an iterable read as pages need it) are made into cells and measured a page's worth at a
    time; each page gets the header rows and the rows that fit, in a table of its own with the heights already
    measured, which is drawn and let go. Memory holds one page of cells, not the book, and a row costs the same
    on the thousandth page as on the first (a long reportlab table split at every page break measures its rest
    again each time). The long texts of all pages follow the last one (``LongTexts``). ``extra_style`` may only
    address the header rows.
    """

    def __init__(
        self,
        header: Sequence[Sequence[object]],
        rows: Iterable[Sequence[object]],
        widths: Sequence[float],
        page: Page,
        *,
        center_columns: Sequence[int] = (),
        extra_style: Sequence[tuple] = (),  # type: ignore[type-arg]
        size: float | None = None,
        padding: float = 2.5,
    ) -> None:
        super().__init__()
        self.width = sum(widths)
        self.hAlign = "CENTER"
        self._cells = _Cells(header, widths, page, center_columns, size, padding)
        self._style = self._cells.style(extra_style)
        self._widths = list(widths)
        self._page = page
        self._head = [self._cells.row(row, heading=True) for row in header]
        self._head_heights = self._measure(self._head)
        self._rows = iter(rows)
        self._pending: list[tuple[list[object], float]] = []  # made and measured, not yet on a page
        self._ended = False  # every row read
        self._shown = False  # at least one page made
        self._last: GridTable | None = None  # the final page, when it fits where the register stands

    def _measure(self, rows: list[list[object]]) -> list[float]:
        table = GridTable(rows, colWidths=self._widths)
        table.setStyle(self._style)
        table.wrap(self.width, 1e9)
        return list(table._rowHeights)  # noqa: SLF001 (reportlab's measured heights)

    def _read(self, height: float) -> None:
        """Make and measure rows until those pending overflow ``height`` or the rows end."""
        batch = 16
        while not self._ended and sum(h for _, h in self._pending) + sum(self._head_heights) <= height:
            made = [self._cells.row(row) for _, row in zip(range(batch), self._rows)]
            if len(made) < batch:
                self._ended = True
            if made:
                heights = self._measure(self._head + made)[len(self._head):]
                self._pending += zip(made, heights)

    def _table(self, count: int) -> GridTable:
        """The first ``count`` pending rows as a page's table (they stay pending until it is placed: a frame may
        ask for a flowable's size more than once)."""
        taken = self._pending[:count]
        table = GridTable(self._head + [cells for cells, _ in taken], colWidths=self._widths,
                          repeatRows=len(self._head), hAlign="CENTER",
                          rowHeights=self._head_heights + [h for _, h in taken])
        table.setStyle(self._style)
        return table

    def _placed(self, count: int) -> None:
        self._pending = self._pending[count:]
        self._shown = True

    def _fitting(self, height: float) -> int:
        used, count = sum(self._head_heights), 0
        for _, row_height in self._pending:
            if used + row_height > height:
                break
            used += row_height
            count += 1
        return count

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._read(available_height)
        if self._ended and self._fitting(available_height) == len(self._pending) and not self._cells.long_texts.items:
            self._last = self._table(len(self._pending)) if self._pending or not self._shown else None
            if self._last is not None:
                return self._last.wrap(available_width, available_height)
            return self.width, 0
        self._last = None
        return self.width, available_height + 1  # more than fits here: the frame asks for a split

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self._read(available_height)
        count = self._fitting(available_height)
        page_room = self._page.size[1] - self._page.margins[2] - self._page.margins[3] - 1
        if count == 0 and self._pending and available_height < page_room:
            return []  # not even one row here: the next page
        count = max(count, min(1, len(self._pending)))  # a row taller than a page still goes (and splits)
        table = self._table(count)
        self._placed(count)
        if self._ended and not self._pending:
            return [table, *self._cells.long_texts.section(self._page)]
        self.__dict__.pop("_postponed", None)  # it moved on: the next page it waits for is not the same wait
        return [table, self]

    def draw(self) -> None:
        if self._last is not None:  # the rest, which wrap() found fits here
            self._last.drawOn(self.canv, 0, 0)
            self._placed(len(self._pending))
            self._last = None


class _Cells:
    """Makes the cells of a grid: plain strings where one line holds them, Paragraphs otherwise, and the start
    and a mark for a text longer than ``CELL_LINES`` lines (its whole in ``long_texts``)."""

    def __init__(self, header: Sequence[Sequence[object]], widths: Sequence[float], page: Page,
                 center_columns: Sequence[int], size: float | None, padding: float) -> None:
        self.styles = dict(styles(page))
        if size is not None:
            for name in ("cell", "cell_center", "cell_head"):
                self.styles[name] = _sized(self.styles[name], size)
        self.widths, self.center_columns, self.padding = widths, center_columns, padding
        self.header_rows = len(header)
        self.headings = [" ".join(str(c) for c in column if isinstance(c, str) and c).strip()
                         for column in zip(*header)] if header else []
        self.long_texts = LongTexts()
        self.number = 0  # the row as a reader counts it: rows spanned from the one above (first cell "") do not

    def row(self, row: Sequence[object], *, heading: bool = False) -> list[object]:
        cells: list[object] = []
        if not heading and (not row or row[0] != ""):
            self.number += 1
        for column, cell in enumerate(row):
            if isinstance(cell, Flowable) or isinstance(cell, list):
                cells.append(cell)
            elif heading:
                cells.append(Paragraph(text(cell), self.styles["cell_head"]))
            else:
                style = self.styles["cell_center"] if column in self.center_columns else self.styles["cell"]
                room = self.widths[column] - 2 * self.padding
                value = str(cell)
                if "\n" not in value and pdfmetrics.stringWidth(value, FONT, style.fontSize) <= room:
                    cells.append(value)  # one line: a plain string is drawn without a Paragraph
                    continue
                heading_text = self.headings[column] if column < len(self.headings) and self.headings[column] \
                    else f"Cột {column + 1}"
                cells.append(Paragraph(text(self.long_texts.cell(value, room, style, (heading_text, self.number))),
                                       style))
        return cells

    def style(self, extra_style: Sequence[tuple]) -> TableStyle:  # type: ignore[type-arg]
        return _grid_style(self.styles["cell"], self.center_columns, self.padding, extra_style, self.header_rows)


def _grid_cells(
    rows: Sequence[Sequence[object]], widths: Sequence[float], page: Page, header_rows: int,
    center_columns: Sequence[int], extra_style: Sequence[tuple], size: float | None, padding: float,  # type: ignore[type-arg]
) -> tuple[list[list[object]], LongTexts, TableStyle]:
    """The cells of a grid, its long texts and its style."""
    cells = _Cells(rows[:header_rows], widths, page, center_columns, size, padding)
    body = [cells.row(row, heading=index < header_rows) for index, row in enumerate(rows)]
    return body, cells.long_texts, cells.style(extra_style)


def _grid_style(cell_style: ParagraphStyle, center_columns: Sequence[int], padding: float,
                extra_style: Sequence[tuple], header_rows: int) -> TableStyle:  # type: ignore[type-arg]
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), cell_style.fontSize),
        ("LEADING", (0, 0), (-1, -1), cell_style.leading),
        *(("ALIGN", (column, header_rows), (column, -1), "CENTER") for column in center_columns),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        *extra_style,
    ])


Block = tuple[str | tuple[str, ...], str] | tuple[str | tuple[str, ...], str, str] | list[Flowable]


def signatures(page: Page, *blocks: Block) -> Flowable:
    """Signature blocks side by side, kept on one page with what precedes them (never alone on a page).

    A block is (TITLE, name under the space to sign[, hint]): TITLE one line or a tuple of lines ("TM. ỦY BAN
    NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"); the hint "(Ký và ghi rõ họ tên)" unless given, none if "".
    An empty title leaves a gap; a list of flowables (``recipients``) fills its column as it is.
    """
    s = styles(page)
    width = page.width / len(blocks)
    cells: list[list[Flowable]] = []
    for block in blocks:
        if isinstance(block, list):
            cells.append(block)
            continue
        title, name = block[0], block[1]
        hint = block[2] if len(block) > 2 else SIGN_HINT
        titles = (title,) if isinstance(title, str) else title
        if not any(titles):
            cells.append([])
            continue
        cell: list[Flowable] = [line([(t, f"{FONT}-Bold")], s["sign_title"], width) for t in titles]
        if hint:
            cell.append(line([(hint, f"{FONT}-Italic")], s["sign_hint"], width))
        cell += [Spacer(1, (12 if page.small else 20) * mm), line([(name, f"{FONT}-Bold")], s["center"], width)]
        cells.append(cell)
    table = Table([cells], colWidths=[width] * len(blocks), style=TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
    return SignatureBlock([Spacer(1, 1.5 * mm), table])


class SignatureBlock(KeepTogether):
    """The signatures: ``render`` keeps them on the page of the flowable before them (ND 30/2020 forbids a
    page with only the signature)."""


def recipients(page: Page, names: Sequence[str]) -> list[Flowable]:
    """The "Nơi nhận:" of an administrative letter (ND 30/2020): "- Như trên;" …, the last ending in "."."""
    s = styles(page)
    small = _sized(s["left"], s["note"].fontSize)
    items = [f"- {name.rstrip('.;')}{'.' if index == len(names) - 1 else ';'}" for index, name in enumerate(names)]
    return [Paragraph("<b><i>Nơi nhận:</i></b>", small), *(Paragraph(text(item), small) for item in items)]


def keep_signatures_with_text(story: Sequence[Flowable]) -> list[Flowable]:
    """``story`` with each signature block joined to the flowable before it (and that one's own run of
    spacers), so a page break never falls between the text and the signatures."""
    out: list[Flowable] = []
    for flowable in story:
        if isinstance(flowable, SignatureBlock) and out:
            joined: list[Flowable] = []
            while out and isinstance(out[-1], Spacer):
                joined.insert(0, out.pop())
            if out:
                joined.insert(0, out.pop())
            out.append(KeepTogether([*joined, *flowable._content]))  # nested, a KeepTogether would never fit
            continue
        out.append(flowable)
    return out


# The footer's baseline: its lowest stroke stays more than 10 mm from the edge, where every printer prints.
FOOTER_BASELINE = 11 * mm


def _numbered_canvas(footer: str, font_size: float) -> type[Canvas]:
    """A canvas that writes "<footer> · Trang x/y" at the bottom once the page count is known (a form of more
    than one page: each page then names the form and the dossier)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []  # type: ignore[type-arg]

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if total > 1:
                    width, _ = self._pagesize
                    number = f"Trang {self._pageNumber}/{total}"
                    shown = footer
                    label = f"{shown} · {number}" if shown else number
                    room = width - 30 * mm
                    size = fit_size(label, FONT, font_size, room, smallest=5)
                    while shown and pdfmetrics.stringWidth(label, FONT, size) > room:  # a name longer than a line
                        shown = shown[:-2].rstrip() + "…"
                        label = f"{shown} · {number}"
                    self.setFont(FONT, size)
                    self.drawCentredString(width / 2, FOOTER_BASELINE, label)
                super().showPage()
            super().save()

    return NumberedCanvas


def render(
    story: list[Flowable],
    page: Page,
    *,
    title: str,
    author: str = "",
    subject: str = "",
    footer: str = "",
    on_page: Callable[[Canvas, BaseDocTemplate], None] | None = None,
) -> bytes:
    """Lay ``story`` out on ``page`` paper and return the PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    left, right, top, bottom = page.margins
    doc = BaseDocTemplate(
        buffer,
        pagesize=page.size,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=author,
        subject=subject,
        creator="Một Cửa",
        lang="vi-VN",
        invariant=1,  # no timestamp or random id: identical data gives identical bytes
    )
    frame = Frame(left, bottom, page.width, page.size[1] - top - bottom, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page or (lambda c, d: None))])
    doc.build(keep_signatures_with_text(with_continuations(story)), canvasmaker=_numbered_canvas(footer, styles(page)["note"].fontSize - 1))
    return buffer.getvalue()


@dataclass(frozen=True)
class Applicant:
    """The person (or organisation) a letter-type form is addressed to or about."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    organisation: bool = False  # named as such, never "Ông/Bà"

    @property
    def you(self) -> str:
        return you(self.organisation)


def applicant_lines(applicant: Applicant, page: Page, label: str = "Tiếp nhận hồ sơ của") -> list[Flowable]:
    """"Ông/Bà <name>" (or the organisation's name), address and contacts; dotted lines where the desk knows
    nothing."""
    s = styles(page)
    return [
        field(label, dear(applicant.name, applicant.organisation) if applicant.name.strip() else "", page,
              bold_value=True),
        field("Địa chỉ", applicant.address, page),
        Paragraph(
            f"Số điện thoại: {text(applicant.phone) or '.' * 20}&nbsp;&nbsp;&nbsp;Email: {text(applicant.email) or '.' * 20}",
            s["body"],
        ),
    ]


@dataclass(frozen=True)
class Pause:
    """A time the clock stood still waiting for the citizen's supplement (Mẫu 02 during processing)."""

    since: datetime
    until: datetime | None  # None: still waiting
    reason: str
    sheet: str  # "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ số 3/PYCBS"


def pause_lines(pauses: Sequence[Pause], original_due: datetime | None, due: datetime, page: Page) -> list[Flowable]:
    """Each supplement pause with its reason, and the appointment it moved: what Mẫu 01 reprinted and Mẫu 06
    show once the clock has stopped for a supplement."""
    if not pauses:
        return []
    s = styles(page)
    story: list[Flowable] = []
    for pause in pauses:
        until = (f"đến {form_instant(pause.until)}" if pause.until is not None
                 else "đến nay, chờ tổ chức, cá nhân bổ sung")
        story.append(Paragraph(
            f"<i>Tạm dừng tính thời gian giải quyết từ {form_instant(pause.since)} {until}; "
            f"lý do: {text(pause.reason)} ({text(pause.sheet)}).</i>", s["body"]))
    if pauses[-1].until is None:
        story.append(Paragraph("<i>Thời gian trả kết quả được tính lại khi nhận đủ hồ sơ bổ sung, hoàn thiện.</i>",
                               s["body"]))
    elif original_due is not None and original_due != due:
        story.append(Paragraph(
            f"<i>Thời gian trả kết quả dời từ {form_instant(original_due)} sang <b>{form_instant(due)}</b> "
            "(thời gian chờ bổ sung không tính vào thời hạn giải quyết).</i>", s["body"]))
    return story


class Slot(Flowable):
    """An empty band whose position on the page is remembered, for text that differs per copy."""

    def __init__(self, height: float) -> None:
        super().__init__()
        self.height, self.width = height, 0.0
        self.position: tuple[float, float] | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.height

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802 (reportlab's name)
        self.position = (x, y)


def render_copies(
    story: list[Flowable], slot: Slot, labels: Sequence[str], page: Page, *, style: ParagraphStyle, title: str,
    author: str = "",
) -> bytes | None:
    """Lay ``story`` out once and print it on one page per label, each label written in ``slot``.

    The laid-out page is a PDF form XObject drawn on every page, so a form in
    two liên costs one layout. None when the story does not fit on one page:
    the caller then lays each copy out in full, flowing onto further pages.
    """
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page.size, invariant=1, pageCompression=1, lang="vi-VN")
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("Một Cửa")
    left, _right, top, _bottom = page.margins
    bottom = page.bottom_without_footer  # one page per copy: no footer
    frame = Frame(left, bottom, page.width, page.size[1] - top - bottom, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    canvas.beginForm("copy")
    fits = _fill(frame, keep_signatures_with_text(with_continuations(story)), canvas)
    canvas.endForm()
    if not fits or slot.position is None:
        return None
    x, y = slot.position
    for label in labels:
        canvas.doForm("copy")
        canvas.setFont(style.fontName, style.fontSize)
        canvas.drawCentredString(x + slot.width / 2, y + (slot.height - style.fontSize) / 2 + 1.5, label)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _fill(frame: Frame, story: list[Flowable], canvas: Canvas) -> bool:
    """Place ``story`` in ``frame`` as the page templates do (splitting what may split); False if it overflows."""
    budget = 20 * len(story) + 20  # splits make progress; never loop on a flowable that cannot
    while story and budget:
        budget -= 1
        flowable = story.pop(0)
        if isinstance(flowable, ActionFlowable):  # page breaks and the like: let the page templates do it
            return False
        if frame.add(flowable, canvas, trySplit=1):
            continue
        parts = frame.split(flowable, canvas)
        if not parts:
            return False
        story[:0] = parts
    return not story
