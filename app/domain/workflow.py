"""Dossier statuses (design.md "Statuses"), reception channels and result delivery.

The national status codes are those used when synchronising with Cổng DVCQG
(domain.md §5). ``TRANSITIONS`` is the explicit table of what may happen
next, who may do it and what it needs; the services apply it and write one
event per transition.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import DomainError
from app.domain.roles import Role


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


# --- the state machine (design.md "Statuses", domain.md §5) -------------------------------

OPEN_STATUSES = frozenset({
    DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.FINANCIAL_OBLIGATION,
})
TERMINAL_STATUSES = frozenset({
    DossierStatus.RETURNED, DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED,
})


class Action(StrEnum):
    """Something a person does to a dossier after reception; each is one event."""

    HAND_OVER = "hand_over"  # a row of the control slip: to the next holder
    ASSIGN = "assign"  # a leader names the officer who handles the step
    SEND_BACK = "send_back"  # back to the previous holder
    REQUEST_SUPPLEMENT = "request_supplement"  # Mẫu 02 during appraisal: the clock pauses
    RECEIVE_SUPPLEMENT = "receive_supplement"  # the citizen brought it: the clock resumes (or restarts)
    REQUEST_PAYMENT = "request_payment"  # financial obligation (e.g. land tax)
    CONFIRM_PAYMENT = "confirm_payment"
    RESCHEDULE = "reschedule"  # Mẫu 04: apology and new date, once, before the original due instant
    FINISH = "finish"  # the result is signed: "Đã xử lý xong"
    RETURN_RESULT = "return_result"  # the citizen got it (desk or post)
    REFUSE = "refuse"  # refused after reception
    WITHDRAW = "withdraw"  # the citizen withdraws the dossier
    STOP = "stop"  # Mẫu 05: processing stopped at the citizen's request, no result issued

    @property
    def label(self) -> str:
        """The button's words."""
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.HAND_OVER: "Chuyển hồ sơ",
    Action.ASSIGN: "Phân công xử lý",
    Action.SEND_BACK: "Trả lại bước trước",
    Action.REQUEST_SUPPLEMENT: "Yêu cầu bổ sung hồ sơ",
    Action.RECEIVE_SUPPLEMENT: "Nhận hồ sơ bổ sung",
    Action.REQUEST_PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính",
    Action.CONFIRM_PAYMENT: "Xác nhận đã thực hiện nghĩa vụ tài chính",
    Action.RESCHEDULE: "Xin lỗi, hẹn lại ngày trả",
    Action.FINISH: "Hoàn thành xử lý",
    Action.RETURN_RESULT: "Trả kết quả",
    Action.REFUSE: "Từ chối giải quyết",
    Action.WITHDRAW: "Công dân rút hồ sơ",
    Action.STOP: "Dừng xử lý",
}


@dataclass(frozen=True)
class Transition:
    """Where an action may start, where it leads, who may do it and what it needs."""

    sources: frozenset[DossierStatus]
    target: DossierStatus | None  # None: the status stays (a handover, an assignment, a new date)
    roles: frozenset[Role]
    needs_reason: bool = False
    needs_holder: bool = False  # the next holder (department and/or person)
    form: str | None = None  # the legal form the action produces


_IN_HAND = frozenset({DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS})
_CLERK = frozenset({Role.CLERK})
_PROCESSING = frozenset({Role.CLERK, Role.OFFICER, Role.LEADER})
_DECIDING = frozenset({Role.OFFICER, Role.LEADER})

