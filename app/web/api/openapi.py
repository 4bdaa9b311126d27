"""The OpenAPI 3.1 document of /api/v1/, written by hand next to the views it describes.

A test checks that every route of the blueprint is described and that the
examples the test suite sends and receives match the schemas.
"""

from __future__ import annotations

from typing import Any

from app.domain.online import OnlineState
from app.domain.timeliness import Urgency
from app.domain.workflow import TRANSITIONS, Action, DossierStatus, ResultDelivery
from app.services.processing import ACTION_INPUTS, CITIZEN_MESSAGE_MAX, REASON_MAX
from app.services.queues import MAX_PAGE, PER_PAGE, QueueKind, Sort

_INSTANT = {"type": "string", "format": "date-time"}  # answers: Vietnam time, +07:00
_OPTIONAL_INSTANT = {"type": ["string", "null"], "format": "date-time"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


SCHEMAS: dict[str, Any] = {
    "Status": {
        "type": "object", "required": ["value", "national_code", "label"],
        "properties": {
            "value": {"type": "string", "enum": [s.value for s in DossierStatus]},
            "national_code": {"type": "integer", "description": "Mã trạng thái trên Cổng Dịch vụ công quốc gia."},
            "label": {"type": "string"},
        },
    },
    "DossierSummary": {
        "type": "object",
        "required": ["code", "procedure", "applicant_name", "status", "received_at", "due_at", "version"],
        "properties": {
            "code": {"type": "string", "examples": ["000.00.31.H99-261125-0001"]},
            "procedure": {"type": "object", "required": ["code", "name"],
                          "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
            "applicant_name": {"type": "string"},
            "status": _ref("Status"),
            "received_at": _INSTANT,
            "due_at": {**_INSTANT, "description": "Hạn trả kết quả theo quy định (đã cộng thời gian tạm dừng chờ "
                                                  "bổ sung); dùng cho chỉ số đúng hạn."},
            "due_rescheduled_at": {**_OPTIONAL_INSTANT, "description": "Ngày hẹn mới sau văn bản xin lỗi (Mẫu 04)."},
            "version": {"type": "integer", "description": "Gửi lại khi thao tác để tránh ghi đè thay đổi của người khác."},
        },
    },
    "QueueItem": {
        "allOf": [_ref("DossierSummary"), {
            "type": "object", "required": ["deadline", "working_minutes_left", "urgency"],
            "properties": {
                "deadline": _INSTANT,
                "working_minutes_left": {"type": "integer", "description": "Âm khi đã quá hạn."},
                "urgency": {"type": "string", "enum": [u.value for u in Urgency]},
            },
        }],
    },
    "QueuePage": {
        "type": "object", "required": ["queue", "total", "page", "pages", "per_page", "items"],
        "properties": {
            "queue": {"type": "string", "enum": [k.value for k in QueueKind]},
            "total": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
            "per_page": {"type": "integer"},
            "items": {"type": "array", "items": _ref("QueueItem")},
        },
    },
    "Handover": {
        "type": "object",
        "required": ["seq", "kind", "at", "giver", "receiver", "step_result"],
        "properties": {
            "seq": {"type": "integer"}, "kind": {"type": "string"}, "at": _INSTANT,
            "giver": {"type": "string"}, "giver_person": {"type": "string"},
            "receiver": {"type": "string"}, "receiver_person": {"type": "string"},
            "step_deadline": _OPTIONAL_INSTANT,
            "step_result": {"type": ["string", "null"], "enum": ["early", "on_time", "late", None]},
            "note": {"type": "string"},
        },
    },
    "Event": {
        "type": "object", "required": ["action", "at", "actor", "status"],
        "properties": {
            "action": {"type": "string"}, "at": _INSTANT, "actor": {"type": "string"},
            "from_status": {"type": ["string", "null"]}, "status": {"type": "string"}, "reason": {"type": "string"},
        },
    },
    "Dossier": {
        "allOf": [_ref("DossierSummary"), {
            "type": "object",
            "required": ["supplement_count", "step", "allowed_actions", "handovers", "events"],
            "properties": {
                "finished_at": _OPTIONAL_INSTANT,
                "returned_at": _OPTIONAL_INSTANT,
                "supplement_count": {"type": "integer"},
                "step": {"type": "object", "required": ["position", "name", "holder", "due_at"], "properties": {
                    "position": {"type": "integer"}, "name": {"type": "string"}, "holder": {"type": "string"},
                    "holder_user_id": {"type": ["integer", "null"]}, "due_at": _INSTANT,
                }},
                "allowed_actions": {"type": "array", "items": {"type": "string", "enum": [a.value for a in Action]}},
                "handovers": {"type": "array", "items": _ref("Handover")},
                "events": {"type": "array", "items": _ref("Event")},
            },
        }],
    },
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["status", "title", "message"], "properties": {
            "status": {"type": "integer"}, "title": {"type": "string"}, "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        }}},
    },
}


# What every text field of a request may hold: no control character (other than tab and line breaks) and no
# character that reverses the direction of text (the app refuses both, the forms likewise). Strings are Unicode
# text: a lone surrogate ("\\ud800" in JSON) is no character and is refused too (ECMA regexes cannot name it).
_FORBIDDEN = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"
TEXT_PATTERN = f"^[^{_FORBIDDEN}]*$"
NONBLANK_PATTERN = f"^[^{_FORBIDDEN}]*[^\\s\\x85{_FORBIDDEN}][^{_FORBIDDEN}]*$"  # and at least one visible character
MAX_INT = 2**31 - 1


def _text(max_length: int, description: str = "", *, required: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length,
                              "pattern": NONBLANK_PATTERN if required else TEXT_PATTERN}
    if required:
        schema["minLength"] = 1
    if description:
        schema["description"] = description
    return schema


# The inputs each action takes besides ``version``: the same as the action's form (app.web.processing.forms).
FIELD_DESCRIPTIONS = {
    "reason": "Lý do hoặc ghi chú (chỉ cán bộ xem).",
    "to_user_id": "Người nhận (chuyển) hoặc người được phân công.",
    "missing": "Giấy tờ, nội dung cần bổ sung: mỗi phần tử một dòng.",
    "new_due_at": "Ngày giờ hẹn trả kết quả mới (ngày làm việc, sau ngày hẹn ban đầu).",
    "return_method": "Hình thức trả; mặc định theo hồ sơ.",
    "return_note": "Ghi chú trả kết quả; bắt buộc khi trả qua bưu chính (số hiệu bưu gửi).",
    "requested_at": "Lúc công dân đề nghị dừng; mặc định là bây giờ.",
    "fee_handling": "Xử lý phí, lệ phí đã nộp.",
    "citizen_message": "Lời nhắn cho công dân: hiện (đã che thông tin cá nhân) trên trang tra cứu công khai. Lý do "
                       "(reason) và ghi chú không bao giờ hiện ở đó.",
}


def field_schema(name: str, *, required: bool) -> dict[str, Any]:
    """The JSON Schema of one input of an action."""
    description = FIELD_DESCRIPTIONS[name]
    if name == "reason":
        return _text(REASON_MAX, description, required=required)
    if name == "citizen_message":
        return _text(CITIZEN_MESSAGE_MAX, description)
    if name in ("return_note", "fee_handling"):
        return _text(500, description)
    if name == "to_user_id":
        return {"type": "integer", "minimum": 1, "maximum": MAX_INT, "description": description}
    if name == "missing":
        return {"type": "array", "minItems": 1, "maxItems": 100, "items": _text(500, required=True),
                "description": description}
    if name in ("new_due_at", "requested_at"):
        return {**_INSTANT, "description": description}
    if name == "return_method":
        return {"type": "string", "enum": [d.value for d in ResultDelivery], "description": description}
    raise KeyError(name)


def action_inputs(action: Action) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(every input the action takes, the required ones), ``version`` first."""
    fields = ("version", *ACTION_INPUTS[action])
    required = ["version"]
    if TRANSITIONS[action].needs_reason:
        required.append("reason")
    required += {Action.ASSIGN: ["to_user_id"], Action.REQUEST_SUPPLEMENT: ["missing"],
                 Action.RESCHEDULE: ["new_due_at"]}.get(action, [])
    return fields, tuple(required)


def action_schema(action: Action) -> dict[str, Any]:
    fields, required = action_inputs(action)
    properties: dict[str, Any] = {"version": {"type": "integer", "minimum": 1, "maximum": MAX_INT,
                                              "description": "Phiên bản hồ sơ đã đọc; khác phiên bản hiện tại thì "
                                                             "trả 409."}}
    properties.update({name: field_schema(name, required=name in required) for name in fields[1:]})
    return {"type": "object", "required": list(required), "additionalProperties": False, "properties": properties}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): {"$ref": f"#/components/responses/E{code}"} for code in codes}


ERROR_RESPONSES = {
    400: "Yêu cầu không đúng tài liệu này (tham số, trường thiếu, thừa hoặc sai kiểu).",
    401: "Thiếu hoặc sai khoá API, hoặc tài khoản (đơn vị) đã bị khoá.",
    403: "Vai trò của người dùng không được làm việc này.",
    404: "Không có hồ sơ này trong các đơn vị người dùng được xem.",
    409: "Trạng thái hiện tại của hồ sơ không cho phép (hoặc hồ sơ vừa được cập nhật: version cũ).",
    413: "Nội dung gửi lên quá 2 MB.",
    429: "Quá nhiều yêu cầu; thử lại sau (Retry-After).",
    503: "Cơ sở dữ liệu tạm thời không trả lời; thử lại sau (Retry-After).",
}


HANDED = {
    "type": "object", "required": ["MaHoSo", "MaDonVi", "TrangThai", "TenTrangThai", "LanChuyen", "MaHoSoMotCua"],
    "properties": {
        "MaHoSo": {"type": "string"}, "MaDonVi": {"type": "string"},
        "TrangThai": {"type": "string", "enum": [s.value for s in OnlineState]},
        "TenTrangThai": {"type": "string"},
        "LanChuyen": {"type": "integer", "description": "Số lần hồ sơ được chuyển (2 trở lên: đã bổ sung)."},
        "MaHoSoMotCua": {"type": ["string", "null"], "description": "Mã hồ sơ khi đã được tiếp nhận."},
    },
}


def _handed_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("HoSoTrucTuyenDaNhan")}}}


def _portal_schema() -> dict[str, Any]:
    """The platform's JSON Schema (docs/integration/schemas), as an OpenAPI 3.1 schema: one source for both."""
    from app.integrations.portal.messages import ONLINE, schema

    return {key: value for key, value in schema(ONLINE).items() if key not in ("$schema", "$id")}


def _operation_id(action: Action) -> str:
    head, *rest = action.value.split("_")
    return head + "".join(word.title() for word in rest)


def document(server_url: str) -> dict[str, Any]:
    """The OpenAPI document, with ``server_url`` (…/api/v1) as its server."""
    code = {"name": "code", "in": "path", "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[0-9A-Za-z.-]+$"},
            "description": "Mã hồ sơ, ví dụ 000.00.31.H99-261125-0001."}
    to_actions = {f"{_operation_id(a)}": {"operationId": f"act_{a.value}", "parameters": {"code": "$request.path.code"},
                                          "requestBody": {"version": "$response.body#/version"}} for a in Action}
    dossier_response = {"description": "Hồ sơ (thời điểm theo giờ Việt Nam, +07:00)",
                        "content": {"application/json": {"schema": _ref("Dossier")}}, "links": to_actions}
    paths: dict[str, Any] = {
        "/dossiers": {"get": {
            "operationId": "listDossiers", "summary": "Một trang của hàng đợi công việc",
            "parameters": [
                {"name": "queue", "in": "query", "schema": {"type": "string", "enum": [k.value for k in QueueKind],
                                                            "default": "mine"}},
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": [s.value for s in DossierStatus]}},
                {"name": "procedure_id", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_INT}},
                {"name": "q", "in": "query", "description": "Một phần mã hồ sơ hoặc tên người nộp (ký tự điều khiển "
                                                            "bị bỏ qua).",
                 "schema": {"type": "string", "maxLength": 100}},
                {"name": "sort", "in": "query", "schema": {"type": "string", "enum": [s.value for s in Sort],
                                                           "default": "due"}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                                                           "default": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100,
                                                               "default": PER_PAGE}},
            ],
            "responses": {"200": {"description": "Trang hồ sơ (thời điểm theo giờ Việt Nam, +07:00)",
                                  "content": {"application/json": {"schema": _ref("QueuePage")}},
                                  "links": {"getDossier": {"operationId": "getDossier",
                                                           "parameters": {"code": "$response.body#/items/0/code"}}}},
                          **_errors(400, 401, 403, 429, 503)},
        }},
        "/dossiers/{code}": {"get": {
            "operationId": "getDossier", "summary": "Một hồ sơ: trạng thái, bước, giao nhận, nhật ký",
            "parameters": [code],
            "responses": {"200": dossier_response, **_errors(400, 401, 404, 429, 503)},
        }},
    }
    for action in Action:
        fields, required = action_inputs(action)
        needs = ", ".join(f"`{name}`" for name in required)
        paths[f"/dossiers/{{code}}/actions/{action.value}"] = {"post": {
            "operationId": f"act_{action.value}",
            "summary": f"{action.label} (bắt buộc: {needs})",
            "parameters": [code],
            "requestBody": {"required": True, "content": {"application/json": {"schema": action_schema(action)}}},
            "responses": {"200": {**dossier_response, "description": "Hồ sơ sau thao tác (giờ Việt Nam, +07:00)"},
                          **_errors(400, 401, 403, 404, 409, 413, 429, 503)},
        }}
    paths["/online-dossiers"] = {"post": {
        "operationId": "handOverOnlineDossier", "security": [{"integration": []}],
        "summary": "Hệ thống của tỉnh chuyển một hồ sơ công dân nộp trực tuyến (khoá tích hợp)",
        "description": "Gửi lại cùng MaHoSo không tạo hồ sơ thứ hai (200); hồ sơ mới vào hàng chờ tiếp nhận của đơn "
                       "vị (201). Đơn vị không nhận qua khoá này: 404; thủ tục không có trong danh mục đang áp dụng, "
                       "hoặc mã đã chuyển cho đơn vị khác: 409.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("HoSoTrucTuyen")}}},
        "responses": {"201": _handed_response("Đã nhận, vào hàng chờ tiếp nhận"),
                      "200": _handed_response("Đã có (gửi lại): trạng thái hiện tại"),
                      **_errors(400, 401, 404, 409, 413, 429, 503)},
    }}
    paths["/online-dossiers/{portal_code}"] = {"get": {
        "operationId": "getOnlineDossier", "security": [{"integration": []}],
        "summary": "Trạng thái tiếp nhận của một hồ sơ đã chuyển (khoá tích hợp)",
        "parameters": [{"name": "portal_code", "in": "path", "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9A-Za-z._-]{4,64}$"}}],
        "responses": {"200": _handed_response("Trạng thái tiếp nhận"), **_errors(400, 401, 404, 429, 503)},
    }}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Một Cửa — API v1",
            "version": "1.1.0",
            "description": "Đọc hồ sơ, hàng đợi công việc và thực hiện các bước xử lý hồ sơ (chuyển, yêu cầu bổ "
                           "sung, trả kết quả …) như trên giao diện. Xác thực bằng khoá API: "
                           "`Authorization: Bearer <khoá>` (tạo bằng `flask api-token create`); mỗi yêu cầu được "
                           "kiểm tra như một lần đăng nhập (tài khoản và đơn vị còn hoạt động). Thời điểm theo "
                           "ISO 8601, trả về theo giờ Việt Nam (+07:00). Yêu cầu đúng tài liệu này chỉ bị từ chối "
                           "vì quyền (403, 404) hoặc vì trạng thái của hồ sơ (409); sai tài liệu là 400.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "integration": {"type": "http", "scheme": "bearer",
                                                "description": "Khoá tích hợp: flask api-token create --scope "
                                                               "integration --name …"}},
            "schemas": {**SCHEMAS, "HoSoTrucTuyen": _portal_schema(), "HoSoTrucTuyenDaNhan": HANDED},
            "responses": {f"E{code}": _error_response(text) for code, text in ERROR_RESPONSES.items()},
        },
    }
