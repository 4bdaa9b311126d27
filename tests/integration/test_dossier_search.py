"""Finding a dossier at the desk: code fragment, name with or without diacritics, phone, ID number; through an
index (range scans on both databases), never a LIKE '%…%' over every row."""

from __future__ import annotations

import pytest
from sqlalchemy import text, tuple_, update

from app.domain.search_terms import parse_query
from app.domain.workflow import IdKind, NonReceptionKind
from app.services import dossier_search, queues, reception
from models import Dossier
from tests.integration.test_reception import reception_input
from tests.integration.test_processing import vn


@pytest.fixture
def nhung(db_session, world):
    a = world.a
    return reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id, applicant=reception.ApplicantInput(
        name="Nguyễn Thị Hồng Nhung", id_kind=IdKind.CITIZEN_ID, id_number="001 192 004 321", phone="0912.345.678",
        owner_name="Trần Văn Bảo", owner_id_number="001090000555")), now=vn(25, 11, 9))


@pytest.fixture
def other(db_session, world):
    a = world.a
    return reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id, applicant=reception.ApplicantInput(
        name="Nguyễn Hồng Nhật", id_kind=IdKind.CITIZEN_ID, id_number="001192009999", phone="0987000111")),
        now=vn(25, 11, 10))


def codes(db_session, world, query, unit=None):  # type: ignore[no-untyped-def]
    found, _ = dossier_search.find(db_session, query, [(unit or world.a.unit).id])
    return [d.code for d in found]


@pytest.mark.parametrize("query", [
    "hong nhung", "Hồng Nhung", "HONG NHUNG", "Nguyễn Thị Hồng Nhung", "nguyen thi hong", "nhung", "hong nhu",
    "nguyen nhung",  # words apart in the name
    "tran van bao", "Bảo",  # the owner
    "0912345678", "0912 345 678", "+84 912 345 678", "0912.345",
    "001192004321", "001 192 004 321", "001090000555",
])
def test_a_dossier_is_found_by_name_phone_or_id(db_session, world, nhung, other, query):
    assert codes(db_session, world, query) == [nhung.code]


def test_a_code_fragment_finds_the_dossier_and_a_shared_word_finds_both(db_session, world, nhung, other):
    head, day, number = nhung.code.rsplit("-", 2)[0], *nhung.code.rsplit("-", 2)[1:]
    assert codes(db_session, world, nhung.code) == [nhung.code]
    assert codes(db_session, world, f"{day}-{number}") == [nhung.code]
    assert codes(db_session, world, head.split(".")[-1] + f"-{day}") == [other.code, nhung.code]  # "h77-261125"
    assert codes(db_session, world, "hong") == [other.code, nhung.code]  # newest first
    assert codes(db_session, world, "nguyen hong") == [other.code]  # the phrase first ("Nguyễn Hồng Nhật")
    assert codes(db_session, world, "hoang") == [] and codes(db_session, world, "0999") == []


def test_another_commune_finds_nothing_of_this_one(db_session, world, nhung):
    assert codes(db_session, world, "hong nhung", unit=world.b.unit) == []


def test_requests_turned_away_are_found_too(db_session, world):
    a = world.a
    reception.turn_away(db_session, a.clerk, NonReceptionKind.REFUSED, reception.NonReceptionInput(
        procedure_id=a.procedure.id, reason="Không thuộc thẩm quyền", applicant=reception.ApplicantInput(
            name="Lê Thị Thu Hà", id_kind=IdKind.CITIZEN_ID, id_number="001192007777", phone="0905111222")),
        now=vn(25, 11, 9))
    for query in ("thu ha", "Thu Hà", "0905111222"):
        _, turned = dossier_search.find(db_session, query, [a.unit.id])
        assert [r.applicant_name for r in turned] == ["Lê Thị Thu Hà"]


def test_erased_personal_data_is_no_longer_found_but_the_code_is(db_session, world, nhung):
    db_session.execute(update(Dossier).where(Dossier.id == nhung.id).values(
        applicant_name="[đã xoá]", applicant_phone="", applicant_id_number="", owner_name="", owner_id_number=""))
    dossier_search.reindex(db_session, dossier_ids=[nhung.id])
    assert codes(db_session, world, "hong nhung") == [] and codes(db_session, world, "0912345678") == []
    assert codes(db_session, world, nhung.code) == [nhung.code]


def test_the_work_queue_filter_uses_the_index(db_session, world, nhung, other):
    a = world.a
    page = queues.queue(db_session, a.clerk, queues.QueueKind.MINE, queues.QueueFilter(text="hong nhung"),
                        now=vn(25, 11, 11))
    assert [row.dossier.code for row in page.rows] == [nhung.code]


