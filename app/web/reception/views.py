"""Views of the reception desk: thin wrappers around services.reception and services.documents."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import login_required

from app.domain.catalogue import DocumentSpec
from app.domain.citizen_card import read_card
from app.domain.errors import DomainError
from app.domain.localtime import local_date
from app.domain.paper import PaperSize
from app.domain.roles import Role
from app.domain.vn_words import instant_in_words
from app.domain.workflow import Channel, IdKind, NonReceptionKind, ResultDelivery
from app.services import citizen, delays, documents, dossier_search, exports, portal_sync, privacy, processing, reception
from app.services.access import visible_unit_ids
from app.services.catalogue import get_procedure
from app.services.errors import NotFound, ValidationFailed
from app.services.units import list_units
from app.web.context import actor, get_session, now, role_required
from app.web.forms import choices, query_int
from app.web.monitoring.forms import ExpectedDelayForm
from app.web.reception.forms import (
    SPARE_ROWS,
    LogbookForm,
    PrintForm,
    ReceptionForm,
    ReissueLinkForm,
    TurnAwayForm,
)
from app.web.views import apply_errors, form_status, submit
from models import Dossier, NonReception

bp = Blueprint("reception", __name__)

PRINTABLE = {"01": documents.print_receipt, "06": documents.print_control_slip,
             "01-06": documents.print_desk_pair}  # both in one PDF: one print dialog at the desk


def base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or request.url_root


def _applicant(form) -> reception.ApplicantInput:  # type: ignore[no-untyped-def]
    return reception.ApplicantInput(
        name=form.applicant_name.data or "",
        id_kind=IdKind(form.applicant_id_kind.data),
        id_number=form.applicant_id_number.data or "",
        phone=form.applicant_phone.data or "",
        email=form.applicant_email.data or "",
        address=form.applicant_address.data or "",
        owner_name=form.data.get("owner_name") or "",  # the turn-away form has no owner fields
        owner_id_number=form.data.get("owner_id_number") or "",
        birth_date=form.data.get("applicant_birth_date") or "",
    )


def _procedure_for_desk(procedure_id: int | None):  # type: ignore[no-untyped-def]
    if procedure_id is None:
        return None
    try:
        procedure = get_procedure(get_session(), actor(), procedure_id)
    except NotFound:
        return None
    if procedure.unit_id != actor().unit_id or not procedure.validity.contains(local_date(now())):
        return None
    return procedure


@bp.route("/tiep-nhan", methods=["GET", "POST"])
@role_required(Role.CLERK)
def receive():  # type: ignore[no-untyped-def]
    """Pick the procedure, then fill in the dossier and save: the code and due instant are allocated."""
    session, user = get_session(), actor()
    procedure = _procedure_for_desk(request.args.get("procedure", type=query_int))
    if procedure is None:
        query = request.args.get("q", "")[:100]
        return render_template(
            "reception/pick.html", query=query,
            procedures=reception.search_procedures(session, user, query, now=now()),
        )
    carried = request.method == "POST" and request.form.get("carry") == "1"  # back from Mẫu 02/03: typing kept
    form = ReceptionForm(formdata=request.form) if carried else ReceptionForm()
    if not form.is_submitted() or (carried and not form.documents.entries):
        while form.documents.entries:
            form.documents.pop_entry()
        for document in procedure.documents:
            form.documents.append_entry({
                "received": True, "name": document.name, "originals": document.originals,
                "certified_copies": document.certified_copies, "photocopies": document.photocopies,
            })
    for _ in range(SPARE_ROWS if not form.is_submitted() or carried else 0):
        form.documents.append_entry()
    missing: tuple[str, ...] = ()

    def action() -> Dossier:
        rows = [row.form for row in form.documents]
        data = reception.ReceptionInput(
            procedure_id=procedure.id,
            applicant=_applicant(form),
            channel=Channel(form.channel.data),
            sets_count=1 if form.sets_count.data is None else form.sets_count.data,
            documents=tuple(
                DocumentSpec(r.name.data or "", r.originals.data or 0, r.certified_copies.data or 0, r.photocopies.data or 0)
                for r in rows if r.received.data and (r.name.data or "").strip()
            ),
            fee_amount=form.fee_amount.data or 0,
            fee_note=form.fee_note.data or "",
            result_delivery=ResultDelivery(form.result_delivery.data),
            delivery_address=form.delivery_address.data or "",
            note=form.note.data or "",
        )
        try:
            return reception.receive_dossier(session, user, data, now=now())
        except reception.MissingDocuments as refused:
            nonlocal missing
            missing = refused.missing
            raise

    response = None if carried else submit(
        form, action,
        message=lambda d: f"Đã tiếp nhận hồ sơ {d.code}. Hẹn trả kết quả: {instant_in_words(d.due_at)}.",
        then=lambda d: url_for("reception.dossier", dossier_id=d.id, printed="new"),
    )
    if response is not None:
        return response
    return render_template("reception/receive.html", form=form, procedure=procedure, missing=missing,
                           calendar_preview=reception.preview_due(session, user, procedure, now=now())), \
        200 if carried else form_status(form)


@bp.post("/tiep-nhan/the-can-cuoc")
@role_required(Role.CLERK)
def read_citizen_card():  # type: ignore[no-untyped-def]
    """What a scanned Căn cước / CCCD QR holds (the reception form fills itself from it); nothing is stored."""
    try:
        card = read_card(request.form.get("text", "")[:2000])
    except DomainError as error:
        return jsonify(error=error.message), 400
    return jsonify(name=card.name, id_kind="cccd", id_number=card.id_number, address=card.address, sex=card.sex,
                   birth_date=f"{card.birth_date:%d/%m/%Y}", issued_on=f"{card.issued_on:%d/%m/%Y}")


@bp.route("/tiep-nhan/khong-tiep-nhan", methods=["GET", "POST"])
@role_required(Role.CLERK)
def turn_away():  # type: ignore[no-untyped-def]
    """Mẫu 02 (incomplete: guide the citizen) or Mẫu 03 (refuse, with the reason), without receiving."""
    session, user = get_session(), actor()
    procedure = _procedure_for_desk(request.args.get("procedure", type=query_int))
    try:
        kind = NonReceptionKind(request.args.get("kind", ""))
    except ValueError:
        kind = None
    if procedure is None or kind is None:
        return redirect(url_for("reception.receive"))
    carried = request.form.get("carry") == "1"  # from the reception form: what the clerk typed comes along
    form = TurnAwayForm(formdata=request.form) if carried else TurnAwayForm()
    if (carried or not form.is_submitted()) and kind is NonReceptionKind.INCOMPLETE:
        form.missing.data = request.form.get("missing_prefill") or "\n".join(d.name for d in procedure.documents)
    if carried:
        return render_template("reception/turn_away.html", form=form, procedure=procedure, kind=kind)

    def action() -> NonReception:
        data = reception.NonReceptionInput(
            procedure_id=procedure.id, applicant=_applicant(form), reason=form.reason.data or "",
            missing=tuple((form.missing.data or "").splitlines()), channel=Channel(form.channel.data),
            citizen_message=form.citizen_message.data or "",
        )
        return reception.turn_away(session, user, kind, data, now=now())

    response = submit(
        form, action,
        message=lambda r: f"Đã lập {'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ' if kind is NonReceptionKind.INCOMPLETE else 'Phiếu từ chối tiếp nhận'} số {r.number}.",
        then=lambda r: url_for("reception.non_reception", record_id=r.id, printed="new"),
    )
    if response is not None:
        return response
    return render_template("reception/turn_away.html", form=form, procedure=procedure, kind=kind), form_status(form)


@bp.get("/ho-so")
@login_required
def dossiers():  # type: ignore[no-untyped-def]
    """The unit's latest dossiers and turn-aways, searchable by code fragment, name (diacritics optional),
    phone or ID number (app.services.dossier_search: an index, at any scale)."""
    session, user = get_session(), actor()
    query = request.args.get("q", "").strip()[:100]
    after = dossier_search.Cursor.decode(request.args.get("sau", ""))
    units = visible_unit_ids(session, user)
    found, following = dossier_search.latest(session, units, after=after, text=query)
    turned_away: list[NonReception] = []
    if after is None:  # the requests turned away: on the first page only
        if query:
            turned_away = dossier_search.turned_away(session, query, units)
        else:
            turned_away = dossier_search.latest_turned_away(session, units)
    if query:
        privacy.log_search(session, user, [*found, *turned_away], now=now(), where="ho-so")
        session.commit()
    return render_template("reception/dossiers.html", dossiers=found, turned=turned_away, query=query,
                           following=following.encode() if following else "", first_page=after is None)


@bp.get("/ho-so/<int:dossier_id>")
@login_required
def dossier(dossier_id: int):  # type: ignore[no-untyped-def]
    """All the dossier's data, the due instant in words, and every document printed so far."""
    session, user = get_session(), actor()
    item = reception.get_dossier(session, user, dossier_id)
    privacy.log_view(session, user, item, now=now())
    session.commit()
    return dossier_page(item, ReissueLinkForm())


