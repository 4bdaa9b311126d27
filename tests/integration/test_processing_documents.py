"""What the workflow prints: the control slip filled from the handovers, Mẫu 02/04/05, the logbook's columns."""

from datetime import date

from app.domain.workflow import Action
from app.services import documents
from tests.integration.test_processing import act, to_leader, vn
from tests.pdfcheck import page_sizes_mm, pdf_text

BASE = "https://motcua.example.vn"


def slip_text(session, user, dossier, at):
    printed = documents.print_control_slip(session, user, dossier.id, base_url=BASE, now=at)
    return " ".join(pdf_text(printed.content)), printed


def test_the_control_slip_fills_recorded_rows_and_plans_the_rest(db_session, world, desk):
    a = world.a
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10), to_user_id=a.officer.id)
    text, printed = slip_text(db_session, a.officer, desk, vn(25, 11, 11))
    # Row 1 recorded: time, both people, the desk's step result; the rest planned and blank.
    assert "10 giờ 00 phút, ngày 25 tháng 11 năm 2026" in text
    assert a.clerk.full_name in text and a.officer.full_name in text
    assert text.count("Đúng hạn") == 1
    assert text.count("…… giờ …… phút") == 3  # officer → leader, leader → desk, desk → citizen
    assert "Hạn bước: 10:00 27/11/2026" in text  # the officer's 2 days from Wed 10:00
    assert printed.record.subject_version == desk.version


def test_the_control_slip_of_a_returned_dossier_is_complete(db_session, world, desk):
    a = world.a
    to_leader(db_session, world, desk)
    act(db_session, a.leader, desk, Action.FINISH, vn(30, 11, 10))
    act(db_session, a.clerk, desk, Action.RETURN_RESULT, vn(30, 11, 14))
    text, printed = slip_text(db_session, a.clerk, desk, vn(30, 11, 15))
    assert "…… giờ" not in text
    assert text.count("Quá hạn") == 2  # the leader's step and the return row
    assert "Trước hạn" in text and "Tổ chức, cá nhân" in text
    assert page_sizes_mm(printed.content)[0] == (210, 297)


def test_notices_print_with_their_numbers(db_session, world, desk):
    a = world.a
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10))
    act(db_session, a.officer, desk, Action.REQUEST_SUPPLEMENT, vn(25, 11, 11), reason="Tờ khai thiếu chữ ký",
        missing=("Tờ khai có chữ ký của người yêu cầu",))
    act(db_session, a.clerk, desk, Action.RECEIVE_SUPPLEMENT, vn(26, 11, 9))
    act(db_session, a.leader, desk, Action.RESCHEDULE, vn(26, 11, 10), reason="Chờ kết quả xác minh",
        new_due_at=vn(4, 12, 16, 30))
    act(db_session, a.clerk, desk, Action.STOP, vn(27, 11, 9), reason="Công dân đề nghị dừng",
        fee_handling="Hoàn trả lệ phí đã nộp")
    supplement, apology, stop = desk.notices
    texts = {}
    for notice in desk.notices:
        printed = documents.print_notice(db_session, a.clerk, notice.id, base_url=BASE, now=vn(27, 11, 10))
        assert printed.record.form == notice.form and printed.record.dossier_id == desk.id
        texts[notice.form] = " ".join(pdf_text(printed.content))
    assert "Số: 1/PYCBS" in texts["02"] and "Tờ khai có chữ ký của người yêu cầu" in texts["02"]
    assert "Số: 1/XL" in texts["04"] and "16 giờ 30 phút, ngày 04 tháng 12 năm 2026" in texts["04"]
    assert a.leader.full_name in texts["04"]
    assert "Số: 1/TB-DGQ" in texts["05"] and "Hoàn trả lệ phí đã nộp" in texts["05"]


def test_the_logbook_has_the_handover_and_return_instants(db_session, world, desk):
    a = world.a
    to_leader(db_session, world, desk)
    act(db_session, a.leader, desk, Action.FINISH, vn(27, 11, 9))
    act(db_session, a.clerk, desk, Action.RETURN_RESULT, vn(27, 11, 14))
    printed = documents.logbook(db_session, a.clerk, a.unit.id, date(2026, 11, 1), date(2026, 11, 30),
                                now=vn(30, 11, 9))
    text = " ".join(pdf_text(printed.content))
    # Sent to processing, result back at the desk, returned to the citizen.
    for instant in ("25/11/2026 10:00", "27/11/2026 09:00", "27/11/2026 14:00"):
        assert instant in text


def test_a_supplement_pause_and_the_moved_appointment_print_on_the_slip_and_a_reprinted_receipt(
        db_session, world, desk):
    a = world.a
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10))
    act(db_session, a.officer, desk, Action.REQUEST_SUPPLEMENT, vn(25, 11, 11), reason="Tờ khai thiếu chữ ký",
        missing=("Tờ khai có chữ ký của người yêu cầu",))
    waiting, _ = slip_text(db_session, a.officer, desk, vn(26, 11, 9))
    assert ("Tạm dừng tính thời gian giải quyết từ 11 giờ 00 phút, ngày 25 tháng 11 năm 2026 đến nay, chờ tổ chức, "
            "cá nhân bổ sung; lý do: Tờ khai thiếu chữ ký (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ số 1/PYCBS)"
            ) in waiting
    assert "Thời gian trả kết quả được tính lại khi nhận đủ hồ sơ bổ sung" in waiting

    act(db_session, a.clerk, desk, Action.RECEIVE_SUPPLEMENT, vn(27, 11, 9))
    slip, _ = slip_text(db_session, a.officer, desk, vn(27, 11, 10))
    receipt = " ".join(pdf_text(documents.print_receipt(db_session, a.clerk, desk.id, base_url=BASE,
                                                        now=vn(27, 11, 10)).content))
    for text in (slip, receipt):
        assert "từ 11 giờ 00 phút, ngày 25 tháng 11 năm 2026 đến 09 giờ 00 phút, ngày 27 tháng 11 năm 2026" in text
        assert "lý do: Tờ khai thiếu chữ ký" in text
        assert ("Thời gian trả kết quả dời từ 09 giờ 00 phút, ngày 30 tháng 11 năm 2026 sang 17 giờ 00 phút, "
                "ngày 01 tháng 12 năm 2026") in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 01 tháng 12 năm 2026" in receipt


def test_the_apology_is_signed_in_the_form_of_decree_30(db_session, world, desk):
    a = world.a
    a.leader.position = "Phó Chủ tịch UBND xã"
    act(db_session, a.clerk, desk, Action.HAND_OVER, vn(25, 11, 10))
    act(db_session, a.leader, desk, Action.RESCHEDULE, vn(26, 11, 10), reason="Chờ kết quả xác minh",
        new_due_at=vn(4, 12, 16, 30))
    (apology,) = desk.notices
    text = " ".join(pdf_text(documents.print_notice(db_session, a.clerk, apology.id, base_url=BASE,
                                                    now=vn(26, 11, 11)).content))
    governing = a.unit.governing_body_name
    assert f"TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH {a.leader.full_name}" in text
    assert a.unit.name.upper() not in text  # the desk does not issue it: the authority does
    assert "Nơi nhận: - Như trên;" in text and "- Lưu: VT." in text
    assert governing.upper().split()[-1] in text
