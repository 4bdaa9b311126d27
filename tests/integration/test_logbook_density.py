"""Mẫu 07 as a records office prints it: a month of ordinary dossiers of the demo commune, received through
the desk service, printed through the document service.

Goal (issue 22): at least 15 typical rows per A4 page, no code, date or phone number split across lines,
and the name, address and phone of one person on each row.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.domain.catalogue import DocumentSpec
from app.domain.localtime import VN_TZ
from app.domain.workflow import IdKind
from app.services import documents, reception
from app.services.calendar import unit_calendar
from app.services.demo import load_demo
from models import Procedure, Unit, User

ROWS = 200
NAMES = ("Nguyễn Văn Bình", "Trần Thị Ngọc Ánh", "Lê Minh Quân", "Phạm Thị Thanh Hương", "Hoàng Văn Sơn",
         "Vũ Thị Hạnh", "Đỗ Quang Huy", "Nguyễn Thị Bích Ngọc", "Bùi Xuân Trường", "Đặng Thị Kim Oanh")
VILLAGES = ("Thôn Trung Hoà", "Thôn Đông", "Thôn Bắc Sơn", "Xóm Giữa", "Tổ dân phố số 3")


def _month_of_dossiers(session) -> tuple[Unit, User, list[str]]:  # type: ignore[no-untyped-def]
    loaded_at = datetime(2026, 10, 30, 9, 0, tzinfo=VN_TZ)
    load_demo(session, now=loaded_at)
    unit = session.scalar(select(Unit).where(Unit.code == "000.00.31.H99"))
    clerk = session.scalar(select(User).where(User.username == "anbinh.tiepnhan"))
    calendar = unit_calendar(session, unit)
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(30)]
    days = [d for d in days if calendar.is_working_day(d)]
    procedures = sorted(
        (p for p in session.scalars(select(Procedure).where(Procedure.unit_id == unit.id))
         if p.validity.contains(days[0])), key=lambda p: p.code)
    codes = []
    for index in range(ROWS):
        procedure = procedures[index % len(procedures)]
        at = datetime.combine(days[index * len(days) // ROWS], time(7, 30), VN_TZ) + timedelta(minutes=7 * (index % 60))
        dossier = reception.receive_dossier(session, clerk, reception.ReceptionInput(
            procedure_id=procedure.id,
            applicant=reception.ApplicantInput(
                name=NAMES[index % len(NAMES)], id_kind=IdKind.CITIZEN_ID, id_number=f"0011950{index:05d}",
                phone=f"09{index:08d}", address=f"{VILLAGES[index % len(VILLAGES)]}, xã An Bình, tỉnh Hoà An",
                owner_name="Nguyễn Văn An" if index % 7 == 0 else ""),
            documents=tuple(DocumentSpec(d.name, max(d.originals, 1), d.certified_copies, d.photocopies)
                            for d in procedure.documents),
        ), now=at)
        codes.append(dossier.code)
    return unit, clerk, codes


def test_a_month_of_ordinary_dossiers_prints_at_least_15_rows_per_page(db_session):
    unit, clerk, codes = _month_of_dossiers(db_session)
    printed = documents.logbook(db_session, clerk, unit.id, date(2026, 11, 1), date(2026, 11, 30),
                                now=datetime(2026, 12, 1, 8, 0, tzinfo=VN_TZ))
    reader = PdfReader(io.BytesIO(printed.content))
    pages = len(reader.pages)
    print(f"Mẫu 07: {ROWS} dossiers on {pages} A4 pages ({ROWS / pages:.1f} rows per page)")
    assert ROWS / pages >= 15

    words = set()
    for page in reader.pages:
        for line in page.extract_text().splitlines():
            words.update(line.split())
    for code in codes:  # printed as "000.00.31.H99-" over "261102-0001": broken only after the unit's id
        head, tail = code.split("-", 1)
        assert f"{head}-" in words and tail in words, code
    for index in range(ROWS):
        assert f"09{index:08d}" in words  # the phone number whole
    dates = {w for w in words if re.fullmatch(r"\d\d/\d\d/2026", w)}
    assert {f"{d:%d/%m/%Y}" for d in (date(2026, 11, 2), date(2026, 11, 30))} <= dates
