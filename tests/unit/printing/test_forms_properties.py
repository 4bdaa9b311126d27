"""Every form, printed with extreme data (Hypothesis): long and unbroken texts, many lines, many documents,
organisations, supplement pauses, either paper.

Whatever the data: the PDF prints on the paper asked for; every value is found in full; a signature block
never opens a page; a form of more than one page names the form and the dossier (or the sheet) on every page,
its footer more than 10 mm above the paper's edge.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.units import mm

from app.domain.addressing import Authority, signature_lines
from app.domain.paper import PaperSize
from printing import (
    form01_receipt,
    form02_supplement_request,
    form03_refusal,
    form04_apology_extension,
    form05_suspension_notice,
    form06_control_slip,
    form07_logbook,
    samples,
)
from printing.base import Applicant, Pause
from printing.form01_receipt import DocumentLine
from printing.form06_control_slip import HandoverRow

LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬĐƯỜỞỠỢ0123456789"
NAMES = st.text(alphabet=st.sampled_from(LETTERS + " "), min_size=1, max_size=100).filter(lambda s: s.strip())
TEXTS = st.text(alphabet=st.sampled_from(LETTERS + " \n.,-<>&/"), min_size=1, max_size=1000).filter(
    lambda s: s.strip())
UNBROKEN = st.text(alphabet=st.sampled_from(LETTERS), min_size=50, max_size=300)
ANY_TEXT = st.one_of(TEXTS, UNBROKEN)
PAPER = st.sampled_from([PaperSize.A5, PaperSize.A4])
PAPER_MM = {PaperSize.A5: (148, 210), PaperSize.A4: (210, 297)}
SETTINGS = settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def _squeezed(value: str) -> str:
    return "".join(value.split())


def _pages(pdf: bytes) -> list[tuple[str, list[tuple[str, float]]]]:
    """Each page's text and its runs of text with their baseline's height above the paper's bottom edge."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        runs: list[tuple[str, float]] = []

        def visit(text, cm, tm, font, size, runs=runs):  # type: ignore[no-untyped-def]
            if text.strip():
                runs.append((text, tm[5] * cm[3] + cm[5]))

        pages.append((page.extract_text(visitor_text=visit), runs))
    return pages


def check(pdf: bytes, paper: PaperSize, values: list[str], signature: str, names_the_form: list[str],
          landscape: bool = False, copies: int = 1) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    expected = PAPER_MM[paper][::-1] if landscape else PAPER_MM[paper]
    assert {(round(float(p.mediabox.width) / 72 * 25.4), round(float(p.mediabox.height) / 72 * 25.4))
            for p in reader.pages} == {expected}
    pages = _pages(pdf)
    whole = _squeezed("".join(text for text, _ in pages))
    for value in values:
        assert _squeezed(value) in whole, value[:80]
    for text, runs in pages:
        body = [t for t, _ in runs if not t.strip().startswith(tuple(names_the_form[:1]))]
        if signature:  # the signatures never open a page: some text of the form comes before them on it
            first = _squeezed("".join(body))[:len(_squeezed(signature))]
            assert first != _squeezed(signature), "a page opens with the signature block"
    if len(pages) > copies:  # continuation pages (a receipt's two liên on two pages have none)
        for text, runs in pages:
            squeezed = _squeezed(text)
            assert all(_squeezed(n) in squeezed for n in names_the_form), names_the_form
            footer = [y for t, y in runs if "Trang" in t]
            assert footer and min(footer) >= 10 * mm + 2, min(footer or [0]) / mm  # baseline above 10 mm + descent


@SETTINGS
@given(paper=PAPER, name=NAMES, address=ANY_TEXT, owner=NAMES, procedure=TEXTS, fee=NAMES,
       documents=st.lists(ANY_TEXT.map(lambda s: s[:300]), min_size=1, max_size=15), organisation=st.booleans(),
       reasons=st.lists(TEXTS.map(lambda s: s[:2000]), max_size=3))
def test_the_receipt(paper, name, address, owner, procedure, fee, documents, organisation, reasons):
    data = samples.receipt()
    pauses = tuple(Pause(data.received_at + timedelta(hours=i), None if i == len(reasons) - 1 else
                         data.received_at + timedelta(hours=i, minutes=30), reason, f"Phiếu số {i + 1}/PYCBS")
                   for i, reason in enumerate(reasons))
    data = replace(data, applicant=Applicant(name, address, "0912345678", "", organisation), owner=owner,
                   procedure=procedure, fee=fee, documents=tuple(DocumentLine(d, 1) for d in documents),
                   pauses=pauses, original_due_at=data.due_at - timedelta(days=1) if pauses else None)
    pdf = form01_receipt.render(data, paper=paper)
    check(pdf, paper, [name, address, owner, procedure, fee, *documents, *reasons], "NGƯỜI NỘP HỒ SƠ",
          ["Mẫu 01", data.code], copies=2)
    assert ("Ông/Bà" in _squeezed(" ".join(t for t, _ in _pages(pdf)))) is not organisation


