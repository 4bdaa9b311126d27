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
once per process, as in the service). Every render, ours and the baselines',
draws the QR of a fresh status link (a new token, as each real dossier has:
the QR cache never helps), and the forms are compared per page (the receipt
prints two liên). Prints p50 and p99 and the ratios.
Goals: receipt p50 ≤ 1.5× the bare page per page (issue 23, honest since then;
issue 4 reused one link), and under 50 ms.
"""

from __future__ import annotations

import io
import secrets
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A5  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from pypdf import PdfReader  # noqa: E402

from app.services.reception import STATUS_TOKEN_BYTES  # noqa: E402
from printing import form01_receipt, form06_control_slip, samples  # noqa: E402
from printing.base import FONT, Tracking, register_fonts  # noqa: E402
from printing.qr import QrFlowable  # noqa: E402


def fresh_url() -> str:
    """A status link with a new token, the length the service makes (app.services.reception)."""
    return samples.URL.rsplit("/", 1)[0] + "/" + secrets.token_urlsafe(STATUS_TOKEN_BYTES)


def bare_page() -> bytes:
    """One A5 page: the QR and a few lines of Vietnamese in the same embedded font."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A5, invariant=1)
    qr = QrFlowable(fresh_url(), 20 * mm)
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
    pages = [page.extract_text().splitlines() for page in PdfReader(io.BytesIO(pdf)).pages]

    def render() -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A5, invariant=1)
        url = fresh_url()
        for lines in pages:
            QrFlowable(url, 20 * mm).drawOn(canvas, 14 * mm, A5[1] - 25 * mm)
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
        "Mẫu 01 receipt (2 liên)": lambda: form01_receipt.render(
            replace(receipt, tracking=Tracking(fresh_url(), samples.CODE))),
        "Mẫu 06 control slip": lambda: form06_control_slip.render(
            replace(slip, tracking=Tracking(fresh_url(), samples.CODE))),
    }
    pages = {name: len(PdfReader(io.BytesIO(render())).pages) for name, render in cases.items()}
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
    print(f"{runs} renders each, interleaved, same process, a fresh status link (QR) in every render")
    print(f"{'':28} {'pages':>5} {'p50 ms':>8} {'p99 ms':>8} {'ms/page':>8} {'per-page ratio':>15}")
    for name, values in timings.items():
        values.sort()
        p50, p99 = statistics.median(values), values[int(len(values) * 0.99) - 1]
        print(f"{name:28} {pages[name]:5d} {p50 * 1000:8.1f} {p99 * 1000:8.1f} {p50 * 1000 / pages[name]:8.1f} "
              f"{p50 / pages[name] / base:14.2f}x")
    receipt_p50 = statistics.median(timings["Mẫu 01 receipt (2 liên)"])
    per_page = receipt_p50 / pages["Mẫu 01 receipt (2 liên)"] / base
    same_text = statistics.median(timings["bare receipt (same text)"])
    print(f"receipt vs the same text drawn bare: {receipt_p50 / same_text:.2f}x")
    print(f"receipt per page vs the bare page: {per_page:.2f}x")
    print(f"goal: receipt < 50 ms p50 → {'met' if receipt_p50 < 0.05 else 'NOT met'}; "
          f"≤ 1.5x bare page per page → {'met' if per_page <= 1.5 else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
