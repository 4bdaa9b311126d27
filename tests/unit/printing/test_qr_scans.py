"""The QR of every form reads from a poor copy: printed, photocopied, scanned at 150 dpi.

The copy is simulated on the 150 dpi render: blurred (a worn copier's optics), toner lighter and paper
greyer (low contrast), speckled, turned by 1.5 degrees and saved as a coarse JPEG; at this level a 16 mm code no longer reads. The code itself, its
quiet zone not counted, measures at least 20 mm across on the paper.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image, ImageFilter

from app.domain.paper import PaperSize
from printing import (
    form01_receipt,
    form02_supplement_request,
    form03_refusal,
    form04_apology_extension,
    form05_suspension_notice,
    form06_control_slip,
    samples,
)

DPI = 150
FORMS = {
    "01 A5": lambda: form01_receipt.render(samples.receipt(), paper=PaperSize.A5),
    "01 A4": lambda: form01_receipt.render(samples.receipt(), paper=PaperSize.A4),
    "02": lambda: form02_supplement_request.render(samples.supplement_request()),
    "03": lambda: form03_refusal.render(samples.refusal()),
    "04": lambda: form04_apology_extension.render(samples.apology()),
    "05": lambda: form05_suspension_notice.render(samples.suspension_notice()),
    "06": lambda: form06_control_slip.render(samples.control_slip()),
}


def _scan(pdf: bytes) -> Image.Image:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: install the Debian package poppler-utils (.ci/run does)")
    png = subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", "-"],
                         input=pdf, capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def _photocopy(image: Image.Image, seed: int) -> Image.Image:
    """A blurred, low-contrast, speckled, slightly turned JPEG of ``image``."""
    copy = image.filter(ImageFilter.GaussianBlur(radius=1.2))
    copy = copy.point(lambda v: 60 + v * 160 // 255)  # toner at 60 of 255, paper at 220
    noise = random.Random(seed)
    pixels = copy.load()
    width, height = copy.size
    for _ in range(width * height // 80):
        x, y = noise.randrange(width), noise.randrange(height)
        pixels[x, y] = max(0, min(255, pixels[x, y] + noise.randint(-80, 80)))
    copy = copy.rotate(1.5, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=220)
    buffer = io.BytesIO()
    copy.save(buffer, "JPEG", quality=40)
    return Image.open(io.BytesIO(buffer.getvalue()))


@pytest.mark.parametrize("name", FORMS)
def test_the_qr_reads_from_a_blurred_photocopy_scanned_at_150_dpi(name):
    scan = _scan(FORMS[name]())
    clean = zxingcpp.read_barcodes(scan)
    assert [r.text for r in clean] == [samples.URL if name[:2] in ("01", "04", "05", "06") else clean[0].text]
    corners = clean[0].position
    side_mm = ((corners.top_right.x - corners.top_left.x) ** 2
               + (corners.top_right.y - corners.top_left.y) ** 2) ** 0.5 / DPI * 25.4
    assert side_mm >= 20 - 0.4  # the finder patterns' outer edges, within a pixel at 150 dpi

    for seed in range(3):
        copied = zxingcpp.read_barcodes(_photocopy(scan, seed))
        assert [r.text for r in copied] == [clean[0].text], f"unreadable copy, seed {seed}"


def test_the_degradation_is_real_a_16_mm_code_fails_where_20_mm_reads():
    """The simulated copy is harsh enough to matter: the old A5 code (16 mm with its quiet zone, 13 mm of
    modules) does not read from it, nor does a 16 mm one."""
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from printing.qr import QrFlowable

    def page(size: float) -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A5)
        QrFlowable(samples.URL, size).drawOn(canvas, 20 * mm, 150 * mm)
        canvas.save()
        return buffer.getvalue()

    read = {size: [zxingcpp.read_barcodes(_photocopy(_scan(page(size * mm)), seed)) for seed in range(3)]
            for size in (13.2, 16, 20)}
    assert all(r and r[0].text == samples.URL for r in read[20])
    assert not any(read[13.2]) and not any(read[16])
