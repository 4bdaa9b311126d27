"""The dossier state machine: every allowed and every forbidden transition, for every role."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.roles import Role
from app.domain.workflow import (
    TERMINAL_STATUSES,
    Action,
    DossierStatus,
    TransitionNotAllowed,
    allowed_actions,
    check_transition,
    replay,
)

S = DossierStatus
R, P, SR, FO, D = S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION, S.DONE
OPEN = {R, P, SR, FO}
C, O, L = Role.CLERK, Role.OFFICER, Role.LEADER

# The specification, written out by hand: action → (from, to (None = unchanged), who).
SPEC = {
    Action.HAND_OVER: ({R, P}, P, {C, O, L}),
    Action.ASSIGN: ({R, P}, P, {L}),
    Action.SEND_BACK: ({P}, None, {O, L}),
    Action.REQUEST_SUPPLEMENT: ({R, P}, SR, {O, L}),
    Action.RECEIVE_SUPPLEMENT: ({SR}, P, {C}),
    Action.REQUEST_PAYMENT: ({P}, FO, {O, L}),
    Action.CONFIRM_PAYMENT: ({FO}, P, {C, O}),
    Action.RESCHEDULE: (OPEN, None, {O, L}),
    Action.FINISH: ({P}, D, {O, L}),
    Action.RETURN_RESULT: ({D}, S.RETURNED, {C}),
    Action.REFUSE: ({R, P, SR}, S.REFUSED, {L}),
    Action.WITHDRAW: (OPEN, S.WITHDRAWN, {C}),
    Action.STOP: (OPEN, S.STOPPED, {C}),
}
CASES = [(status, action, role) for status in S for action in Action for role in Role]


def test_the_spec_names_every_action():
    assert set(SPEC) == set(Action)


@pytest.mark.parametrize(("status", "action", "role"), CASES, ids=lambda x: str(x))
def test_every_status_action_and_role(status, action, role):
    sources, target, roles = SPEC[action]
    allowed = status in sources and role in roles
    assert (action in allowed_actions(status, [role])) is allowed
    if allowed:
        after = check_transition(status, action, [role], reason="Lý do", has_holder=True)
        assert after == (target or status)
    else:
        with pytest.raises(TransitionNotAllowed) as error:
            check_transition(status, action, [role], reason="Lý do", has_holder=True)
        assert error.value.message  # a Vietnamese sentence for the user, never a code
        if status not in sources:
            assert status.label in error.value.message
        else:
            assert "Chỉ" in error.value.message


@pytest.mark.parametrize("action", [Action.REFUSE, Action.REQUEST_SUPPLEMENT, Action.SEND_BACK,
                                    Action.RESCHEDULE, Action.STOP])
def test_a_reason_is_mandatory(action):
    sources, _, roles = SPEC[action]
    status = P if P in sources else next(iter(sources))
    with pytest.raises(TransitionNotAllowed) as error:
        check_transition(status, action, roles, reason="  ", has_holder=True)
    assert (error.value.field, error.value.message) == ("reason", "Vui lòng ghi rõ lý do.")


def test_a_handover_needs_the_next_holder():
    with pytest.raises(TransitionNotAllowed) as error:
        check_transition(R, Action.HAND_OVER, [C])
    assert error.value.field == "holder"


def test_a_person_with_several_roles_may_do_what_any_of_them_may():
    assert Action.REFUSE in allowed_actions(P, [O, L])
    assert check_transition(P, Action.REFUSE, [Role.ADMIN, L], reason="Không đủ điều kiện") is S.REFUSED


def test_ended_dossiers_and_inspectors_can_do_nothing():
    for status in TERMINAL_STATUSES:
        assert allowed_actions(status, list(Role)) == []
    for status in S:
        assert allowed_actions(status, [Role.INSPECTOR, Role.ADMIN]) == []


def test_replay_rejects_an_impossible_log():
    with pytest.raises(TransitionNotAllowed):
        replay([Action.FINISH])  # nothing finishes before it is handed over
    with pytest.raises(TransitionNotAllowed):
        replay([Action.HAND_OVER, Action.FINISH, Action.RETURN_RESULT, Action.HAND_OVER])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=30))
def test_the_state_rebuilt_from_the_events_is_the_state_reached(choices):
    """A random walk through allowed actions: replaying its log lands where the walk did."""
    status, log = R, []
    for choice in choices:
        options = allowed_actions(status, [C, O, L])
        if not options:
            break
        action = options[choice % len(options)]
        status = check_transition(status, action, [C, O, L], reason="Lý do", has_holder=True)
        log.append(action)
    assert replay(log) is status


def test_rescheduling_is_once_before_the_original_due_instant_and_later_than_it():
    from datetime import datetime, timedelta, timezone

    from app.domain.workflow import check_reschedule

    due = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)
    before, later = due - timedelta(days=1), due + timedelta(days=2)
    check_reschedule(now=before, due_at=due, rescheduled_due_at=None, new_due_at=later)  # allowed
    with pytest.raises(TransitionNotAllowed, match="một lần"):
        check_reschedule(now=before, due_at=due, rescheduled_due_at=later, new_due_at=later + timedelta(days=1))
    with pytest.raises(TransitionNotAllowed, match="trước thời hạn"):
        check_reschedule(now=due, due_at=due, rescheduled_due_at=None, new_due_at=later)
    with pytest.raises(TransitionNotAllowed) as error:
        check_reschedule(now=before, due_at=due, rescheduled_due_at=None, new_due_at=due)
    assert error.value.field == "new_due_at"