def dossier_page(item: Dossier, reissue_form: ReissueLinkForm | None = None, status: int = 200, *,  # type: ignore[no-untyped-def]
                 delay_form: ExpectedDelayForm | None = None):
    """The dossier page; a form refused elsewhere on it comes back with its errors (and status 400)."""
    session, user = get_session(), actor()
    reissue_form = reissue_form or ReissueLinkForm()
    delay = delays.delay_of(session, item.id)
    if delay_form is None:
        current = delay if delay and not delay.withdrawn_at else None
        delay_form = ExpectedDelayForm(formdata=None, version=str(current.version) if current else "",
                                       reason=current.reason if current else "",
                                       proposed_due_on=local_date(current.proposed_due_at) if current else None)
    return render_template("reception/dossier.html", dossier=item, prints=documents.list_prints(session, item),
                           print_form=PrintForm(), form_names=documents.FORM_NAMES,
                           actions=processing.available_actions(session, user, item),
                           progress=processing.progress(session, item, now=now()),
                           can_print_desk=documents.can_print_desk_forms(user, item.unit_id),
                           can_print_slip=documents.can_print_control_slip(user, item.unit_id),
                           can_reissue=citizen.can_reissue_status_link(user, item),
                           reissue_form=reissue_form, reissues=citizen.status_link_history(session, item),
                           rating=citizen.rating_of(session, item), sync=portal_sync.sync_state(session, item.id),
                           can_resend=portal_sync.can_resend(user, item) and bool(session.info.get(portal_sync.SYNC)),
                           resend_form=ReissueLinkForm(formdata=None),
                           status_url=documents.status_url(base_url(), item.token),
                           delay=delay, can_mark_delay=delays.can_mark(session, user, item),
                           delay_form=delay_form,
                           just_received=request.args.get("printed") == "new"), status


