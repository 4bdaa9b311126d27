"""What the audit log's actions are called, and which kind each one is.

The audit log (audit_entry) answers the questions an inspector or a data
subject asks: who logged in, who changed a setting, who viewed or exported
citizens' personal data (Luật 91/2025/QH15), what the retention job erased.

Plain Python: no clock, no database.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class AuditKind(StrEnum):
    LOGIN = "dang-nhap"
    CHANGE = "thay-doi"
    PERSONAL_DATA = "du-lieu-ca-nhan"
    EXPORT = "xuat-du-lieu"
    RETENTION = "thoi-han-luu"

    @property
    def label(self) -> str:
        return {AuditKind.LOGIN: "Đăng nhập, đăng xuất", AuditKind.CHANGE: "Thay đổi thiết lập",
                AuditKind.PERSONAL_DATA: "Xem dữ liệu cá nhân", AuditKind.EXPORT: "Xuất dữ liệu",
                AuditKind.RETENTION: "Xoá theo thời hạn lưu"}[self]


# action → (kind, Vietnamese label). Actions are stored as text; one missing
# here still shows (by its code) under no kind.
ACTIONS: dict[str, tuple[AuditKind, str]] = {
    "auth.login": (AuditKind.LOGIN, "Đăng nhập"),
    "auth.login_failed": (AuditKind.LOGIN, "Đăng nhập không thành công"),
    "auth.locked": (AuditKind.LOGIN, "Tài khoản tạm khoá do đăng nhập sai"),
    "auth.logout": (AuditKind.LOGIN, "Đăng xuất"),
    "user.create": (AuditKind.CHANGE, "Tạo tài khoản"),
    "user.update": (AuditKind.CHANGE, "Sửa tài khoản"),
    "user.password_change": (AuditKind.CHANGE, "Tự đổi mật khẩu"),
    "api_token.create": (AuditKind.CHANGE, "Cấp khoá API"),
    "api_token.revoke": (AuditKind.CHANGE, "Thu hồi khoá API"),
    "unit.create": (AuditKind.CHANGE, "Tạo đơn vị"),
    "unit.update": (AuditKind.CHANGE, "Sửa thông tin đơn vị"),
    "department.create": (AuditKind.CHANGE, "Thêm bộ phận"),
    "department.update": (AuditKind.CHANGE, "Sửa bộ phận"),
    "procedure.create": (AuditKind.CHANGE, "Thêm thủ tục"),
    "procedure.update": (AuditKind.CHANGE, "Sửa thủ tục"),
    "procedure.new_version": (AuditKind.CHANGE, "Ban hành phiên bản thủ tục mới"),
    "calendar.add": (AuditKind.CHANGE, "Điều chỉnh lịch làm việc"),
    "calendar.remove": (AuditKind.CHANGE, "Bỏ điều chỉnh lịch làm việc"),
    "record_type.create": (AuditKind.CHANGE, "Thêm loại hồ sơ (thời hạn lưu)"),
    "record_type.update": (AuditKind.CHANGE, "Sửa loại hồ sơ (thời hạn lưu)"),
    "record_type.delete": (AuditKind.CHANGE, "Xoá loại hồ sơ (thời hạn lưu)"),
    "status_link.reissue": (AuditKind.CHANGE, "Cấp lại đường dẫn tra cứu"),
    "personal_data.view": (AuditKind.PERSONAL_DATA, "Xem hồ sơ có dữ liệu cá nhân"),
    "personal_data.print": (AuditKind.PERSONAL_DATA, "In giấy tờ có dữ liệu cá nhân"),
    "personal_data.search": (AuditKind.PERSONAL_DATA, "Tìm dữ liệu của một người"),
    "personal_data.export": (AuditKind.EXPORT, "Xuất dữ liệu của một người (yêu cầu truy cập)"),
    "iso_pack.export": (AuditKind.EXPORT, "Xuất bộ hồ sơ ISO"),
    "retention.erase": (AuditKind.RETENTION, "Xoá dữ liệu cá nhân hết thời hạn lưu"),
}


def kind_of(action: str) -> AuditKind | None:
    if action.startswith("report.export."):
        return AuditKind.EXPORT
    entry = ACTIONS.get(action)
    return entry[0] if entry else None


def label_of(action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action][1]
    if action.startswith("report.export."):
        return f"Xuất báo cáo, danh sách hồ sơ ({action.removeprefix('report.export.')})"
    return action


def actions_of(kind: AuditKind) -> list[str]:
    return [action for action, (k, _) in ACTIONS.items() if k is kind]


# Column names worth naming in a change entry, in Vietnamese; others show as-is.
FIELD_LABELS: dict[str, str] = {
    "username": "tên đăng nhập", "full_name": "họ tên", "position": "chức vụ", "email": "email",
    "unit_id": "đơn vị", "department_id": "bộ phận", "is_active": "trạng thái", "password": "mật khẩu",
    "roles": "vai trò", "name": "tên", "code": "mã", "steps": "các bước", "documents": "thành phần hồ sơ",
    "effective_from": "ngày hiệu lực", "effective_to": "ngày hết hiệu lực", "retention_years": "thời hạn lưu",
    "working_windows": "giờ làm việc", "same_day_cutoff": "giờ chốt trong ngày",
}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


_FAILURE_REASONS = {"password": "sai mật khẩu", "unknown_user": "tên đăng nhập không tồn tại",
                    "locked": "tài khoản đang tạm khoá", "inactive": "tài khoản đã khoá"}


def describe(detail: dict) -> str:
    """One line of Vietnamese about an entry's detail (never holds personal data; see models.audit)."""
    parts = []
    if detail.get("code"):
        parts.append(f"mã {detail['code']}")
    if detail.get("fields"):
        parts.append("thay đổi: " + ", ".join(field_label(name) for name in detail["fields"]))
    if detail.get("day"):
        day = date.fromisoformat(str(detail["day"]))
        kind = "làm việc" if detail.get("working") else "nghỉ"
        parts.append(f"ngày {day:%d/%m/%Y} là ngày {kind}" + (f" ({detail['reason']})" if detail.get("reason") else ""))
    elif detail.get("reason") in _FAILURE_REASONS:
        parts.append(_FAILURE_REASONS[detail["reason"]])
    if detail.get("what"):
        parts.append(str(detail["what"]))
    if detail.get("period"):
        parts.append(f"kỳ {detail['period']}")
    if "rows" in detail:
        parts.append(f"{detail['rows']} dòng")
    if detail.get("erased"):
        parts.append(", ".join(f"{name}: {count}" for name, count in detail["erased"].items()))
    return "; ".join(parts)
