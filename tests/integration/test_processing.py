"""The workflow through the service: one scenario per exit path, with the control-slip rows it writes.

The world's procedure (tests/builders.py) takes 3 working days in three steps:
Tiếp nhận (desk, 0.5 day) → Thẩm định (officer, 2 days) → Ký duyệt, trả kết quả
(leader, 0.5 day). Working windows 07:30–11:30 and 13:30–17:30.
"""

from datetime import datetime

import pytest

from app.domain.localtime import VN_TZ
from app.domain.process import rebuild
from app.domain.timeliness import Timeliness
from app.domain.workflow import Action, DossierStatus, ResultDelivery
from app.services import processing, reception
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.processing import ActionInput
from models import DossierEvent
from tests import builders
from tests.integration.test_reception import reception_input


def vn(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


def local(instant):
    return instant.astimezone(VN_TZ).replace(tzinfo=None)


def act(session, user, dossier, action, at, **values):
    data = ActionInput(action=action, version=dossier.version, **values)
    return processing.apply_action(session, user, dossier.id, data, now=at)


def rows(dossier):
    return [
        (h.kind, h.giver, h.giver_person, h.receiver, h.receiver_person,
         h.step_deadline and local(h.step_deadline), h.step_result)
        for h in dossier.handovers
    ]


def assert_rebuilt(session, dossier):
    events = session.query(DossierEvent).filter_by(dossier_id=dossier.id).order_by(DossierEvent.id).all()
    state = rebuild((e.action, e.status, e.payload) for e in events)
    assert state.status is dossier.status
    assert state.values == processing.snapshot(dossier, list(state.values))
    from app.domain.process import STATE_FIELDS
    assert set(state.values) == set(STATE_FIELDS)


def to_leader(session, world, dossier, *, handed=vn(25, 11, 10), signed=vn(26, 11, 16)):
    a = world.a
    act(session, a.clerk, dossier, Action.HAND_OVER, handed)
    act(session, a.officer, dossier, Action.HAND_OVER, signed)


def test_received_dossier_is_held_by_the_clerk_in_the_first_step(desk, world):
    assert desk.step_position == 1
    assert desk.holder_user_id == world.a.clerk.id
    assert local(desk.due_at) == datetime(2026, 11, 30, 9, 0)
    assert local(desk.step_due_at) == datetime(2026, 11, 25, 15, 0)  # half a day from Wed 09:00


def test_returned_on_time(db_session, world, desk):
    a = world.a
    to_leader(db_session, world, desk)
    assert desk.holder_role is builders.Role.LEADER and desk.holder_user_id is None
    act(db_session, a.leader, desk, Action.FINISH, vn(27, 11, 9))
    assert desk.status is DossierStatus.DONE and local(desk.finished_at) == datetime(2026, 11, 27, 9)
    act(db_session, a.clerk, desk, Action.RETURN_RESULT, vn(27, 11, 14))
    assert desk.status is DossierStatus.RETURNED
    assert desk.returned_by_id == a.clerk.id and desk.return_method is ResultDelivery.DESK
    assert rows(desk) == [
        ("hand_over", "Bộ phận tiếp nhận và trả kết quả", a.clerk.full_name, "Công chức chuyên môn", "",
         datetime(2026, 11, 25, 15, 0), Timeliness.ON_TIME),
        ("hand_over", "Công chức chuyên môn", a.officer.full_name, "Lãnh đạo phê duyệt", "",
         datetime(2026, 11, 27, 10, 0), Timeliness.EARLY),
        ("finish", "Lãnh đạo phê duyệt", a.leader.full_name, "Bộ phận tiếp nhận và trả kết quả", "",
         datetime(2026, 11, 27, 10, 0), Timeliness.ON_TIME),
        ("return_result", "Bộ phận tiếp nhận và trả kết quả", a.clerk.full_name, "Tổ chức, cá nhân", "",
         datetime(2026, 11, 30, 9, 0), Timeliness.EARLY),
    ]
    assert [e.action for e in desk.events] == ["receive", "hand_over", "hand_over", "finish", "return_result"]
    assert [(e.from_status, e.status) for e in desk.events][-1] == (DossierStatus.DONE, DossierStatus.RETURNED)
    assert_rebuilt(db_session, desk)


def test_returned_late(db_session, world, desk):
    a = world.a
    to_leader(db_session, world, desk)
    act(db_session, a.leader, desk, Action.FINISH, vn(30, 11, 10))  # due Mon 30/11 09:00
    act(db_session, a.clerk, desk, Action.RETURN_RESULT, vn(30, 11, 10, 30))
    assert [r[-1] for r in rows(desk)] == [Timeliness.ON_TIME, Timeliness.EARLY, Timeliness.LATE, Timeliness.LATE]
    assert_rebuilt(db_session, desk)


def test_supplement_pauses_the_clock_then_on_time(db_session, world, desk):
    a = world.a
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10), to_user_id=a.officer.id)
    assert desk.holder_user_id == a.officer.id
    act(db_session, a.officer, desk, Action.REQUEST_SUPPLEMENT, vn(26, 11, 8), reason="Thiếu giấy tờ",
        missing=("Bản sao giấy khai sinh", "  "))
    assert desk.status is DossierStatus.SUPPLEMENT_REQUESTED and desk.supplement_count == 1
    notice = desk.notices[-1]
    assert (notice.form, notice.number, notice.missing) == ("02", 1, "Bản sao giấy khai sinh")
    # Paused Thu 08:00 → Mon 08:00: 7.5 + 8 + 0.5 = 16 working hours, two working days.
    act(db_session, a.clerk, desk, Action.RECEIVE_SUPPLEMENT, vn(30, 11, 8))
    assert desk.status is DossierStatus.IN_PROGRESS and desk.paused_at is None
    assert local(desk.due_at) == datetime(2026, 12, 2, 9, 0)
    assert local(desk.step_due_at) == datetime(2026, 12, 1, 10, 0)
    assert notice.resolved_at is not None
    act(db_session, a.officer, desk, Action.HAND_OVER, vn(1, 12, 9))
    act(db_session, a.leader, desk, Action.FINISH, vn(1, 12, 15))
    act(db_session, a.clerk, desk, Action.RETURN_RESULT, vn(2, 12, 8))
    assert [r[-1] for r in rows(desk)] == [Timeliness.ON_TIME, Timeliness.ON_TIME, Timeliness.ON_TIME, Timeliness.EARLY]
    assert_rebuilt(db_session, desk)