@bp.post("/ho-so/<int:dossier_id>/cap-lai-ma-tra-cuu")
@login_required
def reissue_status_link(dossier_id: int):  # type: ignore[no-untyped-def]
    """A lost receipt: a new status link; the old QR stops working."""
    session, user = get_session(), actor()
    form = ReissueLinkForm()
    done = submit(
        form,
        lambda: citizen.reissue_status_link(session, user, dossier_id, reason=form.reason.data or "", now=now()),
        message=lambda d: "Đã cấp mã tra cứu mới; mã QR trên giấy cũ không còn dùng được. "
                          "In lại Giấy tiếp nhận hồ sơ để giao cho công dân.",
        then=lambda d: url_for("reception.dossier", dossier_id=d.id) + "#tra-cuu-heading",
    )
    if done is not None:
        return done
    return dossier_page(reception.get_dossier(session, user, dossier_id), form, 400)


@bp.post("/ho-so/<int:dossier_id>/gui-lai-cong")
@login_required
def resend_to_portal(dossier_id: int):  # type: ignore[no-untyped-def]
    """Send the dossier to the provincial platform again (a refused message fixed, or a copy that differs)."""
    session, user = get_session(), actor()
    item = reception.get_dossier(session, user, dossier_id)
    done = portal_sync.resend_dossier(session, user, item, now=now())
    session.commit()
    flash(done, "success")
    return redirect(request.form.get("next") if _local_path(request.form.get("next")) else
                    url_for("reception.dossier", dossier_id=item.id))


