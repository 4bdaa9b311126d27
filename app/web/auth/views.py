"""Views of the auth blueprint."""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer

from app.services import api_tokens
from app.domain.localtime import to_local
from app.services.users import LoginSource, authenticate, change_own_password, log_out
from app.web.auth.forms import ApiTokenForm, LoginForm, PasswordForm
from app.web.context import actor, get_session, now
from app.web.public.throttle import Throttle
from app.services.errors import ValidationFailed
from app.web.views import apply_errors, form_status, submit

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would let a phishing link
    # borrow our login page.
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.home")


def _client() -> str:
    return request.remote_addr or "unknown"


def _throttle() -> Throttle:
    return current_app.extensions["motcua.throttle"]


def _locked_message(until: datetime) -> str:
    return (f"Đăng nhập sai nhiều lần: tạm khoá đăng nhập bằng tên này từ máy này đến "
            f"{to_local(until):%H:%M ngày %d/%m/%Y}. Nếu cần dùng ngay, đề nghị quản trị viên đặt lại mật khẩu.")


# The device cookie (OWASP "device cookies"): a browser where an account logged in before keeps its own five
# tries when strangers elsewhere make the account lock out unknown sources (app.domain.lockout).
DEVICE_COOKIE = "motcua_thiet_bi"
DEVICE_DAYS = 180
DEVICE_USERS = 10  # the accounts remembered in one browser (a shared desk computer)


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _device() -> tuple[str, list[int]]:
    """The browser's device id and the accounts that logged in from it ("" and [] without a valid cookie)."""
    raw = request.cookies.get(DEVICE_COOKIE, "")
    try:
        data = _devices().loads(raw, max_age=DEVICE_DAYS * 86400) if raw else {}
    except BadData:
        data = {}
    if not isinstance(data, dict):
        return "", []
    device, users = data.get("d", ""), data.get("u", [])
    if not isinstance(device, str) or not isinstance(users, list) or not all(isinstance(u, int) for u in users):
        return "", []
    return device[:32], users


def _remember_device(response, user_id: int) -> None:  # type: ignore[no-untyped-def]
    device, users = _device()
    users = ([user_id] + [u for u in users if u != user_id])[:DEVICE_USERS]
    value = _devices().dumps({"d": device or secrets.token_urlsafe(16), "u": users})
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]), path="/dang-nhap")


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """Log in with username and password.

    Failed logins are counted per account (which locks itself, see
    app.domain.lockout) and per client address (LOGIN_FAILURE_LIMIT); every
    attempt is audited.
    """
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        blocked = _throttle().check("login", _client())
        if blocked is not None:
            form.password.errors.append("Đăng nhập sai quá nhiều lần từ máy này. Vui lòng thử lại sau "
                                        f"{max(1, blocked.retry_after // 60)} phút.")
            response = make_response(render_template("auth/login.html", form=form), 429)
            response.headers["Retry-After"] = str(blocked.retry_after)
            return response
        session = get_session()
        device, known = _device()
        attempt = authenticate(session, form.username.data, form.password.data, now=now(),
                               source=LoginSource(_client(), device, frozenset(known)),
                               key=current_app.config["SECRET_KEY"].encode())
        session.commit()
        if attempt.user is not None:
            # A fresh session: nothing set before the login (by whoever used this browser, or
            # planted in it) survives into the logged-in one.
            flask_session.clear()
            login_user(attempt.user, remember=form.remember.data)
            response = redirect(url_for("auth.change_password") if attempt.user.must_change_password
                                else _safe_next(request.args.get("next")))
            _remember_device(response, attempt.user.id)
            return response
        _throttle().hit("login", _client())
        if attempt.locked_until is not None:
            form.password.errors.append(_locked_message(attempt.locked_until))
            status = 429
        else:
            form.password.errors.append("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khoá.")
            status = 401
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/dang-xuat")
@login_required
def logout():  # type: ignore[no-untyped-def]
    """Log out: this browser and every other session of the account."""
    session = get_session()
    log_out(session, actor(), now=now(), ip=_client())
    session.commit()
    logout_user()
    flask_session.clear()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


FIRST_LOGIN_OPEN = frozenset({"auth.change_password", "auth.logout", "auth.login", "static"})


@bp.before_app_request
def first_password():  # type: ignore[no-untyped-def]
    """An account made with a first password (flask users import) changes it before anything else."""
    if (request.blueprint not in ("public", "api") and request.endpoint not in FIRST_LOGIN_OPEN
            and current_user.is_authenticated and getattr(current_user, "must_change_password", False)):
        flash("Đây là lần đăng nhập đầu: vui lòng đổi mật khẩu được cấp trước khi làm việc.", "info")
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/tai-khoan/mat-khau", methods=["GET", "POST"])
@login_required
def change_password():  # type: ignore[no-untyped-def]
    """Change one's own password (every other session is logged out)."""
    form = PasswordForm()
    user = actor()

    def change() -> None:
        change_own_password(
            get_session(), user, current=form.current_password.data, new=form.new_password.data, now=now()
        )
        login_user(user)  # the session token changed; keep this session logged in

    done = submit(form, change, message=lambda _: "Đã đổi mật khẩu.", then=lambda _: url_for("main.home"))
    return done or (render_template("auth/password.html", form=form), form_status(form))


@bp.route("/tai-khoan/khoa-api", methods=["GET", "POST"])
@login_required
def tokens():  # type: ignore[no-untyped-def]
    """One's own API tokens: make one (shown once), see when each was last used, revoke."""
    session, user = get_session(), actor()
    form = ApiTokenForm()
    made = None
    if form.validate_on_submit():
        try:
            _row, made = api_tokens.create_token(session, user, user.id, form.name.data or "", now=now())
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            session.commit()
            form = ApiTokenForm(formdata=None)
    return render_template("auth/tokens.html", form=form, made=made, tokens=api_tokens.list_tokens(session, user),
                           revoke_form=ApiTokenForm(formdata=None)), (400 if form.errors else 200)


@bp.post("/tai-khoan/khoa-api/<int:token_id>/thu-hoi")
@login_required
def revoke_token(token_id: int):  # type: ignore[no-untyped-def]
    form = ApiTokenForm()
    form.validate_on_submit()  # CSRF only
    api_tokens.revoke_token(get_session(), actor(), token_id, now=now())
    get_session().commit()
    flash("Đã thu hồi khoá API.", "success")
    return redirect(url_for("auth.tokens"))
