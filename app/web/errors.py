"""Error pages: every failure a user can cause gets a Vietnamese 4xx page."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, make_response, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.services.errors import Conflict, ServiceError
from printing.base import FontMissing

API_PREFIX = "/api/"
TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa đăng nhập",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy trang",
    405: "Thao tác không được hỗ trợ",
    409: "Dữ liệu đã thay đổi",
    413: "Dữ liệu gửi lên quá lớn",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi hệ thống",
    503: "Tạm thời chưa phục vụ được",
}
MESSAGES = {
    400: "Yêu cầu gửi lên không hợp lệ. Vui lòng kiểm tra lại thông tin.",
    401: "Vui lòng đăng nhập để tiếp tục.",
    403: "Tài khoản của bạn không có quyền thực hiện thao tác này.",
    404: "Trang hoặc dữ liệu bạn tìm không tồn tại, hoặc bạn không có quyền xem.",
    405: "Thao tác này không được hỗ trợ tại địa chỉ này.",
    409: Conflict().message,
    413: "Dữ liệu gửi lên vượt quá dung lượng cho phép.",
    429: "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.",
    500: "Hệ thống gặp sự cố ngoài ý muốn. Dữ liệu chưa được lưu; vui lòng thử lại "
    "hoặc báo cho quản trị viên.",
    503: "Hệ thống tạm thời không kết nối được cơ sở dữ liệu. Thông tin vừa gửi chưa được lưu; "
    "vui lòng thử lại sau ít phút.",
}
STORAGE_FULL = ("Máy chủ đã hết dung lượng lưu trữ. Thông tin vừa gửi chưa được lưu và dữ liệu cũ không bị ảnh "
                "hưởng; đề nghị báo ngay cho quản trị viên.")
RETRY_AFTER_SECONDS = 30


def render_error(status: int, message: str | None = None, fields: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """The error page for ``status`` with an optional specific message; JSON under /api/."""
    if request.path.startswith(API_PREFIX):
        body: dict[str, object] = {"status": status, "title": TITLES.get(status, "Lỗi"),
                                   "message": message or MESSAGES.get(status, MESSAGES[400])}
        if fields:
            body["fields"] = fields
        response = jsonify(error=body)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="motcua"'
        return response, status
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=TITLES.get(status, "Lỗi"),
            message=message or MESSAGES.get(status, MESSAGES[400]),
            back=request.referrer,
        ),
        status,
    )


def unavailable(error: Exception):  # type: ignore[no-untyped-def]
    """503 when the database cannot be reached (or its disk is full), without touching the database.

    The page stands alone: the usual layout asks the database who is logged in.
    Retry-After tells a load balancer or a script when to come back; the
    engine's pre-ping replaces dead connections, so service resumes by itself.
    """
    text = str(getattr(error, "orig", error)).lower()
    full = "database or disk is full" in text or "no space left" in text  # SQLite's SQLITE_FULL; PostgreSQL's ENOSPC
    message = STORAGE_FULL if full else MESSAGES[503]
    if request.path.startswith(API_PREFIX):
        response = jsonify(error={"status": 503, "title": TITLES[503], "message": message})
    else:
        # Rendered without the context processors: Flask-Login's would load the user from the database.
        page = current_app.jinja_env.get_template("errors/unavailable.html")
        response = make_response(page.render(title=TITLES[503], message=message, request=request, url_for=url_for))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):  # type: ignore[no-untyped-def]
        app.logger.error("database unavailable: %s", type(getattr(error, "orig", error)).__name__)
        return unavailable(error)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):  # type: ignore[no-untyped-def]
        return render_error(
            400,
            "Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại "
            "trang và gửi lại; thông tin chưa được lưu.",
        )

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):  # type: ignore[no-untyped-def]
        return render_error(error.status_code, error.message, getattr(error, "errors", None))

    @app.errorhandler(FontMissing)
    def font_missing(error: FontMissing):  # type: ignore[no-untyped-def]
        # An installation fault, not the user's: say what is missing rather than print boxes.
        app.logger.error("printing unavailable: %s", error)
        return render_error(503, f"Chưa in được vì máy chủ thiếu phông chữ. {error} Vui lòng báo quản trị hệ thống.")

    @app.errorhandler(StaleDataError)
    def stale(_error: StaleDataError):  # type: ignore[no-untyped-def]
        return render_error(409)

    @app.errorhandler(IntegrityError)
    def integrity(_error: IntegrityError):  # type: ignore[no-untyped-def]
        # A uniqueness race lost against a concurrent save: nothing was written.
        return render_error(
            409,
            "Dữ liệu trùng với một bản ghi vừa được người khác lưu. Vui lòng tải lại trang "
            "và kiểm tra trước khi lưu lại.",
        )

    @app.errorhandler(DataError)
    def data_error(_error: DataError):  # type: ignore[no-untyped-def]
        # The database refused a value the checks let through; nothing was written.
        return render_error(400, "Dữ liệu gửi lên có giá trị không hợp lệ; thông tin chưa được lưu.")

    @app.errorhandler(OverflowError)
    def overflow(_error: OverflowError):  # type: ignore[no-untyped-def]
        # A number too large for the database (SQLite raises before sending it); nothing was written.
        return render_error(400, "Dữ liệu gửi lên có số quá lớn; thông tin chưa được lưu.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        body, status = render_error(error.code or 500)
        response = make_response(body, status)
        for name, value in error.get_headers():  # 405's Allow, 401's WWW-Authenticate, 429's Retry-After …
            if name.lower() != "content-type":
                response.headers.setdefault(name, value)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("Unhandled error", exc_info=error)
        return render_error(500)
