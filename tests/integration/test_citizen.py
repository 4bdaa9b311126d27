"""The citizen's status page, lookup, lost-receipt reissue and rating, through the service."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.citizen import Phase
from app.domain.timeliness import Timeliness
from app.domain.workflow import DossierStatus, NonReceptionKind
from app.services import citizen
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from models import AuditEntry, Dossier, SatisfactionRating
from tests.citizen_states import ID_NUMBER, LOOK_AT, MASKED, NAME, People, make_states, vn

GOOD = {"contacts": "2", "agencies": "2", "one_stop": "1", "disclosure": "2", "attitude": "2", "convenience": "1",
        "overall": "1"}


@pytest.fixture
def states(db_session, world):
    a = world.a
    return make_states(db_session, People(a.clerk, a.officer, a.leader), a.procedure)


def page(db_session, states, state, now=LOOK_AT):
    return citizen.status_page(db_session, states[state], now=now)


def by_token(db_session, token):
    return db_session.scalar(select(Dossier).where(Dossier.token == token))


def test_every_page_masks_the_holder_and_names_the_office(db_session, states, world):
    for state in states:
        shown = page(db_session, states, state)
        assert shown.holder == MASKED
        assert shown.office.phone == world.a.unit.phone
        assert NAME not in repr(shown) and ID_NUMBER not in repr(shown) and "0912345678" not in repr(shown)


def test_a_received_dossier_is_at_the_desk_with_every_step_ahead(db_session, states):
    shown = page(db_session, states, "received")
    assert shown.status is DossierStatus.RECEIVED and not shown.overdue
    assert shown.current == "Đang ở Bộ phận tiếp nhận và trả kết quả"
    # Builders' process: Tiếp nhận (desk) → Thẩm định (officer) → Ký duyệt (leader) → the desk returns.
    assert [(s.name, s.phase) for s in shown.timeline] == [
        ("Tiếp nhận", Phase.CURRENT), ("Thẩm định", Phase.NEXT), ("Ký duyệt, trả kết quả", Phase.NEXT),
        ("Trả kết quả", Phase.NEXT),
    ]
    first, second, third, last = shown.timeline
    assert first.at == vn(1, 12, 9) and first.due == vn(1, 12, 15)  # half a day (4 h) from 09:00
    assert second.at == vn(3, 12, 15)  # + 2 days
    assert third.at == vn(4, 12, 9)  # + half a day: the shares add up to the 3 days
    assert last.at == shown.due_at == vn(4, 12, 9)


def test_in_progress_names_the_officer_step_and_the_done_desk(db_session, states):
    shown = page(db_session, states, "in_progress")
    assert shown.current == "Đang được công chức chuyên môn xử lý"
    assert [s.phase for s in shown.timeline] == [Phase.DONE, Phase.CURRENT, Phase.NEXT, Phase.NEXT]
    assert shown.timeline[0].at == vn(30, 11, 9)


def test_a_supplement_request_shows_only_the_message_for_the_citizen_redacted(db_session, states):
    shown = page(db_session, states, "supplement")
    assert shown.paused and not shown.overdue
    assert shown.supplement.message == (f"Mời ông {MASKED} (SĐT [đã ẩn], hộ chiếu [đã ẩn], ở [đã ẩn]) mang bản sao "
                                        "giấy khai sinh đến bộ phận một cửa.")
    assert shown.supplement.number.endswith("/PYCBS")
    # While paused, nothing ahead has a date: the deadlines move when the documents come.
    assert [s.at for s in shown.timeline if s.phase is Phase.NEXT] == [None, None]
    assert shown.timeline[1].due is None


def test_a_rescheduled_dossier_shows_the_apology_and_both_dates(db_session, states):
    shown = page(db_session, states, "rescheduled")
    assert shown.rescheduled_at == vn(2, 12, 9) and shown.due_at == vn(30, 11, 9)
    assert not shown.overdue  # the new date is not reached
    assert shown.apology.new_due_at == vn(2, 12, 9) and shown.apology.number.endswith("/XL")
    assert shown.apology.message == "Cần xác minh thêm tại nơi đăng ký trước đây; mong ông/bà thông cảm."
    assert shown.timeline[-1].at == vn(2, 12, 9)  # the return, planned on the new date
    # Past the new date too, it is overdue against the date the citizen was given.
    later = page(db_session, states, "rescheduled", now=vn(2, 12, 10))
    assert later.overdue and later.overdue_by == timedelta(hours=1)


def test_an_overdue_dossier_says_by_how_much_working_time(db_session, states):
    shown = page(db_session, states, "overdue")
    # Due Mon 30/11 09:00; Tue 01/12 10:00: 6.5 h on Monday + 2.5 h on Tuesday.
    assert shown.overdue and shown.overdue_by == timedelta(hours=9)
    assert shown.apology is None
    # Plans already missed carry no date (the overdue notice says what was due when).
    assert [s.at for s in shown.timeline if s.phase is Phase.NEXT] == [None, None]


def test_done_tells_when_and_where_to_collect(db_session, states):
    shown = page(db_session, states, "done")
    assert shown.status is DossierStatus.DONE and shown.result is Timeliness.EARLY
    assert shown.collect_from == LOOK_AT  # during office hours: now
    evening = page(db_session, states, "done", now=vn(1, 12, 18))
    assert evening.collect_from == vn(2, 12, 7, 30)
    assert shown.timeline[-1].phase is Phase.CURRENT and shown.timeline[-1].due is None


def test_returned_offers_the_rating_with_the_records_criteria(db_session, states):
    shown = page(db_session, states, "returned")
    assert shown.can_rate and shown.rating is None
    assert all(s.phase is Phase.DONE for s in shown.timeline)
    # Finished Fri 27/11 09:00, due Mon 30/11: early; the slip's steps: on time, early, early → "in time".
    assert shown.automatic == {"total_time": 2, "step_time": 1}


def test_refused_shows_the_reason_and_no_step_ahead(db_session, states):
    shown = page(db_session, states, "refused")
    assert shown.closing_message == "Người yêu cầu không thuộc trường hợp được cấp theo quy định."
    assert [s.phase for s in shown.timeline] == [Phase.DONE, Phase.SKIPPED, Phase.SKIPPED, Phase.SKIPPED]
    assert shown.current is None


def test_a_turned_away_request_has_its_own_page(db_session, states):
    shown = page(db_session, states, "turned_away")
    assert isinstance(shown, citizen.TurnedAwayPage)
    assert shown.kind is NonReceptionKind.REFUSED and shown.number.endswith("/TCHS") and shown.holder == MASKED


@pytest.mark.parametrize("token", ["", "x" * 32, "short", "a" * 31 + "!", "../" * 11])
def test_unknown_or_malformed_tokens_find_nothing(db_session, states, token):
    assert citizen.status_page(db_session, token, now=LOOK_AT) is None


def test_lookup_needs_the_code_and_the_last_digits_of_the_id_number(db_session, states):
    dossier = by_token(db_session, states["in_progress"])
    assert citizen.lookup_token(db_session, dossier.code, "4567") == dossier.token  # ID number
    assert citizen.lookup_token(db_session, dossier.code, "5678") is None  # the phone is not a second factor
    assert citizen.lookup_token(db_session, f"  {dossier.code.lower()} ", " 4567 ") == dossier.token
    for digits in ("0000", "456", "45678", "abcd", "", "４５６７"):
        assert citizen.lookup_token(db_session, dossier.code, digits) is None
    assert citizen.lookup_token(db_session, dossier.code[:-1] + "9", "4567") is None
    assert citizen.lookup_token(db_session, "", "4567") is None


def test_a_clerk_reissues_the_link_the_old_one_finds_nothing(db_session, states, world):
    a = world.a
    dossier = by_token(db_session, states["in_progress"])
    old, version = dossier.token, dossier.version
    citizen.reissue_status_link(db_session, a.clerk, dossier.id, reason="Công dân báo mất giấy tiếp nhận", now=LOOK_AT)
    assert dossier.token != old and len(dossier.token) == 32
    assert citizen.status_page(db_session, old, now=LOOK_AT) is None
    assert citizen.status_page(db_session, dossier.token, now=LOOK_AT).code == dossier.code
    assert citizen.lookup_token(db_session, dossier.code, "4567") == dossier.token
    assert dossier.version == version  # open workflow forms stay valid
    entry = db_session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.object_id, entry.actor_id) == ("status_link.reissue", dossier.id, a.clerk.id)
    assert entry.detail == {"reason": "Công dân báo mất giấy tiếp nhận"} and old not in str(entry.detail)
    assert [e.id for e in citizen.status_link_history(db_session, dossier)] == [entry.id]


def test_reissue_is_for_the_units_desk_and_leaders_with_a_reason(db_session, states, world):
    dossier = by_token(db_session, states["in_progress"])
    with pytest.raises(Forbidden):
        citizen.reissue_status_link(db_session, world.a.officer, dossier.id, reason="x", now=LOOK_AT)
    with pytest.raises(NotFound):
        citizen.reissue_status_link(db_session, world.b.clerk, dossier.id, reason="x", now=LOOK_AT)
    with pytest.raises(ValidationFailed) as refused:
        citizen.reissue_status_link(db_session, world.a.leader, dossier.id, reason="  ", now=LOOK_AT)
    assert "reason" in refused.value.errors
    citizen.reissue_status_link(db_session, world.a.leader, dossier.id, reason="Mất phiếu", now=LOOK_AT)


def test_a_rating_is_stored_once_with_the_returning_clerk(db_session, states, world):
    token = states["returned"]
    rating = citizen.rate(db_session, token, GOOD, " Cảm ơn ", now=LOOK_AT)
    assert rating.scores() == {"total_time": 2, "step_time": 1, "contacts": 2, "agencies": 2, "one_stop": 1,
                               "disclosure": 2, "attitude": 2, "convenience": 1, "overall": 1}
    assert rating.score == 14 and rating.comment == "Cảm ơn"
    assert rating.returned_by_id == world.a.clerk.id and rating.unit_id == world.a.unit.id
    shown = page(db_session, states, "returned")
    assert not shown.can_rate and dataclasses.astuple(shown.rating) == (LOOK_AT, 1, 14)
    with pytest.raises(Conflict):
        citizen.rate(db_session, token, GOOD, "", now=LOOK_AT)
    assert db_session.scalar(select(func.count(SatisfactionRating.id))) == 1


def test_only_a_returned_dossier_can_be_rated_and_every_answer_is_needed(db_session, states):
    with pytest.raises(Conflict):
        citizen.rate(db_session, states["done"], GOOD, "", now=LOOK_AT)
    with pytest.raises(NotFound):
        citizen.rate(db_session, "y" * 32, GOOD, "", now=LOOK_AT)
    with pytest.raises(ValidationFailed) as refused:
        citizen.rate(db_session, states["returned"], {**GOOD, "overall": "3", "attitude": ""}, "x" * 1001,
                     now=LOOK_AT)
    assert set(refused.value.errors) == {"overall", "attitude", "comment"}
    # The citizen cannot set what the records say.
    rating = citizen.rate(db_session, states["returned"], {**GOOD, "total_time": "0", "step_time": "2"}, "",
                          now=LOOK_AT)
    assert (rating.total_time, rating.step_time) == (2, 1)


def test_an_organisation_is_shown_by_its_name_and_an_owner_under_the_law_s_label(db_session, world):
    from tests.integration.test_reception import reception_input
    from app.domain.workflow import IdKind
    from app.services import reception

    a = world.a
    company = "Công ty TNHH Xây dựng Hoà Bình"
    filed = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id, applicant=reception.ApplicantInput(
        name=company, id_kind=IdKind.TAX_CODE, id_number="0101234567")), now=vn(1, 12, 9))
    shown = citizen.status_page(db_session, filed.token, now=LOOK_AT)
    assert shown.holder == company and shown.holder_label == "Người nộp hồ sơ"

    for_someone = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id, applicant=reception.ApplicantInput(
        name="Trần Thị Cúc", id_kind=IdKind.CITIZEN_ID, id_number="001203004568", owner_name="Lê Văn Dũng")),
        now=vn(1, 12, 10))
    shown = citizen.status_page(db_session, for_someone.token, now=LOOK_AT)
    assert shown.holder == "Lê V. D." and shown.holder_label == "Chủ hồ sơ"
