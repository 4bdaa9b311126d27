"""Online dossiers waiting at the desk: their states and what may follow what (issue 21)."""

from __future__ import annotations

from enum import StrEnum


class OnlineState(StrEnum):
    """Where a dossier filed on the portal stands at the desk."""

    WAITING = "waiting"  # chờ tiếp nhận
    SUPPLEMENT = "supplement"  # returned to the citizen with Mẫu 02; the portal will hand it over again
    ACCEPTED = "accepted"  # received: a dossier of the desk
    REFUSED = "refused"  # Mẫu 03

    @property
    def label(self) -> str:
        return {OnlineState.WAITING: "Chờ tiếp nhận", OnlineState.SUPPLEMENT: "Chờ công dân bổ sung",
                OnlineState.ACCEPTED: "Đã tiếp nhận", OnlineState.REFUSED: "Từ chối tiếp nhận"}[self]

    @property
    def decided(self) -> bool:
        """A clerk's decision is waiting on nobody: the citizen's move (supplement) or final."""
        return self is not OnlineState.WAITING

    @property
    def final(self) -> bool:
        return self in (OnlineState.ACCEPTED, OnlineState.REFUSED)


def after_handover(state: OnlineState) -> OnlineState | None:
    """The state after the platform hands the same dossier over again; None: nothing changes (a resend).

    Only a dossier returned for a supplement comes back to the queue; a resend
    of one waiting, accepted or refused is the same hand-over, acknowledged again.
    """
    return OnlineState.WAITING if state is OnlineState.SUPPLEMENT else None
