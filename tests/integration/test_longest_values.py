"""Any value the app accepts prints on every form that shows it (issue 20, item 4).

A commune, its people, a procedure and dossiers are made through the real
services with every free-text field at the longest length its validation
accepts, in three shapes: words (Vietnamese, with spaces), one unbroken word,
and (where the field keeps line breaks) many short lines. Then every form is
printed: Mẫu 01–07, the logbook's workbook, the personal-data export, the
dossier list and the ISO pack. Each must print, and the end of every long
value must be found in the PDF that shows it: a table cell shows the start
and the whole text follows the table.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from app.domain.catalogue import DocumentSpec, StepSpec
from app.domain.localtime import VN_TZ
from app.domain.nonconformity import TEXT_MAX, Source
from app.domain.objectives import parse_period
from app.domain.paper import PaperSize
from app.domain.roles import Role
from app.domain.satisfaction import COMMENT_MAX
from app.domain.workflow import Action, IdKind, NonReceptionKind, ResultDelivery
from app.services import (
    citizen, dashboard, documents, iso_pack, nonconformities, privacy, processing, reception, reports,
)
from models import Dossier, DossierNotice
from printing import form06_control_slip, form07_logbook, samples
from printing import reports as printed_reports
from tests import builders
from tests.integration.test_citizen import GOOD

WORDS = "Ủy ban nhân dân xã đã xem xét hồ sơ đề nghị của ông bà và ghi nhận những nội dung sau đây "


def long_value(length: int, shape: str, tag: str) -> str:
    """A value of exactly ``length`` characters ending with ``tag``."""
    if shape == "words":
        body = (WORDS * (length // len(WORDS) + 1))
    elif shape == "word":
        body = "Đ" * length
    else:  # lines
        body = ("Dòng ghi chú\n" * (length // 13 + 1))
    return body[:length - len(tag) - 1].rstrip() + " " + tag if shape != "word" else body[:length - len(tag)] + tag


def vn(day: int, month: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=VN_TZ)


def _text(pdf: bytes) -> str:
    """The PDF's text with all white space removed (a long word is cut over lines)."""
    assert pdf.startswith(b"%PDF")
    return "".join("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.mark.parametrize("shape", ["words", "word", "lines"])
def test_the_longest_values_print_on_every_form(db_session, shape):
    def v(length: int, tag: str, *, multiline: bool = False) -> str:
        return long_value(length, shape if multiline or shape != "lines" else "words", tag)

    now = vn(2, 11, 8)
    province = builders.make_unit(db_session, now=now, governing_body_name=v(255, "TINHGOV"), name=v(255, "TINHNAME"),
                                  place_name=v(100, "TINHPLACE"))
    unit = builders.make_unit(db_session, now=now, parent=province, governing_body_name=v(255, "XAGOV"),
                              name=v(255, "XANAME"), place_name=v(100, "XAPLACE"), address=v(500, "XAADDR"))
    department = builders.make_department(db_session, unit=unit, name=v(255, "PHONGBAN"))
    people = {role: builders.make_user(db_session, unit=unit, roles={role}, now=now, full_name=v(100, f"TEN{role.value}"),
                                       position=v(255, f"CHUCVU{role.value}"),
                                       department_id=department.id if role is Role.OFFICER else None)
              for role in (Role.CLERK, Role.OFFICER, Role.LEADER)}
    clerk, officer, leader = people[Role.CLERK], people[Role.OFFICER], people[Role.LEADER]
    procedure = builders.make_procedure(
        db_session, unit=unit, now=now, name=v(500, "THUTUC"), field_name=v(255, "LINHVUC"),
        documents=(DocumentSpec(v(500, "GIAYTO1"), 1), DocumentSpec(v(500, "GIAYTO2"), 0, 1, 1)),
        steps=(StepSpec("Tiếp nhận", Decimal("0.5"), role=Role.CLERK),
               StepSpec(v(255, "BUOC"), Decimal("2"), department_id=department.id, role=Role.OFFICER),
               StepSpec("Ký duyệt, trả kết quả", Decimal("0.5"), role=Role.LEADER)),
    )
    applicant = reception.ApplicantInput(
        name=v(100, "NGUOINOP"), id_kind=IdKind.CITIZEN_ID, id_number="001203004567", phone="0912345678",
        email="a" * 60 + "@" + "b" * 190 + ".vn", address=v(500, "DIACHI"), owner_name=v(100, "CHUHOSO"),
        owner_id_number="0" * 12)

    def receive(day: int) -> int:
        dossier = reception.receive_dossier(db_session, clerk, reception.ReceptionInput(
            procedure_id=procedure.id, applicant=applicant, documents=procedure_specs(procedure),
            fee_note=v(255, "PHI"), result_delivery=ResultDelivery.POST, delivery_address=v(500, "NOINHAN"), note=v(2000, f"GHICHU{day}", multiline=True)),
            now=vn(day, 11, 9))
        return dossier.id

    def act(user, dossier_id, action, day, hour, **values):  # type: ignore[no-untyped-def]
        processing.apply_action(db_session, user, dossier_id, processing.ActionInput(action, None, **values),
                                now=vn(day, 11, hour))

    handed = v(2000, "GIAO", multiline=True)
    done = receive(2)
    act(clerk, done, Action.HAND_OVER, 2, 10, reason=handed, to_user_id=officer.id)
    act(officer, done, Action.RESCHEDULE, 3, 10, new_due_at=vn(12, 11, 9), reason=v(2000, "XINLOI", multiline=True))
    act(officer, done, Action.HAND_OVER, 4, 10, reason=v(2000, "TRINH", multiline=True), to_user_id=leader.id)
    act(leader, done, Action.FINISH, 5, 10, reason=v(2000, "KY", multiline=True))
    act(clerk, done, Action.RETURN_RESULT, 5, 14, return_method=ResultDelivery.POST, return_note=v(500, "TRAKQ"))
    supplement = receive(3)
    act(clerk, supplement, Action.HAND_OVER, 3, 10, to_user_id=officer.id)
    act(officer, supplement, Action.REQUEST_SUPPLEMENT, 4, 10, reason=v(2000, "BOSUNG", multiline=True),
        missing=tuple(v(500, f"THIEU{n}") for n in range(3)))
    stopped = receive(4)
    act(clerk, stopped, Action.STOP, 4, 15, requested_at=vn(4, 11, 14), reason=v(2000, "DUNG", multiline=True),
        fee_handling=v(500, "HOANPHI"))
    refused = receive(5)
    act(leader, refused, Action.REFUSE, 5, 15, reason=v(2000, "TUCHOI", multiline=True))
    turned = {kind: reception.turn_away(db_session, clerk, kind, reception.NonReceptionInput(
        procedure_id=procedure.id, applicant=applicant, reason=v(2000, f"KHONGNHAN{kind.value}", multiline=True),
        missing=tuple(v(500, f"CANBO{n}") for n in range(2)) if kind is NonReceptionKind.INCOMPLETE else ()),
        now=vn(6, 11, 9)) for kind in NonReceptionKind}
    token = db_session.get(Dossier, done).token
    citizen.rate(db_session, token, GOOD, v(COMMENT_MAX, "GOPY", multiline=True), now=vn(6, 11, 10))
    nonconformities.open_record(db_session, leader, source=Source.COMPLAINT, description=v(TEXT_MAX, "KPH", multiline=True),
                                now=vn(6, 11, 11))
    db_session.flush()

    base = "https://motcua.example.vn"
    when = vn(30, 11, 16)
    shown: dict[str, str] = {}
    for paper in (PaperSize.A5, PaperSize.A4):
        shown[f"01 {paper}"] = _text(documents.print_receipt(db_session, clerk, done, base_url=base, now=when,
                                                             paper=paper).content)
        shown[f"06 {paper}"] = _text(documents.print_control_slip(db_session, clerk, done, base_url=base, now=when,
                                                                  paper=paper).content)
    notices = db_session.scalars(select(DossierNotice).order_by(DossierNotice.id)).all()
    for notice in notices:
        shown[f"notice {notice.form}"] = _text(documents.print_notice(db_session, officer if notice.form != "05" else clerk,
                                                                      notice.id, base_url=base, now=when).content)
    for kind, record in turned.items():
        shown[f"turned {kind.value}"] = _text(documents.print_non_reception(db_session, clerk, record.id, base_url=base,
                                                                            now=when).content)
    shown["07"] = _text(documents.logbook(db_session, clerk, unit.id, date(2026, 11, 1), date(2026, 11, 30),
                                          now=when).content)
    documents.logbook(db_session, leader, unit.id, date(2026, 11, 1), date(2026, 11, 30), now=when, xlsx=True)
    shown["personal"] = _text(privacy.person_export(db_session, leader, "001203004567", now=when, fmt="pdf")[0])
    shown["list"] = _text(printed_reports.pdf(dashboard.list_report(
        db_session, leader, [unit], reports.Drill("population", parse_period("2026-11")), now=when, fmt="pdf")))
    pack = iso_pack.build(db_session, leader, unit.id, parse_period("2026-11"), base_url=base, now=when)
    with zipfile.ZipFile(pack.content) as archive:
        for name in archive.namelist():
            if name.endswith(".pdf"):
                shown[f"pack {name}"] = _text(archive.read(name))
        nonconformity_book = archive.read("04-su-khong-phu-hop-va-hanh-dong-khac-phuc.xlsx")
    pack.content.close()

    assert {"notice 02", "notice 04", "notice 05", "turned incomplete", "turned refused"} <= set(shown)
    expectations = {
        "01 A5": ["NGUOINOP", "DIACHI", "GIAYTO1", "GIAYTO2", "THUTUC", "XAGOV", "CHUHOSO", "NOINHAN", "PHI"],
        "01 A4": ["NGUOINOP", "DIACHI", "GIAYTO2"],
        "06 A5": ["GIAO", "TRINH", "KY", "PHONGBAN", "NGUOINOP"],
        "06 A4": ["GIAO", "TRINH", "KY"],
        "notice 02": ["BOSUNG", "THIEU0", "THIEU2"],
        "notice 04": ["XINLOI"],
        "notice 05": ["DUNG", "HOANPHI"],
        "turned incomplete": ["KHONGNHANincomplete", "CANBO1"],
        "turned refused": ["KHONGNHANrefused"],
        "07": ["GHICHU2", "GHICHU5", "DIACHI", "CHUHOSO", "THUTUC", "TRAKQ"],
        "personal": ["NGUOINOP", "DIACHI", "GOPY"],
        "list": ["NGUOINOP", "THUTUC"],
    }
    missing = {form: [tag for tag in tags if tag not in shown[form]] for form, tags in expectations.items()}
    assert {form: tags for form, tags in missing.items() if tags} == {}
    assert "GHICHU2" in shown["pack 01-mau-07-so-theo-doi-ho-so.pdf"]
    assert any("GIAO" in text for name, text in shown.items() if name.startswith("pack ") and "/" in name)
    book = load_workbook(io.BytesIO(nonconformity_book))
    assert any(isinstance(c.value, str) and c.value.endswith("KPH") for sheet in book for row in sheet.iter_rows()
               for c in row)


def procedure_specs(procedure):  # type: ignore[no-untyped-def]
    return tuple(DocumentSpec(d.name, d.originals or 1, d.certified_copies, d.photocopies) for d in procedure.documents)


# --- the forms alone, with random long texts -------------------------------------------------------

TEXTS = st.text(alphabet=st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬ \n.,-"), min_size=0,
                max_size=2000)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(notes=st.lists(TEXTS, min_size=1, max_size=6), paper=st.sampled_from([PaperSize.A4, PaperSize.A5]))
def test_any_handover_notes_print_on_the_control_slip(notes, paper):
    data = samples.control_slip()
    rows = tuple(form06_control_slip.HandoverRow("Bộ phận tiếp nhận", "Tư pháp", at=data.received_at,
                                                 result="Đúng hạn", note=note) for note in notes)
    text = _text(form06_control_slip.render(data.__class__(**{**data.__dict__, "rows": rows}), paper=paper))
    for note in notes:
        assert "".join(note.split()) in text


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(notes=st.lists(TEXTS, min_size=1, max_size=5))
def test_any_logbook_notes_print(notes):
    data = samples.logbook()
    entries = tuple(entry.__class__(**{**entry.__dict__, "note": note, "contact": note[::-1]})
                    for entry, note in zip(data.entries * len(notes), notes))
    text = _text(form07_logbook.render(data.__class__(**{**data.__dict__, "entries": entries})))
    for note in notes:
        assert "".join(note.split()) in text


def test_only_a_leader_or_an_inspector_exports_the_logbook_as_a_spreadsheet(db_session, world):
    from app.services.errors import Forbidden, NotFound

    for user in (world.a.clerk, world.a.admin, world.province_admin, world.b.leader):
        with pytest.raises((Forbidden, NotFound)):
            documents.logbook(db_session, user, world.a.unit.id, date(2026, 11, 1), date(2026, 11, 30), now=vn(30, 11, 9),
                              xlsx=True)
    for user in (world.a.leader, world.inspector):
        assert documents.logbook(db_session, user, world.a.unit.id, date(2026, 11, 1), date(2026, 11, 30),
                                 now=vn(30, 11, 9), xlsx=True).filename.endswith(".xlsx")
    assert documents.logbook(db_session, world.a.clerk, world.a.unit.id, date(2026, 11, 1), date(2026, 11, 30),
                             now=vn(30, 11, 9)).filename.endswith(".pdf")  # the book to print stays the desk's


def test_a_document_name_longer_than_its_column_is_refused_with_a_message(db_session, world):
    from app.services.errors import ValidationFailed

    applicant = reception.ApplicantInput(name="Nguyễn Văn Bình", id_kind=IdKind.CITIZEN_ID, id_number="001203004567")
    with pytest.raises(ValidationFailed) as refused:
        reception.receive_dossier(db_session, world.a.clerk, reception.ReceptionInput(
            procedure_id=world.a.procedure.id, applicant=applicant, documents=(DocumentSpec("Đ" * 501, 1),)),
            now=vn(2, 11, 9))
    assert "tối đa 500 ký tự" in refused.value.errors["documents"]
