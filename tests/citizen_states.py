"""One dossier in each state a citizen can find on the status page, made through the real services.

The page is looked at on Tue 01/12/2026 10:00 (``LOOK_AT``). Every dossier's
applicant is the same person, whose personal data must never reach the page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.domain.catalogue import DocumentSpec
from app.domain.localtime import VN_TZ
from app.domain.workflow import Action, IdKind, NonReceptionKind
from app.services import processing, reception
from models import Dossier, Procedure, User

NAME = "Nguyễn Văn Bình"
ID_NUMBER = "001203004567"
PHONE = "0912345678"
ADDRESS = "Số 12 ngõ 5, thôn Đông Phú"
EMAIL = "binh.nguyen@example.vn"
PERSONAL = (NAME, ID_NUMBER, "001 203 004 567", PHONE, "0912 345 678", ADDRESS, "ngõ 5, thôn Đông Phú", EMAIL)
# What must never reach the public page, however it was typed: the name without diacritics, in capitals,
# decomposed; the numbers with separators; the address in parts; a passport number; a third person named in
# a staff note; the staff's own reasons and notes (which may say anything).
LEAKS = PERSONAL + (
    "Nguyen Van Binh", "NGUYỄN VĂN BÌNH", "nguyen van binh", unicodedata.normalize("NFD", NAME), "Văn Bình",
    "0912.345.678", "0912-345-678", "(+84) 912 345 678", "912345678", "345.678", "C1234567",
    "SỐ 12 NGÕ 5", "THÔN ĐÔNG PHÚ", "Đông Phú", "Trần Thị Cúc", "Cúc",
    "Số CCCD", "không khớp với giấy tờ tùy thân", "nhận trực tiếp", "Thủ tục không thuộc thẩm quyền giải quyết",
    "Cần xác minh thông tin hộ tịch", "Bản sao Giấy khai sinh của",
)
MASKED = "Nguyễn V. B."
# Written "for the citizen", with what a hurried officer might put in: the name without diacritics, a phone
# with dots, the address in capitals, a passport number.
SUPPLEMENT_MESSAGE = ("Mời ông Nguyen Van Binh (SĐT 0912.345.678, hộ chiếu C1234567, ở SỐ 12 NGÕ 5, THÔN ĐÔNG PHÚ) "
                      "mang bản sao giấy khai sinh đến bộ phận một cửa.")


def vn(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


LOOK_AT = vn(1, 12, 10)  # Tuesday


@dataclass(frozen=True)
class People:
    clerk: User
    officer: User
    leader: User


def _applicant() -> reception.ApplicantInput:
    return reception.ApplicantInput(name=NAME, id_kind=IdKind.CITIZEN_ID, id_number=ID_NUMBER, phone=PHONE,
                                    email=EMAIL, address=ADDRESS)


def _receive(session: Session, people: People, procedure: Procedure, at: datetime) -> Dossier:
    data = reception.ReceptionInput(procedure_id=procedure.id, applicant=_applicant(), documents=tuple(
        DocumentSpec(d.name, max(d.originals, 1), d.certified_copies, d.photocopies) for d in procedure.documents))
    return reception.receive_dossier(session, people.clerk, data, now=at)


def _act(session: Session, user: User, dossier: Dossier, action: Action, at: datetime, **values) -> None:  # type: ignore[no-untyped-def]
    processing.apply_action(session, user, dossier.id, processing.ActionInput(action, dossier.version, **values), now=at)


def make_states(session: Session, people: People, procedure: Procedure) -> dict[str, str]:
    """Dossiers (3-working-day ``procedure``) in every state; their status tokens by state name."""
    made: dict[str, Dossier] = {}
    clerk, officer, leader = people.clerk, people.officer, people.leader

    made["received"] = _receive(session, people, procedure, vn(1, 12, 9))

    made["in_progress"] = d = _receive(session, people, procedure, vn(30, 11, 8))
    _act(session, clerk, d, Action.HAND_OVER, vn(30, 11, 9))

    made["supplement"] = d = _receive(session, people, procedure, vn(30, 11, 8))
    _act(session, clerk, d, Action.HAND_OVER, vn(30, 11, 8, 30))
    _act(session, officer, d, Action.REQUEST_SUPPLEMENT, vn(30, 11, 14),
         reason=f"Số CCCD {ID_NUMBER} của ông {NAME} trên tờ khai không khớp với giấy tờ tùy thân",
         missing=(f"Bản sao Giấy khai sinh của {NAME}", "Tờ khai ghi lại số điện thoại 0912 345 678"),
         citizen_message=SUPPLEMENT_MESSAGE)

    made["rescheduled"] = d = _receive(session, people, procedure, vn(25, 11, 9))  # due Mon 30/11 09:00
    _act(session, clerk, d, Action.HAND_OVER, vn(25, 11, 10))
    _act(session, officer, d, Action.RESCHEDULE, vn(26, 11, 15), new_due_at=vn(2, 12, 9),
         reason="Cần xác minh thông tin hộ tịch tại nơi đăng ký trước đây",
         citizen_message="Cần xác minh thêm tại nơi đăng ký trước đây; mong ông/bà thông cảm.")

    made["overdue"] = d = _receive(session, people, procedure, vn(25, 11, 9))  # due Mon 30/11 09:00
    _act(session, clerk, d, Action.HAND_OVER, vn(25, 11, 10))

    made["done"] = d = _receive(session, people, procedure, vn(25, 11, 9))
    _to_result(session, people, d)

    made["returned"] = d = _receive(session, people, procedure, vn(25, 11, 9))
    _to_result(session, people, d)
    _act(session, clerk, d, Action.RETURN_RESULT, vn(27, 11, 14), return_note=f"{NAME} nhận trực tiếp")

    made["refused"] = d = _receive(session, people, procedure, vn(30, 11, 8))
    _act(session, leader, d, Action.REFUSE, vn(30, 11, 10),
         reason="Người yêu cầu không thuộc trường hợp được cấp theo quy định; đã trao đổi với bà Trần Thị Cúc",
         citizen_message="Người yêu cầu không thuộc trường hợp được cấp theo quy định.")

    tokens = {state: dossier.token for state, dossier in made.items()}
    turned = reception.turn_away(
        session, clerk, NonReceptionKind.REFUSED,
        reception.NonReceptionInput(procedure_id=procedure.id, applicant=_applicant(),
                                    reason="Thủ tục không thuộc thẩm quyền giải quyết của xã",
                                    citizen_message="Mời ông/bà nộp tại cơ quan cấp tỉnh."),
        now=vn(30, 11, 15),
    )
    tokens["turned_away"] = turned.token
    return tokens


def _to_result(session: Session, people: People, dossier: Dossier) -> None:
    """Desk → officer → leader, who signs: the result is back at the desk."""
    _act(session, people.clerk, dossier, Action.HAND_OVER, vn(25, 11, 10))
    _act(session, people.officer, dossier, Action.HAND_OVER, vn(26, 11, 16))
    _act(session, people.leader, dossier, Action.FINISH, vn(27, 11, 9))
