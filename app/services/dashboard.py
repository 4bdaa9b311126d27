"""The leadership dashboard, Biểu 06, the Quyết định 766 indicators and their exports.

Who sees what: a leader sees their own unit; an inspector every unit, side by
side, or one of them; an admin the units they manage. Aggregates carry no
personal data; the dossier list does (names of citizens), so exporting it is
for the unit's leader or an inspector, and every export is written to the
audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import Session, joinedload

from app.domain.localtime import to_local
from app.domain.objectives import Measure, Period, trend_window
from app.domain.reports import (
    Figures, Indicator766, LeagueRow, TrendPoint, days_shown, indicators_766, league, standing,
)
from app.domain.roles import Role
from app.services import audit, reports
from app.services.access import get_visible_unit
from app.services.errors import Forbidden
from app.services.units import list_units
from models import Dossier, Unit, User
from printing.base import Header
from printing.workbook import Column, csv_line
from printing.reports import Report, ReportTable

LIST_LIMIT = 50_000  # rows in one PDF or XLSX list; the CSV streams any number


def units_in_scope(session: Session, actor: User, unit_id: int | None) -> list[Unit]:
    """The units a report covers: the one asked for (if ``actor`` may see it), else every unit ``actor`` sees."""
    if unit_id is not None:
        return [get_visible_unit(session, actor, unit_id)]
    if actor.has_role(Role.INSPECTOR) or actor.has_role(Role.ADMIN):
        return list_units(session, actor)
    return [get_visible_unit(session, actor, actor.unit_id)]


@dataclass(frozen=True)
class Dashboard:
    units: list[Unit]
    period: Period
    start: datetime
    cut: datetime
    running: bool
    grouped: reports.Grouped
    total: Figures
    per_unit: dict[int, Figures]
    satisfaction: Measure
    satisfaction_per_unit: dict[int, Measure]
    desk_refusals: int
    unhappy: int
    trend: list[TrendPoint]
    trend_period: Period
    steps: list[reports.StepRow]
    officers: list[reports.OfficerRow]
    ranked: list[LeagueRow]
    small: list[LeagueRow]

    @property
    def unit_ids(self) -> list[int]:
        return [u.id for u in self.units]

    @property
    def single(self) -> Unit | None:
        return self.units[0] if len(self.units) == 1 else None

    @property
    def indicators(self) -> list[Indicator766]:
        return indicators_766(self.total, unhappy=self.unhappy)


def dashboard(session: Session, actor: User, unit_id: int | None, period: Period, *, now: datetime,
              with_trend: bool = True) -> Dashboard:
    units = units_in_scope(session, actor, unit_id)
    ids = [u.id for u in units]
    grouped = reports.grouped(session, ids, period, now=now)
    per_unit = grouped.by_unit()
    satisfaction = reports.satisfaction_by_unit(session, ids, period, now=now)
    trend_period = trend_window(period)
    by_name = {u.id: u.governing_body_name for u in units}
    cells = reports.handover_cells(session, ids, period, now=now)
    ranked, small = league((u, by_name[u], per_unit.get(u, Figures())) for u in ids) if len(ids) > 1 else ([], [])
    return Dashboard(
        units=units, period=period, start=grouped.start, cut=grouped.cut, running=grouped.cut < reports.period_bounds(period)[1],
        grouped=grouped, total=grouped.total(), per_unit=per_unit,
        satisfaction=Measure(sum(m.numerator for m in satisfaction.values()),
                             sum(m.denominator for m in satisfaction.values())),
        satisfaction_per_unit=satisfaction,
        desk_refusals=sum(reports.desk_refusals_by_unit(session, ids, period, now=now).values()),
        unhappy=sum(reports.unhappy_by_unit(session, ids, period, now=now).values()),
        trend=reports.trend(session, ids, trend_period, now=now) if with_trend else [], trend_period=trend_period,
        steps=reports.steps(session, ids, period, now=now, cells=cells),
        officers=reports.officers(session, ids, period, now=now, cells=cells),
        ranked=ranked, small=small,
    )


# --- reports as tables (pages, PDF, XLSX) --------------------------------------------------------


def _header(units: Sequence[Unit], now: datetime) -> Header:
    if len(units) == 1:
        unit = units[0]
        return Header(unit.governing_body_name, unit.name, unit.place_name or "", to_local(now).date())
    return Header("ỦY BAN NHÂN DÂN TỈNH", f"Tổng hợp {len(units)} đơn vị", "", to_local(now).date())


def subtitle(data: Dashboard) -> str:
    text = f"Kỳ báo cáo: {data.period.label}"
    if data.running:
        text += f" — số liệu tính đến {to_local(data.cut):%H:%M ngày %d/%m/%Y}"
    return text


BIEU_06_GROUPS = (("STT", 1), ("Lĩnh vực, thủ tục hành chính", 1), ("Số hồ sơ nhận giải quyết", 4),
                  ("Số hồ sơ đã giải quyết", 4), ("Số hồ sơ đang giải quyết", 3))
BIEU_06_COLUMNS = (Column("(1)", 6), Column("(2)", 44), Column("Tổng số (3)", 10), Column("Trực tuyến (4)", 10),
                   Column("Trực tiếp, bưu chính (5)", 11), Column("Từ kỳ trước (6)", 10), Column("Tổng số (7)", 10),
                   Column("Trước hạn (8)", 10), Column("Đúng hạn (9)", 10), Column("Quá hạn (10)", 10),
                   Column("Tổng số (11)", 10), Column("Trong hạn (12)", 10), Column("Quá hạn (13)", 10))


# The figure behind each of columns (3)–(13); also the drill-down metric of each cell.
BIEU_06_FIGURES = ("population", "received_online", "received_direct", "carried_over", "finished", "finished_early",
                   "finished_on_time", "finished_late", "open", "open_in_time", "open_late")


def bieu_06_values(f: Figures) -> list[int]:
    """Columns (3)–(13) of Biểu 06 for one row."""
    return [getattr(f, name) for name in BIEU_06_FIGURES]


@dataclass(frozen=True)
class Bieu06Row:
    number: str
    label: str
    figures: Figures
    level: int  # 0 total, 1 field, 2 procedure
    code: str = ""
    field: str = ""

    @property
    def failed(self) -> list[str]:
        return [c.label for c in self.figures.checks() if not c.ok]


def bieu_06_rows(data: Dashboard) -> list[Bieu06Row]:
    rows = [Bieu06Row("", "Tổng cộng", data.total, 0)]
    procedures = data.grouped.by_procedure()
    for index, (field_name, figures) in enumerate(data.grouped.by_field().items(), start=1):
        rows.append(Bieu06Row(str(index), field_name, figures, 1, field=field_name))
        number = 0
        for (proc_field, code), (name, proc_figures) in procedures.items():
            if proc_field == field_name:
                number += 1
                rows.append(Bieu06Row(f"{index}.{number}", f"{name} ({code})", proc_figures, 2, code=code,
                                      field=field_name))
    return rows


def bieu_06_report(data: Dashboard, now: datetime) -> Report:
    rows = bieu_06_rows(data)
    failed = [f"Dòng “{r.label}”: {label} — không khớp." for r in rows for label in r.failed]
    notes = [
        "(3) = (4) + (5) + (6) = (7) + (11); (7) = (8) + (9) + (10); (11) = (12) + (13).",
        "Hồ sơ yêu cầu bổ sung quá một lần được tính là quá hạn (Quyết định 766/QĐ-TTg, chỉ số 2.1); hạn giải quyết "
        "là hạn theo phiếu hẹn ban đầu, không tính thời gian chờ bổ sung, không theo ngày hẹn lại (Mẫu 04).",
        *(failed or ["Kiểm tra tính nhất quán: tất cả các dòng khớp."]),
    ]
    table = ReportTable(
        "Tình hình, kết quả giải quyết thủ tục hành chính (đơn vị tính: số hồ sơ)", BIEU_06_COLUMNS,
        [[r.number, r.label, *bieu_06_values(r.figures)] for r in rows], groups=BIEU_06_GROUPS, notes=notes,
        bold_rows=frozenset(i for i, r in enumerate(rows) if r.level < 2), sheet_name="Biểu 06",
    )
    return Report(_header(data.units, now), "Biểu số 06/VPCP/KSTT — Tình hình, kết quả giải quyết thủ tục hành "
                  "chính tại cơ quan, đơn vị trực tiếp giải quyết thủ tục hành chính", subtitle(data), [table],
                  signer="THỦ TRƯỞNG ĐƠN VỊ")


def _rate_cells(measure: Measure) -> list[object]:
    return [measure.numerator, measure.denominator, measure.shown]


def indicators_report(data: Dashboard, now: datetime) -> Report:
    indicators = data.indicators
    main = ReportTable(
        "Chỉ số theo Quyết định 766/QĐ-TTg", (Column("Chỉ số", 7), Column("Tên chỉ số", 30), Column("Công thức", 70),
                                                Column("Tử số", 12), Column("Mẫu số", 10), Column("Kết quả", 14),
                                                Column("Ngưỡng", 9), Column("Mức đạt", 10)),
        [[i.code, i.name, i.formula + (f" ({i.note})" if i.note else ""),
          f"{i.numerator:.2f}".replace(".", ",") if not isinstance(i.numerator, int) else i.numerator,
          i.denominator, i.shown, f"{i.threshold:.0f} %" if i.threshold is not None else "—",
          f"{i.attainment:.2f} %".replace(".", ",") if i.attainment is not None else "—"] for i in indicators],
        notes=["Mức đạt: 100 % nếu kết quả ≥ ngưỡng, ngược lại kết quả / ngưỡng (cách chấm điểm của Bộ chỉ số)."],
        sheet_name="Chỉ số 766",
    )
    per_procedure = ReportTable(
        "Chỉ số 2.2 theo từng thủ tục (ngày làm việc)",
        (Column("Lĩnh vực", 24), Column("Mã", 12), Column("Thủ tục", 60), Column("Hồ sơ có kết quả", 14),
         Column("Thời gian trung bình", 16)),
        [[field_name, code, name, f.done, days_shown(f.average_days)]
         for (field_name, code), (name, f) in data.grouped.by_procedure().items()],
        sheet_name="2.2 theo thủ tục",
    )
    return Report(_header(data.units, now), "Chỉ số đánh giá chất lượng phục vụ (Quyết định 766/QĐ-TTg)",
                  subtitle(data), [main, per_procedure])


FIGURE_COLUMNS = (Column("Tiếp nhận hoặc đang giải quyết", 12), Column("Trước hạn", 9), Column("Đúng hạn", 9),
                  Column("Quá hạn", 9), Column("Đang trong hạn", 10), Column("Đang quá hạn", 10),
                  Column("Tỷ lệ đúng hạn", 11), Column("Phải bổ sung", 9), Column("Bổ sung > 1 lần", 9),
                  Column("Thời gian TB (ngày LV)", 11))


def figure_cells(f: Figures) -> list[object]:
    return [f.population, f.finished_early, f.finished_on_time, f.finished_late, f.open_in_time, f.open_late,
            f.on_time.shown, f.supplemented, f.over_one_supplement, days_shown(f.average_days)]


def dashboard_report(data: Dashboard, now: datetime) -> Report:
    t = data.total
    summary = ReportTable(
        "Tổng hợp", (Column("Chỉ tiêu", 60), Column("Số liệu", 20)),
        [["Tỷ lệ giải quyết đúng hạn (QĐ 766, 2.1)", f"{t.on_time.shown} ({t.on_time.numerator}/{t.on_time.denominator})"],
         ["Tiếp nhận trong kỳ (trực tuyến / trực tiếp, bưu chính)", f"{t.received} ({t.received_online} / {t.received_direct})"],
         ["Từ kỳ trước chuyển sang", t.carried_over],
         ["Đã giải quyết: trước hạn / đúng hạn / quá hạn", f"{t.finished} ({t.finished_early} / {t.finished_on_time} / {t.finished_late})"],
         ["Đang giải quyết: trong hạn / quá hạn", f"{t.open} ({t.open_in_time} / {t.open_late})"],
         ["Thời gian giải quyết trung bình (ngày làm việc)", days_shown(t.average_days)],
         ["Hồ sơ phải bổ sung / bổ sung quá một lần", f"{t.supplemented} / {t.over_one_supplement}"],
         ["Từ chối giải quyết / từ chối tiếp nhận (Mẫu 03)", f"{t.refused} / {data.desk_refusals}"],
         ["Rút hoặc dừng giải quyết", t.withdrawn],
         ["Người dân hài lòng", f"{data.satisfaction.shown} ({data.satisfaction.numerator}/{data.satisfaction.denominator})"]],
        sheet_name="Tổng hợp",
    )
    tables = [summary]
    if data.trend:
        tables.append(ReportTable(
            "Diễn biến theo tháng", (Column("Tháng", 12), Column("Tiếp nhận", 10), Column("Đã giải quyết", 10),
                                     Column("Quá hạn (đã GQ)", 10), Column("Đang quá hạn", 10),
                                     Column("Hồ sơ của tháng", 12), Column("Tỷ lệ đúng hạn", 12)),
            [[p.label, p.received, p.finished, p.finished_late, p.open_late, p.population, p.on_time.shown]
             for p in data.trend], sheet_name="Theo tháng"))
    if len(data.units) > 1:
        rows = [[r.rank, r.label, *figure_cells(r.figures)] for r in data.ranked]
        rows += [["Chưa xếp hạng (dưới 20 hồ sơ)", r.label, *figure_cells(r.figures)] for r in data.small]
        tables.append(ReportTable("Theo đơn vị (xếp hạng theo tỷ lệ đúng hạn)",
                                  (Column("Hạng", 8), Column("Đơn vị", 34), *FIGURE_COLUMNS), rows,
                                  notes=["Đơn vị có dưới 20 hồ sơ trong kỳ không được xếp hạng."], sheet_name="Theo đơn vị"))
    tables.append(ReportTable("Theo lĩnh vực", (Column("Lĩnh vực", 40), *FIGURE_COLUMNS),
                              [[name, *figure_cells(f)] for name, f in data.grouped.by_field().items()],
                              sheet_name="Theo lĩnh vực"))
    tables.append(ReportTable("Theo thủ tục", (Column("Mã", 12), Column("Thủ tục", 40), *FIGURE_COLUMNS),
                              [[code, name, *figure_cells(f)] for (_, code), (name, f) in data.grouped.by_procedure().items()],
                              sheet_name="Theo thủ tục"))
    step_columns = (Column("Trước hạn", 9), Column("Đúng hạn", 9), Column("Quá hạn", 9), Column("Tỷ lệ đúng hạn", 11),
                    Column("Đang giữ (hiện nay)", 10), Column("Quá hạn bước (hiện nay)", 10))

    def step_cells(f):  # type: ignore[no-untyped-def]
        return [f.early, f.on_time, f.late, f.in_time.shown, f.held, f.held_late]

    tables.append(ReportTable("Theo bước xử lý", (Column("Thủ tục", 40), Column("Bước", 30), *step_columns),
                              [[f"{s.procedure} ({s.code})", f"{s.position}. {s.step}", *step_cells(s.figures)]
                               for s in data.steps], sheet_name="Theo bước"))
    tables.append(ReportTable("Theo cán bộ", (Column("Cán bộ", 40), *step_columns),
                              [[o.name, *step_cells(o.figures)] for o in data.officers], sheet_name="Theo cán bộ"))
    return Report(_header(data.units, now), "Báo cáo tình hình giải quyết hồ sơ", subtitle(data), tables)


# --- the dossier list behind a number ------------------------------------------------------------


def can_export_list(session: Session, actor: User, units: Sequence[Unit]) -> bool:
    """The list names citizens: the unit's leader, or an inspector."""
    if actor.has_role(Role.INSPECTOR):
        return True
    return actor.has_role(Role.LEADER) and all(u.id == actor.unit_id for u in units)


