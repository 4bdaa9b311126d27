"""The JSON API, version 1: read dossiers and queues, act on a dossier. Bearer-token authentication.

Cookies are never looked at here (so no CSRF exposure): every request carries
``Authorization: Bearer <token>`` made with ``flask api-token create``. Errors
are JSON ``{"error": {"status", "title", "message", "fields"?}}`` in Vietnamese.
The OpenAPI document is served at /api/v1/openapi.json.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from app.domain.workflow import Action, DossierStatus, ResultDelivery
from app.services import api_tokens, privacy, processing, queues, reception
from app.services.errors import NotFound, ServiceError, ValidationFailed
from app.web.api.openapi import document
from app.web.context import get_session, now
from app.web.forms import query_int
from models import Dossier

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class Unauthorized(ServiceError):
    status_code = 401


@bp.before_request
def authenticate():  # type: ignore[no-untyped-def]
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = api_tokens.authenticate(get_session(), token.strip(), now=now()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Unauthorized("Thiếu hoặc sai khoá API (Authorization: Bearer …).")
    get_session().commit()  # last_used_at
    g.api_user = user
    return None


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(document(request.host_url.rstrip("/") + bp.url_prefix))


@bp.get("/dossiers")
def list_dossiers():  # type: ignore[no-untyped-def]
    args = request.args
    try:
        kind = queues.QueueKind(args.get("queue", "mine"))
        status = DossierStatus(args["status"]) if args.get("status") else None
        sort = queues.Sort(args.get("sort", "due"))
    except ValueError:
        raise ValidationFailed({"queue": "Tham số queue, status hoặc sort không hợp lệ."}) from None
    per_page = min(max(args.get("per_page", queues.PER_PAGE, type=query_int), 1), 100)
    filters = queues.QueueFilter(procedure_id=args.get("procedure_id", type=query_int), status=status,
                                 text=args.get("q", "")[:100], sort=sort, page=args.get("page", 1, type=query_int))
    page = queues.queue(get_session(), g.api_user, kind, filters, now=now(), per_page=per_page)
    return jsonify(
        queue=kind.value, total=page.total, page=page.page, pages=page.pages, per_page=page.per_page,
        items=[{**_summary(row.dossier), "deadline": _iso(row.deadline),
                "working_minutes_left": int(row.left.total_seconds() // 60), "urgency": row.urgency.value}
               for row in page.rows],
    )


@bp.get("/dossiers/<code>")
def get_dossier(code: str):  # type: ignore[no-untyped-def]
    session = get_session()
    dossier = _by_code(code)
    privacy.log_view(session, g.api_user, dossier, now=now())
    session.commit()
    return jsonify(_detail(session, dossier))


@bp.post("/dossiers/<code>/actions/<action>")
def act(code: str, action: str):  # type: ignore[no-untyped-def]
    try:
        chosen = Action(action)
    except ValueError:
        raise NotFound(f"Không có thao tác “{action[:40]}”.") from None
    session = get_session()
    dossier = _by_code(code)
    body = request.get_json(silent=True)
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ValidationFailed({"body": "Nội dung gửi lên phải là một đối tượng JSON."})
    data = processing.ActionInput(
        action=chosen,
        version=_integer(body, "version", required=True),
        reason=_text(body, "reason"),
        to_user_id=_integer(body, "to_user_id"),
        missing=tuple(_lines(body, "missing")),
        new_due_at=_instant(body, "new_due_at"),
        return_method=_choice(body, "return_method", ResultDelivery),
        return_note=_text(body, "return_note"),
        requested_at=_instant(body, "requested_at"),
        fee_handling=_text(body, "fee_handling"),
        citizen_message=_text(body, "citizen_message"),
    )
    try:
        processing.apply_action(session, g.api_user, dossier.id, data, now=now())
    except ServiceError:
        session.rollback()
        raise
    session.commit()
    return jsonify(_detail(session, dossier))


# --- representations ---------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _summary(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name},
        "applicant_name": dossier.applicant_name,
        "status": {"value": dossier.status.value, "national_code": dossier.status.national_code,
                   "label": dossier.status.label},
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.due_at),
        "due_rescheduled_at": _iso(dossier.due_rescheduled_at),
        "version": dossier.version,
    }


def _detail(session, dossier: Dossier) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    progress = processing.progress(session, dossier, now=now())
    return {
        **_summary(dossier),
        "finished_at": _iso(dossier.finished_at),
        "returned_at": _iso(dossier.returned_at),
        "supplement_count": dossier.supplement_count,
        "step": {"position": dossier.step_position, "name": progress.step_name, "holder": progress.holder,
                 "holder_user_id": dossier.holder_user_id, "due_at": _iso(dossier.step_due_at)},
        "allowed_actions": [a.value for a in processing.available_actions(session, g.api_user, dossier)],
        "handovers": [
            {"seq": h.seq, "kind": h.kind, "at": _iso(h.at), "giver": h.giver, "giver_person": h.giver_person,
             "receiver": h.receiver, "receiver_person": h.receiver_person, "step_deadline": _iso(h.step_deadline),
             "step_result": h.step_result.value if h.step_result else None, "note": h.note}
            for h in dossier.handovers
        ],
        "events": [
            {"action": e.action, "at": _iso(e.at), "actor": e.actor.full_name if e.actor else "Hệ thống",
             "from_status": e.from_status.value if e.from_status else None, "status": e.status.value,
             "reason": e.reason}
            for e in dossier.events
        ],
    }


def _by_code(code: str) -> Dossier:
    session = get_session()
    dossier = session.scalar(select(Dossier).where(Dossier.code == code[:64]))
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    return reception.get_dossier(session, g.api_user, dossier.id)  # unit separation


# --- reading the JSON body, with Vietnamese messages per field ------------------------------


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed({name: "Phải là một chuỗi ký tự."})
    return value


def _integer(body: dict[str, Any], name: str, *, required: bool = False) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise ValidationFailed({name: "Bắt buộc: số phiên bản hồ sơ đã đọc (trường version)."})
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise ValidationFailed({name: "Phải là một số nguyên."})
    return value


def _lines(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(value) > 100:
        raise ValidationFailed({name: "Phải là một danh sách chuỗi (tối đa 100 dòng)."})
    return value


def _instant(body: dict[str, Any], name: str) -> datetime | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValidationFailed({name: "Phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-12-03T17:00:00+07:00."})
    return parsed


def _choice(body: dict[str, Any], name: str, kind):  # type: ignore[no-untyped-def]
    value = body.get(name)
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        raise ValidationFailed({name: f"Giá trị không hợp lệ; một trong: {allowed}."}) from None
