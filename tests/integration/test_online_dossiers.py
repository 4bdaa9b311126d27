"""Dossiers filed online, handed over by the provincial platform and decided at the desk (issue 21, §2)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.online import OnlineState
from app.domain.workflow import Channel, DossierStatus, NonReceptionKind
from app.integrations.portal import messages
from app.services import api_tokens, online_dossiers, portal_sync
from app.services.calendar import unit_calendar
from app.services.errors import Conflict, Forbidden, StateConflict, ValidationFailed
from models import OnlineDossier, PortalMessage
from tests.integration.test_processing import vn


def filing(world, **overrides):  # type: ignore[no-untyped-def]
    """A HoSoTrucTuyen for commune a's procedure, valid against the schema."""
    document = {
        "MaHoSo": "G22.99-261125-0042", "MaTTHC": world.a.procedure.code, "TenTTHC": world.a.procedure.name,
        "MaDonVi": world.a.unit.code, "NgayNopHoSo": "20261124213000",
        "NguoiNop": {"HoTen": "Trần Thị Mai", "LoaiGiayTo": 1, "SoGiayTo": "001190012345",
                     "SoDienThoai": "0912345678", "DiaChi": "Thôn Đông, xã An Bình"},
        "HinhThucTra": 3, "LePhi": 0, "DaThanhToanTrucTuyen": False, "XacThucVNeID": True,
        "ThanhPhanHoSo": [{"TenGiayTo": "Tờ khai theo mẫu", "DuongDan": "https://dvc.example.gov.vn/tep/1",
                           "MaHash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
                          {"TenGiayTo": "Giấy khai sinh", "DuongDan": "https://dvc.example.gov.vn/tep/2",
                           "MaHash": "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
                           "TaiSuDung": True}],
    }
    document.update(overrides)
    return document


@pytest.fixture
def token(db_session, world):  # type: ignore[no-untyped-def]
    row, _ = api_tokens.create_integration_token(db_session, "Cổng DVC tỉnh", unit_id=world.province.id,
                                                 now=vn(24, 11, 8))
    return row


@pytest.fixture(autouse=True)
def sync_on(db_session):
    db_session.info[portal_sync.SYNC] = True


def test_the_schema_example_is_valid_and_reads_in_desk_terms():
    example = messages.schema(messages.ONLINE)["examples"][0]
    assert messages.problems(messages.ONLINE, example) == []
    read = messages.read_filing(example)
    assert read.applicant_id_kind.value == "cccd" and read.delivery.value == "electronic"
    assert read.submitted_at == vn(7, 12, 8, 5) + timedelta(seconds=12)
    assert [d.reused for d in read.documents] == [False, False]


def test_handing_the_same_dossier_over_twice_makes_one_row(db_session, world, token):
    first = online_dossiers.hand_over(db_session, token, filing(world), now=vn(25, 11, 8))
    again = online_dossiers.hand_over(db_session, token, filing(world), now=vn(25, 11, 8, 1))
    assert first.created and not again.created and again.online.id == first.online.id
    assert db_session.scalar(select(func.count()).select_from(OnlineDossier)) == 1
    row = first.online
    assert row.state is OnlineState.WAITING and row.handovers == 1
    assert row.vneid_verified and not row.paid_online and row.documents[1]["reused"]
    assert row.submitted_at == vn(24, 11, 21, 30) and row.arrived_at == vn(25, 11, 8)


def test_what_the_desk_would_refuse_is_refused_with_the_portal_field(db_session, world, token):
    cases = [
        (filing(world, MaDonVi="000.00.99.H99"), "MaDonVi"),
        (filing(world, MaTTHC="1.999999"), "MaTTHC"),
        (filing(world, NguoiNop={"HoTen": "A", "LoaiGiayTo": 1, "SoGiayTo": "12"}), "NguoiNop/SoGiayTo"),
        (filing(world, HinhThucTra=2), "DiaChiNhanKetQua"),
        (filing(world, NgayNopHoSo="2026-11-24"), "NgayNopHoSo"),
        ({k: v for k, v in filing(world).items() if k != "ThanhPhanHoSo"}, "ThanhPhanHoSo"),
        (filing(world, NguoiNop={"HoTen": "A", "LoaiGiayTo": 2, "SoGiayTo": "B1234567", "SoDienThoai": "12"}),
         "NguoiNop/SoDienThoai"),
    ]
    for document, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            online_dossiers.hand_over(db_session, token, document, now=vn(25, 11, 8))
        assert field in refused.value.errors, (field, refused.value.errors)
        assert all(message.endswith(".") and "property" not in message for message in refused.value.errors.values())
    assert db_session.scalar(select(func.count()).select_from(OnlineDossier)) == 0


def test_a_token_for_one_commune_cannot_deliver_to_another(db_session, world):
    row, _ = api_tokens.create_integration_token(db_session, "Chỉ xã b", unit_id=world.b.unit.id, now=vn(24, 11, 8))
    with pytest.raises(ValidationFailed) as refused:
        online_dossiers.hand_over(db_session, row, filing(world), now=vn(25, 11, 8))
    assert "MaDonVi" in refused.value.errors and refused.value.status_code == 404


def test_accepting_receives_it_now_and_the_clock_starts_at_acceptance(db_session, world, token):
    row = online_dossiers.hand_over(db_session, token, filing(world), now=vn(25, 11, 8)).online
    accepted_at = vn(25, 11, 10, 15)
    dossier = online_dossiers.accept(db_session, world.a.clerk, row.id, version=row.version, now=accepted_at)
    assert dossier.channel is Channel.ONLINE and dossier.portal_code == "G22.99-261125-0042"
    assert dossier.received_at == accepted_at  # not NgayNopHoSo (domain.md D1)
    calendar = unit_calendar(db_session, world.a.unit)
    assert dossier.due_at == calendar.add(accepted_at, world.a.procedure.duration)
    assert [d.name for d in dossier.documents] == ["Tờ khai theo mẫu (bản điện tử)",
                                                   "Giấy khai sinh (tái sử dụng từ kho dữ liệu)"]
    assert row.state is OnlineState.ACCEPTED and row.dossier_id == dossier.id
    message = db_session.scalar(select(PortalMessage).where(PortalMessage.dossier_id == dossier.id))
    assert message.body["MaHoSoCongDVC"] == "G22.99-261125-0042" and message.body["KenhThucHien"] == 2
    assert messages.problems(messages.DOSSIER, message.body) == []
    with pytest.raises(StateConflict):  # accepted twice
        online_dossiers.accept(db_session, world.a.clerk, row.id, version=row.version, now=accepted_at)
    again = online_dossiers.hand_over(db_session, token, filing(world), now=vn(25, 11, 11))
    assert not again.created and again.online.state is OnlineState.ACCEPTED  # a resend after acceptance


def test_an_older_form_and_another_role_are_refused(db_session, world, token):
    row = online_dossiers.hand_over(db_session, token, filing(world), now=vn(25, 11, 8)).online
    with pytest.raises(Conflict):
        online_dossiers.accept(db_session, world.a.clerk, row.id, version=row.version + 1, now=vn(25, 11, 9))
    with pytest.raises(Forbidden):
        online_dossiers.accept(db_session, world.a.officer, row.id, version=row.version, now=vn(25, 11, 9))
    with pytest.raises(Exception):  # the other commune's clerk does not see it
        online_dossiers.accept(db_session, world.b.clerk, row.id, version=row.version, now=vn(25, 11, 9))


def test_a_supplement_goes_back_electronically_and_the_dossier_returns_to_the_queue(db_session, world, token):
    row = online_dossiers.hand_over(db_session, token, filing(world), now=vn(25, 11, 8)).online
    letter = online_dossiers.ask_supplement(
        db_session, world.a.clerk, row.id, version=row.version, reason="Thiếu giấy tờ theo quy định.",
        missing=("Giấy chứng sinh (bản chụp rõ nét)",), citizen_message="Vui lòng tải lên bản chụp rõ.",
        now=vn(25, 11, 9))
    assert letter.kind is NonReceptionKind.INCOMPLETE and letter.channel is Channel.ONLINE
    assert row.state is OnlineState.SUPPLEMENT and row.non_reception_id == letter.id
    answer = db_session.scalar(select(PortalMessage).where(PortalMessage.online_dossier_id == row.id))
    sent = messages.envelope(answer.message_id, answer.sequence, portal_sync.ANSWER_KIND, answer.body)
    assert messages.problems(messages.ENVELOPE, sent) == []
    assert answer.body["TrangThaiHoSo"] == DossierStatus.SUPPLEMENT_REQUESTED.national_code == 5
    assert answer.body["DanhSachGiayToBoSung"] == ["Giấy chứng sinh (bản chụp rõ nét)"]
    assert answer.body["SoPhieu"] == f"{letter.number}/2026"
    assert online_dossiers.queue(db_session, world.a.clerk, now=vn(25, 11, 10)) == []

    back = online_dossiers.hand_over(db_session, token, filing(world, NoiDung="Đã bổ sung"), now=vn(26, 11, 14))
    assert not back.created and back.online.state is OnlineState.WAITING and back.online.handovers == 2
    assert back.online.note == "Đã bổ sung"
    [waiting] = online_dossiers.queue(db_session, world.a.clerk, now=vn(26, 11, 16))
    assert waiting.online.id == row.id and waiting.waited == timedelta(hours=2)

    refused = online_dossiers.refuse(db_session, world.a.clerk, row.id, version=row.version,
                                     reason="Không thuộc thẩm quyền của xã.", now=vn(26, 11, 16, 30))
    assert refused.kind is NonReceptionKind.REFUSED and row.state is OnlineState.REFUSED
    answers = db_session.scalars(select(PortalMessage).where(PortalMessage.online_dossier_id == row.id)
                                 .order_by(PortalMessage.sequence)).all()
    assert [(a.sequence, a.body["TrangThaiHoSo"]) for a in answers] == [(1, 5), (2, 3)]


def test_the_queue_counts_working_time_only(db_session, world, token):
    online_dossiers.hand_over(db_session, token, filing(world), now=vn(27, 11, 16))  # Friday 16:00
    [waiting] = online_dossiers.queue(db_session, world.a.clerk, now=vn(30, 11, 9))  # Monday 09:00
    windows = unit_calendar(db_session, world.a.unit)
    assert waiting.waited == windows.elapsed(vn(27, 11, 16), vn(30, 11, 9))
    assert waiting.waited == timedelta(hours=3)  # 16:00–17:30 and 07:30–09:00, not the 65 hours of the wall clock


def test_names_arrive_in_nfc(db_session, world, token):
    decomposed = unicodedata.normalize("NFD", "Trần Thị Mai")
    document = filing(world, NguoiNop={"HoTen": decomposed, "LoaiGiayTo": 1, "SoGiayTo": "001190012345"})
    row = online_dossiers.hand_over(db_session, token, document, now=vn(25, 11, 8)).online
    assert row.applicant_name == "Trần Thị Mai"


def test_its_personal_data_goes_with_what_it_became(db_session, world, token):
    from app.services import privacy

    accepted = online_dossiers.hand_over(db_session, token, filing(world), now=vn(25, 11, 8)).online
    dossier = online_dossiers.accept(db_session, world.a.clerk, accepted.id, version=accepted.version,
                                     now=vn(25, 11, 9))
    refused_row = online_dossiers.hand_over(db_session, token, filing(world, MaHoSo="G22.99-261125-0043"),
                                            now=vn(25, 11, 8)).online
    letter = online_dossiers.refuse(db_session, world.a.clerk, refused_row.id, version=refused_row.version,
                                    reason="Không thuộc thẩm quyền.", now=vn(25, 11, 9))
    assert +privacy._erase_online_followers(db_session, world.a.unit.id, vn(25, 11, 10)) == {}
    dossier.personal_data_erased_at = letter.personal_data_erased_at = vn(1, 12, 1)  # by the retention job
    db_session.flush()
    erased = privacy._erase_online_followers(db_session, world.a.unit.id, vn(2, 12, 1))
    assert erased == {"dossier": 1, "non_reception": 1}
    for row in (accepted, refused_row):
        db_session.refresh(row)
        assert (row.applicant_id_number, row.applicant_phone, row.documents) == ("", "", [])
        assert row.personal_data_erased_at is not None


def test_an_access_request_finds_the_dossiers_filed_online(db_session, world, token):
    from app.services import privacy

    online_dossiers.hand_over(db_session, token, filing(world), now=vn(25, 11, 8))
    found = privacy.find_person(db_session, world.a.leader, "001190012345", now=vn(25, 11, 9))
    assert [o.portal_code for o in found.online] == ["G22.99-261125-0042"] and found.found == 1
    content, _ = privacy.person_export(db_session, world.a.leader, "001190012345", now=vn(25, 11, 9), fmt="xlsx")
    from openpyxl import load_workbook
    import io

    sheet = load_workbook(io.BytesIO(content))["Trực tuyến"]
    assert "G22.99-261125-0042" in [c.value for row in sheet.iter_rows() for c in row]