def _local_path(target: str | None) -> bool:
    return bool(target) and target.startswith("/") and not target.startswith("//") and "\\" not in target


@bp.post("/ho-so/<int:dossier_id>/in/<form_code>")
@login_required
def print_dossier_form(dossier_id: int, form_code: str):  # type: ignore[no-untyped-def]
    """The PDF of Mẫu 01, 06 or both (01-06), inline for the browser's print dialog; the prints are recorded."""
    render = PRINTABLE.get(form_code)
    if render is None:
        raise NotFound("Không có mẫu này.")
    reception.get_dossier(get_session(), actor(), dossier_id)  # another unit's dossier: 404 before anything else
    form = PrintForm()
    if not form.validate_on_submit():
        raise ValidationFailed({"paper": "Khổ giấy không hợp lệ."})
    paper = PaperSize(form.paper.data) if form.paper.data else None
    printed = render(get_session(), actor(), dossier_id, base_url=base_url(), now=now(), paper=paper)
    get_session().commit()
    return send_pdf(printed)


@bp.get("/phieu/<int:record_id>")
@login_required
def non_reception(record_id: int):  # type: ignore[no-untyped-def]
    """A request turned away at the counter, with its Mẫu 02 / Mẫu 03 to print."""
    session, user = get_session(), actor()
    record = reception.get_non_reception(session, user, record_id)
    privacy.log_view(session, user, record, now=now())
    session.commit()
    return render_template("reception/non_reception.html", record=record, print_form=PrintForm(),
                           can_print=documents.can_print_desk_forms(user, record.unit_id),
                           just_made=request.args.get("printed") == "new")


@bp.post("/phieu/<int:record_id>/in")
@login_required
def print_non_reception(record_id: int):  # type: ignore[no-untyped-def]
    reception.get_non_reception(get_session(), actor(), record_id)  # another unit's record: 404 first
    form = PrintForm()
    if not form.validate_on_submit():
        raise ValidationFailed({"paper": "Khổ giấy không hợp lệ."})
    paper = PaperSize(form.paper.data) if form.paper.data else None
    printed = documents.print_non_reception(get_session(), actor(), record_id, base_url=base_url(), now=now(), paper=paper)
    get_session().commit()
    return send_pdf(printed)


@bp.route("/so-theo-doi", methods=["GET", "POST"])
@role_required(Role.CLERK, Role.LEADER, Role.ADMIN, Role.INSPECTOR)
def logbook():  # type: ignore[no-untyped-def]
    """Mẫu 07 for a period and unit, as A4 landscape PDF or XLSX."""
    session, user = get_session(), actor()
    form = LogbookForm()
    form.unit.choices = choices([(u.id, u.governing_body_name) for u in list_units(session, user)])
    if not (user.has_role(Role.LEADER) or user.has_role(Role.INSPECTOR)):
        form.fmt.choices = [c for c in form.fmt.choices if c.value != "xlsx"]  # list exports: leaders and inspectors
    if not form.is_submitted():
        today = local_date(now())
        form.unit.data = user.unit_id
        form.first.data = today.replace(day=1)
        form.last.data = today
    if form.validate_on_submit():
        xlsx = form.fmt.data == "xlsx"
        try:
            made = exports.logbook(session, user, form.unit.data, form.first.data, form.last.data, xlsx=xlsx,
                                   now=now())
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            session.commit()
            if isinstance(made, documents.Printed):
                return send_pdf(made, attachment=xlsx)
            flash(f"Sổ có hơn {exports.LOGBOOK_INLINE_ROWS} hồ sơ: máy chủ đang tạo tệp, khi xong sẽ có thông "
                  "báo và nút tải về trên trang này.", "success")
            return redirect(url_for("exports.job", job_id=made.id), code=303)
    return render_template("reception/logbook.html", form=form), form_status(form)


def send_pdf(printed: documents.Printed, *, attachment: bool = False):  # type: ignore[no-untyped-def]
    response = send_file(io.BytesIO(printed.content), mimetype=printed.mimetype, as_attachment=attachment,
                         download_name=printed.filename, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a shared browser or proxy
    return response

