"""Views of the workflow: thin wrappers around services.processing, services.queues and services.documents."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from app.domain.localtime import VN_TZ
from app.domain.paper import PaperSize
from app.domain.roles import Role
from app.domain.workflow import TRANSITIONS, Action, DossierStatus, ResultDelivery
from app.services import documents, privacy, processing, queues, reception
from app.services.catalogue import list_procedures
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.web.context import actor, get_session, now, role_required
from app.web.processing.forms import FIELDS, REASON_LABELS, ActionForm, ScanForm
from app.web.reception.forms import PrintForm
from app.web.reception.views import base_url, send_pdf
from app.web.views import apply_errors
from app.web.forms import query_int

bp = Blueprint("processing", __name__)

ANYONE_WHO_PROCESSES = (Role.CLERK, Role.OFFICER, Role.LEADER)
QUEUE_SLUGS = {"cua-toi": queues.QueueKind.MINE, "cho-phe-duyet": queues.QueueKind.APPROVAL,
               "cho-tra-ket-qua": queues.QueueKind.RETURN, "cho-bo-sung": queues.QueueKind.SUPPLEMENT}
SLUG_OF = {kind: slug for slug, kind in QUEUE_SLUGS.items()}


@bp.get("/quet")
@role_required(*ANYONE_WHO_PROCESSES)
def scan():  # type: ignore[no-untyped-def]
    """The scan box: a scanned control slip (or a typed code) opens the dossier's handover."""
    form = ScanForm(request.args)
    if not form.ma.data:
        return render_template("processing/scan.html", form=form)
    session, user = get_session(), actor()
    try:
        dossier = processing.find_by_scan(session, user, form.ma.data)
    except ValidationFailed as error:
        apply_errors(form, error)
        return render_template("processing/scan.html", form=form), 404
    if Action.HAND_OVER in processing.available_actions(session, user, dossier):
        return redirect(url_for("processing.act", dossier_id=dossier.id, action="hand_over"))
    flash(f"Hồ sơ {dossier.code}: {dossier.status.label}. Bạn không có thao tác giao, nhận nào với hồ sơ này lúc này.",
          "info")
    return redirect(url_for("reception.dossier", dossier_id=dossier.id))


@bp.route("/ho-so/<int:dossier_id>/xu-ly/<action>", methods=["GET", "POST"])
@role_required(*ANYONE_WHO_PROCESSES)
def act(dossier_id: int, action: str):  # type: ignore[no-untyped-def]
    """One action on a dossier: its form, then the change (or the reason it cannot be made)."""
    try:
        chosen = Action(action)
    except ValueError:
        abort(404)
    session, user = get_session(), actor()
    dossier = reception.get_dossier(session, user, dossier_id)
    form = ActionForm()
    people = processing.receivers(session, dossier, chosen) if "to_user_id" in FIELDS[chosen] else []
    form.to_user_id.choices = [("", _nobody_label(chosen))] + [(str(p.id), _person_label(p)) for p in people]
    if chosen is Action.ASSIGN:
        form.to_user_id.choices = form.to_user_id.choices[1:]
    form.reason.label.text = REASON_LABELS.get(chosen, form.reason.label.text)
    if not form.is_submitted():
        privacy.log_view(session, user, dossier, now=now())  # the page shows the applicant's details
        session.commit()
        form.version.data = str(dossier.version)
        form.return_method.data = dossier.result_delivery.value
        if chosen is Action.HAND_OVER and processing.is_taking_over(user, dossier):
            form.to_user_id.data = str(user.id)
    status = 200
    if form.validate_on_submit():
        try:
            processing.apply_action(session, user, dossier.id, _input(form, chosen), now=now())
        except ValidationFailed as error:
            session.rollback()
            apply_errors(form, error)
            status = 400
        except Conflict as error:
            session.rollback()
            form.form_errors.append(error.message)
            status = 409
        else:
            session.commit()
            flash(_done_message(chosen, dossier), "success")
            return redirect(url_for("reception.dossier", dossier_id=dossier.id))
    elif form.is_submitted():
        status = 400
    dossier = reception.get_dossier(session, user, dossier_id)
    return render_template(
        "processing/act.html", dossier=dossier, action=chosen, form=form, fields=FIELDS[chosen],
        transition=TRANSITIONS[chosen], taking_over=processing.is_taking_over(user, dossier),
        allowed=chosen in processing.available_actions(session, user, dossier),
        progress=processing.progress(session, dossier, now=now()),
    ), status


@bp.post("/van-ban/<int:notice_id>/in")
@login_required
def print_notice(notice_id: int):  # type: ignore[no-untyped-def]
    """Mẫu 02, 04 or 05 of a dossier, as PDF; the print is recorded."""
    documents.get_notice(get_session(), actor(), notice_id)  # another unit's notice: 404 first
    form = PrintForm()
    if not form.validate_on_submit():
        raise ValidationFailed({"paper": "Khổ giấy không hợp lệ."})
    paper = PaperSize(form.paper.data) if form.paper.data else None
    printed = documents.print_notice(get_session(), actor(), notice_id, base_url=base_url(), now=now(), paper=paper)
    get_session().commit()
    return send_pdf(printed)


