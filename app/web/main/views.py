"""Views of the home page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from app.domain.localtime import local_date
from app.services.catalogue import list_procedures
from app.services.units import list_units
from app.web.context import actor, get_session, now

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():  # type: ignore[no-untyped-def]
    """The user's starting page: their unit, their roles, their work areas."""
    session, user = get_session(), actor()
    procedures = list_procedures(session, user, user.unit_id, in_force_on=local_date(now()))
    units = list_units(session, user)
    return render_template(
        "main/home.html", user=user, procedure_count=len(procedures), unit_count=len(units)
    )
