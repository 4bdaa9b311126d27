"""Regenerate the reference images of the printed forms: ``make forms``.

Renders every form from printing/samples.py to PDF and, with pdftoppm
(Debian package poppler-utils), to one PNG per form (first page, 100 dpi).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.domain.paper import PaperSize  # noqa: E402
from printing import (  # noqa: E402
    form01_receipt,
    form02_supplement_request,
    form03_refusal,
    form04_apology_extension,
    form05_suspension_notice,
    form06_control_slip,
    form07_logbook,
    samples,
)

FORMS = {
    "form01_receipt_A5": lambda: form01_receipt.render(samples.receipt(), paper=PaperSize.A5),
    "form02_supplement_request_A5": lambda: form02_supplement_request.render(samples.supplement_request()),
    "form03_refusal_A5": lambda: form03_refusal.render(samples.refusal()),
    "form04_apology_extension_A5": lambda: form04_apology_extension.render(samples.apology()),
    "form05_suspension_notice_A5": lambda: form05_suspension_notice.render(samples.suspension_notice()),
    "form06_control_slip_A4": lambda: form06_control_slip.render(samples.control_slip()),
    "form07_logbook_A4": lambda: form07_logbook.render(samples.logbook()),
}


def main(out: Path) -> None:
    if shutil.which("pdftoppm") is None:
        sys.exit("pdftoppm not found: install the Debian package poppler-utils")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, render in FORMS.items():
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(render())
            subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile",
                            str(pdf), str(out / name)], check=True)
            print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
