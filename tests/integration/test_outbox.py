"""The outbox: in the app at once; e-mail and SMS only in the unit's office hours, retried, given up."""

from datetime import datetime

from app.domain.localtime import VN_TZ
from app.services import outbox
from app.services.outbox import Channel


def at(day, month, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


class Recorder:
    def __init__(self, failures=0):
        self.sent, self.failures = [], failures

    def send(self, message):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("gateway down")
        self.sent.append(message.id)


def test_in_app_now_email_in_office_hours_only(db_session, world):
    a = world.a
    a.officer.email = "officer@xa.example"
    queued = outbox.notify(db_session, unit_id=a.unit.id, user_id=a.officer.id, kind="digest", subject="Hồ sơ quá hạn",
                           body="Hồ sơ quá hạn: 1", now=at(28, 8, 18), dedupe="t1",
                           channels=(Channel.IN_APP, Channel.EMAIL))
    assert queued == 2
    assert outbox.notify(db_session, unit_id=a.unit.id, user_id=a.officer.id, kind="digest", subject="x", body="x",
                         now=at(28, 8, 18), dedupe="t1", channels=(Channel.IN_APP, Channel.EMAIL)) == 0
    assert outbox.unread_count(db_session, a.officer) == 1
    mail = Recorder()
    # Friday 18:00, then the weekend and the swapped Monday 31/08 and Quốc khánh: nothing leaves until Thu 03/09 07:30.
    report = outbox.dispatch(db_session, {Channel.EMAIL: mail}, now=at(28, 8, 18))
    assert (report.sent, report.deferred) == (0, 1) and mail.sent == []
    assert outbox.dispatch(db_session, {Channel.EMAIL: mail}, now=at(1, 9, 10)).sent == 0
    report = outbox.dispatch(db_session, {Channel.EMAIL: mail}, now=at(3, 9, 7, 30))
    assert report.sent == 1 and len(mail.sent) == 1
    messages, total = outbox.inbox(db_session, a.officer)
    assert total == 1 and messages[0].read_at is None
    assert outbox.mark_read(db_session, a.officer, now=at(3, 9, 8)) == 1
    assert outbox.unread_count(db_session, a.officer) == 0


def test_failures_are_retried_later_then_given_up(db_session, world):
    a = world.a
    outbox.queue_for_citizen(db_session, unit_id=a.unit.id, phone="0912 345 678", kind="apology", body="Xin lỗi",
                             now=at(3, 9, 8), dedupe="c1")
    flaky = Recorder(failures=2)
    first = outbox.dispatch(db_session, {Channel.SMS: flaky}, now=at(3, 9, 8))
    assert first.failed == 1
    assert outbox.dispatch(db_session, {Channel.SMS: flaky}, now=at(3, 9, 8, 1)).failed == 0  # waits 5 minutes
    assert outbox.dispatch(db_session, {Channel.SMS: flaky}, now=at(3, 9, 8, 5)).failed == 1
    assert outbox.dispatch(db_session, {Channel.SMS: flaky}, now=at(3, 9, 8, 15)).sent == 1
    outbox.queue_for_citizen(db_session, unit_id=a.unit.id, phone="0912345679", kind="apology", body="Xin lỗi",
                             now=at(3, 9, 8), dedupe="c2")
    dead = Recorder(failures=100)
    given_up, now = 0, at(3, 9, 9)
    for hour in range(9, 17):
        for minute in (0, 30):
            given_up += outbox.dispatch(db_session, {Channel.SMS: dead}, now=at(3, 9, hour, minute)).given_up
    assert given_up == 1
    assert outbox.queue_for_citizen(db_session, unit_id=a.unit.id, phone="12", kind="x", body="x", now=now,
                                    dedupe="c3") == 0
