"""Demo data: a province office, two communes, their staff and catalogue.

The procedures are real commune-level procedures with their national codes
(CSDL quốc gia về TTHC) and legal durations (Luật Hộ tịch 2014, Nghị định
123/2015, Nghị định 23/2015, Nghị định 01/2021); the internal processes are
typical of provincial quy trình nội bộ. Loading is idempotent: rows already
present (by unit code, username, or procedure code and start date) are left
as they are, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.catalogue import DocumentSpec, ProcedureLevel, StepSpec
from app.domain.durations import DurationKind
from app.domain.localtime import to_local
from app.domain.roles import Role
from app.services.catalogue import ProcedureInput, apply_procedure_input
from app.services.units import UnitInput, apply_unit_input
from app.services.demo_dossiers import load_demo_dossiers, load_demo_online
from app.services.objectives import set_default_targets
from app.services.registers import prefill as prefill_registers
from app.services.users import UserInput, apply_user_input
from models import Department, Procedure, Unit, User

DEMO_PASSWORD = "MotCua@2026"
CATALOGUE_START = date(2025, 7, 1)  # two-tier local government took effect

PROVINCE = UnitInput(
    code="000.00.00.H99",
    governing_body_name="ỦY BAN NHÂN DÂN TỈNH HOÀ AN",
    name="VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH",
    place_name="Hoà An",
    address="Số 1 đường Trần Hưng Đạo, phường Trung Tâm, tỉnh Hoà An",
    phone="0210 3 850 000",
)
COMMUNES = (
    UnitInput(
        code="000.00.31.H99",
        governing_body_name="ỦY BAN NHÂN DÂN XÃ AN BÌNH",
        name="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        place_name="An Bình",
        address="Thôn Trung Hoà, xã An Bình, tỉnh Hoà An",
        phone="0210 3 812 345",
        email="ttpvhcc.anbinh@hoaan.gov.vn",
    ),
    UnitInput(
        code="000.00.32.H99",
        governing_body_name="ỦY BAN NHÂN DÂN XÃ PHÚ LỘC",
        name="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        place_name="Phú Lộc",
        address="Thôn Đông Hưng, xã Phú Lộc, tỉnh Hoà An",
        phone="0210 3 823 456",
        email="ttpvhcc.phuloc@hoaan.gov.vn",
        working_windows="07:00-11:30, 13:30-17:00",
    ),
)
DEPARTMENTS = (
    "Tư pháp - Hộ tịch",
    "Phòng Kinh tế",
    "Phòng Văn hoá - Xã hội",
    "Văn phòng HĐND và UBND xã",
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    position: str
    roles: frozenset[Role]
    department: str | None = None


PROVINCE_USERS = (
    DemoUser("tinh.quantri", "Vũ Thu Trang", "Quản trị hệ thống cấp tỉnh", frozenset({Role.ADMIN})),
    DemoUser(
        "tinh.thanhtra",
        "Đỗ Quang Huy",
        "Chuyên viên Phòng Kiểm soát thủ tục hành chính",
        frozenset({Role.INSPECTOR}),
    ),
)
COMMUNE_USERS = {
    "000.00.31.H99": (
        DemoUser("anbinh.tiepnhan", "Nguyễn Thị Lan", "Công chức tiếp nhận và trả kết quả", frozenset({Role.CLERK})),
        DemoUser(
            "anbinh.hotich",
            "Trần Văn Minh",
            "Công chức Tư pháp - Hộ tịch",
            frozenset({Role.OFFICER}),
            "Tư pháp - Hộ tịch",
        ),
        DemoUser("anbinh.lanhdao", "Lê Văn Hùng", "Phó Chủ tịch UBND xã", frozenset({Role.LEADER})),
        DemoUser("anbinh.quantri", "Phạm Thị Hoa", "Quản trị hệ thống", frozenset({Role.ADMIN})),
    ),
    "000.00.32.H99": (
        DemoUser("phuloc.tiepnhan", "Hoàng Thị Mai", "Công chức tiếp nhận và trả kết quả", frozenset({Role.CLERK})),
        DemoUser(
            "phuloc.hotich",
            "Bùi Đức Thắng",
            "Công chức Tư pháp - Hộ tịch",
            frozenset({Role.OFFICER}),
            "Tư pháp - Hộ tịch",
        ),
        DemoUser("phuloc.lanhdao", "Ngô Thị Hương", "Chủ tịch UBND xã", frozenset({Role.LEADER})),
        DemoUser("phuloc.quantri", "Đặng Văn Nam", "Quản trị hệ thống", frozenset({Role.ADMIN})),
    ),
}

_HT = "Tư pháp - Hộ tịch"
_KT = "Phòng Kinh tế"


def _steps(*rows: tuple[str, str | None, Role | None, str]) -> tuple[tuple[str, str | None, Role | None, Decimal], ...]:
    return tuple((name, dept, role, Decimal(share)) for name, dept, role, share in rows)


# Internal processes. Same-day procedures split one working day (8 hours).
SAME_DAY_CIVIL = _steps(
    ("Tiếp nhận, kiểm tra hồ sơ và chuyển xử lý", None, Role.CLERK, "1"),
    ("Thẩm định hồ sơ, ghi sổ hộ tịch, trình ký", _HT, Role.OFFICER, "4"),
    ("Ký duyệt kết quả", None, Role.LEADER, "2"),
    ("Trả kết quả cho người yêu cầu", None, Role.CLERK, "1"),
)
SAME_DAY_CERTIFY = _steps(
    ("Tiếp nhận, kiểm tra giấy tờ, thu phí", None, Role.CLERK, "1"),
    ("Đối chiếu bản chính, ghi lời chứng, vào sổ chứng thực", _HT, Role.OFFICER, "4"),
    ("Ký chứng thực, đóng dấu", None, Role.LEADER, "2"),
    ("Trả kết quả", None, Role.CLERK, "1"),
)
THREE_DAYS_CIVIL = _steps(
    ("Tiếp nhận, kiểm tra hồ sơ và chuyển xử lý", None, Role.CLERK, "0.5"),
    ("Thẩm định, xác minh hồ sơ", _HT, Role.OFFICER, "1.5"),
    ("Trình ký, ký duyệt kết quả", None, Role.LEADER, "0.5"),
    ("Vào sổ, trả kết quả", None, Role.CLERK, "0.5"),
)
FIVE_DAYS_CIVIL = _steps(
    ("Tiếp nhận, kiểm tra hồ sơ và chuyển xử lý", None, Role.CLERK, "0.5"),
    ("Thẩm định hồ sơ", _HT, Role.OFFICER, "2"),
    ("Kiểm tra, xác minh thông tin đăng ký trước đây", _HT, Role.OFFICER, "1"),
    ("Trình ký, ký duyệt kết quả", None, Role.LEADER, "1"),
    ("Vào sổ, trả kết quả", None, Role.CLERK, "0.5"),
)
THREE_DAYS_BUSINESS = _steps(
    ("Tiếp nhận, kiểm tra hồ sơ và chuyển xử lý", None, Role.CLERK, "0.5"),
    ("Thẩm định hồ sơ, dự thảo Giấy chứng nhận", _KT, Role.OFFICER, "1.5"),
    ("Ký duyệt Giấy chứng nhận", None, Role.LEADER, "0.5"),
    ("Trả kết quả", None, Role.CLERK, "0.5"),
)


@dataclass(frozen=True)
class DemoProcedure:
    code: str
    name: str
    field_name: str
    kind: DurationKind
    value: str
    steps: tuple[tuple[str, str | None, Role | None, Decimal], ...]
    documents: tuple[DocumentSpec, ...]
    fee_text: str
    result_text: str
    level: ProcedureLevel = ProcedureLevel.COMMUNE


# Always required: the declaration or application form; for certifications, the paper to certify.
FORMS = ("Tờ khai", "Đơn", "Giấy đề nghị", "Văn bản đề nghị", "Bản chính giấy tờ", "Bản sao cần chứng thực",
         "Giấy tờ, văn bản cần chứng thực")


def _doc(name: str, originals: int = 0, certified: int = 0, photocopies: int = 0) -> DocumentSpec:
    """A document of the demo catalogue: the declaration or application form is required, the rest optional
    (the desk checks what applies to the case: "nếu có", "nếu nộp thay" …)."""
    required = name.startswith(FORMS) and "(nếu" not in name
    return DocumentSpec(name, originals, certified, photocopies, "required" if required else "optional")


_SAME = DurationKind.SAME_DAY
_DAYS = DurationKind.WORKING_DAYS
_PROVINCE_FEE = "Theo Nghị quyết của Hội đồng nhân dân tỉnh."

PROCEDURES = (
    DemoProcedure(
        "1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", _SAME, "", SAME_DAY_CIVIL,
        (_doc("Tờ khai đăng ký khai sinh theo mẫu", 1), _doc("Giấy chứng sinh hoặc giấy tờ thay thế Giấy chứng sinh", 1)),
        "Miễn lệ phí đăng ký khai sinh đúng hạn.", "Giấy khai sinh (bản chính)",
    ),
    DemoProcedure(
        "1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch", _SAME, "", SAME_DAY_CIVIL,
        (
            _doc("Tờ khai đăng ký kết hôn theo mẫu", 1),
            _doc("Giấy xác nhận tình trạng hôn nhân (nếu đăng ký tại nơi không thường trú)", 1),
        ),
        "Miễn lệ phí.", "Giấy chứng nhận kết hôn",
    ),
    DemoProcedure(
        "1.000656", "Thủ tục đăng ký khai tử", "Hộ tịch", _SAME, "", SAME_DAY_CIVIL,
        (_doc("Tờ khai đăng ký khai tử theo mẫu", 1), _doc("Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử", 1)),
        "Miễn lệ phí đăng ký khai tử đúng hạn.", "Trích lục khai tử",
    ),
    DemoProcedure(
        "1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", _DAYS, "3", THREE_DAYS_CIVIL,
        (
            _doc("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu", 1),
            _doc("Giấy tờ chứng minh đã ly hôn hoặc người kia đã chết (nếu có)", 0, 1),
        ),
        _PROVINCE_FEE, "Giấy xác nhận tình trạng hôn nhân",
    ),
    DemoProcedure(
        "2.000635", "Thủ tục cấp bản sao trích lục hộ tịch", "Hộ tịch", _SAME, "", SAME_DAY_CIVIL,
        (_doc("Tờ khai cấp bản sao trích lục hộ tịch theo mẫu", 1), _doc("Văn bản ủy quyền (nếu nộp thay)", 1)),
        "8.000 đồng/bản sao trích lục/sự kiện hộ tịch.", "Bản sao trích lục hộ tịch",
    ),
    DemoProcedure(
        "2.000908", "Thủ tục cấp bản sao từ sổ gốc", "Chứng thực", _SAME, "", SAME_DAY_CERTIFY,
        (_doc("Văn bản đề nghị cấp bản sao từ sổ gốc", 1), _doc("Giấy tờ chứng minh quyền yêu cầu (nếu không phải người được cấp bản chính)", 0, 1)),
        _PROVINCE_FEE, "Bản sao từ sổ gốc",
    ),
    DemoProcedure(
        "2.000815",
        "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền "
        "của Việt Nam cấp hoặc chứng nhận",
        "Chứng thực", _SAME, "", SAME_DAY_CERTIFY,
        (_doc("Bản chính giấy tờ, văn bản làm cơ sở chứng thực", 1), _doc("Bản sao cần chứng thực", 0, 0, 1)),
        "2.000 đồng/trang; từ trang thứ ba trở lên 1.000 đồng/trang, tối đa 200.000 đồng/bản.",
        "Bản sao được chứng thực từ bản chính",
    ),
    DemoProcedure(
        "2.000884", "Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", _SAME, "", SAME_DAY_CERTIFY,
        (_doc("Giấy tờ, văn bản cần chứng thực chữ ký", 1),),
        "10.000 đồng/trường hợp.", "Giấy tờ, văn bản được chứng thực chữ ký",
    ),
    DemoProcedure(
        "1.004884", "Thủ tục đăng ký lại khai sinh", "Hộ tịch", _DAYS, "5", FIVE_DAYS_CIVIL,
        (
            _doc("Tờ khai đăng ký lại khai sinh theo mẫu", 1),
            _doc("Văn bản cam đoan đã đăng ký khai sinh nhưng không lưu giữ được bản chính Giấy khai sinh", 1),
            _doc("Bản sao giấy tờ có nội dung khai sinh (nếu có)", 0, 0, 1),
        ),
        _PROVINCE_FEE, "Giấy khai sinh (bản chính)",
    ),
    DemoProcedure(
        "1.004746", "Thủ tục đăng ký lại kết hôn", "Hộ tịch", _DAYS, "5", FIVE_DAYS_CIVIL,
        (_doc("Tờ khai đăng ký lại kết hôn theo mẫu", 1), _doc("Bản sao Giấy chứng nhận kết hôn trước đây (nếu có)", 0, 0, 1)),
        _PROVINCE_FEE, "Giấy chứng nhận kết hôn",
    ),
    DemoProcedure(
        "1.005461", "Thủ tục đăng ký lại khai tử", "Hộ tịch", _DAYS, "5", FIVE_DAYS_CIVIL,
        (_doc("Tờ khai đăng ký lại khai tử theo mẫu", 1), _doc("Bản sao Giấy chứng tử trước đây hoặc giấy tờ chứng minh sự kiện chết", 0, 0, 1)),
        _PROVINCE_FEE, "Trích lục khai tử",
    ),
    DemoProcedure(
        "1.004837", "Thủ tục đăng ký giám hộ", "Hộ tịch", _DAYS, "3", THREE_DAYS_CIVIL,
        (_doc("Tờ khai đăng ký giám hộ theo mẫu", 1), _doc("Văn bản cử người giám hộ", 1)),
        _PROVINCE_FEE, "Trích lục đăng ký giám hộ",
    ),
    DemoProcedure(
        "1.001022", "Thủ tục đăng ký nhận cha, mẹ, con", "Hộ tịch", _DAYS, "3", THREE_DAYS_CIVIL,
        (
            _doc("Tờ khai đăng ký nhận cha, mẹ, con theo mẫu", 1),
            _doc("Văn bản hoặc giấy tờ chứng minh quan hệ cha, con hoặc mẹ, con", 1),
        ),
        _PROVINCE_FEE, "Trích lục đăng ký nhận cha, mẹ, con",
    ),
    DemoProcedure(
        "1.004859", "Thủ tục đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch", _DAYS, "3",
        THREE_DAYS_CIVIL,
        (_doc("Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch theo mẫu", 1), _doc("Giấy tờ làm căn cứ thay đổi, cải chính, bổ sung", 0, 1)),
        _PROVINCE_FEE, "Trích lục thay đổi, cải chính, bổ sung thông tin hộ tịch",
    ),
    DemoProcedure(
        "1.001612", "Thủ tục đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", _DAYS, "3",
        THREE_DAYS_BUSINESS,
        (
            _doc("Giấy đề nghị đăng ký hộ kinh doanh", 1),
            _doc("Bản sao giấy tờ pháp lý của cá nhân đăng ký hộ kinh doanh", 0, 1),
            _doc("Biên bản họp thành viên hộ gia đình (nếu các thành viên cùng đăng ký)", 1),
        ),
        _PROVINCE_FEE, "Giấy chứng nhận đăng ký hộ kinh doanh",
    ),
)


@dataclass
class DemoSummary:
    """What a run of the loader created."""

    units: int = 0
    departments: int = 0
    users: int = 0
    procedures: int = 0
    online: int = 0
    dossiers: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # username, name, unit


def load_demo(session: Session, *, now: datetime) -> DemoSummary:
    """Create whatever part of the demo data is missing; flush, do not commit."""
    summary = DemoSummary()
    province = _ensure_unit(session, PROVINCE, parent=None, now=now, summary=summary)
    _ensure_users(session, province, PROVINCE_USERS, now=now, summary=summary)
    for commune_input in COMMUNES:
        commune = _ensure_unit(session, commune_input, parent=province, now=now, summary=summary)
        departments = {name: _ensure_department(session, commune, name, summary) for name in DEPARTMENTS}
        _ensure_users(session, commune, COMMUNE_USERS[commune.code], now=now, summary=summary, departments=departments)
        for demo in PROCEDURES:
            _ensure_procedure(session, commune, demo, departments, now=now, summary=summary)
        set_default_targets(session, commune.id, to_local(now).year, now=now)
        prefill_registers(session, commune.id)
    first = session.scalar(select(Unit).where(Unit.code == COMMUNES[0].code))
    people = {role: session.scalar(select(User).where(User.username == f"anbinh.{name}"))
              for role, name in (("clerk", "tiepnhan"), ("officer", "hotich"), ("leader", "lanhdao"))}
    summary.dossiers = load_demo_dossiers(session, first, people, now=now)
    summary.online = load_demo_online(session, first, now=now)
    return summary


def add_commune(session: Session, number: int, *, now: datetime, procedure_codes: tuple[str, ...] = ()) -> Unit:
    """A further commune of the demo province, numbered ``number`` ("Xã Thử Nghiệm 7", code 000.00.77.H99 …):
    its departments, a clerk, an officer, a leader and an administrator (``xa7.tiepnhan`` …, the demo password),
    and the demo procedures named (all when none are). For loads at province scale; idempotent like the rest."""
    summary = DemoSummary()
    province = _ensure_unit(session, PROVINCE, parent=None, now=now, summary=summary)
    data = UnitInput(code=f"000.{number // 100:02d}.{number % 100:02d}.H98",
                     governing_body_name=f"ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM {number}",
                     name="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", place_name=f"Thử Nghiệm {number}",
                     address=f"Thôn Trung Tâm, xã Thử Nghiệm {number}, tỉnh Hoà An")
    commune = _ensure_unit(session, data, parent=province, now=now, summary=summary)
    departments = {name: _ensure_department(session, commune, name, summary) for name in DEPARTMENTS}
    people = [DemoUser(f"xa{number}.{login}", f"{name} {number}", position, frozenset({role}), department)
              for login, name, position, role, department in (
                  ("tiepnhan", "Nguyễn Thị Thu", "Công chức tiếp nhận và trả kết quả", Role.CLERK, None),
                  ("hotich", "Trần Văn Sơn", "Công chức Tư pháp - Hộ tịch", Role.OFFICER, _HT),
                  ("lanhdao", "Lê Thị Hà", "Phó Chủ tịch UBND xã", Role.LEADER, None),
                  ("quantri", "Phạm Văn Đức", "Quản trị hệ thống", Role.ADMIN, None))]
    _ensure_users(session, commune, people, now=now, summary=summary, departments=departments)
    for demo in PROCEDURES:
        if not procedure_codes or demo.code in procedure_codes:
            _ensure_procedure(session, commune, demo, departments, now=now, summary=summary)
    set_default_targets(session, commune.id, to_local(now).year, now=now)
    return commune


def _ensure_unit(session, data, *, parent, now, summary):  # type: ignore[no-untyped-def]
    unit = session.scalar(select(Unit).where(Unit.code == data.code))
    if unit is None:
        unit = Unit(parent_id=parent.id if parent else None, created_at=now)
        apply_unit_input(session, unit, data, now=now)
        summary.units += 1
    return unit


def _ensure_department(session, unit, name, summary):  # type: ignore[no-untyped-def]
    department = session.scalar(select(Department).where(Department.unit_id == unit.id, Department.name == name))
    if department is None:
        department = Department(unit_id=unit.id, name=name)
        session.add(department)
        session.flush()
        summary.departments += 1
    return department


def _ensure_users(session, unit, users, *, now, summary, departments=None):  # type: ignore[no-untyped-def]
    for demo in users:
        summary.accounts.append((demo.username, demo.full_name, unit.name + " — " + unit.governing_body_name))
        if session.scalar(select(User).where(User.username == demo.username)) is not None:
            continue
        department = departments[demo.department] if demo.department else None
        data = UserInput(
            username=demo.username,
            full_name=demo.full_name,
            unit_id=unit.id,
            roles=demo.roles,
            department_id=department.id if department else None,
            position=demo.position,
            password=DEMO_PASSWORD,
        )
        apply_user_input(session, User(created_at=now), data, now=now)
        summary.users += 1


# The laws the demo's durations come from (the module's docstring), by field.
LEGAL_BASES = {
    "Hộ tịch": "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP quy định chi tiết một số điều và biện pháp "
               "thi hành Luật Hộ tịch.",
    "Chứng thực": "Nghị định số 23/2015/NĐ-CP về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực "
                  "chữ ký và chứng thực hợp đồng, giao dịch.",
    "Thành lập và hoạt động của hộ kinh doanh": "Nghị định số 01/2021/NĐ-CP về đăng ký doanh nghiệp.",
}


def _ensure_procedure(session, unit, demo, departments, *, now, summary):  # type: ignore[no-untyped-def]
    exists = session.scalar(
        select(Procedure).where(
            Procedure.unit_id == unit.id,
            Procedure.code == demo.code,
            Procedure.effective_from == CATALOGUE_START,
        )
    )
    if exists is not None:
        return
    data = ProcedureInput(
        code=demo.code,
        name=demo.name,
        field_name=demo.field_name,
        level=demo.level,
        duration_kind=demo.kind,
        duration_value=demo.value,
        effective_from=CATALOGUE_START,
        fee_text=demo.fee_text,
        result_text=demo.result_text,
        legal_basis=LEGAL_BASES.get(demo.field_name, ""),
        documents=demo.documents,
        steps=tuple(
            StepSpec(name, share, departments[dept].id if dept else None, role)
            for name, dept, role, share in demo.steps
        ),
    )
    apply_procedure_input(session, Procedure(unit_id=unit.id, created_at=now), data, now=now)
    summary.procedures += 1
