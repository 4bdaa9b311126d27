"""Views of the overdue watch: thin wrappers around services.delays and services.outbox."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from app.domain.localtime import VN_TZ
from app.domain.roles import Role
from app.domain.working_hours import parse_windows
from app.services import delays, outbox
from app.services.errors import Conflict, ValidationFailed
from app.web.context import actor, get_session, now, role_required
from app.web.forms import Form

bp = Blueprint("monitoring", __name__)

PROCESSING = (Role.CLERK, Role.OFFICER, Role.LEADER)


class PostForm(Form):
    """A button that posts (CSRF only)."""


@bp.get("/sap-den-han")
@role_required(*PROCESSING)
def due_soon():  # type: ignore[no-untyped-def]
    """Open dossiers with less than two working days left (or a step with less than two hours), and late ones."""
    rows = delays.due_soon_list(get_session(), actor(), now=now())
    return render_template("monitoring/due_soon.html", rows=rows, form=PostForm(), now=now())


@bp.post("/ho-so/<int:dossier_id>/du-kien-tre-han")
@role_required(Role.OFFICER, Role.LEADER)
def mark(dossier_id: int):  # type: ignore[no-untyped-def]
    """The holder warns that the dossier will be late: the reason and the proposed new date."""
    form = PostForm()
    session = get_session()
    if form.validate_on_submit():
        try:
            delays.mark(session, actor(), dossier_id, reason=request.form.get("reason", ""),
                        proposed_due_at=_local_date_end(request.form.get("proposed_due_on", "")),
                        version=_int(request.form.get("version")), now=now())
            session.commit()
            flash("Đã ghi nhận hồ sơ dự kiến trễ hạn. Hệ thống sẽ lập dự thảo văn bản xin lỗi (Mẫu 04) "
                  "ở lượt rà soát kế tiếp.", "success")
        except (ValidationFailed, Conflict) as error:
            session.rollback()
            flash(_message(error), "error")
    return redirect(url_for("reception.dossier", dossier_id=dossier_id))


@bp.post("/ho-so/<int:dossier_id>/du-kien-tre-han/rut")
@role_required(Role.OFFICER, Role.LEADER)
def withdraw(dossier_id: int):  # type: ignore[no-untyped-def]
    form, session = PostForm(), get_session()
    if form.validate_on_submit():
        try:
            delays.withdraw(session, actor(), dossier_id, now=now())
            session.commit()
            flash("Đã rút thông báo dự kiến trễ hạn.", "success")
        except ValidationFailed as error:
            session.rollback()
            flash(_message(error), "error")
    return redirect(url_for("reception.dossier", dossier_id=dossier_id))


@bp.post("/ho-so/<int:dossier_id>/ban-hanh-mau-04")
@role_required(Role.OFFICER, Role.LEADER)
def issue(dossier_id: int):  # type: ignore[no-untyped-def]
    """Issue the drafted Mẫu 04 (the reschedule of the workflow, with the draft's reason and date)."""
    form, session = PostForm(), get_session()
    if form.validate_on_submit():
        try:
            notice = delays.issue(session, actor(), dossier_id, version=_int(request.form.get("version")), now=now())
            session.commit()
            flash(f"Đã ban hành văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04, số {notice.number}).", "success")
        except (ValidationFailed, Conflict) as error:
            session.rollback()
            flash(_message(error), "error")
    return redirect(url_for("reception.dossier", dossier_id=dossier_id))


@bp.get("/thong-bao")
@login_required
def inbox():  # type: ignore[no-untyped-def]
    page = _int(request.args.get("trang")) or 1
    messages, total = outbox.inbox(get_session(), actor(), page=page)
    pages = max(1, -(-total // outbox.PER_PAGE))
    return render_template("monitoring/inbox.html", messages=messages, total=total, page=min(page, pages),
                           pages=pages, form=PostForm())


@bp.post("/thong-bao/da-doc")
@login_required
def mark_read():  # type: ignore[no-untyped-def]
    form, session = PostForm(), get_session()
    if form.validate_on_submit():
        outbox.mark_read(session, actor(), now=now(), message_id=_int(request.form.get("id")))
        session.commit()
    return redirect(url_for("monitoring.inbox"))


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


def _local_date_end(text: str) -> datetime | None:
    """A date typed in the form (YYYY-MM-DD) as the end of that working day at the user's unit."""
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    closing = parse_windows(actor().unit.working_windows)[-1].end
    return datetime.combine(day, closing, VN_TZ)


def _message(error: ValidationFailed | Conflict) -> str:
    if isinstance(error, ValidationFailed):
        return " ".join(error.errors.values())
    return error.message