LIST_HEADINGS = ("Mã hồ sơ", "Đơn vị", "Thủ tục", "Kênh", "Người nộp", "Tiếp nhận", "Hạn giải quyết",
                 "Hẹn lại (Mẫu 04)", "Hoàn thành", "Trạng thái", "Kết quả", "Số lần bổ sung")


def _list_cells(dossier: Dossier, cut: datetime) -> list[object]:
    finished = dossier.finished_at is not None and dossier.finished_at < cut
    label = standing(dossier.finished_at, dossier.due_at, cut, dossier.supplement_count)
    return [dossier.code, dossier.unit.governing_body_name, dossier.procedure.name, dossier.channel.label,
            dossier.applicant_name, dossier.received_at, dossier.due_at, dossier.due_rescheduled_at,
            dossier.finished_at if finished else None, dossier.status.label, label, dossier.supplement_count]


def list_rows(session: Session, units: Sequence[Unit], drill: reports.Drill, *, now: datetime,
              limit: int | None = None, offset: int = 0) -> Iterator[tuple[int, list[object]]]:
    """(dossier id, cells) of the dossiers behind ``drill``, oldest first."""
    _, cut = reports.cut_of(drill.period, now)
    query = (reports.drill_query([u.id for u in units], drill, now=now)
             .options(joinedload(Dossier.unit), joinedload(Dossier.procedure))
             .order_by(Dossier.received_at, Dossier.id).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    for dossier in session.scalars(query.execution_options(yield_per=500)):
        yield dossier.id, _list_cells(dossier, cut)


def list_count(session: Session, units: Sequence[Unit], drill: reports.Drill, *, now: datetime) -> int:
    query = reports.drill_query([u.id for u in units], drill, now=now).with_only_columns(func.count(Dossier.id))
    return int(session.scalar(query) or 0)


def log_export(session: Session, actor: User, units: Sequence[Unit], what: str, detail: dict, *, now: datetime) -> None:
    one = units[0] if len(units) == 1 else None
    audit.record(session, actor, f"report.export.{what}", object_type="unit", object_id=one.id if one else None,
                 unit_id=one.id if one else actor.unit_id, now=now, **detail)


def require_list_export(session: Session, actor: User, units: Sequence[Unit]) -> None:
    if not can_export_list(session, actor, units):
        raise Forbidden("Danh sách hồ sơ có thông tin cá nhân của người dân: chỉ lãnh đạo đơn vị hoặc thanh tra "
                        "được xuất.")


CSV_BATCH = 500
Reader = Callable[[], AbstractContextManager[Session]]  # a short read-only session (app.db.streamed)


def list_csv(session: Session, actor: User, units: Sequence[Unit], drill: reports.Drill, *,
             now: datetime) -> Callable[[Reader], Iterator[str]]:
    """The CSV (UTF-8 with BOM, for Excel) of the dossiers behind ``drill``, for a streamed response.

    Checked and logged on ``session`` now. What it returns writes the lines: it
    reads the rows a batch at a time (oldest first, continuing after the last
    row sent), each batch in a short session from ``reader`` that is closed
    before the batch is sent, so a slow download holds no connection.
    """
    require_list_export(session, actor, units)
    log_export(session, actor, units, "csv", {"metric": drill.metric, "period": drill.period.slug,
                                              "procedure": drill.procedure_code, "field": drill.field}, now=now)
    unit_ids = [u.id for u in units]
    _, cut = reports.cut_of(drill.period, now)

    def lines(reader: Reader) -> Iterator[str]:
        yield "\ufeff" + csv_line(LIST_HEADINGS)
        after: tuple[datetime, int] | None = None
        while True:
            query = (reports.drill_query(unit_ids, drill, now=now)
                     .options(joinedload(Dossier.unit), joinedload(Dossier.procedure))
                     .order_by(Dossier.received_at, Dossier.id).limit(CSV_BATCH))
            if after is not None:
                query = query.where(or_(Dossier.received_at > after[0],
                                        and_(Dossier.received_at == after[0], Dossier.id > after[1])))
            with reader() as batch_session:
                batch = [((d.received_at, d.id), _list_cells(d, cut)) for d in batch_session.scalars(query)]
            yield "".join(csv_line([_csv_value(v) for v in cells]) for _, cells in batch)
            if len(batch) < CSV_BATCH:
                return
            after = batch[-1][0]

    return lines


def _csv_value(value: object) -> object:
    if isinstance(value, datetime):
        return f"{to_local(value):%Y-%m-%d %H:%M}"
    return "" if value is None else value


def list_report(session: Session, actor: User, units: Sequence[Unit], drill: reports.Drill, *, now: datetime,
                fmt: str) -> Report:
    require_list_export(session, actor, units)
    rows = [cells for _, cells in list_rows(session, units, drill, now=now, limit=LIST_LIMIT)]
    log_export(session, actor, units, fmt, {"metric": drill.metric, "period": drill.period.slug, "rows": len(rows),
                                            "procedure": drill.procedure_code, "field": drill.field}, now=now)
    widths = (16, 18, 30, 9, 18, 12, 12, 12, 12, 12, 12, 7)
    title = drill.label + (f" — {drill.field}" if drill.field else "") + (
        f" — thủ tục {drill.procedure_code}" if drill.procedure_code else "")
    notes = [f"Chỉ in {LIST_LIMIT:,} hồ sơ đầu; xuất CSV để có đủ.".replace(",", ".")] if len(rows) >= LIST_LIMIT else []
    table = ReportTable(title, [Column(h, w) for h, w in zip(LIST_HEADINGS, widths)], rows, notes=notes,
                        sheet_name="Danh sách hồ sơ")
    _, cut = reports.cut_of(drill.period, now)
    text = f"Kỳ: {drill.period.label}" + (f" — tính đến {to_local(cut):%H:%M ngày %d/%m/%Y}"
                                          if cut < reports.period_bounds(drill.period)[1] else "")
    return Report(_header(units, now), "Danh sách hồ sơ", text, [table])

