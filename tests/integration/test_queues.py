"""Work queues: who sees what, time left and urgency, and one statement per page whatever its length."""

from datetime import timedelta

from sqlalchemy import event

from app.domain.workflow import Action, DossierStatus
from app.services import reception
from app.domain.timeliness import Urgency
from app.services.queues import QueueFilter, QueueKind, Sort, queue
from tests import builders
from tests.integration.test_processing import act, vn
from tests.integration.test_reception import reception_input


def receive(session, world, at):
    a = world.a
    return reception.receive_dossier(session, a.clerk, reception_input(a.procedure.id), now=at)


def codes(page):
    return [row.dossier.code for row in page.rows]


def test_each_person_sees_what_they_hold(db_session, world, desk):
    a = world.a
    at = vn(25, 11, 10)
    assert codes(queue(db_session, a.clerk, QueueKind.MINE, now=at)) == [desk.code]
    assert codes(queue(db_session, a.officer, QueueKind.MINE, now=at)) == []
    act(db_session, a.clerk, desk, Action.HAND_OVER, at)
    assert codes(queue(db_session, a.clerk, QueueKind.MINE, now=at)) == []
    assert codes(queue(db_session, a.officer, QueueKind.MINE, now=at)) == [desk.code]  # the officers' step
    other = builders.make_user(db_session, unit=a.unit, roles={builders.Role.OFFICER}, now=at)
    act(db_session, a.leader, desk, Action.ASSIGN, at, to_user_id=other.id)
    assert codes(queue(db_session, a.officer, QueueKind.MINE, now=at)) == []
    assert codes(queue(db_session, other, QueueKind.MINE, now=at)) == [desk.code]
    act(db_session, other, desk, Action.HAND_OVER, vn(26, 11, 9))
    assert codes(queue(db_session, a.leader, QueueKind.APPROVAL, now=at)) == [desk.code]
    assert codes(queue(db_session, world.b.leader, QueueKind.APPROVAL, now=at)) == []  # another unit
    act(db_session, a.leader, desk, Action.FINISH, vn(26, 11, 10))
    assert codes(queue(db_session, a.leader, QueueKind.APPROVAL, now=at)) == []
    assert codes(queue(db_session, a.clerk, QueueKind.RETURN, now=at)) == [desk.code]


def test_time_left_and_urgency(db_session, world, desk):
    a = world.a
    # Step 1 (the desk's half day) ends Wed 15:00.
    row = queue(db_session, a.clerk, QueueKind.MINE, now=vn(25, 11, 9))
    assert (row.rows[0].left, row.rows[0].urgency) == (timedelta(hours=4), Urgency.SOON)
    row = queue(db_session, a.clerk, QueueKind.MINE, now=vn(26, 11, 8))
    assert row.rows[0].urgency is Urgency.OVERDUE and row.rows[0].left == -timedelta(hours=3)
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10), to_user_id=a.officer.id)
    row = queue(db_session, a.officer, QueueKind.MINE, now=vn(25, 11, 10))
    assert row.rows[0].urgency is Urgency.OK and row.rows[0].left == timedelta(hours=16)
    act(db_session, a.officer, desk, Action.REQUEST_SUPPLEMENT, vn(25, 11, 11), reason="x", missing=("y",))
    assert queue(db_session, a.officer, QueueKind.MINE, now=vn(25, 11, 11)).rows[0].urgency is Urgency.PAUSED


def test_filters_sorting_and_pages(db_session, world):
    a = world.a
    made = [receive(db_session, world, vn(25, 11, 8) + timedelta(minutes=i)) for i in range(7)]
    page = queue(db_session, a.clerk, QueueKind.MINE, QueueFilter(sort=Sort.RECEIVED, page=2), now=vn(25, 11, 9),
                 per_page=3)
    assert page.total == 7 and page.pages == 3 and codes(page) == [d.code for d in made[::-1][3:6]]
    assert codes(queue(db_session, a.clerk, QueueKind.MINE, QueueFilter(sort=Sort.CODE), now=vn(25, 11, 9)))[:2] == \
        [made[0].code, made[1].code]
    found = queue(db_session, a.clerk, QueueKind.MINE, QueueFilter(text=made[4].code[-4:]), now=vn(25, 11, 9))
    assert codes(found) == [made[4].code]
    none = queue(db_session, a.clerk, QueueKind.MINE, QueueFilter(status=DossierStatus.DONE), now=vn(25, 11, 9))
    assert none.total == 0 and none.rows == []
    beyond = queue(db_session, a.clerk, QueueKind.MINE, QueueFilter(page=99), now=vn(25, 11, 9), per_page=3)
    assert beyond.rows == [] and beyond.total == 7


def test_a_page_costs_the_same_statements_for_3_or_30_rows(db_session, world):
    a = world.a
    for i in range(30):
        receive(db_session, world, vn(25, 11, 8) + timedelta(minutes=i))
    db_session.flush()
    db_session.expire_all()
    clerk = db_session.get(type(a.clerk), a.clerk.id)
    _ = clerk.roles, clerk.unit

    def statements(per_page):
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db_session.get_bind(), "before_cursor_execute", listener)
        try:
            page = queue(db_session, clerk, QueueKind.MINE, now=vn(25, 11, 9), per_page=per_page)
            for row in page.rows:  # what the page template reads
                _ = row.dossier.procedure.name, row.dossier.holder_user and row.dossier.holder_user.full_name
        finally:
            event.remove(db_session.get_bind(), "before_cursor_execute", listener)
        return len(page.rows), seen

    (few, small), (many, large) = statements(3), statements(30)
    assert (few, many) == (3, 30)
    assert len(small) == len(large) == 2  # the page, the unit's calendar overrides
