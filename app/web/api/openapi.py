"""The OpenAPI 3.1 document of /api/v1/, written by hand next to the views it describes.

A test checks that every route of the blueprint is described and that the
examples the test suite sends and receives match the schemas.
"""

from __future__ import annotations

from typing import Any

from app.domain.workflow import Action, DossierStatus, ResultDelivery
from app.domain.timeliness import Urgency
from app.services.queues import QueueKind, Sort

_INSTANT = {"type": "string", "format": "date-time"}
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
    "ActionRequest": {
        "type": "object", "required": ["version"], "additionalProperties": False,
        "properties": {
            "version": {"type": "integer", "description": "Phiên bản hồ sơ đã đọc; sai thì trả 409."},
            "reason": {"type": "string", "description": "Bắt buộc khi trả lại, yêu cầu bổ sung, hẹn lại, "
                                                         "từ chối, dừng, yêu cầu nghĩa vụ tài chính."},
            "to_user_id": {"type": "integer", "description": "Người nhận (chuyển) hoặc người được phân công."},
            "missing": {"type": "array", "items": {"type": "string"}, "description": "Yêu cầu bổ sung: giấy tờ thiếu."},
            "new_due_at": {**_INSTANT, "description": "Hẹn lại: ngày giờ trả kết quả mới."},
            "return_method": {"type": "string", "enum": [d.value for d in ResultDelivery]},
            "return_note": {"type": "string"},
            "requested_at": {**_INSTANT, "description": "Dừng xử lý: lúc công dân đề nghị."},
            "fee_handling": {"type": "string"},
            "citizen_message": {"type": "string", "maxLength": 1000, "description": (
                "Lời nhắn cho công dân: chỉ khi yêu cầu bổ sung, hẹn lại, từ chối, rút hoặc dừng; hiện (đã che "
                "thông tin cá nhân) trên trang tra cứu công khai. Lý do (reason) và ghi chú không bao giờ hiện ở đó.")},
        },
    },
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["status", "title", "message"], "properties": {
            "status": {"type": "integer"}, "title": {"type": "string"}, "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        }}},
    },
}


def document(server_url: str) -> dict[str, Any]:
    """The OpenAPI document, with ``server_url`` (…/api/v1) as its server."""
    code = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
            "description": "Mã hồ sơ, ví dụ 000.00.31.H99-261125-0001."}
    auth_errors = {"401": _error_response("Thiếu hoặc sai khoá API."),
                   "404": _error_response("Không có hồ sơ này trong đơn vị của người dùng.")}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Một Cửa — API v1",
            "version": "1.0.0",
            "description": "Đọc hồ sơ, hàng đợi công việc và thực hiện các bước xử lý hồ sơ (chuyển, yêu cầu bổ "
                           "sung, trả kết quả …) như trên giao diện. Xác thực bằng khoá API: "
                           "`Authorization: Bearer <khoá>` (tạo bằng `flask api-token create`). "
                           "Thời điểm theo ISO 8601 có múi giờ.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": {
            "/dossiers": {"get": {
                "operationId": "listDossiers", "summary": "Một trang của hàng đợi công việc",
                "parameters": [
                    {"name": "queue", "in": "query", "schema": {"type": "string", "enum": [k.value for k in QueueKind],
                                                                "default": "mine"}},
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": [s.value for s in DossierStatus]}},
                    {"name": "procedure_id", "in": "query", "schema": {"type": "integer"}},
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}},
                    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": [s.value for s in Sort],
                                                               "default": "due"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                ],
                "responses": {"200": {"description": "Trang hồ sơ", "content": {"application/json": {
                    "schema": _ref("QueuePage")}}},
                    "400": _error_response("Tham số không hợp lệ."), "401": auth_errors["401"],
                    "403": _error_response("Hàng đợi không dành cho vai trò của người dùng.")},
            }},
            "/dossiers/{code}": {"get": {
                "operationId": "getDossier", "summary": "Một hồ sơ: trạng thái, bước, giao nhận, nhật ký",
                "parameters": [code],
                "responses": {"200": {"description": "Hồ sơ", "content": {"application/json": {
                    "schema": _ref("Dossier")}}}, **auth_errors},
            }},
            "/dossiers/{code}/actions/{action}": {"post": {
                "operationId": "actOnDossier",
                "summary": "Thực hiện một thao tác: chuyển, phân công, trả lại, yêu cầu bổ sung, trả kết quả …",
                "parameters": [code, {"name": "action", "in": "path", "required": True,
                                      "schema": {"type": "string", "enum": [a.value for a in Action]}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ActionRequest")}}},
                "responses": {
                    "200": {"description": "Hồ sơ sau thao tác", "content": {"application/json": {
                        "schema": _ref("Dossier")}}},
                    "400": _error_response("Dữ liệu không hợp lệ hoặc thao tác không được phép ở trạng thái này."),
                    "403": _error_response("Người dùng không giữ hồ sơ hoặc không có vai trò phù hợp."),
                    "409": _error_response("Hồ sơ vừa được cập nhật (version cũ): đọc lại rồi thao tác lại."),
                    **auth_errors,
                },
            }},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
    }
