"""QR codes drawn as vector squares: crisp at any printer resolution, tiny in the PDF.

The payload is a short URL to the citizen status page; it is capped so that the
printed code stays large-moduled enough for any phone camera (as GOV.UK Notify
caps its letters' QR payloads).
"""

from __future__ import annotations

from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.platypus import Flowable

from printing import qr_mask

MAX_PAYLOAD_BYTES = 200
QUIET_MODULES = 4  # ISO/IEC 18004 quiet zone, kept free of ink around the code


class QrPayloadTooLong(ValueError):
    """A QR payload so long that the printed code would be hard to scan."""


@lru_cache(maxsize=512)
def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The module matrix of ``payload`` (error correction M, no border)."""
    if len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise QrPayloadTooLong(f"QR payload of {len(payload.encode('utf-8'))} bytes exceeds {MAX_PAYLOAD_BYTES}")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    qr_mask.make(code)  # code.make(fit=True), the same symbol, its mask chosen four times faster
    return tuple(tuple(row) for row in code.get_matrix())


def _runs(row: tuple[bool, ...]) -> list[tuple[int, int]]:
    """Horizontal runs of dark modules as (start, length): fewer rectangles to draw."""
    runs, start = [], None
    for index, dark in enumerate((*row, False)):
        if dark and start is None:
            start = index
        elif not dark and start is not None:
            runs.append((start, index - start))
            start = None
    return runs


class QrFlowable(Flowable):
    """A square QR code whose modules cover ``size`` points; its quiet zone (``quiet_zone`` points each side)
    lies outside the box, where the caller keeps white: a page margin, a gap, a spacer."""

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        self.payload = payload
        self.matrix = qr_matrix(payload)
        self.width = self.height = size
        self.quiet_zone = QUIET_MODULES * size / len(self.matrix)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        count = len(self.matrix)
        module = self.width / count
        offset = 0.0
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for y, row in enumerate(self.matrix):
            top = self.height - offset - (y + 1) * module
            for start, length in _runs(row):
                path.rect(offset + start * module, top, length * module, module)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()
