"""A unit's working calendar: its overrides, and the WorkCalendar built from them."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.worktime import WorkCalendar
from app.services import audit, status_pages
from app.services.access import get_manageable_unit, get_visible_unit
from app.services.errors import NotFound
from app.services.rows import find
from app.services.validation import Errors, text_field
from models import CalendarOverride, Unit, User


_CACHE_SIZE = 64
_local = threading.local()


def unit_calendar(session: Session, unit: Unit) -> WorkCalendar:
    """The unit's WorkCalendar: its windows and cut-off, the national calendar, its overrides."""
    return calendar_of(session, unit.id, unit.working_windows, unit.same_day_cutoff)


def calendar_of(session: Session, unit_id: int, windows: str, same_day_cutoff: time) -> WorkCalendar:
    """The WorkCalendar of a unit given its windows and cut-off (when the unit row is not loaded).

    Reads the overrides every time, and reuses the WorkCalendar already built
    from exactly the same data (its precomputed years are the costly part).
    The reuse is per thread, so a calendar extending its years is never seen
    half-done by another thread.
    """
    overrides = session.execute(
        select(CalendarOverride.day, CalendarOverride.working, CalendarOverride.reason)
        .where(CalendarOverride.unit_id == unit_id)
    ).all()
    return _calendar(windows, same_day_cutoff, [tuple(o) for o in overrides])


def calendars_of_units(session: Session, unit_ids: Iterable[int] | None = None) -> dict[int, WorkCalendar]:
    """The WorkCalendars of many units (default: every unit) in two queries, for the sweep and reports."""
    units = select(Unit.id, Unit.working_windows, Unit.same_day_cutoff)
    overrides = select(CalendarOverride.unit_id, CalendarOverride.day, CalendarOverride.working,
                       CalendarOverride.reason)
    if unit_ids is not None:
        ids = list(unit_ids)
        units = units.where(Unit.id.in_(ids))
        overrides = overrides.where(CalendarOverride.unit_id.in_(ids))
    by_unit: dict[int, list[tuple]] = defaultdict(list)
    for unit_id, day, working, reason in session.execute(overrides):
        by_unit[unit_id].append((day, working, reason))
    return {
        unit_id: _calendar(windows, cutoff, by_unit.get(unit_id, []))
        for unit_id, windows, cutoff in session.execute(units)
    }


def _calendar(windows: str, same_day_cutoff: time, overrides: list[tuple]) -> WorkCalendar:
    key = (windows, same_day_cutoff, tuple(sorted(overrides)))
    cache: OrderedDict[tuple, WorkCalendar] | None = getattr(_local, "calendars", None)
    if cache is None:
        cache = _local.calendars = OrderedDict()
    calendar = cache.get(key)
    if calendar is None:
        calendar = WorkCalendar(
            windows=windows,
            days_off=[(day, reason) for day, working, reason in overrides if not working],
            workdays=[(day, reason) for day, working, reason in overrides if working],
            same_day_cutoff=same_day_cutoff,
        )
        cache[key] = calendar
        if len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return calendar


def list_overrides(session: Session, actor: User, unit_id: int, *, year: int) -> list[CalendarOverride]:
    """The overrides of a unit ``actor`` may see, in ``year``, by day."""
    get_visible_unit(session, actor, unit_id)
    return list(
        session.scalars(
            select(CalendarOverride)
            .where(
                CalendarOverride.unit_id == unit_id,
                CalendarOverride.day >= date(year, 1, 1),
                CalendarOverride.day <= date(year, 12, 31),
            )
            .order_by(CalendarOverride.day)
        )
    )


def add_override(
    session: Session, actor: User, unit_id: int, *, day: date | None, working: bool, reason: str, now: datetime
) -> CalendarOverride:
    """Make ``day`` a working day or a day off for the unit, with a reason."""
    unit = get_manageable_unit(session, actor, unit_id)
    errors = Errors()
    clean_reason = text_field(errors, "reason", reason, 255)
    if day is None:
        errors.add("day", "Vui lòng chọn ngày.")
    else:
        existing = session.scalar(
            select(CalendarOverride).where(CalendarOverride.unit_id == unit.id, CalendarOverride.day == day)
        )
        if existing is not None:
            errors.add("day", f"Ngày {day:%d/%m/%Y} đã được đơn vị điều chỉnh ({existing.reason}); xoá điều chỉnh đó trước.")
        else:
            current = unit_calendar(session, unit).day_info(day)
            if current.working == working:
                state = "ngày làm việc" if working else "ngày nghỉ"
                why = f" ({current.reason})" if current.reason else ""
                errors.add("day", f"Ngày {day:%d/%m/%Y} vốn đã là {state}{why}.")
    errors.raise_if_any()
    override = CalendarOverride(
        unit_id=unit.id, day=day, working=working, reason=clean_reason, created_by_id=actor.id, created_at=now
    )
    session.add(override)
    session.flush()
    _audit(session, actor, "calendar.add", override, now)
    return override


def _audit(session: Session, actor: User, action: str, override: CalendarOverride, now: datetime) -> None:
    status_pages.forget_unit(session, override.unit_id)  # the dates its citizens' pages show
    audit.record(session, actor, action, object_type="calendar_override", object_id=override.id,
                 unit_id=override.unit_id, now=now, day=override.day.isoformat(), working=override.working,
                 reason=override.reason)


def remove_override(session: Session, actor: User, override_id: int, *, now: datetime) -> CalendarOverride:
    """Take back one of a unit's overrides."""
    override = find(session, CalendarOverride, override_id)
    if override is None:
        raise NotFound("Không tìm thấy ngày điều chỉnh.")
    get_manageable_unit(session, actor, override.unit_id)
    _audit(session, actor, "calendar.remove", override, now)
    session.delete(override)
    session.flush()
    return override


