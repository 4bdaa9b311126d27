"""Views of the leadership reports: thin wrappers around services.dashboard and services.reports."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request, url_for

from app.domain.errors import DomainError
from app.domain.localtime import local_date
from app.domain.objectives import Period, custom, parse_period, recent_periods
from app.domain.reports import SMALL_SAMPLE, days_shown
from app.domain.roles import Role
from app.services import dashboard, reports
from app.services.errors import ValidationFailed
from app.services.rows import MAX_ID
from app.web import charts
from app.web.context import actor, get_read_session, get_session, now, role_required, streamed
from app.web.forms import query_int
from printing import reports as printed

bp = Blueprint("reports", __name__, url_prefix="/thong-ke")

READERS = (Role.LEADER, Role.INSPECTOR, Role.ADMIN)
PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period() -> Period:
    """``ky`` (2026-11, 2026-q4, 2026) or a custom range ``tu``–``den`` (dates as the browser sends them)."""
    first, last = request.args.get("tu", "").strip(), request.args.get("den", "").strip()
    try:
        if first or last:
            try:
                first_day, last_day = date.fromisoformat(first), date.fromisoformat(last)
            except ValueError:
                raise DomainError("Ngày không hợp lệ; chọn ngày bắt đầu và ngày kết thúc.", field="period") from None
            return custom(first_day, last_day)
        return parse_period(request.args.get("ky") or f"{local_date(now()):%Y-%m}")
    except DomainError as error:
        raise ValidationFailed({"ky": error.message}) from None


def _unit_id() -> int | None:
    value = request.args.get("don-vi", type=query_int)
    if value is None:
        return None
    if not 0 < value <= MAX_ID:
        raise ValidationFailed({"don-vi": "Đơn vị không hợp lệ."})
    return value


def _drill(period: Period) -> reports.Drill:
    try:
        return reports.Drill(request.args.get("chi-so", "population"), period,
                             procedure_code=request.args.get("thu-tuc", "")[:40],
                             field=request.args.get("linh-vuc", "")[:255])
    except DomainError as error:
        raise ValidationFailed({"chi-so": error.message}) from None


def _query(period: Period, unit_id: int | None, **extra: object) -> dict[str, object]:
    """The query string of a page about ``period`` and ``unit_id`` (for links and exports)."""
    args: dict[str, object] = {}
    if period.kind.value == "custom":
        args.update(tu=period.start.isoformat(), den=period.last_day.isoformat())
    else:
        args["ky"] = period.slug
    if unit_id is not None:
        args["don-vi"] = unit_id
    args.update({k: v for k, v in extra.items() if v not in (None, "")})
    return args


def _common(period: Period, unit_id: int | None) -> dict[str, object]:
    session, user = get_session(), actor()
    choices = dashboard.units_in_scope(session, user, None)

    def drill_url(metric: str, **kw: object) -> str:
        return url_for("reports.dossiers", **_query(period, unit_id, **{"chi-so": metric}, **kw))

    return dict(period=period, unit_id=unit_id, periods=recent_periods(local_date(now())),
                units=choices if len(choices) > 1 else [], query=lambda **kw: _query(period, unit_id, **kw),
                unit_query=lambda other: _query(period, other),
                drill_url=drill_url, days_shown=days_shown, SMALL_SAMPLE=SMALL_SAMPLE)


@bp.get("/")
@role_required(*READERS)
def index():  # type: ignore[no-untyped-def]
    period, unit_id = _period(), _unit_id()
    data = dashboard.dashboard(get_read_session(), actor(), unit_id, period, now=now())
    unit_rows = [(r.label, r.figures.on_time.rate, r.figures.on_time.shown) for r in data.ranked]
    field_rows = [(name, f.on_time.rate, f.on_time.shown) for name, f in data.grouped.by_field().items()]
    return render_template(
        "reports/dashboard.html", data=data, **_common(period, unit_id),
        trend_chart=charts.trend_chart(data.trend) if data.trend else None,
        unit_chart=charts.rate_bars(unit_rows, title="Tỷ lệ đúng hạn theo đơn vị") if unit_rows else None,
        field_chart=charts.rate_bars(field_rows, title="Tỷ lệ đúng hạn theo lĩnh vực") if field_rows else None,
    )


@bp.get("/bieu-06")
@role_required(*READERS)
def bieu_06():  # type: ignore[no-untyped-def]
    period, unit_id = _period(), _unit_id()
    data = dashboard.dashboard(get_read_session(), actor(), unit_id, period, now=now(), with_trend=False)
    return render_template("reports/bieu06.html", data=data, rows=dashboard.bieu_06_rows(data),
                           values=dashboard.bieu_06_values, metrics=dashboard.BIEU_06_FIGURES, **_common(period, unit_id))


@bp.get("/chi-so-766")
@role_required(*READERS)
def indicators():  # type: ignore[no-untyped-def]
    period, unit_id = _period(), _unit_id()
    data = dashboard.dashboard(get_read_session(), actor(), unit_id, period, now=now(), with_trend=False)
    return render_template("reports/indicators.html", data=data, **_common(period, unit_id))


@bp.get("/ho-so")
@role_required(*READERS)
def dossiers():  # type: ignore[no-untyped-def]
    period, unit_id = _period(), _unit_id()
    drill = _drill(period)
    session, user = get_read_session(), actor()
    units = dashboard.units_in_scope(session, user, unit_id)
    total = dashboard.list_count(session, units, drill, now=now())
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(request.args.get("trang", type=query_int) or 1, 1), pages)
    rows = list(dashboard.list_rows(session, units, drill, now=now(), limit=PER_PAGE, offset=(page - 1) * PER_PAGE))
    return render_template(
        "reports/dossiers.html", drill=drill, rows=rows, total=total, page=page, pages=pages,
        headings=dashboard.LIST_HEADINGS, metrics=reports.DRILL_METRICS,
        can_export=dashboard.can_export_list(session, user, units), **_common(period, unit_id),
    )


EXPORTS = {"tong-hop": dashboard.dashboard_report, "bieu-06": dashboard.bieu_06_report,
           "chi-so-766": dashboard.indicators_report}


@bp.get("/xuat/<name>.<fmt>")
@role_required(*READERS)
def export(name: str, fmt: str):  # type: ignore[no-untyped-def]
    if fmt not in ("pdf", "xlsx", "csv") or (name not in EXPORTS and name != "ho-so"):
        abort(404)
    period, unit_id = _period(), _unit_id()
    session, user = get_session(), actor()
    filename = f"{name}-{period.slug}.{fmt}"
    if name == "ho-so":
        drill = _drill(period)
        units = dashboard.units_in_scope(session, user, unit_id)
        if fmt == "csv":
            lines = dashboard.list_csv(session, user, units, drill, now=now())
            session.commit()  # the audit entry, before the rows stream out
            # The rows are read on the stream's own session, closed however the download ends.
            response = Response(streamed(lines), mimetype="text/csv; charset=utf-8")
        else:
            report = dashboard.list_report(session, user, units, drill, now=now(), fmt=fmt)
            session.commit()
            response = _document(report, fmt)
        response.headers["Cache-Control"] = "no-store"  # personal data
    else:
        if fmt == "csv":
            abort(404)
        data = dashboard.dashboard(session, user, unit_id, period, now=now(), with_trend=name == "tong-hop")
        dashboard.log_export(session, user, data.units, f"{name}.{fmt}", {"period": period.slug}, now=now())
        session.commit()
        response = _document(EXPORTS[name](data, now()), fmt)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _document(report: printed.Report, fmt: str) -> Response:
    if fmt == "pdf":
        return Response(printed.pdf(report), mimetype="application/pdf")
    return Response(printed.xlsx(report), mimetype=XLSX)