@bp.get("/xu-ly")
@role_required(*ANYONE_WHO_PROCESSES)
def queue_home():  # type: ignore[no-untyped-def]
    return redirect(url_for("processing.queue", slug=SLUG_OF[queues.queues_for(actor())[0]]))


@bp.get("/xu-ly/<slug>")
@role_required(*ANYONE_WHO_PROCESSES)
def queue(slug: str):  # type: ignore[no-untyped-def]
    """A work queue with its filters, sorting and pages."""
    kind = QUEUE_SLUGS.get(slug)
    if kind is None:
        abort(404)
    session, user = get_session(), actor()
    if kind not in queues.queues_for(user):
        raise Forbidden("Hàng đợi này dành cho vai trò khác.")
    args = request.args
    try:
        status = DossierStatus(args["status"]) if args.get("status") else None
        sort = queues.Sort(args.get("sort") or "due")
    except ValueError:
        raise ValidationFailed({"status": "Bộ lọc không hợp lệ."}) from None
    filters = queues.QueueFilter(
        procedure_id=args.get("procedure", type=query_int), status=status, text=args.get("q", "")[:100], sort=sort,
        page=args.get("page", 1, type=query_int),
    )
    page = queues.queue(session, user, kind, filters, now=now())
    if filters.text.strip():
        session.commit()  # the search is logged (privacy.log_search)
    procedures = list_procedures(session, user, user.unit_id)
    return render_template(
        "processing/queue.html", page=page, filters=filters, kinds=queues.queues_for(user), slug_of=SLUG_OF,
        procedures=procedures, statuses=[s for s in DossierStatus if s in _QUEUE_STATUSES[kind]], sorts=queues.Sort,
    )


_QUEUE_STATUSES = {
    queues.QueueKind.MINE: {DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.SUPPLEMENT_REQUESTED,
                            DossierStatus.FINANCIAL_OBLIGATION},
    queues.QueueKind.APPROVAL: set(),
    queues.QueueKind.RETURN: set(),
    queues.QueueKind.SUPPLEMENT: set(),
}


# --- helpers -------------------------------------------------------------------------


def _input(form: ActionForm, action: Action) -> processing.ActionInput:
    version = form.version.data or ""
    return processing.ActionInput(
        action=action,
        version=int(version) if version.isdigit() else -1,
        reason=form.reason.data or "",
        to_user_id=int(form.to_user_id.data) if (form.to_user_id.data or "").isdigit() else None,
        missing=tuple((form.missing.data or "").splitlines()),
        new_due_at=_aware(form.new_due_at.data),
        return_method=_delivery(form.return_method.data),
        return_note=form.return_note.data or "",
        requested_at=_aware(form.requested_at.data),
        fee_handling=form.fee_handling.data or "",
        citizen_message=form.citizen_message.data or "",
    )


def _delivery(value: str | None) -> ResultDelivery | None:
    if not value:
        return None
    try:
        return ResultDelivery(value)
    except ValueError:
        raise ValidationFailed({"return_method": "Hình thức trả kết quả không hợp lệ."}) from None


def _aware(value: datetime | None) -> datetime | None:
    """A wall-clock time typed in the form is Vietnam time."""
    return value.replace(tzinfo=VN_TZ) if value is not None else None


def _nobody_label(action: Action) -> str:
    return "— Cả bộ phận của bước tiếp theo (chưa chỉ định người) —" if action is Action.HAND_OVER else "—"


def _person_label(user) -> str:  # type: ignore[no-untyped-def]
    parts = [user.full_name]
    if user.position:
        parts.append(user.position)
    return " — ".join(parts)


def _done_message(action: Action, dossier) -> str:  # type: ignore[no-untyped-def]
    words = {
        Action.HAND_OVER: "Đã ghi nhận giao, nhận hồ sơ",
        Action.ASSIGN: "Đã phân công xử lý hồ sơ",
        Action.SEND_BACK: "Đã trả hồ sơ về bước trước",
        Action.REQUEST_SUPPLEMENT: "Đã lập phiếu yêu cầu bổ sung; thời gian giải quyết tạm dừng",
        Action.RECEIVE_SUPPLEMENT: "Đã nhận hồ sơ bổ sung; thời gian giải quyết được tính tiếp",
        Action.REQUEST_PAYMENT: "Đã chuyển sang chờ thực hiện nghĩa vụ tài chính",
        Action.CONFIRM_PAYMENT: "Đã xác nhận thực hiện nghĩa vụ tài chính",
        Action.RESCHEDULE: "Đã lập văn bản xin lỗi và hẹn lại ngày trả kết quả",
        Action.FINISH: "Đã hoàn thành xử lý; kết quả chuyển về Bộ phận tiếp nhận và trả kết quả",
        Action.RETURN_RESULT: "Đã trả kết quả",
        Action.REFUSE: "Đã từ chối giải quyết hồ sơ",
        Action.WITHDRAW: "Đã ghi nhận công dân rút hồ sơ",
        Action.STOP: "Đã lập thông báo dừng giải quyết hồ sơ",
    }
    return f"{words[action]}: hồ sơ {dossier.code}."
