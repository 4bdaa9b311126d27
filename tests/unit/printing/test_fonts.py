"""The embedded font covers every letter we print, and a missing font is named, not printed as boxes."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics

from app.domain.vn_words import WEEKDAYS
from printing import (
    base,
    form01_receipt,
    form02_supplement_request,
    form03_refusal,
    form04_apology_extension,
    form05_suspension_notice,
    form06_control_slip,
    form07_logbook,
    samples,
)
from tests.pdfcheck import pdf_text

VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)


def test_every_vietnamese_letter_in_both_cases_and_every_face_has_a_glyph():
    base.register_fonts()
    letters = VIETNAMESE + VIETNAMESE.upper()
    for name in base.FONT_FILES:
        font = pdfmetrics.getFont(name)
        missing = [c for c in letters if ord(c) not in font.face.charToGlyph]
        assert not missing, f"{name} lacks {missing}"


def test_every_character_on_every_form_is_in_the_font():
    base.register_fonts()
    cmap = pdfmetrics.getFont(base.FONT).face.charToGlyph
    pdfs = [
        form01_receipt.render(samples.receipt()),
        form02_supplement_request.render(samples.supplement_request()),
        form03_refusal.render(samples.refusal()),
        form04_apology_extension.render(samples.apology()),
        form05_suspension_notice.render(samples.suspension_notice()),
        form06_control_slip.render(samples.control_slip()),
        form07_logbook.render(samples.logbook()),
    ]
    used = {c for pdf in pdfs for page in pdf_text(pdf) for c in page if not c.isspace()}
    used |= set("".join(WEEKDAYS))
    assert not sorted(c for c in used if ord(c) not in cmap)


def test_a_missing_font_is_reported_by_name_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.setattr(base, "FONT_DIRS", (tmp_path,))
    with pytest.raises(base.FontMissing) as error:
        base.font_path("LiberationSerif-Regular.ttf")
    message = str(error.value)
    assert "LiberationSerif-Regular.ttf" in message and "fonts-liberation" in message and str(tmp_path) in message


def test_the_bundled_font_is_found_first():
    assert base.font_path("LiberationSerif-Bold.ttf").parent == base.FONT_DIRS[0]
