"""The leaders' page of the reconciliation with the provincial platform (issue 21, §4)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for

from app.domain.localtime import local_date
from app.domain.reconcile import Gap, Rate
from app.domain.workflow import DossierStatus
from app.integrations.portal.client import configured_listing
from app.services import dashboard, reconciliation
from app.services.errors import StateConflict, ValidationFailed
from app.web.context import actor, get_session, now, role_required
from app.web.forms import query_int
from app.web.reports.views import READERS, bp
from models import Dossier


def _unit_id() -> int:
    value = (request.form if request.method == "POST" else request.args).get("don-vi", type=query_int)
    return value if value is not None and 0 < value < 2**31 else actor().unit_id


@bp.get("/doi-chieu")
@role_required(*READERS)
def reconcile():  # type: ignore[no-untyped-def]
    session, user = get_session(), actor()
    unit = reconciliation.check_leader(session, user, _unit_id())
    latest = reconciliation.latest(session, unit.id)
    codes = [d["code"] for d in (latest.differences if latest else [])]
    here = dict(session.query(Dossier.code, Dossier.id).filter(Dossier.code.in_(codes[:500])).all()) if codes else {}
    yesterday = local_date(now()) - timedelta(days=1)
    units = dashboard.units_in_scope(session, user, None)
    return render_template(
        "reports/reconcile.html", unit=unit, units=units if len(units) > 1 else [], latest=latest, here=here,
        history=reconciliation.runs(session, unit.id), gaps={g.value: g.label for g in Gap},
        rates=(Rate(latest.our_finished, latest.our_on_time), Rate(latest.their_finished, latest.their_on_time))
        if latest else None,
        statuses={str(s.national_code): f"{s.national_code} — {s.label}" for s in DossierStatus},
        first=yesterday - timedelta(days=29), last=yesterday, configured=bool(current_app.config.get("PORTAL_SYNC_URL")))


@bp.post("/doi-chieu")
@role_required(*READERS)
def run_reconcile():  # type: ignore[no-untyped-def]
    session, user = get_session(), actor()
    unit = reconciliation.check_leader(session, user, _unit_id())
    listing = configured_listing(current_app.config)
    if listing is None:
        raise StateConflict({"portal": "Chưa cấu hình hệ thống của tỉnh (PORTAL_SYNC_URL)."})
    try:
        first, last = date.fromisoformat(request.form.get("tu", "")), date.fromisoformat(request.form.get("den", ""))
    except ValueError:
        raise ValidationFailed({"tu": "Chọn ngày bắt đầu và ngày kết thúc."}) from None
    run = reconciliation.reconcile(session, unit, first, last, listing, now=now(), actor=user)
    session.commit()
    flash(f"Không đối chiếu được: {run.error}" if run.error else
          f"Đã đối chiếu: {len(run.differences)} chênh lệch.", "error" if run.error else "success")
    return redirect(url_for("reports.reconcile", **{"don-vi": unit.id}))
