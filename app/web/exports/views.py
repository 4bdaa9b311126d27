"""Views of the long exports (app.services.exports): thin wrappers."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, send_file, url_for
from flask_login import login_required

from app.services import exports
from app.web.context import actor, get_session, now

bp = Blueprint("exports", __name__, url_prefix="/xuat-file")


def _folder() -> Path:
    return Path(current_app.instance_path) / "exports"


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    jobs = [exports.status_of(job) for job in exports.recent(get_session(), actor())]
    return render_template("exports/index.html", jobs=jobs, State=exports.State, size_label=exports.size_label)


@bp.get("/<int:job_id>")
@login_required
def job(job_id: int):  # type: ignore[no-untyped-def]
    status = exports.status_of(exports.get_own(get_session(), actor(), job_id))
    return render_template("exports/job.html", job=status, State=exports.State, size_label=exports.size_label)


@bp.get("/<int:job_id>/tien-do")
@login_required
def progress(job_id: int):  # type: ignore[no-untyped-def]
    """The job's state for the progress bar (polled every two seconds while it runs)."""
    status = exports.status_of(exports.get_own(get_session(), actor(), job_id))
    response = jsonify(state=status.state.value, label=status.state.label, done=status.done, total=status.total,
                       percent=status.percent, step=status.step, error=status.error,
                       download=url_for("exports.download", job_id=job_id) if status.state is exports.State.DONE else None)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:job_id>/tai-ve")
@login_required
def download(job_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    path, made = exports.download(session, actor(), job_id, _folder(), now=now())
    session.commit()
    response = send_file(path, mimetype=made.mimetype, as_attachment=True, download_name=made.filename, max_age=0,
                         conditional=False, etag=False)
    response.headers["Cache-Control"] = "no-store"  # personal data
    return response