def test_a_restart_procedure_counts_the_whole_time_again(db_session, world):
    a = world.a
    procedure = builders.make_procedure(db_session, unit=a.unit, now=vn(1, 11, 9), code="2.000001",
                                        supplement_policy="restart")
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(procedure.id), now=vn(25, 11, 9))
    act(db_session, a.clerk, dossier, Action.HAND_OVER, vn(25, 11, 10))
    act(db_session, a.officer, dossier, Action.REQUEST_SUPPLEMENT, vn(26, 11, 8), reason="Thiếu", missing=("Tờ khai",))
    act(db_session, a.clerk, dossier, Action.RECEIVE_SUPPLEMENT, vn(30, 11, 8))
    # 3 working days from Mon 30/11 08:00 → Thu 03/12 08:00.
    assert local(dossier.due_at) == datetime(2026, 12, 3, 8, 0)
    assert local(dossier.step_due_at) == datetime(2026, 12, 2, 8, 0)


def test_a_second_supplement_request_is_allowed_and_counted(db_session, world, desk):
    a = world.a
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10))
    for day in (26, 27):
        act(db_session, a.officer, desk, Action.REQUEST_SUPPLEMENT, vn(day, 11, 8), reason="Thiếu", missing=("Tờ khai",))
        act(db_session, a.clerk, desk, Action.RECEIVE_SUPPLEMENT, vn(day, 11, 10))
    assert desk.supplement_count == 2
    assert [n.number for n in desk.notices] == [1, 2]
    # Paused 2 h + 2 h: due moves from Mon 09:00 to Mon 13:30 + 0.5 h … 4 working hours later.
    assert local(desk.due_at) == datetime(2026, 11, 30, 15, 0)
    assert_rebuilt(db_session, desk)


def test_rescheduled_keeps_the_original_due_for_kpis(db_session, world, desk):
    a = world.a
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10))
    act(db_session, a.officer, desk, Action.RESCHEDULE, vn(26, 11, 9), reason="Cần xác minh thêm",
        new_due_at=vn(3, 12, 17))
    assert local(desk.due_rescheduled_at) == datetime(2026, 12, 3, 17)
    assert local(desk.due_at) == datetime(2026, 11, 30, 9)
    assert desk.notices[-1].form == "04" and desk.status is DossierStatus.IN_PROGRESS
    with pytest.raises(ValidationFailed, match="một lần"):
        act(db_session, a.officer, desk, Action.RESCHEDULE, vn(26, 11, 10), reason="Lần hai", new_due_at=vn(4, 12, 17))
    act(db_session, a.officer, desk, Action.HAND_OVER, vn(1, 12, 9))
    act(db_session, a.leader, desk, Action.FINISH, vn(1, 12, 10))
    act(db_session, a.clerk, desk, Action.RETURN_RESULT, vn(2, 12, 8))
    assert rows(desk)[-1][-1] is Timeliness.LATE  # late against the original date
    assert_rebuilt(db_session, desk)


