"""Demo dossiers for the first demo commune: one in each state a desk sees on an ordinary day.

Made through the real services (reception, processing), at instants in the
working days before ``now``, so that the queues, the control slips and the
timelines of the demo show real data. Loaded only into a commune with no
dossier yet, so running the loader twice adds nothing.
"""

from __future__ import annotations

import hashlib

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.catalogue import DocumentSpec
from app.domain.localtime import VN_TZ, to_local
from app.domain.workflow import Action, IdKind
from app.services import processing, reception
from app.services.calendar import unit_calendar
from app.services.errors import ServiceError
from models import Dossier, Procedure, Unit, User


@dataclass(frozen=True)
class _Step:
    action: Action
    who: str  # "clerk", "officer" or "leader"
    day: int  # working days before today
    at: str  # "HH:MM"
    reason: str = ""
    missing: tuple[str, ...] = ()
    citizen_message: str = ""  # what the citizen's status page shows (the reason stays with the staff)


@dataclass(frozen=True)
class _DemoDossier:
    procedure_code: str
    applicant: str
    id_number: str
    day: int
    at: str
    steps: tuple[_Step, ...] = ()


_H = Action.HAND_OVER
DOSSIERS = (
    # Waiting at the desk to be handed over.
    _DemoDossier("1.001193", "Trần Thị Ngọc Ánh", "001195000101", 0, "now"),
    # With the civil-status officer.
    _DemoDossier("1.004873", "Lê Minh Quân", "001090000102", 1, "09:00", (_Step(_H, "clerk", 1, "10:00"),)),
    # Waiting for the leader's signature.
    _DemoDossier("1.004837", "Phạm Văn Đức", "001088000103", 2, "08:30", (
        _Step(_H, "clerk", 2, "09:00"), _Step(_H, "officer", 1, "14:00"))),
    # The officer asked the citizen for a missing document: the clock is paused.
    _DemoDossier("1.001022", "Vũ Thị Hạnh", "001092000104", 2, "14:00", (
        _Step(_H, "clerk", 2, "15:00"),
        _Step(Action.REQUEST_SUPPLEMENT, "officer", 1, "09:30", "Thiếu giấy tờ chứng minh quan hệ cha, con",
              ("Bản sao kết quả giám định ADN hoặc chứng cứ chứng minh quan hệ cha, con",),
              "Mời ông/bà bổ sung giấy tờ chứng minh quan hệ cha, con theo Phiếu yêu cầu bổ sung đã gửi; "
              "cần hướng dẫn xin gọi Bộ phận Một cửa."))),
    # Signed, the result is at the desk.
    _DemoDossier("1.004859", "Đỗ Quang Huy", "001085000105", 3, "08:00", (
        _Step(_H, "clerk", 3, "08:30"), _Step(_H, "officer", 2, "10:00"), _Step(Action.FINISH, "leader", 1, "16:00"))),
    # Returned on time.
    _DemoDossier("1.001193", "Nguyễn Thị Bích", "001197000106", 5, "08:00", (
        _Step(_H, "clerk", 5, "08:15"), _Step(_H, "officer", 5, "10:00"), _Step(Action.FINISH, "leader", 5, "11:00"),
        _Step(Action.RETURN_RESULT, "clerk", 5, "15:00"))),
    # A same-day dossier still with the officer two days later: overdue.
    _DemoDossier("2.000635", "Hoàng Văn Sơn", "001079000107", 2, "09:00", (_Step(_H, "clerk", 2, "09:30"),)),
)


