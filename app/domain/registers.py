"""Documented information (ISO 9001:2015 clause 7.5; domain.md §6): the three registers a unit keeps.

- Internal documents (danh mục tài liệu nội bộ): the unit's procedures and
  the forms it uses, with code, edition, issue date and approver.
- External documents (danh mục tài liệu có nguồn gốc bên ngoài): the legal
  texts the work follows, with their dates of effect and expiry.
- Records (danh mục hồ sơ): each kind of record, where it is kept, who keeps
  it, how long (Luật Lưu trữ 33/2024/QH15; permanent for some fields such as
  hộ tịch) and how it is disposed of.

This module holds the kinds, the checks of a typed entry and what a new unit
starts with: the forms this system prints, the texts of domain.md §1 and §6
and the records the system produces. Retention periods are proposals the
unit confirms against the Bộ Nội vụ retention tables; every one is editable.

Plain Python: no clock, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DocumentKind(StrEnum):
    PROCEDURE = "procedure"
    FORM = "form"
    INSTRUCTION = "instruction"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {DocumentKind.PROCEDURE: "Quy trình", DocumentKind.FORM: "Biểu mẫu",
                DocumentKind.INSTRUCTION: "Hướng dẫn", DocumentKind.OTHER: "Tài liệu khác"}[self]


class Register(StrEnum):
    INTERNAL = "noi-bo"
    EXTERNAL = "ben-ngoai"
    RECORDS = "ho-so"

    @property
    def label(self) -> str:
        return {Register.INTERNAL: "Danh mục tài liệu nội bộ",
                Register.EXTERNAL: "Danh mục tài liệu có nguồn gốc bên ngoài",
                Register.RECORDS: "Danh mục hồ sơ"}[self]


@dataclass(frozen=True)
class InternalSeed:
    code: str
    title: str
    kind: DocumentKind
    note: str = ""


@dataclass(frozen=True)
class ExternalSeed:
    number: str
    title: str
    issuer: str
    issued_on: date | None = None
    effective_on: date | None = None
    expired_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class RecordSeed:
    code: str
    name: str
    kept_at: str
    owner: str
    retention_years: int | None  # None: permanent
    note: str = ""

    @property
    def disposal(self) -> str:
        return disposal_for(self.retention_years)


def disposal_for(retention_years: int | None) -> str:
    if retention_years is None:
        return "Bảo quản vĩnh viễn; nộp lưu vào Lưu trữ lịch sử theo quy định."
    return ("Hết thời hạn bảo quản: Hội đồng xác định giá trị tài liệu xem xét, lập danh mục "
            "và tiêu huỷ theo Luật Lưu trữ.")


TT03 = "Phụ lục I Thông tư 03/2025/TT-VPCP"

SYSTEM_FORMS = (
    InternalSeed("BM-01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)", DocumentKind.FORM, TT03),
    InternalSeed("BM-02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)", DocumentKind.FORM, TT03),
    InternalSeed("BM-03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)", DocumentKind.FORM, TT03),
    InternalSeed("BM-04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04)", DocumentKind.FORM, TT03),
    InternalSeed("BM-05", "Thông báo dừng giải quyết hồ sơ (Mẫu 05)", DocumentKind.FORM, TT03),
    InternalSeed("BM-06", "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)", DocumentKind.FORM, TT03),
    InternalSeed("BM-07", "Sổ theo dõi hồ sơ (Mẫu 07)", DocumentKind.FORM, TT03),
    InternalSeed("BM-KPH", "Phiếu theo dõi sự không phù hợp và hành động khắc phục", DocumentKind.FORM,
                 "ISO 9001:2015 điều 10.2; lập trên phần mềm Một Cửa"),
    InternalSeed("QT-KPH", "Quy trình kiểm soát sự không phù hợp và hành động khắc phục", DocumentKind.PROCEDURE,
                 "Hồ sơ quá hạn và yêu cầu bổ sung lần hai được mở tự động trên phần mềm"),
)

PROCEDURE_CODE_PREFIX = "QT-"


def procedure_seed(code: str, name: str) -> InternalSeed:
    """The internal process (quy trình nội bộ) of one administrative procedure of the unit's catalogue."""
    lowered = name[:1].lower() + name[1:]
    title = f"giải quyết {lowered}" if lowered.startswith("thủ tục") else f"giải quyết thủ tục {lowered}"
    return InternalSeed(f"{PROCEDURE_CODE_PREFIX}{code}", f"Quy trình nội bộ {title}",
                        DocumentKind.PROCEDURE, "Theo danh mục thủ tục hành chính của đơn vị")


