"""Regenerate the reference images of the printed forms: ``make forms``.

The images show what the app really prints: a scratch SQLite database is brought to the newest schema, the
demo commune is loaded, and every form is made by the services a clerk, an officer or a leader uses (the
desk receives and turns away, the leader reschedules with an apology, the clerk stops a dossier at the
citizen's request, the logbook is printed for the month). Each PDF's first page is rendered to PNG at
100 dpi with pdftoppm (Debian package poppler-utils).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.cli.db import alembic_config  # noqa: E402
from app.domain.catalogue import DocumentSpec  # noqa: E402
from app.domain.localtime import VN_TZ, to_local  # noqa: E402
from app.domain.paper import PaperSize  # noqa: E402
from app.domain.workflow import Action, IdKind, NonReceptionKind  # noqa: E402
from app.services import documents, processing, reception  # noqa: E402
from app.services.calendar import unit_calendar  # noqa: E402
from app.services.demo import load_demo  # noqa: E402
from models import Dossier, Procedure, Unit, User  # noqa: E402
from models.engine import make_engine  # noqa: E402

BASE_URL = "https://motcua.anbinh.gov.vn"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=VN_TZ)  # a Monday morning at the demo commune's desk


def _user(session: Session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _dossier(session: Session, applicant: str) -> Dossier:
    return session.scalar(select(Dossier).where(Dossier.applicant_name == applicant))


def printed_forms(session: Session) -> Iterator[tuple[str, bytes]]:
    """(image name, PDF) of every form, made through the services from the demo commune."""
    load_demo(session, now=NOW)
    unit = session.scalar(select(Unit).where(Unit.code == "000.00.31.H99"))
    clerk, leader = _user(session, "anbinh.tiepnhan"), _user(session, "anbinh.lanhdao")
    procedure = session.scalar(select(Procedure).where(Procedure.unit_id == unit.id, Procedure.code == "1.001193"))
    at = NOW + timedelta(minutes=5)
    applicant = reception.ApplicantInput(
        name="Nguyễn Văn Bình", id_kind=IdKind.CITIZEN_ID, id_number="001203004567", phone="0912345678",
        email="binh.nv@example.vn", address="Thôn Trung Hoà, xã An Bình, tỉnh Hoà An")
    received = reception.receive_dossier(session, clerk, reception.ReceptionInput(
        procedure_id=procedure.id, applicant=applicant, fee_amount=8000,
        documents=tuple(DocumentSpec(d.name, max(d.originals, 1), d.certified_copies, d.photocopies)
                        for d in procedure.documents)), now=at)
    yield "form01_receipt_A5", documents.print_receipt(session, clerk, received.id, base_url=BASE_URL, now=at,
                                                       paper=PaperSize.A5).content
    paused = _dossier(session, "Vũ Thị Hạnh")  # waiting for a supplement: its slip shows the pause
    yield "form06_control_slip_A4", documents.print_control_slip(session, clerk, paused.id, base_url=BASE_URL,
                                                                 now=at).content

    for kind, name, reason, missing in (
        (NonReceptionKind.INCOMPLETE, "form02_supplement_request_A5",
         "Tờ khai chưa có chữ ký của người yêu cầu; thiếu giấy chứng sinh.",
         ("Tờ khai đăng ký khai sinh có chữ ký của người yêu cầu", "Giấy chứng sinh (bản chính)")),
        (NonReceptionKind.REFUSED, "form03_refusal_A5",
         "Sự kiện sinh đã được đăng ký tại Ủy ban nhân dân xã Phú Lộc; đề nghị liên hệ xã Phú Lộc để được cấp "
         "bản sao trích lục.", ()),
    ):
        record = reception.turn_away(session, clerk, kind, reception.NonReceptionInput(
            procedure_id=procedure.id, applicant=reception.ApplicantInput(
                name="Trần Thị Cúc", id_kind=IdKind.CITIZEN_ID, id_number="001192000111", phone="0987654321",
                address="Thôn Đông, xã An Bình, tỉnh Hoà An"), reason=reason, missing=missing), now=at)
        yield name, documents.print_non_reception(session, clerk, record.id, base_url=BASE_URL, now=at).content

    late = _dossier(session, "Lê Minh Quân")  # with the officer; the leader sees it cannot be done in time
    calendar = unit_calendar(session, unit)
    new_due = late.due_at + timedelta(days=3)
    while not calendar.is_working_day(to_local(new_due).date()):
        new_due += timedelta(days=1)
    processing.apply_action(session, leader, late.id, processing.ActionInput(
        Action.RESCHEDULE, late.version, reason="Cần xác minh thông tin với Ủy ban nhân dân xã nơi cư trú trước đây.",
        new_due_at=new_due), now=at)
    notice = late.notices[-1]
    yield "form04_apology_extension_A5", documents.print_notice(session, clerk, notice.id, base_url=BASE_URL,
                                                                now=at).content
    stopped = _dossier(session, "Phạm Văn Đức")
    processing.apply_action(session, clerk, stopped.id, processing.ActionInput(
        Action.STOP, stopped.version, reason="Gia đình đề nghị dừng để bổ sung thông tin.", requested_at=at,
        fee_handling="Không phát sinh phí, lệ phí."), now=at)
    yield "form05_suspension_notice_A5", documents.print_notice(session, clerk, stopped.notices[-1].id,
                                                                base_url=BASE_URL, now=at).content
    yield "form07_logbook_A4", documents.logbook(session, clerk, unit.id, date(2026, 11, 1), date(2026, 11, 30),
                                                 now=at).content


def main(out: Path) -> None:
    if shutil.which("pdftoppm") is None:
        sys.exit("pdftoppm not found: install the Debian package poppler-utils")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'forms.sqlite3'}")
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
        with Session(engine) as session:
            for name, pdf in printed_forms(session):
                path = Path(tmp) / f"{name}.pdf"
                path.write_bytes(pdf)
                subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile",
                                str(path), str(out / name)], check=True)
                print(out / f"{name}.png")
        engine.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
