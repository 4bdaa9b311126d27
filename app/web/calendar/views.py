"""Views of the calendar blueprint."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from app.domain.calendar_view import WEEKDAY_NAMES, special_days, year_view
from app.domain.durations import Duration, DurationKind
from app.domain.errors import DomainError
from app.domain.localtime import to_local
from app.domain.roles import Role
from app.domain.vn_calendar import OFFICIAL_NOTICES
from app.services import calendar as service
from app.services.access import get_visible_unit, manageable_unit_ids
from app.services.catalogue import get_procedure, list_procedures
from app.services.units import list_units
from app.web.calendar.forms import OverrideForm, TryForm
from app.web.context import actor, get_session, now, role_required
from app.web.forms import choices, query_int
from app.web.views import form_status, submit

bp = Blueprint("calendar", __name__, url_prefix="/lich")


def _year() -> int:
    year = request.args.get("nam", type=query_int) or to_local(now()).year
    return min(max(year, 2000), 2100)


@bp.get("")
@login_required
def index():  # type: ignore[no-untyped-def]
    """The unit's calendar for a year, and the due-date try-out box."""
    return _page(OverrideForm(formdata=None), status=200)


def _page(override_form: OverrideForm, *, status: int):  # type: ignore[no-untyped-def]
    session, user = get_session(), actor()
    unit = get_visible_unit(session, user, request.args.get("unit", type=query_int) or user.unit_id)
    year = _year()
    cal = service.unit_calendar(session, unit)
    try_form = TryForm(request.args)
    today = to_local(now())
    procedures = list_procedures(session, user, unit.id, in_force_on=today.date())
    try_form.procedure_id.choices = choices(
        [("", "— Chọn thủ tục —")] + [(p.id, f"{p.code} · {p.name} ({p.duration.describe()})") for p in procedures]
    )
    if not request.args.get("start"):
        try_form.start.data = today.replace(tzinfo=None, second=0, microsecond=0)
    return (
        render_template(
            "calendar/index.html",
            unit=unit,
            units=list_units(session, user),
            year=year,
            status=cal.year_status(year),
            notice=OFFICIAL_NOTICES.get(year),
            months=year_view(cal, year),
            weekdays=WEEKDAY_NAMES,
            specials=special_days(cal, year),
            overrides=service.list_overrides(session, user, unit.id, year=year),
            can_edit=unit.id in manageable_unit_ids(session, user),
            form=override_form,
            try_form=try_form,
            trial=_try(cal, try_form) if request.args.get("start") else None,
            today=today.date(),
        ),
        status,
    )


def _try(cal, form: TryForm):  # type: ignore[no-untyped-def]
    """The due instant and the days counted, or a Vietnamese reason it cannot be computed."""
    if not form.validate() or form.start.data is None:
        return {"error": "Vui lòng nhập thời điểm tiếp nhận hợp lệ (ngày và giờ)."}
    try:
        if form.procedure_id.data:
            procedure = get_procedure(get_session(), actor(), form.procedure_id.data)
            duration, label = procedure.duration, f"{procedure.name} — {procedure.duration.describe()}"
        else:
            duration = Duration.of(DurationKind(form.kind.data), form.amount.data)
            label = duration.describe()
    except (DomainError, ValueError) as error:
        message = getattr(error, "message", None) or "Thời hạn không hợp lệ."
        return {"error": message}
    start = form.start.data
    if not date(2000, 1, 1) <= start.date() <= date(2100, 12, 31):
        return {"error": "Chỉ tính được cho các năm từ 2000 đến 2100."}
    due = cal.add(start, duration)
    return {
        "label": label,
        "start": start,
        "clock_start": cal.start_of_clock(start),
        "due": due,
        "days": cal.counted_days(start, due) if duration.kind is not DurationKind.CALENDAR_DAYS else [],
        "calendar_days": duration.kind is DurationKind.CALENDAR_DAYS,
        "same_day": duration.kind is DurationKind.SAME_DAY,
        "cutoff": cal.same_day_cutoff,
    }


@bp.post("/dieu-chinh")
@role_required(Role.ADMIN)
def add_override():  # type: ignore[no-untyped-def]
    """Make a day a working day or a day off for the unit."""
    session, user = get_session(), actor()
    unit_id = request.args.get("unit", type=query_int) or user.unit_id
    form = OverrideForm()
    done = submit(
        form,
        lambda: service.add_override(
            session, user, unit_id, day=form.day.data, working=form.working.data == "1",
            reason=form.reason.data or "", now=now(),
        ),
        message=lambda o: f"Đã điều chỉnh ngày {o.day:%d/%m/%Y} thành {'ngày làm việc' if o.working else 'ngày nghỉ'}.",
        then=lambda o: url_for("calendar.index", unit=o.unit_id, nam=o.day.year) + "#dieu-chinh",
    )
    return done or _page(form, status=form_status(form))


@bp.post("/dieu-chinh/<int:override_id>/xoa")
@role_required(Role.ADMIN)
def remove_override(override_id: int):  # type: ignore[no-untyped-def]
    """Take back one of the unit's overrides."""
    session = get_session()
    override = service.remove_override(session, actor(), override_id, now=now())
    session.commit()
    flash(f"Đã bỏ điều chỉnh ngày {override.day:%d/%m/%Y}.", "success")
    return redirect(url_for("calendar.index", unit=override.unit_id, nam=override.day.year) + "#dieu-chinh")