# domain.md §1 and §6. Dates are those the specification gives; blank where it gives none.
LEGAL_TEXTS = (
    ExternalSeed("118/2025/NĐ-CP", "Nghị định về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông "
                 "tại Bộ phận Một cửa và Cổng Dịch vụ công quốc gia", "Chính phủ",
                 date(2025, 6, 9), date(2025, 7, 1)),
    ExternalSeed("03/2025/TT-VPCP", "Thông tư hướng dẫn thi hành Nghị định 118/2025/NĐ-CP (Phụ lục I: Mẫu 01–07; "
                 "mã số hồ sơ)", "Văn phòng Chính phủ", date(2025, 9, 15)),
    ExternalSeed("04/2025/TT-VPCP", "Thông tư về dữ liệu trao đổi với Cổng Dịch vụ công quốc gia; bổ sung khoản 3 "
                 "Điều 13 Thông tư 03/2025/TT-VPCP", "Văn phòng Chính phủ", date(2025, 12, 8), date(2026, 1, 25)),
    ExternalSeed("45/2020/NĐ-CP", "Nghị định về thực hiện thủ tục hành chính trên môi trường điện tử", "Chính phủ",
                 note="Được sửa đổi một phần bởi Nghị định 118/2025/NĐ-CP"),
    ExternalSeed("42/2022/NĐ-CP", "Nghị định quy định về cung cấp thông tin và dịch vụ công trực tuyến", "Chính phủ",
                 note="Được sửa đổi một phần bởi Nghị định 118/2025/NĐ-CP"),
    ExternalSeed("01/2023/TT-VPCP", "Thông tư quy định một số nội dung và biện pháp thi hành trong số hóa hồ sơ, "
                 "kết quả giải quyết thủ tục hành chính", "Văn phòng Chính phủ"),
    ExternalSeed("61/2018/NĐ-CP", "Nghị định về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ "
                 "tục hành chính", "Chính phủ", date(2018, 4, 23), date(2018, 6, 21), date(2025, 7, 1),
                 "Được thay thế bởi Nghị định 118/2025/NĐ-CP"),
    ExternalSeed("01/2018/TT-VPCP", "Thông tư hướng dẫn thi hành Nghị định 61/2018/NĐ-CP", "Văn phòng Chính phủ",
                 date(2018, 11, 23), note="Được thay thế bởi Thông tư 03/2025/TT-VPCP; chỉ dùng khi in lại bản cũ"),
    ExternalSeed("19/2014/QĐ-TTg", "Quyết định về việc áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia "
                 "TCVN ISO 9001 vào hoạt động của các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước",
                 "Thủ tướng Chính phủ", date(2014, 3, 5), note="Được sửa đổi bởi Quyết định 101/QĐ-TTg"),
    ExternalSeed("101/QĐ-TTg", "Quyết định sửa đổi Quyết định 19/2014/QĐ-TTg (áp dụng TCVN ISO 9001:2015)",
                 "Thủ tướng Chính phủ", date(2019, 1, 22)),
    ExternalSeed("26/2014/TT-BKHCN", "Thông tư quy định chi tiết thi hành Quyết định 19/2014/QĐ-TTg",
                 "Bộ Khoa học và Công nghệ"),
    ExternalSeed("TCVN ISO 9001:2015", "Hệ thống quản lý chất lượng — Các yêu cầu", "Bộ Khoa học và Công nghệ"),
    ExternalSeed("33/2024/QH15", "Luật Lưu trữ", "Quốc hội", effective_on=date(2025, 7, 1)),
    ExternalSeed("91/2025/QH15", "Luật Bảo vệ dữ liệu cá nhân", "Quốc hội", effective_on=date(2026, 1, 1)),
)

PAPER, SOFTWARE = "Bộ phận Một cửa (bản giấy)", "Phần mềm Một Cửa (bản điện tử)"
DESK, ISO = "Công chức Bộ phận Một cửa", "Thư ký ISO của đơn vị"