def test_reschedule_after_the_due_instant_is_refused(db_session, world, desk):
    a = world.a
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10))
    with pytest.raises(ValidationFailed, match="Đã quá thời hạn"):
        act(db_session, a.officer, desk, Action.RESCHEDULE, vn(30, 11, 10), reason="Muộn", new_due_at=vn(3, 12, 17))


@pytest.mark.parametrize("action, actor, status", [
    (Action.REFUSE, "leader", DossierStatus.REFUSED),
    (Action.WITHDRAW, "clerk", DossierStatus.WITHDRAWN),
    (Action.STOP, "clerk", DossierStatus.STOPPED),
])
def test_side_exits_close_the_dossier(db_session, world, desk, action, actor, status):
    a = world.a
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10))
    act(db_session, getattr(a, actor), desk, action, vn(26, 11, 9), reason="Công dân đề nghị",
        fee_handling="Không hoàn lệ phí")
    assert desk.status is status and local(desk.finished_at) == datetime(2026, 11, 26, 9)
    # The slip keeps the one handover made; no row is invented for the exit.
    assert rows(desk) == [("hand_over", "Bộ phận tiếp nhận và trả kết quả", a.clerk.full_name, "Công chức chuyên môn",
                           "", datetime(2026, 11, 25, 15, 0), Timeliness.ON_TIME)]
    if action is Action.STOP:
        assert (desk.notices[-1].form, desk.notices[-1].fee_handling) == ("05", "Không hoàn lệ phí")
    with pytest.raises(ValidationFailed, match="Không thể"):
        act(db_session, a.officer, desk, Action.HAND_OVER, vn(26, 11, 10))
    assert_rebuilt(db_session, desk)


def test_send_back_returns_to_the_person_who_handed_over(db_session, world, desk):
    a = world.a
    to_leader(db_session, world, desk)
    with pytest.raises(ValidationFailed, match="lý do"):
        act(db_session, a.leader, desk, Action.SEND_BACK, vn(27, 11, 8))
    act(db_session, a.leader, desk, Action.SEND_BACK, vn(27, 11, 8), reason="Sai họ tên trong dự thảo")
    assert desk.step_position == 2 and desk.holder_user_id == a.officer.id
    assert rows(desk)[-1][:5] == ("send_back", "Lãnh đạo phê duyệt", a.leader.full_name, "Công chức chuyên môn",
                                  a.officer.full_name)
    assert desk.handovers[-1].note == "Trả lại: Sai họ tên trong dự thảo"
    assert_rebuilt(db_session, desk)


def test_an_officer_takes_the_dossier_over_from_the_desk(db_session, world, desk):
    a = world.a
    act(db_session, a.officer, desk, Action.HAND_OVER, vn(25, 11, 10))  # scanning the slip at the office
    assert desk.holder_user_id == a.officer.id
    row = desk.handovers[-1]
    assert (row.giver_person, row.receiver_person) == (a.clerk.full_name, a.officer.full_name)
    assert desk.events[-1].actor_id == a.officer.id


def test_only_the_holder_acts_and_others_are_told_why(db_session, world, desk):
    a = world.a
    other_officer = builders.make_user(db_session, unit=a.unit, roles={builders.Role.OFFICER}, now=vn(1, 11, 9))
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10), to_user_id=a.officer.id)
    with pytest.raises(Forbidden, match="người khác"):
        act(db_session, other_officer, desk, Action.REQUEST_SUPPLEMENT, vn(25, 11, 11), reason="x", missing=("y",))
    with pytest.raises(Forbidden, match="Chỉ tiếp nhận"):  # a role the action needs: 403
        act(db_session, a.officer, desk, Action.WITHDRAW, vn(25, 11, 11))
    with pytest.raises(ValidationFailed, match="Không thể “trả kết quả”"):
        act(db_session, a.clerk, desk, Action.RETURN_RESULT, vn(25, 11, 11))
    with pytest.raises(ValidationFailed, match="còn phải qua bước"):
        act(db_session, a.officer, desk, Action.FINISH, vn(25, 11, 11))
    with pytest.raises(NotFound):  # another unit's dossier does not exist for them
        act(db_session, world.b.clerk, desk, Action.WITHDRAW, vn(25, 11, 11))
    assert processing.available_actions(db_session, other_officer, desk) == []
    assert processing.available_actions(db_session, a.officer, desk) == [
        Action.HAND_OVER, Action.SEND_BACK, Action.REQUEST_SUPPLEMENT, Action.REQUEST_PAYMENT, Action.RESCHEDULE,
    ]
    assert processing.available_actions(db_session, a.clerk, desk) == [Action.WITHDRAW, Action.STOP]


