"""The JSON API, version 1: read dossiers and queues, act on a dossier. Bearer-token authentication.

Cookies are never looked at here (so no CSRF exposure): every request carries
``Authorization: Bearer <token>`` made with ``flask api-token create``. Errors
are JSON ``{"error": {"status", "title", "message", "fields"?}}`` in Vietnamese.
The OpenAPI document is served at /api/v1/openapi.json.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from app.domain.workflow import Action, DossierStatus, ResultDelivery
from app.services import api_tokens, online_dossiers, privacy, processing, queues, reception
from app.services.errors import NotFound, ServiceError, ValidationFailed
from app.domain.localtime import to_local
from app.web.api.openapi import MAX_INT, action_inputs, document
from app.web.context import get_session, now
from models import Dossier

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class Unauthorized(ServiceError):
    status_code = 401


INTEGRATION_ENDPOINTS = frozenset({"api.hand_over", "api.handed_over"})


@bp.before_request
def authenticate():  # type: ignore[no-untyped-def]
    """A staff token for the staff API; an integration token (the provincial platform) for online dossiers."""
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, text = header.partition(" ")
    scope = api_tokens.INTEGRATION if request.endpoint in INTEGRATION_ENDPOINTS else api_tokens.STAFF
    token = (api_tokens.authenticate_token(get_session(), text.strip(), now=now(), scope=scope)
             if scheme.lower() == "bearer" else None)
    if token is None:
        raise Unauthorized("Thiếu hoặc sai khoá API (Authorization: Bearer …)." if scope == api_tokens.STAFF else
                           "Cần khoá API tích hợp (flask api-token create --scope integration).")
    get_session().commit()  # last_used_at
    g.api_token, g.api_user = token, token.user
    return None


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(document(request.host_url.rstrip("/") + bp.url_prefix))


@bp.get("/dossiers")
def list_dossiers():  # type: ignore[no-untyped-def]
    """A page of a work queue; every parameter checked against the OpenAPI document (a bad one: 400)."""
    args = request.args
    kind = _query_choice(args, "queue", queues.QueueKind, queues.QueueKind.MINE)
    status = _query_choice(args, "status", DossierStatus, None)
    sort = _query_choice(args, "sort", queues.Sort, queues.Sort.DUE)
    text = args.get("q", "")
    if len(text) > 100:
        raise ValidationFailed({"q": "Tối đa 100 ký tự."})
    text = _CONTROL.sub("", text)  # no name or code holds one: searching without them finds the same
    filters = queues.QueueFilter(procedure_id=_query_integer(args, "procedure_id", 1, MAX_INT), status=status,
                                 text=text, sort=sort, page=_query_integer(args, "page", 1, queues.MAX_PAGE) or 1)
    per_page = _query_integer(args, "per_page", 1, 100) or queues.PER_PAGE
    page = queues.queue(get_session(), g.api_user, kind, filters, now=now(), per_page=per_page)
    if filters.text.strip():
        get_session().commit()  # the search is logged (privacy.log_search)
    return jsonify(
        queue=kind.value, total=page.total, page=page.page, pages=page.pages, per_page=page.per_page,
        items=[{**_summary(row.dossier), "deadline": _iso(row.deadline),
                "working_minutes_left": int(row.left.total_seconds() // 60), "urgency": row.urgency.value}
               for row in page.rows],
    )


def _query_choice(args, name: str, kind, default):  # type: ignore[no-untyped-def]
    value = args.get(name)
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        raise ValidationFailed({name: f"Giá trị không hợp lệ; một trong: {allowed}."}) from None


def _query_integer(args, name: str, low: int, high: int) -> int | None:  # type: ignore[no-untyped-def]
    value = args.get(name)
    if value is None:
        return None
    text = value.strip()
    number = int(text) if text.lstrip("-").isdigit() and text.lstrip("-").isascii() and len(text) <= 12 else None
    if number is None or not low <= number <= high:
        raise ValidationFailed({name: f"Phải là một số nguyên từ {low} đến {high}."})
    return number


@bp.get("/dossiers/<code>")
def get_dossier(code: str):  # type: ignore[no-untyped-def]
    session = get_session()
    dossier = _by_code(code)
    privacy.log_view(session, g.api_user, dossier, now=now())
    session.commit()
    return jsonify(_detail(session, dossier))


REQUIRED_MESSAGES = {
    "version": "Bắt buộc: số phiên bản hồ sơ đã đọc (trường version).",
    "reason": "Vui lòng ghi rõ lý do.",
    "missing": "Vui lòng ghi các giấy tờ, nội dung cần bổ sung, hoàn thiện.",
    "to_user_id": "Vui lòng chọn người được phân công xử lý.",
    "new_due_at": "Vui lòng chọn ngày hẹn trả kết quả mới.",
}


def act(code: str, chosen: Action):  # type: ignore[no-untyped-def]
    """One action on a dossier: the body checked against the action's schema in the OpenAPI document."""
    session = get_session()
    dossier = _by_code(code)  # another unit's dossier: 404 before anything else is said about the request
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed({"body": "Nội dung gửi lên phải là một đối tượng JSON (Content-Type: application/json)."})
    fields, required = action_inputs(chosen)
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise ValidationFailed({name: f"Thao tác “{chosen.label}” không nhận trường này." for name in unknown[:10]})
    absent = [name for name in required if name not in body]
    if absent:
        raise ValidationFailed({name: REQUIRED_MESSAGES[name] for name in absent})
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


