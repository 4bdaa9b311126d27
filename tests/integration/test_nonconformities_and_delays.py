"""The leader's nonconformity workflow, and the way from "will be late" to a Mẫu 04 sent in time."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain.localtime import VN_TZ
from app.domain.nonconformity import Source, Status, Step
from app.domain.workflow import Action
from app.services import delays, nonconformities, reception
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.nonconformities import MoveInput
from app.services.sweep import run_sweep
from models import Nonconformity, OutboxMessage
from tests.integration.test_processing import act, local
from tests.integration.test_reception import reception_input


def at(day, month, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def overdue_record(db_session, world):
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at(27, 8, 9))
    run_sweep(db_session, now=at(7, 9, 9))
    return db_session.scalars(select(Nonconformity).where(Nonconformity.dossier_id == dossier.id)).one()


def analysis(record, **overrides):
    values = dict(step=Step.ANALYSE, version=record.version, cause="Công chức nghỉ ốm, không bàn giao hồ sơ",
                  correction="Phân công người khác xử lý ngay trong ngày",
                  corrective_action="Quy định bàn giao hồ sơ khi nghỉ phép, nghỉ ốm", action_due_on=date(2026, 9, 30))
    values.update(overrides)
    return MoveInput(**values)


def test_an_overdue_record_goes_through_analysis_action_and_closure(db_session, world, overdue_record):
    a, record = world.a, overdue_record
    assert "quá thời hạn giải quyết (hạn 09:00 04/09/2026)" in nonconformities.what_happened(record)
    assert nonconformities.reference(record) == "01/2026/KPH"
    assert nonconformities.available_steps(a.officer, record) == []
    assert nonconformities.available_steps(a.leader, record) == [Step.ANALYSE]
    with pytest.raises(ValidationFailed) as missing:
        nonconformities.move(db_session, a.leader, record.id, analysis(record, cause="", owner_id=None), now=at(8, 9, 9))
    assert set(missing.value.errors) == {"cause", "owner_id"}
    nonconformities.move(db_session, a.leader, record.id, analysis(record, owner_id=a.officer.id), now=at(8, 9, 9))
    assert record.status is Status.ACTION and record.owner_id == a.officer.id
    # The owner reports; the leader finds it not effective, then effective.
    assert nonconformities.available_steps(a.officer, record) == [Step.COMPLETE]
    nonconformities.move(db_session, a.officer, record.id, MoveInput(Step.COMPLETE, record.version,
                         report="Đã ban hành quy định bàn giao"), now=at(15, 9, 9))
    assert record.status is Status.VERIFYING
    with pytest.raises(ValidationFailed):
        nonconformities.move(db_session, a.officer, record.id, MoveInput(Step.CLOSE, record.version,
                             effectiveness="Tốt"), now=at(30, 9, 9))
    nonconformities.move(db_session, a.leader, record.id, MoveInput(Step.REOPEN, record.version,
                         effectiveness="Tháng 9 vẫn còn 2 hồ sơ trễ do nghỉ phép"), now=at(30, 9, 9))
    assert record.status is Status.ACTION
    nonconformities.move(db_session, a.officer, record.id, MoveInput(Step.COMPLETE, record.version,
                         report="Bổ sung người dự phòng"), now=at(15, 10, 9))
    nonconformities.move(db_session, a.leader, record.id, MoveInput(Step.CLOSE, record.version,
                         effectiveness="Tháng 10 không còn hồ sơ trễ vì nghỉ phép"), now=at(31, 10, 9))
    assert record.status is Status.CLOSED and record.closed_by_id == a.leader.id


def test_nothing_overdue_closes_without_a_cause_and_stale_forms_are_refused(db_session, world, overdue_record):
    a, record = world.a, overdue_record
    with pytest.raises(ValidationFailed):  # cannot skip the analysis
        nonconformities.move(db_session, a.leader, record.id, MoveInput(Step.CLOSE, record.version,
                             effectiveness="Đã xử lý xong"), now=at(8, 9, 9))
    old = record.version
    nonconformities.move(db_session, a.leader, record.id, analysis(record, owner_id=a.officer.id), now=at(8, 9, 9))
    with pytest.raises(Conflict):
        nonconformities.move(db_session, a.leader, record.id, analysis(record, version=old, owner_id=a.leader.id),
                             now=at(8, 9, 10))
    with pytest.raises(ValidationFailed) as foreign_owner:
        nonconformities.move(db_session, a.leader, record.id, analysis(record, owner_id=world.b.officer.id),
                             now=at(8, 9, 10))
    assert set(foreign_owner.value.errors) == {"owner_id"}
    with pytest.raises(NotFound):  # another commune's leader does not even see it
        nonconformities.move(db_session, world.b.leader, record.id, analysis(record), now=at(8, 9, 10))


def test_a_manual_record_and_the_register(db_session, world, overdue_record):
    a = world.a
    manual = nonconformities.open_record(db_session, a.clerk, source=Source.COMPLAINT,
                                         description="Công dân phản ánh thái độ tiếp nhận chưa niềm nở", now=at(9, 9, 9))
    assert (manual.number, manual.opened_by_id) == (2, a.clerk.id)
    with pytest.raises(ValidationFailed):
        nonconformities.open_record(db_session, a.clerk, source=Source.OVERDUE, description="Tự mở hồ sơ quá hạn",
                                    now=at(9, 9, 9))
    rows, total = nonconformities.list_records(db_session, a.leader)
    assert total == 2 and {r.id for r in rows} == {manual.id, overdue_record.id}
    assert nonconformities.list_records(db_session, world.b.leader)[1] == 0
    assert nonconformities.list_records(db_session, world.inspector)[1] == 2
    with pytest.raises(NotFound):
        nonconformities.get_record(db_session, world.b.leader, manual.id)
    assert nonconformities.get_record(db_session, world.inspector, manual.id) is manual
    with pytest.raises(Forbidden):  # an inspector reads, never acts
        nonconformities.move(db_session, world.inspector, manual.id, analysis(manual), now=at(9, 9, 9))


def test_will_be_late_then_draft_then_issued_in_time(db_session, world):
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=at(27, 8, 9))
    act(db_session, a.clerk, dossier, Action.HAND_OVER, at(27, 8, 10), to_user_id=a.officer.id)
    with pytest.raises(Forbidden):
        delays.mark(db_session, a.clerk, dossier.id, reason="x", proposed_due_on=date(2026, 9, 11), version=None,
                    now=at(28, 8, 9))
    with pytest.raises(ValidationFailed):  # a Saturday
        delays.mark(db_session, a.officer, dossier.id, reason="Chờ xác minh của Công an xã",
                    proposed_due_on=date(2026, 9, 12), version=None, now=at(28, 8, 9))
    delay = delays.mark(db_session, a.officer, dossier.id, reason="Chờ xác minh của Công an xã",
                        proposed_due_on=date(2026, 9, 11), version=None, now=at(28, 8, 9))
    assert delay.drafted_at is None
    with pytest.raises(ValidationFailed):  # not drafted yet
        delays.issue(db_session, a.officer, dossier.id, version=dossier.version, now=at(28, 8, 9, 1))
    report = run_sweep(db_session, now=at(28, 8, 9, 5))
    assert report.counts["apology_drafts"] == 1
    # Due Fri 04/09 09:00: one working day before is Thu 03/09 09:00 (the holiday does not count).
    assert local(delay.send_by) == datetime(2026, 9, 3, 9, 0)
    draft_note = db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "apology_draft")).one()
    assert draft_note.user_id == a.leader.id and "trước 09:00 03/09/2026" in draft_note.body
    assert run_sweep(db_session, now=at(28, 8, 9, 10)).counts.get("apology_drafts") is None

    rows = delays.due_soon_list(db_session, a.officer, now=at(28, 8, 9, 10))
    assert [r.dossier.id for r in rows] == [dossier.id] and rows[0].delay.id == delay.id

    notice = delays.issue(db_session, a.officer, dossier.id, version=dossier.version, now=at(28, 8, 10))
    assert notice.form == "04" and delay.notice_id == notice.id
    assert local(dossier.due_rescheduled_at) == datetime(2026, 9, 11, 17, 30)  # the close of that working day
    sms = db_session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).one()
    assert sms.address == "0912345678" and dossier.code in sms.body and sms.sent_at is None
    with pytest.raises(ValidationFailed):
        delays.withdraw(db_session, a.officer, dossier.id, now=at(28, 8, 11))
