"""Fixtures of the web tests."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain.localtime import VN_TZ
from app.domain.registers import Register
from app.domain.workflow import Channel, NonReceptionKind
from app.domain.objectives import parse_period
from app.services import api_tokens, calendar, exports, online_dossiers, reception, registers
from app.services.sweep import run_sweep
from models import Department, DossierNotice, ExpectedDelay, Nonconformity
from tests.builders import make_department
from tests.citizen_states import LOOK_AT, People, make_states
from tests.integration.test_reception import reception_input
from tests.integration.test_online_dossiers import filing as online_filing


@pytest.fixture
def states(db_session, world, clock):
    """Dossiers of commune a in every state a citizen may look at (tests.citizen_states), at LOOK_AT."""
    clock.at = LOOK_AT
    a = world.a
    tokens = make_states(db_session, People(a.clerk, a.officer, a.leader), a.procedure)
    db_session.commit()
    return tokens


@pytest.fixture
def rows(db_session, world):
    """One row of commune a for each kind of row an address can name."""
    a = world.a
    dossier = reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id),
                                        now=datetime(2026, 11, 2, 9, tzinfo=VN_TZ))
    run_sweep(db_session, now=datetime(2026, 11, 10, 9, tzinfo=VN_TZ))  # overdue: a nonconformity
    nonconformity = db_session.scalars(select(Nonconformity).where(Nonconformity.unit_id == a.unit.id)).first()
    turned_away = reception.turn_away(db_session, a.clerk, NonReceptionKind.INCOMPLETE, reception.NonReceptionInput(
        procedure_id=a.procedure.id,
        applicant=reception.ApplicantInput(name="Trần Thị Cúc", id_kind=reception_input(1).applicant.id_kind,
                                           id_number="001203004568"),
        reason="Thiếu giấy tờ.", missing=("Bản sao giấy khai sinh",), channel=Channel.DIRECT),
        now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    entry = registers.save_entry(db_session, a.admin, Register.INTERNAL, a.unit.id, registers.EntryInput(
        code="QT-01", title="Quy trình tiếp nhận", edition="01", issued_on=date(2026, 1, 5), approver="Chủ tịch"),
        now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    override = calendar.add_override(db_session, a.admin, a.unit.id, day=date(2026, 12, 26), working=True,
                                     reason="Làm bù", now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    token_row, a_token = api_tokens.create_token(db_session, a.clerk, a.clerk.id, "Máy tiếp nhận",
                                                 now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    _, b_token = api_tokens.create_token(db_session, world.b.leader, world.b.leader.id, "Máy lãnh đạo",
                                         now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    department = db_session.scalar(select(Department).where(Department.unit_id == a.unit.id)) \
        or make_department(db_session, unit=a.unit)
    notice = DossierNotice(unit_id=a.unit.id, dossier_id=dossier.id, form="02", number=1, year=2026,
                           at=dossier.received_at, by_id=a.officer.id, reason="Thiếu", missing="Tờ khai")
    db_session.add(notice)
    db_session.add(ExpectedDelay(unit_id=a.unit.id, dossier_id=dossier.id, marked_at=dossier.received_at,
                                 marked_by_id=a.officer.id, reason="Chờ xác minh", proposed_due_at=dossier.due_at,
                                 drafted_at=dossier.received_at))
    platform, a_platform = api_tokens.create_integration_token(db_session, "Cổng", unit_id=world.province.id,
                                                               now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    _, b_platform = api_tokens.create_integration_token(db_session, "Cổng xã b", unit_id=world.b.unit.id,
                                                        now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    online = online_dossiers.hand_over(db_session, platform, online_filing(world),
                                       now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ)).online
    export = exports.request_iso_pack(db_session, a.leader, a.unit.id, parse_period("2026-11"), base_url="http://x/",
                                      now=datetime(2026, 11, 20, 9, tzinfo=VN_TZ))
    db_session.flush()
    return {
        "job_id": export.id,
        "online_id": online.id, "portal_code": online.portal_code, "_a_platform": a_platform,
        "_b_platform": b_platform,
        "dossier_id": dossier.id, "code": dossier.code, "record_id": None, "entry_id": entry.id,
        "override_id": override.id, "token_id": token_row.id, "department_id": department.id,
        "unit_id": a.unit.id, "user_id": a.clerk.id, "procedure_id": a.procedure.id, "notice_id": notice.id,
        "name": Register.INTERNAL.value, "form_code": "01", "action": "hand_over", "step": "analyse",
        "slug": "cua-toi", "fmt": "pdf", "_nonconformity": nonconformity.id, "_non_reception": turned_away.id,
        "_a_token": a_token, "_b_token": b_token,
    }