@bp.post("/online-dossiers")
def hand_over():  # type: ignore[no-untyped-def]
    """The provincial platform hands over a dossier filed online (HoSoTrucTuyen); 201 new, 200 known."""
    session = get_session()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed({"body": "Nội dung gửi lên phải là một đối tượng JSON (Content-Type: application/json)."})
    try:
        handed = online_dossiers.hand_over(session, g.api_token, body, now=now())
    except ServiceError:
        session.rollback()
        raise
    session.commit()
    return jsonify(_handed(handed.online)), 201 if handed.created else 200


@bp.get("/online-dossiers/<portal_code>")
def handed_over(portal_code: str):  # type: ignore[no-untyped-def]
    """Where a dossier the platform handed over stands at the desk."""
    row = online_dossiers.handed(get_session(), g.api_token, portal_code)
    return jsonify(_handed(row))


def _handed(row) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {"MaHoSo": row.portal_code, "MaDonVi": row.unit.code, "TrangThai": row.state.value,
            "TenTrangThai": row.state.label, "LanChuyen": row.handovers,
            "MaHoSoMotCua": row.dossier.code if row.dossier is not None else None}


for _action in Action:  # one route per action, as the OpenAPI document has one operation per action
    bp.add_url_rule(f"/dossiers/<code>/actions/{_action.value}", endpoint=f"act_{_action.value}", methods=["POST"],
                    view_func=lambda code, _chosen=_action: act(code, _chosen))


# --- representations ---------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    """An instant in Vietnam time (+07:00), the one offset of every answer."""
    return to_local(value).isoformat() if value is not None else None


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
    if name not in body:
        return ""
    value = body[name]
    if not isinstance(value, str):
        raise ValidationFailed({name: "Phải là một chuỗi ký tự."})
    return value


def _integer(body: dict[str, Any], name: str, *, required: bool = False) -> int | None:
    if name not in body:
        if required:
            raise ValidationFailed({name: "Bắt buộc: số phiên bản hồ sơ đã đọc (trường version)."})
        return None
    value = body[name]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 3.0 is the integer 3 in JSON Schema
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT:
        raise ValidationFailed({name: f"Phải là một số nguyên từ 1 đến {MAX_INT}."})
    return value


def _lines(body: dict[str, Any], name: str) -> list[str]:
    if name not in body:
        return []
    value = body[name]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) or len(value) > 100:
        raise ValidationFailed({name: "Phải là một danh sách (tối đa 100) dòng chữ, không dòng nào trống."})
    return value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))")


def _instant(body: dict[str, Any], name: str) -> datetime | None:
    """A ``date-time`` (RFC 3339, what the document says): any such value is read, even one no date here can be
    (year 0, a leap second), which the action then refuses for the dossier (409) like any other date."""
    if name not in body:
        return None
    value = body[name]
    match = _RFC3339.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValidationFailed({name: "Phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-12-03T17:00:00+07:00."})
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    fraction = int((match.group(7) or "0")[:6].ljust(6, "0"))
    offset = timedelta(0) if match.group(8) else (1 if match.group(9) == "+" else -1) * timedelta(
        hours=int(match.group(10)), minutes=int(match.group(11)))
    try:
        local = datetime(max(year, 1), month, day, hour, minute, min(second, 59), fraction, tzinfo=timezone(offset))
    except ValueError:
        raise ValidationFailed({name: "Ngày giờ không có thật."}) from None
    try:
        return local.astimezone(timezone.utc)
    except OverflowError:  # the first hours of year 1 west of Greenwich
        return datetime.min.replace(tzinfo=timezone.utc)


def _choice(body: dict[str, Any], name: str, kind):  # type: ignore[no-untyped-def]
    if name not in body:
        return None
    value = body[name]
    try:
        return kind(value)
    except (ValueError, TypeError):
        allowed = ", ".join(k.value for k in kind)
        raise ValidationFailed({name: f"Giá trị không hợp lệ; một trong: {allowed}."}) from None
