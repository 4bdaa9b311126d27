"""Views of the overdue watch: thin wrappers around services.delays and services.outbox."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import login_required

from app.domain.roles import Role
from app.services import delays, outbox, reception
from app.web.context import actor, get_session, now, role_required
from app.web.forms import PostForm, query_int
from app.web.monitoring.forms import ExpectedDelayForm
from app.web.reception.views import dossier_page
from app.web.views import submit

bp = Blueprint("monitoring", __name__)

PROCESSING = (Role.CLERK, Role.OFFICER, Role.LEADER)


@bp.get("/sap-den-han")
@role_required(*PROCESSING)
def due_soon():  # type: ignore[no-untyped-def]
    """Open dossiers with less than two working days left (or a step with less than two hours), and late ones."""
    return render_template("monitoring/due_soon.html", rows=delays.due_soon_list(get_session(), actor(), now=now()))


@bp.post("/ho-so/<int:dossier_id>/du-kien-tre-han")
@role_required(Role.OFFICER, Role.LEADER)
def mark(dossier_id: int):  # type: ignore[no-untyped-def]
    """The holder warns that the dossier will be late: the reason and the proposed new date."""
    form, session = ExpectedDelayForm(), get_session()
    done = submit(
        form,
        lambda: delays.mark(session, actor(), dossier_id, reason=form.reason.data or "",
                            proposed_due_on=form.proposed_due_on.data, version=form.version_number, now=now()),
        message=lambda d: "Đã ghi nhận hồ sơ dự kiến trễ hạn. Hệ thống sẽ lập dự thảo văn bản xin lỗi (Mẫu 04) "
                          "ở lượt rà soát kế tiếp.",
        then=lambda d: _back(dossier_id),
    )
    return done or _refused(dossier_id, form)


@bp.post("/ho-so/<int:dossier_id>/du-kien-tre-han/rut")
@role_required(Role.OFFICER, Role.LEADER)
def withdraw(dossier_id: int):  # type: ignore[no-untyped-def]
    form, session = ExpectedDelayForm(), get_session()
    done = submit(form, lambda: delays.withdraw(session, actor(), dossier_id, now=now()),
                  message=lambda d: "Đã rút thông báo dự kiến trễ hạn.", then=lambda d: _back(dossier_id))
    return done or _refused(dossier_id, form)


@bp.post("/ho-so/<int:dossier_id>/ban-hanh-mau-04")
@role_required(Role.OFFICER, Role.LEADER)
def issue(dossier_id: int):  # type: ignore[no-untyped-def]
    """Issue the drafted Mẫu 04 (the reschedule of the workflow, with the draft's reason and date)."""
    form, session = ExpectedDelayForm(), get_session()
    done = submit(
        form, lambda: delays.issue(session, actor(), dossier_id, version=form.version_number, now=now()),
        message=lambda n: f"Đã ban hành văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04, số {n.number}).",
        then=lambda n: _back(dossier_id),
    )
    return done or _refused(dossier_id, form)


def _back(dossier_id: int) -> str:
    return url_for("reception.dossier", dossier_id=dossier_id) + "#delay-heading"


def _refused(dossier_id: int, form: ExpectedDelayForm):  # type: ignore[no-untyped-def]
    """The dossier page again, with what was typed and why it was refused (400); nothing was saved."""
    get_session().rollback()
    return dossier_page(reception.get_dossier(get_session(), actor(), dossier_id), status=400, delay_form=form)


@bp.get("/thong-bao")
@login_required
def inbox():  # type: ignore[no-untyped-def]
    page = request.args.get("trang", type=query_int) or 1
    messages, total = outbox.inbox(get_session(), actor(), page=page)
    pages = max(1, -(-total // outbox.PER_PAGE))
    return render_template("monitoring/inbox.html", messages=messages, total=total, page=min(max(page, 1), pages),
                           pages=pages, form=PostForm())


@bp.post("/thong-bao/da-doc")
@login_required
def mark_read():  # type: ignore[no-untyped-def]
    form, session = PostForm(), get_session()
    if form.validate_on_submit():
        outbox.mark_read(session, actor(), now=now(), message_id=request.form.get("id", type=query_int))
        session.commit()
    return redirect(url_for("monitoring.inbox"))
