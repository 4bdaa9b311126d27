"""Render time of the receipt (Mẫu 01) and the control slip (Mẫu 06) vs bare reportlab pages.

Run: .venv/bin/python bench/bench_printing.py [runs]

Two baselines, drawn straight on a reportlab canvas with the same embedded
fonts and the same QR, no layout engine:
- "bare page": one A5 page with the QR and three lines of Vietnamese, one in
  each face the forms embed (regular, bold, italic) — the least any printed
  form costs (font subsetting, compression, the QR);
- "bare receipt": the receipt's own text, line by line at fixed positions, on
  its two pages with the QR on each — what reportlab costs for the same output,
  so the ratio to it is the cost of our layout (wrapping, tables, flowing).
All are timed in this run, interleaved, after a warm-up (fonts are registered
once per process, as in the service). Prints p50 and p99 and the ratios.
Goals (issue 4): receipt p50 ≤ 1.5× the bare page, and under 50 ms.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A5  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from printing import form01_receipt, form06_control_slip, samples  # noqa: E402
from printing.base import FONT, register_fonts  # noqa: E402
from printing.qr import QrFlowable  # noqa: E402


def bare_page() -> bytes:
    """One A5 page: the QR and a few lines of Vietnamese in the same embedded font."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A5, invariant=1)
    qr = QrFlowable(samples.URL, 20 * mm)
    qr.drawOn(canvas, 14 * mm, A5[1] - 25 * mm)
    # One line in each face the forms embed (regular, bold, italic): the same fonts.
    for face, line, y in ((f"{FONT}-Bold", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", 40),
                          (FONT, f"Mã hồ sơ: {samples.CODE}", 46),
                          (f"{FONT}-Italic", "(Liên 1: Lưu tại Bộ phận tiếp nhận và trả kết quả)", 52)):
        canvas.setFont(face, 10)
        canvas.drawString(14 * mm, A5[1] - y * mm, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def bare_receipt_factory(pdf: bytes):  # type: ignore[no-untyped-def]
    """A renderer that draws ``pdf``'s text lines at fixed positions, and its QR on every page."""
    from pypdf import PdfReader

    pages = [page.extract_text().splitlines() for page in PdfReader(io.BytesIO(pdf)).pages]

    def render() -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A5, invariant=1)
        for lines in pages:
            QrFlowable(samples.URL, 20 * mm).drawOn(canvas, 14 * mm, A5[1] - 25 * mm)
            y = A5[1] - 30 * mm
            for index, line in enumerate(lines):
                canvas.setFont(FONT + ("-Bold", "", "-Italic", "", "")[index % 5], 10)
                canvas.drawString(14 * mm, y, line)
                y -= 11
            for row in range(5):  # the documents table
                canvas.rect(14 * mm, A5[1] - (95 + 7 * row) * mm, 124 * mm, 7 * mm)
            canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    return render


def main(runs: int) -> None:
    register_fonts()
    receipt, slip = samples.receipt(), samples.control_slip(handed_over=False)
    cases = {
        "bare reportlab page": bare_page,
        "bare receipt (same text)": bare_receipt_factory(form01_receipt.render(receipt)),
        "Mẫu 01 receipt (2 liên)": lambda: form01_receipt.render(receipt),
        "Mẫu 06 control slip": lambda: form06_control_slip.render(slip),
    }
    for render in cases.values():  # warm-up: imports, font subsets, caches
        for _ in range(5):
            render()
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, render in cases.items():
            start = time.perf_counter()
            render()
            timings[name].append(time.perf_counter() - start)
    base = statistics.median(timings["bare reportlab page"])
    print(f"{runs} renders each, interleaved, same process")
    print(f"{'':28} {'p50 ms':>8} {'p99 ms':>8} {'p50 ratio':>10}")
    for name, values in timings.items():
        values.sort()
        p50, p99 = statistics.median(values), values[int(len(values) * 0.99) - 1]
        print(f"{name:28} {p50 * 1000:8.1f} {p99 * 1000:8.1f} {p50 / base:9.2f}x")
    receipt_p50 = statistics.median(timings["Mẫu 01 receipt (2 liên)"])
    same_text = statistics.median(timings["bare receipt (same text)"])
    print(f"receipt vs the same text drawn bare: {receipt_p50 / same_text:.2f}x")
    print(f"goal: receipt < 50 ms p50 → {'met' if receipt_p50 < 0.05 else 'NOT met'}; "
          f"≤ 1.5x bare page → {'met' if receipt_p50 <= 1.5 * base else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
