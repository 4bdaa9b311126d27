"""The queue "Hồ sơ trực tuyến chờ tiếp nhận": dossiers filed on the portal, decided at the desk (issue 21)."""

from __future__ import annotations

from flask import render_template, request, url_for

from app.domain.online import OnlineState
from app.domain.roles import Role
from app.domain.workflow import NonReceptionKind
from app.services import online_dossiers
from app.web.context import actor, get_session, now, role_required
from app.web.reception.forms import OnlineDecisionForm, OnlineTurnAwayForm
from app.web.reception.views import bp
from app.web.views import form_status, submit

TABS = {"cho": (OnlineState.WAITING,), "bo-sung": (OnlineState.SUPPLEMENT,),
        "da-xu-ly": (OnlineState.ACCEPTED, OnlineState.REFUSED)}


@bp.get("/truc-tuyen")
@role_required(Role.CLERK)
def online_queue():  # type: ignore[no-untyped-def]
    tab = request.args.get("tab", "cho")
    rows = online_dossiers.queue(get_session(), actor(), now=now(), states=TABS.get(tab, TABS["cho"]))
    return render_template("reception/online_queue.html", rows=rows, tab=tab if tab in TABS else "cho",
                           waiting=online_dossiers.waiting_count(get_session(), actor().unit_id))


def _version(form) -> int | None:  # type: ignore[no-untyped-def]
    text = (form.version.data or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


@bp.route("/truc-tuyen/<int:online_id>", methods=["GET", "POST"])
@role_required(Role.CLERK)
def online_dossier(online_id: int):  # type: ignore[no-untyped-def]
    """One dossier filed online: accept it, or send back Mẫu 02 / Mẫu 03 (the posted ``decision``)."""
    session, user = get_session(), actor()
    row = online_dossiers.get_online(session, user, online_id)
    decision = request.form.get("decision", "") if request.method == "POST" else ""
    accept_form = OnlineDecisionForm(prefix="accept", formdata=request.form if decision == "accept" else None)
    supplement_form = OnlineTurnAwayForm(prefix="supplement",
                                         formdata=request.form if decision == "supplement" else None)
    refuse_form = OnlineTurnAwayForm(prefix="refuse", formdata=request.form if decision == "refuse" else None)
    if decision == "accept":
        response = submit(accept_form, lambda: online_dossiers.accept(session, user, row.id,
                                                                      version=_version(accept_form), now=now()),
                          message=lambda d: f"Đã tiếp nhận hồ sơ trực tuyến, mã hồ sơ {d.code}.",
                          then=lambda d: url_for("reception.dossier", dossier_id=d.id, printed="new"))
    elif decision in ("supplement", "refuse"):
        form = supplement_form if decision == "supplement" else refuse_form
        kind = NonReceptionKind.INCOMPLETE if decision == "supplement" else NonReceptionKind.REFUSED

        def act():  # type: ignore[no-untyped-def]
            if kind is NonReceptionKind.INCOMPLETE:
                return online_dossiers.ask_supplement(
                    session, user, row.id, version=_version(form), reason=form.reason.data or "",
                    missing=tuple((form.missing.data or "").splitlines()),
                    citizen_message=form.citizen_message.data or "", now=now())
            return online_dossiers.refuse(session, user, row.id, version=_version(form),
                                          reason=form.reason.data or "",
                                          citizen_message=form.citizen_message.data or "", now=now())

        response = submit(form, act, message=lambda r: (
            f"Đã gửi {'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ' if kind is NonReceptionKind.INCOMPLETE else 'Phiếu từ chối tiếp nhận'} "
            f"số {r.number} cho công dân qua cổng dịch vụ công."),
            then=lambda r: url_for("reception.non_reception", record_id=r.id, printed="new"))
    else:
        response = None
    if response is not None:
        return response
    for name, form in (("accept", accept_form), ("supplement", supplement_form), ("refuse", refuse_form)):
        if name != decision:  # a refused form keeps what was posted, the version the clerk saw included
            form.version.data = str(row.version)
    if decision != "supplement":
        supplement_form.missing.data = "\n".join(d["name"] for d in row.documents)
    waited = online_dossiers.queue_row(session, row, now=now())
    status = form_status(accept_form if decision == "accept" else supplement_form if decision == "supplement"
                         else refuse_form) if decision else 200
    return render_template("reception/online_dossier.html", row=row, waited=waited, decision=decision,
                           accept_form=accept_form, supplement_form=supplement_form, refuse_form=refuse_form), status
