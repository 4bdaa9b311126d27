"""Template filters and globals: Vietnamese dates, amounts, labels."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask

from app.domain.monitoring import FLAG_ACTION_LABELS
from app.domain.durations import format_amount
from app.domain.localtime import to_local
from app.domain import satisfaction
from app.domain.roles import Role
from app.domain.workflow import Action
from app.domain.vn_words import time_left, instant_in_words, money, weekday_name, working_span


def vn_datetime(value: datetime | None) -> str:
    """"14:05 ngày 24/11/2026" in Vietnam time; empty for None."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def vn_date(value: date | None) -> str:
    """"24/11/2026"; empty for None."""
    return "" if value is None else f"{value:%d/%m/%Y}"


def vn_amount(value: Decimal | int | None) -> str:
    """"0,5" or "3"; empty for None."""
    return "" if value is None else format_amount(Decimal(value))


def vn_weekday(value: date | datetime) -> str:
    """"Thứ Năm" for a Thursday."""
    return weekday_name(value)


def vn_local(value: datetime | None) -> str:
    """"16:00 Thứ Năm, 26/11/2026" for a naive local instant (the calendar's own)."""
    if value is None:
        return ""
    return f"{value:%H:%M} {vn_weekday(value)}, {value:%d/%m/%Y}"


def unit_label(unit) -> str:  # type: ignore[no-untyped-def]
    """"ỦY BAN NHÂN DÂN XÃ AN BÌNH — TRUNG TÂM …": the commune first, as people name it."""
    return f"{unit.governing_body_name} — {unit.name}"


def register(app: Flask) -> None:
    """Install the filters and globals on ``app``'s Jinja environment."""
    app.add_template_filter(vn_datetime)
    app.add_template_filter(vn_date)
    app.add_template_filter(vn_amount)
    app.add_template_filter(unit_label)
    app.add_template_filter(vn_weekday)
    app.add_template_filter(vn_local)
    app.add_template_filter(instant_in_words, "vn_words")
    app.add_template_filter(money, "vn_money")
    app.add_template_filter(time_left, "vn_time_left")
    app.add_template_filter(working_span, "vn_span")
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.globals["unread_messages"] = _unread_messages
    app.jinja_env.globals["satisfaction"] = satisfaction
    app.jinja_env.globals["action_labels"] = {
        "receive": "Tiếp nhận hồ sơ", **{a.value: a.label for a in Action}, **FLAG_ACTION_LABELS,
    }


def _unread_messages() -> int:
    """How many of the logged-in person's messages in the app are unread (the badge in the header)."""
    from flask_login import current_user

    from app.db import get_session
    from app.services.outbox import unread_count

    if not current_user.is_authenticated:
        return 0
    return unread_count(get_session(), current_user._get_current_object())