SYSTEM_RECORDS = (
    RecordSeed("MAU-07", "Sổ theo dõi hồ sơ (Mẫu 07)", f"{PAPER}; {SOFTWARE}", DESK, 20),
    RecordSeed("MAU-01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01), liên lưu", PAPER, DESK, 10,
               "Lưu cùng hồ sơ giải quyết thủ tục hành chính"),
    RecordSeed("MAU-06", "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)", f"{PAPER}; {SOFTWARE}", DESK, 10,
               "Lưu cùng hồ sơ giải quyết thủ tục hành chính"),
    RecordSeed("MAU-02-03", "Phiếu yêu cầu bổ sung (Mẫu 02), phiếu từ chối (Mẫu 03)", f"{PAPER}; {SOFTWARE}", DESK, 5),
    RecordSeed("MAU-04", "Văn bản xin lỗi và đề nghị gia hạn (Mẫu 04)", f"{PAPER}; {SOFTWARE}", DESK, 5),
    RecordSeed("MAU-05", "Thông báo dừng giải quyết hồ sơ (Mẫu 05)", f"{PAPER}; {SOFTWARE}", DESK, 5),
    RecordSeed("HS-HOTICH", "Hồ sơ giải quyết thủ tục hành chính lĩnh vực hộ tịch", "Bộ phận chuyên môn (hộ tịch)",
               "Công chức Tư pháp – Hộ tịch", None),
    RecordSeed("HS-TTHC", "Hồ sơ giải quyết thủ tục hành chính các lĩnh vực khác", "Bộ phận chuyên môn giải quyết",
               "Công chức được giao giải quyết", 10, "Lĩnh vực có quy định riêng áp dụng thời hạn riêng"),
    RecordSeed("KPH", "Hồ sơ sự không phù hợp và hành động khắc phục", SOFTWARE, ISO, 5),
    RecordSeed("MTCL", "Mục tiêu chất lượng và kết quả đo lường hằng tháng, quý", SOFTWARE, ISO, 5),
    RecordSeed("HAILONG", "Kết quả đánh giá sự hài lòng của người dân", SOFTWARE, ISO, 5),
    RecordSeed("DGNB", "Kế hoạch, báo cáo đánh giá nội bộ", PAPER, ISO, 5),
    RecordSeed("XXLD", "Biên bản họp xem xét của lãnh đạo", PAPER, ISO, 5),
    RecordSeed("NK-HETHONG", "Nhật ký hệ thống: đăng nhập, thay đổi thiết lập, truy cập và xuất dữ liệu cá nhân",
               SOFTWARE, "Quản trị hệ thống của đơn vị", 2,
               "Hết hạn: xoá địa chỉ IP đăng nhập, địa chỉ nhận tin nhắn; giữ nhật ký truy cập dữ liệu cá nhân"),
    RecordSeed("DMTL", "Danh mục tài liệu nội bộ, tài liệu bên ngoài và danh mục hồ sơ", SOFTWARE, ISO, 5),
)

RETENTION_MAX = 100


def retention_label(years: int | None) -> str:
    return "Vĩnh viễn" if years is None else f"{years} năm"


def parse_retention(text: str) -> tuple[int | None, str | None]:
    """“10”, “10 năm” or “vĩnh viễn” → (years or None, error message or None)."""
    cleaned = " ".join((text or "").lower().split())
    if cleaned in ("vĩnh viễn", "vinh vien", "vv"):
        return None, None
    cleaned = cleaned.removesuffix("năm").strip()
    if not cleaned.isdigit() or not 1 <= int(cleaned) <= RETENTION_MAX:
        return None, f"Ghi số năm (1–{RETENTION_MAX}) hoặc “vĩnh viễn”."
    return int(cleaned), None


def check_dates(issued_on: date | None, effective_on: date | None, expired_on: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if issued_on and effective_on and effective_on < issued_on:
        errors["effective_on"] = "Ngày có hiệu lực không được trước ngày ban hành."
    start = effective_on or issued_on
    if start and expired_on and expired_on <= start:
        errors["expired_on"] = "Ngày hết hiệu lực phải sau ngày có hiệu lực."
    return errors


class TextState(StrEnum):
    """Where a legal text of the external register stands on a given day."""

    IN_FORCE = "in_force"
    EXPIRED = "expired"
    NOT_YET = "not_yet"
    UNDATED = "undated"

    @property
    def label(self) -> str:
        return {TextState.IN_FORCE: "Còn hiệu lực", TextState.EXPIRED: "Hết hiệu lực",
                TextState.NOT_YET: "Chưa có hiệu lực", TextState.UNDATED: "Chưa ghi ngày hiệu lực"}[self]


def text_state(effective_on: date | None, expired_on: date | None, on: date) -> TextState:
    state = in_force(effective_on, expired_on, on)
    if state is None:
        return TextState.UNDATED
    if state:
        return TextState.IN_FORCE
    return TextState.EXPIRED if expired_on is not None and expired_on <= on else TextState.NOT_YET


def in_force(effective_on: date | None, expired_on: date | None, on: date) -> bool | None:
    """Whether a text is in force on ``on`` (None: the register does not say when it took effect)."""
    if expired_on is not None and expired_on <= on:
        return False
    return None if effective_on is None else effective_on <= on
