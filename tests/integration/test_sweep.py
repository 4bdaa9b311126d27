"""The overdue sweep with a frozen clock, across the Quốc khánh holiday of 2026.

The world's procedure takes 3 working days: Tiếp nhận (desk, 0.5 day) →
Thẩm định (officer, 2 days) → Ký duyệt (leader, 0.5 day). A dossier received
Thu 27/08/2026 09:00 is due Fri 04/09 09:00: Mon 31/08 (swapped for the worked
Sat 22/08), Tue 01/09 and Wed 02/09 (Quốc khánh) do not count.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from app.domain.monitoring import Flag
from app.domain.nonconformity import Source, Status
from app.domain.roles import Role
from app.domain.workflow import Action
from app.services import reception
from app.services.sweep import run_sweep
from models import DossierEvent, Nonconformity, OutboxMessage, SweepRun
from tests.integration.test_processing import act, assert_rebuilt, local
from tests.integration.test_reception import reception_input
from app.domain.localtime import VN_TZ


def at(day, month, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


def flags(dossier):
    return {flag for flag in Flag if getattr(dossier, flag.column) is not None}


def flag_events(session, dossier):
    return session.scalars(
        select(DossierEvent.action).where(DossierEvent.dossier_id == dossier.id, DossierEvent.actor_id.is_(None))
        .order_by(DossierEvent.id)
    ).all()


def sweep(session, now, **kwargs):
    report = run_sweep(session, now=now, **kwargs)
    session.expire_all()
    return report


def test_flags_at_the_right_instants_across_the_holiday(db_session, world):
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at(27, 8, 9))
    assert local(dossier.due_at) == datetime(2026, 9, 4, 9, 0)
    step1_due = local(dossier.step_due_at)
    assert step1_due == datetime(2026, 8, 27, 15, 0)  # half a day: 2.5 h before lunch, 1.5 h after

    assert sweep(db_session, at(27, 8, 10)).counts == {}
    assert flags(dossier) == set()
    # Two working hours before 15:00 is 11:00 (lunch does not count).
    assert sweep(db_session, at(27, 8, 11)).counts == {}
    assert sweep(db_session, at(27, 8, 11, 5)).counts == {"step_due_soon": 1}
    assert flags(dossier) == {Flag.STEP_DUE_SOON}
    assert sweep(db_session, at(27, 8, 15)).counts == {}  # exactly the deadline: still in time
    assert sweep(db_session, at(27, 8, 15, 5)).counts["step_overdue"] == 1

    # Handed over: the officer's step (2 days) runs to Thu 03/09 16:00, across the holiday; its flags start afresh.
    act(db_session, a.clerk, dossier, Action.HAND_OVER, at(27, 8, 16), to_user_id=a.officer.id)
    assert local(dossier.step_due_at) == datetime(2026, 9, 3, 16, 0)
    assert flags(dossier) == set()

    # Due soon: less than a third of the 3 days (one working day) before Fri 04/09 09:00, i.e. after Thu 03/09
    # 09:00. The holder hears at once; the leaders at the digest times (08:00 and 14:00 on working days).
    assert sweep(db_session, at(28, 8, 9, 1)).counts == {}  # two working days left: not yet
    assert sweep(db_session, at(1, 9, 10)).counts == {}  # Quốc khánh: nothing moves
    assert sweep(db_session, at(3, 9, 9)).counts == {}  # the first run since 08:00: that digest's turn, nothing to say
    assert sweep(db_session, at(3, 9, 9, 1)).counts == {"due_soon": 1, "messages": 1}  # the leaders hear at 14:00
    assert sweep(db_session, at(3, 9, 10)).counts == {}
    assert sweep(db_session, at(3, 9, 14)).counts == {"leader_digests": 1}  # the afternoon's digest
    assert sweep(db_session, at(3, 9, 14, 1)).counts == {"step_due_soon": 1}
    assert sweep(db_session, at(3, 9, 16, 1)).counts == {"step_overdue": 1, "messages": 1}
    assert sweep(db_session, at(4, 9, 9)).counts == {"leader_digests": 1}
    report = sweep(db_session, at(4, 9, 9, 1))
    assert report.counts == {"overdue": 1, "nonconformities": 1, "messages": 1}
    assert flags(dossier) == {Flag.DUE_SOON, Flag.OVERDUE, Flag.STEP_DUE_SOON, Flag.STEP_OVERDUE}

    record = db_session.scalars(select(Nonconformity).where(Nonconformity.dossier_id == dossier.id)).one()
    assert (record.source, record.status, record.number, record.year) == (Source.OVERDUE, Status.OPEN, 1, 2026)
    assert (record.step_position, record.step_name) == (2, "Thẩm định")
    assert (record.holder_user_id, record.holder_name) == (a.officer.id, a.officer.full_name)
    assert record.due_at == dossier.due_at and record.opened_by_id is None
    assert flag_events(db_session, dossier) == [
        "flag_step_due_soon", "flag_step_overdue", "flag_due_soon", "flag_step_due_soon", "flag_step_overdue",
        "flag_overdue",
    ]
    assert_rebuilt(db_session, dossier)  # the flags do not disturb the state rebuilt from the events


def test_a_rerun_flags_nothing_twice_and_a_taken_tick_is_skipped(db_session, world):
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at(27, 8, 9))
    first = sweep(db_session, at(7, 9, 9))
    assert first.counts["overdue"] == 1
    assert sweep(db_session, at(7, 9, 9)) is None  # the same tick: another scheduler already ran it
    again = sweep(db_session, at(7, 9, 9), force=True)
    assert again is not None and again.counts == {}
    later = sweep(db_session, at(8, 9, 9))
    assert later.counts == {"leader_digests": 1}  # Tuesday's 08:00 digest: still overdue
    # Straight to overdue (nobody swept before): no stale "due soon" flags on the way.
    assert flag_events(db_session, dossier) == ["flag_overdue", "flag_step_overdue"]
    assert db_session.scalar(select(func.count()).select_from(Nonconformity)) == 1
    assert db_session.scalar(select(func.count()).select_from(SweepRun)) == 3


def test_catch_up_after_downtime(db_session, world):
    """Nobody swept while a dossier went late and was finished: the first run afterwards still opens its record."""
    a = world.a
    late = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at(27, 8, 9))
    act(db_session, a.clerk, late, Action.HAND_OVER, at(27, 8, 10))
    act(db_session, a.officer, late, Action.HAND_OVER, at(4, 9, 10))  # the officer's step ended Thu 03/09 16:00
    act(db_session, a.leader, late, Action.FINISH, at(4, 9, 11))  # due Fri 04/09 09:00
    on_time = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at(27, 8, 9, 30))
    act(db_session, a.clerk, on_time, Action.HAND_OVER, at(27, 8, 10))
    act(db_session, a.officer, on_time, Action.HAND_OVER, at(3, 9, 9))
    act(db_session, a.leader, on_time, Action.FINISH, at(3, 9, 10))
    open_late = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at(27, 8, 10))

    report = sweep(db_session, at(10, 9, 9))
    assert report.counts["overdue"] == 2
    assert report.counts["nonconformities"] == 2
    assert Flag.OVERDUE in flags(late) and Flag.OVERDUE in flags(open_late)
    assert flags(on_time) == set()
    assert Flag.DUE_SOON not in flags(late)  # it went straight to overdue: no stale "due soon"
    records = {r.dossier_id: r for r in db_session.scalars(select(Nonconformity))}
    assert set(records) == {late.id, open_late.id}
    assert (records[late.id].step_position, records[late.id].holder_user_id) == (2, a.officer.id)  # the late handover
    assert (records[open_late.id].step_position, records[open_late.id].holder_user_id) == (1, a.clerk.id)
    assert sorted(r.number for r in records.values()) == [1, 2]


def test_a_dossier_waiting_for_the_citizen_is_not_overdue(db_session, world):
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at(27, 8, 9))
    act(db_session, a.clerk, dossier, Action.HAND_OVER, at(27, 8, 10), to_user_id=a.officer.id)
    act(db_session, a.officer, dossier, Action.REQUEST_SUPPLEMENT, at(28, 8, 8), reason="Thiếu giấy tờ",
        missing=("Bản sao giấy khai sinh",))
    assert sweep(db_session, at(10, 9, 9)).counts == {}
    assert flags(dossier) == set()
    # Back after two weeks: the due instant moved by the pause, the clock runs again.
    act(db_session, a.clerk, dossier, Action.RECEIVE_SUPPLEMENT, at(10, 9, 10))
    assert local(dossier.due_at) > datetime(2026, 9, 10, 10)
    assert sweep(db_session, at(10, 9, 11)).counts.get("overdue") is None


def test_a_second_supplement_request_opens_a_record_once(db_session, world):
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at(27, 8, 9))
    act(db_session, a.clerk, dossier, Action.HAND_OVER, at(27, 8, 10), to_user_id=a.officer.id)
    for day in (27, 28):
        act(db_session, a.officer, dossier, Action.REQUEST_SUPPLEMENT, at(day, 8, 14), reason="Thiếu",
            missing=("Tờ khai",))
        act(db_session, a.clerk, dossier, Action.RECEIVE_SUPPLEMENT, at(day, 8, 15))
    report = sweep(db_session, at(28, 8, 16))
    assert report.counts["second_supplement"] == 1
    assert sweep(db_session, at(28, 8, 17)).counts.get("second_supplement") is None
    record = db_session.scalars(select(Nonconformity).where(Nonconformity.dossier_id == dossier.id)).one()
    assert record.source is Source.SECOND_SUPPLEMENT and record.source_key == f"second_supplement:{dossier.id}"


def test_the_holder_hears_at_each_run_and_the_leaders_at_fixed_times(db_session, world):
    a, b = world.a, world.b
    for _ in range(3):
        dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at(27, 8, 9))
        act(db_session, a.clerk, dossier, Action.HAND_OVER, at(27, 8, 10), to_user_id=a.officer.id)
    reception.receive_dossier(db_session, b.clerk, reception_input(b.procedure.id), now=at(27, 8, 9))
    sweep(db_session, at(4, 9, 10))  # 10:00: past the morning's digest window
    messages = db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {(m.user_id, m.channel) for m in messages} == {(a.officer.id, "in_app"), (b.clerk.id, "in_app")}
    officer = next(m for m in messages if m.user_id == a.officer.id)
    assert "Hồ sơ quá hạn: 3" in officer.body and officer.sent_at is not None
    assert officer.link == "/sap-den-han"
    for minute in (0, 5, 10):  # 14:00, then runs every five minutes: one digest per leader for the slot
        sweep(db_session, at(4, 9, 14, minute))
    digests = db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "leader_digest")
                                 .order_by(OutboxMessage.user_id)).all()
    assert [m.user_id for m in digests] == sorted([a.leader.id, b.leader.id])
    mine = next(m for m in digests if m.user_id == a.leader.id)
    assert "Hồ sơ quá hạn: 3" in mine.body and "14:00 ngày 04/09/2026" in mine.subject
    all_messages = db_session.scalars(select(OutboxMessage)).all()
    assert not any(a.unit.code in m.body or "Nguyễn" in m.body for m in all_messages)  # counts, no personal data
    sweep(db_session, at(5, 9, 8, 30))  # Saturday: no digest
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage)) == len(all_messages)


def test_a_short_procedure_is_not_due_soon_the_moment_it_is_received(db_session, world):
    from tests import builders

    a = world.a
    quick = builders.make_procedure(db_session, unit=a.unit, now=at(1, 8, 9), code="2.000635", duration_kind="same_day",
                                    duration_value=None, steps=(builders.StepSpec("Tiếp nhận và giải quyết", Decimal(8),
                                                                                  role=Role.CLERK),))
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(quick.id), now=at(27, 8, 9))
    assert sweep(db_session, at(27, 8, 9, 5)).counts.get("due_soon") is None
    due = local(dossier.due_at)
    assert sweep(db_session, at(27, 8, due.hour - 1, due.minute)).counts.get("due_soon") is None
    assert sweep(db_session, at(27, 8, due.hour - 1, due.minute + 1)).counts["due_soon"] == 1  # less than an hour


def test_each_unit_is_swept_with_its_own_calendar(db_session, world):
    """Commune b works Saturday 05/09 (decided after the dossiers came in): its dossier has more time left."""
    from app.services import calendar as calendar_service

    a, b = world.a, world.b
    da = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at(3, 9, 9))
    db = reception.receive_dossier(db_session, b.clerk, reception_input(b.procedure.id), now=at(3, 9, 9))
    assert local(da.due_at) == local(db.due_at) == datetime(2026, 9, 8, 9, 0)  # Thu, Fri, Mon, Tue 1.5 h
    calendar_service.add_override(db_session, b.admin, b.unit.id, day=datetime(2026, 9, 7).date(), working=False,
                                  reason="Nghỉ lễ hội truyền thống của xã", now=at(3, 9, 10))
    sweep(db_session, at(4, 9, 14))
    # A third of 3 days is 8 working hours. a: Friday afternoon, Monday and Tuesday's 1.5 h are more; b: its
    # Monday off leaves Friday afternoon and Tuesday's 1.5 h.
    assert Flag.DUE_SOON not in flags(da) and Flag.DUE_SOON in flags(db)