TRANSITIONS: dict[Action, Transition] = {
    Action.HAND_OVER: Transition(_IN_HAND, DossierStatus.IN_PROGRESS, _PROCESSING, needs_holder=True),
    Action.ASSIGN: Transition(_IN_HAND, DossierStatus.IN_PROGRESS, frozenset({Role.LEADER}), needs_holder=True),
    Action.SEND_BACK: Transition(frozenset({DossierStatus.IN_PROGRESS}), None, _DECIDING, needs_reason=True),
    Action.REQUEST_SUPPLEMENT: Transition(
        _IN_HAND, DossierStatus.SUPPLEMENT_REQUESTED, _DECIDING, needs_reason=True, form="02"
    ),
    Action.RECEIVE_SUPPLEMENT: Transition(
        frozenset({DossierStatus.SUPPLEMENT_REQUESTED}), DossierStatus.IN_PROGRESS, _CLERK
    ),
    Action.REQUEST_PAYMENT: Transition(
        frozenset({DossierStatus.IN_PROGRESS}), DossierStatus.FINANCIAL_OBLIGATION, _DECIDING, needs_reason=True
    ),
    Action.CONFIRM_PAYMENT: Transition(
        frozenset({DossierStatus.FINANCIAL_OBLIGATION}), DossierStatus.IN_PROGRESS, frozenset({Role.CLERK, Role.OFFICER})
    ),
    Action.RESCHEDULE: Transition(OPEN_STATUSES, None, _DECIDING, needs_reason=True, form="04"),
    Action.FINISH: Transition(frozenset({DossierStatus.IN_PROGRESS}), DossierStatus.DONE, _DECIDING),
    Action.RETURN_RESULT: Transition(frozenset({DossierStatus.DONE}), DossierStatus.RETURNED, _CLERK),
    Action.REFUSE: Transition(
        frozenset({DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.SUPPLEMENT_REQUESTED}),
        DossierStatus.REFUSED, frozenset({Role.LEADER}), needs_reason=True,
    ),
    Action.WITHDRAW: Transition(OPEN_STATUSES, DossierStatus.WITHDRAWN, _CLERK),
    Action.STOP: Transition(OPEN_STATUSES, DossierStatus.STOPPED, _CLERK, needs_reason=True, form="05"),
}


INPUT, STATE, ROLE = "input", "state", "role"


class TransitionNotAllowed(DomainError):
    """An action the dossier's status (``reason`` STATE) or the person's roles (ROLE) do not allow, or whose
    input is missing (INPUT: a reason, a holder)."""

    def __init__(self, message: str, *, field: str | None = None, reason: str = INPUT) -> None:
        super().__init__(message, field=field)
        self.reason = reason


def allowed_actions(status: DossierStatus, roles: Iterable[Role]) -> list[Action]:
    """The actions a person holding ``roles`` may take on a dossier in ``status`` (the page's buttons)."""
    held = frozenset(roles)
    return [a for a, t in TRANSITIONS.items() if status in t.sources and t.roles & held]


def check_transition(
    status: DossierStatus, action: Action, roles: Iterable[Role], *, reason: str = "", has_holder: bool = False
) -> DossierStatus:
    """The status after ``action``, or TransitionNotAllowed saying why in Vietnamese."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise TransitionNotAllowed(
            f"Không thể “{action.label.lower()}” khi hồ sơ đang ở trạng thái “{status.label}”.", reason=STATE
        )
    if not transition.roles & frozenset(roles):
        who = ", ".join(sorted(r.label.lower() for r in transition.roles))
        raise TransitionNotAllowed(f"Chỉ {who} được “{action.label.lower()}”.", reason=ROLE)
    if transition.needs_reason and not reason.strip():
        raise TransitionNotAllowed("Vui lòng ghi rõ lý do.", field="reason")
    if transition.needs_holder and not has_holder:
        raise TransitionNotAllowed("Vui lòng chọn bộ phận hoặc người nhận hồ sơ.", field="holder")
    return transition.target or status


def replay(actions: Iterable[Action]) -> DossierStatus:
    """The status a dossier reaches from reception through ``actions``: the state rebuilt from its events.

    Roles and reasons were checked when each event was written; here only the
    order matters, and an impossible order is an error (a corrupted log).
    """
    status = DossierStatus.RECEIVED
    for action in actions:
        transition = TRANSITIONS[action]
        if status not in transition.sources:
            raise TransitionNotAllowed(f"Nhật ký hồ sơ không hợp lệ: “{action.label}” sau “{status.label}”.")
        status = transition.target or status
    return status


def check_reschedule(
    *, now: datetime, due_at: datetime, rescheduled_due_at: datetime | None, new_due_at: datetime
) -> None:
    """The rescheduling rule (domain.md §4): once only, before the original due instant, to a later date.

    KPIs keep the original due instant; the new one is what the citizen is told.
    """
    if rescheduled_due_at is not None:
        raise TransitionNotAllowed("Hồ sơ đã được hẹn lại một lần; chỉ được hẹn lại ngày trả kết quả một lần.",
                                   reason=STATE)
    if now >= due_at:
        raise TransitionNotAllowed(
            "Đã quá thời hạn trả kết quả: chỉ được xin lỗi và hẹn lại trước thời hạn đã hẹn.", reason=STATE
        )
    if new_due_at <= due_at:
        raise TransitionNotAllowed("Ngày hẹn mới phải sau ngày hẹn trả kết quả ban đầu.", field="new_due_at",
                                   reason=STATE)