def test_leader_assigns_an_officer(db_session, world, desk):
    a = world.a
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10))
    act(db_session, a.leader, desk, Action.ASSIGN, vn(25, 11, 11), to_user_id=a.officer.id)
    assert desk.holder_user_id == a.officer.id and desk.step_position == 2
    assert rows(desk)[-1][0] == "assign" and rows(desk)[-1][-1] is None
    with pytest.raises(ValidationFailed):
        act(db_session, a.leader, desk, Action.ASSIGN, vn(25, 11, 11), to_user_id=a.clerk.id)


def test_a_form_from_an_older_version_is_refused(db_session, world, desk):
    a = world.a
    stale = desk.version
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10))
    with pytest.raises(Conflict, match="vừa được cập nhật"):
        processing.apply_action(db_session, a.officer, desk.id, ActionInput(Action.HAND_OVER, stale), now=vn(25, 11, 11))
    assert len(desk.events) == 2


def test_payment_wait(db_session, world, desk):
    a = world.a
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10))
    act(db_session, a.officer, desk, Action.REQUEST_PAYMENT, vn(25, 11, 11), reason="Nộp lệ phí trước bạ")
    assert desk.status is DossierStatus.FINANCIAL_OBLIGATION
    act(db_session, a.clerk, desk, Action.CONFIRM_PAYMENT, vn(26, 11, 9))
    assert desk.status is DossierStatus.IN_PROGRESS
    assert_rebuilt(db_session, desk)


# --- random sequences through the service: the state is always what the events say ------------

from datetime import timedelta  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


EXITS = {Action.REFUSE, Action.WITHDRAW, Action.STOP}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choices=st.lists(st.tuples(st.integers(0, 50), st.integers(1, 30)), max_size=14))
def test_random_action_sequences_rebuild_to_the_dossier(db_session, world, choices):
    a = world.a
    people = [a.clerk, a.officer, a.leader]
    savepoint = db_session.begin_nested()
    try:
        at = vn(25, 11, 9)
        dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at)
        applied = 0
        for pick, hours in choices:
            at += timedelta(hours=hours)
            options = [(p, action) for p in people for action in processing.available_actions(db_session, p, dossier)]
            if not options:
                break
            onward = [o for o in options if o[1] not in EXITS]
            if onward and pick < 47:  # side exits now and then, so that long paths get explored
                options = onward
            who, action = options[pick % len(options)]
            values = dict(reason="Lý do", missing=("Tờ khai",), new_due_at=dossier.due_at + timedelta(days=7),
                          return_note="Số bưu gửi EB123")
            try:
                act(db_session, who, dossier, action, at, **values)
            except ValidationFailed:
                continue  # e.g. a new date on a day off, or a reschedule after the due instant
            applied += 1
        assert len(dossier.events) == applied + 1
        assert [h.seq for h in dossier.handovers] == list(range(1, len(dossier.handovers) + 1))
        assert_rebuilt(db_session, dossier)
    finally:
        savepoint.rollback()


def test_events_cannot_be_rewritten(db_session, world, desk):
    event = desk.events[0]
    event.reason = "sửa lại lịch sử"
    with pytest.raises(ValueError, match="append-only"):
        db_session.flush()


def test_any_clerk_of_the_desk_may_forward_what_a_colleague_received(db_session, world, desk):
    a = world.a
    colleague = builders.make_user(db_session, unit=a.unit, roles={builders.Role.CLERK}, now=vn(1, 11, 9))
    act(db_session, colleague, desk, Action.HAND_OVER, vn(25, 11, 10))
    assert desk.handovers[0].giver_person == colleague.full_name  # who handed it over, not who received it
    assert desk.events[-1].actor_id == colleague.id