def load_demo_dossiers(session: Session, unit: Unit, people: dict[str, User], *, now: datetime) -> int:
    """Receive and move the demo dossiers of ``unit``; how many were made (0 if it already has some)."""
    if session.scalar(select(func.count(Dossier.id)).where(Dossier.unit_id == unit.id)):
        return 0
    calendar = unit_calendar(session, unit)
    today = to_local(now).date()
    days = [today]
    day = today
    while len(days) < 8:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            days.append(day)
    procedures = {
        p.code: p for p in session.scalars(select(Procedure).where(Procedure.unit_id == unit.id))
        if p.validity.contains(today)
    }
    made = 0
    for demo in DOSSIERS:
        procedure = procedures.get(demo.procedure_code)
        if procedure is None:
            continue
        received_at = now if demo.at == "now" else _at(days[demo.day], demo.at)
        data = reception.ReceptionInput(
            procedure_id=procedure.id,
            applicant=reception.ApplicantInput(name=demo.applicant, id_kind=IdKind.CITIZEN_ID, id_number=demo.id_number,
                                               address=f"Thôn Trung Hoà, {unit.place_name}"),
            documents=tuple(DocumentSpec(d.name, max(d.originals, 1), d.certified_copies, d.photocopies)
                            for d in procedure.documents),
        )
        dossier = reception.receive_dossier(session, people["clerk"], data, now=received_at)
        for step in demo.steps:
            processing.apply_action(
                session, people[step.who], dossier.id,
                processing.ActionInput(step.action, dossier.version, reason=step.reason, missing=step.missing,
                                       citizen_message=step.citizen_message),
                now=_at(days[step.day], step.at),
            )
        made += 1
    return made


# Dossiers citizens filed on the portal, waiting at the desk (the queue "Hồ sơ trực tuyến chờ tiếp nhận").
_ONLINE = (
    ("1.001193", "Thủ tục đăng ký khai sinh", "Lê Thị Thu Hà", "001192000201", 2, "21:40",
     ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"), True),
    ("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Phạm Minh Tuấn", "001090000202", 1, "07:05",
     ("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",), True),
    ("1.001022", "Thủ tục đăng ký nhận cha, mẹ, con", "Ngô Thị Lan", "001088000203", 0, "now",
     ("Tờ khai đăng ký nhận cha, mẹ, con", "Văn bản xác nhận quan hệ cha, con"), False),
)


def load_demo_online(session: Session, unit: Unit, *, now: datetime) -> int:
    """Hand over the demo's dossiers filed online to ``unit``'s queue; how many (0 if it already has some)."""
    from app.integrations.portal.messages import portal_time
    from app.services import online_dossiers
    from models import OnlineDossier

    if session.scalar(select(func.count(OnlineDossier.id)).where(OnlineDossier.unit_id == unit.id)):
        return 0
    made = 0
    for n, (code, name, applicant, id_number, days_ago, clock, files, vneid) in enumerate(_ONLINE, start=1):
        submitted = now if clock == "now" else _at(to_local(now).date() - timedelta(days=days_ago), clock)
        document = {
            "MaHoSo": f"G22.99-{to_local(submitted):%y%m%d}-{n:04d}", "MaTTHC": code, "TenTTHC": name,
            "MaDonVi": unit.code, "NgayNopHoSo": portal_time(min(submitted, now)),
            "NguoiNop": {"HoTen": applicant, "LoaiGiayTo": 1, "SoGiayTo": id_number, "SoDienThoai": f"09123450{n:02d}",
                         "DiaChi": f"Thôn Đông, {unit.place_name}"},
            "HinhThucTra": 3, "LePhi": 0, "XacThucVNeID": vneid,
            "ThanhPhanHoSo": [{"TenGiayTo": f, "DuongDan": f"https://dichvucong.example.gov.vn/tep/{n}-{i}",
                               "MaHash": hashlib.sha256(f"{n}-{i}-{f}".encode()).hexdigest(), "TaiSuDung": i == 2}
                              for i, f in enumerate(files, start=1)],
        }
        try:
            online_dossiers.hand_over(session, None, document, now=min(submitted, now) + timedelta(minutes=3))
        except ServiceError:  # a demo procedure the unit does not have (a trimmed catalogue): skip it
            continue
        made += 1
    return made


def _at(day: date, clock: str) -> datetime:
    hour, minute = (int(x) for x in clock.split(":"))
    return datetime.combine(day, time(hour, minute), VN_TZ)
