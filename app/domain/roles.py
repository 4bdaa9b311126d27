"""Roles of the people who use Một Cửa (design.md "Who uses it")."""

from enum import StrEnum


class Role(StrEnum):
    """A role a user may hold; a user may hold several."""

    CLERK = "clerk"
    OFFICER = "officer"
    LEADER = "leader"
    ADMIN = "admin"
    INSPECTOR = "inspector"

    @property
    def label(self) -> str:
        """Vietnamese name of the role, as shown in the UI."""
        return _LABELS[self]

    @property
    def description(self) -> str:
        """One Vietnamese sentence saying what the role does."""
        return _DESCRIPTIONS[self]


_LABELS = {
    Role.CLERK: "Tiếp nhận và trả kết quả",
    Role.OFFICER: "Công chức chuyên môn",
    Role.LEADER: "Lãnh đạo",
    Role.ADMIN: "Quản trị",
    Role.INSPECTOR: "Thanh tra, kiểm tra (cấp tỉnh)",
}

_DESCRIPTIONS = {
    Role.CLERK: "Tiếp nhận hồ sơ, in phiếu và trả kết quả cho người dân.",
    Role.OFFICER: "Thẩm định, xử lý hồ sơ theo quy trình nội bộ.",
    Role.LEADER: "Phân công, ký duyệt và theo dõi số liệu.",
    Role.ADMIN: "Quản lý đơn vị, người dùng, danh mục thủ tục và lịch làm việc.",
    Role.INSPECTOR: "Xem (chỉ đọc) số liệu của mọi đơn vị để so sánh, kiểm tra.",
}

# Roles that see only their own unit's rows, whatever else they hold.
OPERATIONAL_ROLES = frozenset({Role.CLERK, Role.OFFICER, Role.LEADER})
