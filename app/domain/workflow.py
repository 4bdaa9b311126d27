"""Dossier statuses (design.md "Statuses"), reception channels and result delivery.

The national status codes are those used when synchronising with Cổng DVCQG
(domain.md §5). Transitions between statuses arrive with the workflow issue.
"""

from __future__ import annotations

from enum import StrEnum


class DossierStatus(StrEnum):
    """Business status of a dossier."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    FINANCIAL_OBLIGATION = "financial_obligation"
    DONE = "done"
    RETURNED = "returned"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"

    @property
    def national_code(self) -> int:
        """Code of the status on Cổng Dịch vụ công quốc gia."""
        return _NATIONAL[self]

    @property
    def label(self) -> str:
        """Vietnamese name of the status."""
        return _LABELS[self]


_NATIONAL = {
    DossierStatus.RECEIVED: 2,
    DossierStatus.REFUSED: 3,
    DossierStatus.IN_PROGRESS: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.FINANCIAL_OBLIGATION: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.DONE: 9,
    DossierStatus.RETURNED: 10,
}
_LABELS = {
    DossierStatus.RECEIVED: "Đã tiếp nhận",
    DossierStatus.IN_PROGRESS: "Đang xử lý",
    DossierStatus.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung hồ sơ",
    DossierStatus.FINANCIAL_OBLIGATION: "Chờ thực hiện nghĩa vụ tài chính",
    DossierStatus.DONE: "Đã xử lý xong",
    DossierStatus.RETURNED: "Đã trả kết quả",
    DossierStatus.REFUSED: "Không được tiếp nhận",
    DossierStatus.WITHDRAWN: "Công dân rút hồ sơ",
    DossierStatus.STOPPED: "Dừng xử lý",
}


class Channel(StrEnum):
    """How the dossier reached the desk (KenhThucHien on Cổng DVCQG)."""

    DIRECT = "direct"
    ONLINE = "online"
    POSTAL = "postal"

    @property
    def national_code(self) -> int:
        return {Channel.DIRECT: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}[self]

    @property
    def label(self) -> str:
        return {Channel.DIRECT: "Trực tiếp", Channel.ONLINE: "Trực tuyến", Channel.POSTAL: "Bưu chính công ích"}[self]


class ResultDelivery(StrEnum):
    """Where the citizen gets the result (Mẫu 01, line 6)."""

    DESK = "desk"
    POST = "post"
    ELECTRONIC = "electronic"

    @property
    def label(self) -> str:
        return {
            ResultDelivery.DESK: "Tại Bộ phận Một cửa",
            ResultDelivery.POST: "Qua dịch vụ bưu chính công ích",
            ResultDelivery.ELECTRONIC: "Bản điện tử (tài khoản trên Cổng Dịch vụ công)",
        }[self]


class IdKind(StrEnum):
    """Kind of identity document of the applicant."""

    CITIZEN_ID = "cccd"
    PASSPORT = "passport"
    TAX_CODE = "tax_code"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            IdKind.CITIZEN_ID: "Căn cước / CCCD (số định danh cá nhân)",
            IdKind.PASSPORT: "Hộ chiếu",
            IdKind.TAX_CODE: "Mã số thuế (tổ chức)",
            IdKind.OTHER: "Giấy tờ khác",
        }[self]


class NonReceptionKind(StrEnum):
    """Why the request was not received."""

    INCOMPLETE = "incomplete"  # Mẫu 02 at the counter: no reception, no clock
    REFUSED = "refused"  # Mẫu 03

    @property
    def label(self) -> str:
        return {
            NonReceptionKind.INCOMPLETE: "Hướng dẫn bổ sung, hoàn thiện (Mẫu 02)",
            NonReceptionKind.REFUSED: "Từ chối tiếp nhận (Mẫu 03)",
        }[self]
