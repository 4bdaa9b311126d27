from datetime import datetime, timezone

import pytest

from app.domain.catalogue import DocumentSpec
from app.domain.localtime import to_local
from app.domain.workflow import Channel, DossierStatus, IdKind, NonReceptionKind, ResultDelivery
from app.services import reception
from app.services.errors import Forbidden, ValidationFailed
from tests.conftest import NOW


def reception_input(procedure_id, **overrides):
    data = dict(
        procedure_id=procedure_id,
        applicant=reception.ApplicantInput(
            name="Nguyễn Văn Bình", id_kind=IdKind.CITIZEN_ID, id_number="001 203 004 567",
            phone="0912 345 678", address="Thôn Trung Hoà, xã An Bình",
        ),
        documents=(DocumentSpec("Tờ khai theo mẫu", 1),),
    )
    data.update(overrides)
    return reception.ReceptionInput(**data)


# Wed 25/11/2026 09:00 in Vietnam (02:00 UTC); 24/11 is a holiday.
WEDNESDAY = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)


def test_receiving_allocates_the_code_and_computes_the_due_instant(db_session, world):
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=WEDNESDAY)
    assert dossier.code == f"{a.unit.code}-261125-0001"
    assert dossier.status is DossierStatus.RECEIVED
    # 3 working days (24 h) from Wed 09:00: Wed 6.5 h, Thu 8 h, Fri 8 h, Mon 30/11 1.5 h → 09:00.
    assert to_local(dossier.due_at).replace(tzinfo=None) == datetime(2026, 11, 30, 9, 0)
    assert dossier.applicant_id_number == "001203004567"
    assert dossier.applicant_phone == "0912345678"
    assert (dossier.logbook_year, dossier.logbook_number) == (2026, 1)
    assert [e.action for e in dossier.events] == ["receive"]
    assert len(dossier.token) >= 32
    second = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=WEDNESDAY)
    assert second.code.endswith("-261125-0002") and second.logbook_number == 2
    other_unit = reception.receive_dossier(db_session, world.b.clerk, reception_input(world.b.procedure.id), now=WEDNESDAY)
    assert other_unit.code == f"{world.b.unit.code}-261125-0001"


def test_a_dossier_received_on_a_holiday_starts_its_clock_the_next_working_day(db_session, world):
    # NOW is Tue 24/11/2026 09:00 (Ngày Văn hóa Việt Nam): the clock starts Wed 25/11 07:30;
    # 3 days → Fri 27/11 17:30.
    dossier = reception.receive_dossier(db_session, world.a.clerk, reception_input(world.a.procedure.id), now=NOW)
    assert dossier.code.endswith("-261124-0001")  # the code keeps the day it was received
    assert to_local(dossier.due_at).replace(tzinfo=None) == datetime(2026, 11, 27, 17, 30)


def test_a_lost_race_takes_the_next_number(db_session, world, monkeypatch):
    a = world.a
    reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=WEDNESDAY)
    real = reception._next_numbers
    calls = []

    def stale_once(*args):
        calls.append(1)
        return (1, 1) if len(calls) == 1 else real(*args)

    monkeypatch.setattr(reception, "_next_numbers", stale_once)
    second = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=WEDNESDAY)
    assert second.sequence == 2 and len(calls) == 2


def test_bad_reception_input_is_explained_field_by_field(db_session, world):
    data = reception_input(
        world.a.procedure.id,
        applicant=reception.ApplicantInput(name="", id_kind=IdKind.CITIZEN_ID, id_number="12345", phone="abc"),
        documents=(DocumentSpec("Tờ khai theo mẫu", 0),),
        result_delivery=ResultDelivery.POST,
        sets_count=0,
    )
    with pytest.raises(ValidationFailed) as error:
        reception.receive_dossier(db_session, world.a.clerk, data, now=WEDNESDAY)
    errors = error.value.errors
    assert errors["applicant_name"] == "Vui lòng nhập thông tin này."
    assert "12 chữ số" in errors["applicant_id_number"]
    assert "Số điện thoại không hợp lệ" in errors["applicant_phone"]
    assert "Mẫu 02" in errors["documents"]
    assert "địa chỉ nhận" in errors["delivery_address"]
    assert "Số bộ hồ sơ" in errors["sets_count"]


def test_only_clerks_receive_and_only_their_units_procedures(db_session, world):
    with pytest.raises(Forbidden):
        reception.receive_dossier(db_session, world.a.officer, reception_input(world.a.procedure.id), now=WEDNESDAY)
    with pytest.raises(ValidationFailed) as error:
        reception.receive_dossier(db_session, world.a.clerk, reception_input(world.b.procedure.id), now=WEDNESDAY)
    assert "chọn thủ tục" in error.value.errors["procedure_id"]


def test_turning_away_is_recorded_with_its_own_numbering(db_session, world):
    data = reception.NonReceptionInput(
        procedure_id=world.a.procedure.id,
        applicant=reception.ApplicantInput(name="Trần Thị Cúc", id_kind=IdKind.CITIZEN_ID, id_number="001203004568"),
        reason="Thiếu giấy tờ chứng minh đã ly hôn.",
        missing=("Bản sao Quyết định công nhận thuận tình ly hôn",),
        channel=Channel.DIRECT,
    )
    first = reception.turn_away(db_session, world.a.clerk, NonReceptionKind.INCOMPLETE, data, now=WEDNESDAY)
    second = reception.turn_away(db_session, world.a.clerk, NonReceptionKind.INCOMPLETE, data, now=WEDNESDAY)
    refusal = reception.turn_away(db_session, world.a.clerk, NonReceptionKind.REFUSED, data, now=WEDNESDAY)
    assert (first.number, second.number, refusal.number) == (1, 2, 1)
    with pytest.raises(ValidationFailed) as error:
        reception.turn_away(db_session, world.a.clerk, NonReceptionKind.INCOMPLETE,
                            reception.NonReceptionInput(procedure_id=world.a.procedure.id, applicant=data.applicant, reason=""),
                            now=WEDNESDAY)
    assert set(error.value.errors) == {"reason", "missing"}


def test_procedure_search_ignores_diacritics_and_case(db_session, world):
    from tests.builders import make_procedure

    make_procedure(db_session, unit=world.a.unit, now=NOW, code="1.001193", name="Thủ tục đăng ký khai sinh")
    found = lambda q: [p.code for p in reception.search_procedures(db_session, world.a.clerk, q, now=NOW)]  # noqa: E731
    assert found("khai sinh") == ["1.001193"]
    assert found("ĐĂNG KÝ KHAI SINH") == ["1.001193"]
    assert found("hon nhan") == ["1.004873"]
    assert found("1.0011") == ["1.001193"]


def test_the_birth_date_is_kept_when_given_and_a_day_that_does_not_exist_is_refused(db_session, world):
    from datetime import date

    from app.services.errors import ValidationFailed

    a = world.a
    def person(born: str) -> reception.ApplicantInput:
        return reception.ApplicantInput(name="Lê Thị Thu Hà", id_kind=IdKind.CITIZEN_ID, id_number="001190012345",
                                        birth_date=born)
    kept = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id, applicant=person(" 5-3-1990 ")),
                                     now=WEDNESDAY)
    assert kept.applicant_birth_date == date(1990, 3, 5)
    assert reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id, applicant=person("")),
                                     now=WEDNESDAY).applicant_birth_date is None
    for bad in ("31/02/1990", "1990", "05/03/1800"):
        with pytest.raises(ValidationFailed) as refused:
            reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id, applicant=person(bad)),
                                      now=WEDNESDAY)
        assert "applicant_birth_date" in refused.value.errors