@SETTINGS
@given(paper=PAPER, name=NAMES, address=ANY_TEXT, missing=st.lists(ANY_TEXT.map(lambda s: s[:500]), min_size=1,
       max_size=20), reason=TEXTS, organisation=st.booleans())
def test_the_supplement_request_and_the_refusal(paper, name, address, missing, reason, organisation):
    applicant = Applicant(name, address, "0987654321", "", organisation)
    request = replace(samples.supplement_request(), applicant=applicant, missing=tuple(missing), reason=reason)
    check(form02_supplement_request.render(request, paper=paper), paper, [name, address, *missing, reason],
          "NGƯỜI HƯỚNG DẪN", ["Mẫu 02", request.header.number])
    refusal = replace(samples.refusal(), applicant=applicant, reason=reason)
    check(form03_refusal.render(refusal, paper=paper), paper, [name, address, reason], "NGƯỜI NỘP HỒ SƠ",
          ["Mẫu 03", refusal.header.number])


@SETTINGS
@given(paper=PAPER, name=NAMES, procedure=TEXTS, reason=ANY_TEXT, position=NAMES, signer=NAMES,
       organisation=st.booleans(), fee=TEXTS)
def test_the_apology_and_the_suspension_notice(paper, name, procedure, reason, position, signer, organisation, fee):
    lines = signature_lines(Authority("Ủy ban nhân dân xã An Bình", "Ủy ban nhân dân", "Chủ tịch"), position)
    apology = replace(samples.apology(), applicant_name=name, procedure=procedure, reason=reason, signer_lines=lines,
                      signer_name=signer, organisation=organisation)
    check(form04_apology_extension.render(apology, paper=paper), paper, [name, procedure, reason, signer],
          "Nơi nhận:", ["Mẫu 04", apology.code])
    notice = replace(samples.suspension_notice(), applicant_name=name, procedure=procedure, reason=reason,
                     fee_handling=fee, organisation=organisation)
    check(form05_suspension_notice.render(notice, paper=paper), paper, [name, procedure, reason, fee],
          "NGƯỜI NỘP HỒ SƠ", ["Mẫu 05", notice.code])


@SETTINGS
@given(paper=PAPER, name=NAMES, procedure=TEXTS, body=NAMES, reasons=st.lists(TEXTS.map(lambda s: s[:2000]),
       min_size=1, max_size=3), notes=st.lists(ANY_TEXT, min_size=1, max_size=8))
def test_the_control_slip(paper, name, procedure, body, reasons, notes):
    data = samples.control_slip()
    pauses = tuple(Pause(data.received_at + timedelta(hours=i), data.received_at + timedelta(hours=i, minutes=30),
                         reason, f"Phiếu số {i + 1}/PYCBS") for i, reason in enumerate(reasons))
    rows = tuple(HandoverRow("Bộ phận tiếp nhận", "Tư pháp", at=data.received_at, result="Đúng hạn", note=note)
                 for note in notes)
    data = replace(data, applicant_name=name, procedure=procedure, processing_body=body, rows=rows, pauses=pauses,
                   original_due_at=data.due_at - timedelta(hours=4))
    check(form06_control_slip.render(data, paper=paper), paper, [name, procedure, body, *reasons, *notes], "",
          ["Mẫu 06", data.code])


@SETTINGS
@given(rows=st.lists(st.tuples(TEXTS.map(lambda s: s[:300]), NAMES, ANY_TEXT.map(lambda s: s[:500]), TEXTS),
                     min_size=1, max_size=25))
def test_the_logbook(rows):
    data = samples.logbook(len(rows))
    entries = tuple(replace(entry, procedure=procedure, applicant=name, contact=contact, note=note)
                    for entry, (procedure, name, contact, note) in zip(data.entries, rows))
    data = replace(data, entries=entries)
    shown = [v if not v.lower().startswith("thủ tục ") else v[8:] for row in rows for v in row]
    check(form07_logbook.render(data), PaperSize.A4, shown, "", ["Mẫu 07", "Sổ theo dõi hồ sơ"], landscape=True)