def test_the_lookup_is_an_index_range_scan(db_session, world, nhung):
    statement = dossier_search.matching_dossier_ids("hong nhung 0912", [world.a.unit.id])
    compiled = statement.compile(db_session.get_bind(), compile_kwargs={"literal_binds": True})
    assert "LIKE" not in str(compiled).upper()
    if db_session.get_bind().dialect.name == "sqlite":
        plan = " ".join(str(row[-1]) for row in db_session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "SCAN dossier_search_term" not in plan and "USING COVERING INDEX ix_dossier_search_term_unit" in plan, plan
    else:
        # A few rows: the planner may as well read them through the per-dossier index (used to rewrite one
        # dossier's terms). Without it and without a sequential scan, show the term index serves the range.
        db_session.execute(text("SET LOCAL enable_seqscan = off"))
        db_session.execute(text("DROP INDEX ix_dossier_search_term_dossier"))  # rolled back with the test
        plan = " ".join(row[0] for row in db_session.execute(text(f"EXPLAIN {compiled}")))
        assert "Seq Scan on dossier_search_term" not in plan and "ix_dossier_search_term_unit" in plan, plan


def test_queries_split_as_a_clerk_types_them():
    assert parse_query("0912 345 678").fragments == (("0912345678",),)
    assert parse_query("261125-0001").fragments == (("2611250001", "261125-0001"),)  # a number, or a code's tail
    assert parse_query("Hồng  Nhung").words == ("hong", "nhung")
    import unicodedata
    assert parse_query(unicodedata.normalize("NFD", "Hồng Nhung")) == parse_query("Hồng Nhung")  # typed as NFD
    assert parse_query("H99-261125 nhung") == parse_query("h99-261125   Nhung")
    assert parse_query("  ").empty and parse_query("!!").empty


def test_the_dossiers_page_searches_without_diacritics_within_the_unit(client, login, world, nhung, other,
                                                                              db_session):
    login("a.clerk")
    page = client.get("/ho-so?q=hong+nhung").get_data(as_text=True)
    assert nhung.code in page and other.code not in page
    assert other.code in client.get("/ho-so?q=0987000111").get_data(as_text=True)
    login("b.clerk")
    assert nhung.code not in client.get("/ho-so?q=hong+nhung").get_data(as_text=True)


def test_the_list_pages_newest_first_by_keyset_without_counting(db_session, world):
    from datetime import timedelta

    a = world.a
    made = [reception.receive_dossier(db_session, a.clerk, reception_input(a.procedure.id), now=vn(25, 11, 8)
                                      + timedelta(minutes=7 * i)) for i in range(7)]
    seen, after = [], None
    for _ in range(5):  # 7 dossiers, 3 a page: 3 pages (never loop on a cursor that does not move)
        page, after = dossier_search.latest(db_session, [a.unit.id], after=after, limit=3)
        seen += [d.code for d in page]
        if after is None:
            break
        assert dossier_search.Cursor.decode(after.encode()) == after  # what the "Xem tiếp" link carries
    assert seen == [d.code for d in reversed(made)]
    assert dossier_search.Cursor.decode("rubbish") is None and dossier_search.Cursor.decode("") is None


def test_the_province_s_newest_dossiers_are_read_from_an_index(db_session, world, nhung):
    """An inspector's list (every unit) and a commune's: read from an index in order, never a sort of all rows."""
    from sqlalchemy import select

    bind = db_session.get_bind()
    for units in (None, [world.a.unit.id]):
        statement = select(Dossier.id)
        if units is not None:
            statement = statement.where(Dossier.unit_id.in_(units))
        statement = statement.where(
            tuple_(Dossier.received_at, Dossier.id) < tuple_(nhung.received_at, nhung.id + 1)
        ).order_by(Dossier.received_at.desc(), Dossier.id.desc()).limit(50)
        compiled = statement.compile(bind, compile_kwargs={"literal_binds": True})
        if bind.dialect.name == "sqlite":
            plan = " ".join(str(row[-1]) for row in db_session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan and "ix_dossier_" in plan, plan
        else:
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):  # a few rows: can the index do it?
                db_session.execute(text(f"SET LOCAL {setting} = off"))
            plan = " ".join(row[0] for row in db_session.execute(text(f"EXPLAIN {compiled}")))
            assert "Sort" not in plan and "Scan Backward using ix_dossier_" in plan, plan
