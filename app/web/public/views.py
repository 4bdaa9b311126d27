"""Views of the public status pages: thin wrappers around services.citizen, behind rate limits.

Nothing here sets a cookie: the token in the address is the only key, so
the pages need no session (and no CSRF token: a forged request would have
to know the token already). Every lookup is logged without personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for

from app.domain.satisfaction import ASKED, CRITERIA, COMMENT_MAX, criterion
from app.db import ping
from app.services import citizen, status_pages
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.web.context import get_session, now
from app.web.public.throttle import Blocked, Throttle

bp = Blueprint("public", __name__)
log = logging.getLogger("motcua.lookup")

PUBLIC_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow, noarchive",
    "Referrer-Policy": "no-referrer",  # the token in the address never leaves in a Referer
}
# The status page of a dossier may be kept by the phone that opened it, never by a shared cache, and is asked
# for again at each view: a bodiless 304 when it has not changed (its ETag is its body's digest). Every other
# public answer: never kept.
STATUS_PAGE_CACHE_CONTROL = "private, no-cache"


def throttle() -> Throttle:
    return current_app.extensions["motcua.throttle"]


def _client() -> str:
    return request.remote_addr or "unknown"


def _client_tag() -> str:
    """A keyed hash of the client's address: lets abuse be traced in the log without storing the address."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, _client().encode(), hashlib.sha256).hexdigest()[:12]


def _log(via: str, outcome: str, dossier_code: str = "") -> None:
    log.info("lookup via=%s outcome=%s client=%s%s", via, outcome, _client_tag(),
             f" dossier={dossier_code}" if dossier_code else "")


def _limited(blocked: Blocked, via: str):  # type: ignore[no-untyped-def]
    _log(via, f"limited:{blocked.budget}")
    minutes = max(1, round(blocked.retry_after / 60))
    response = Response(render_template("public/limited.html", minutes=minutes), status=429)
    response.headers["Retry-After"] = str(blocked.retry_after)
    return response


def _not_found(via: str, code: str = ""):  # type: ignore[no-untyped-def]
    """The one answer for a token or a code/digits pair that finds nothing, whatever the reason.

    Nothing found, nothing to keep: the request's transaction ends before the
    miss is counted in a transaction of its own (on SQLite a writer waiting
    for its own request's lock would wait forever)."""
    get_session().rollback()
    throttle().hit("miss", _client())
    if code:
        throttle().hit("code_miss", code)
    _log(via, "not_found")
    return render_template("public/lookup.html", not_found=True, code=code, errors={}), 404


@bp.after_request
def public_headers(response: Response) -> Response:
    response.headers.update(PUBLIC_HEADERS)
    if response.headers.get("Cache-Control") != STATUS_PAGE_CACHE_CONTROL:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/robots.txt")
def robots():  # type: ignore[no-untyped-def]
    return Response("User-agent: *\nDisallow: /\nAllow: /$\n", mimetype="text/plain")


@bp.get("/suc-khoe")
def health():  # type: ignore[no-untyped-def]
    """For a load balancer or a monitor: 200 when the database answers, 503 (with Retry-After) when not."""
    ping()
    response = jsonify(status="ok", database="ok")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/tra-cuu/<token>")
def status(token: str):  # type: ignore[no-untyped-def]
    """The page behind the QR of the receipt and the control slip.

    A valid link is never refused for the misses of its address (a commune's
    Wi-Fi shares one address): guessing a 256-bit token is hopeless, so only
    the flood budget and, for links that find nothing, the miss budget apply.
    """
    blocked = throttle().hit("public", _client())
    if blocked:
        return _limited(blocked, "qr")
    if not request.args:  # the page as last rendered, while it still says what a new one would
        kept = status_pages.kept(get_session(), token, now=now())
        if kept is not None:
            _log("qr", "found", kept.code)
            return _status_response(kept.body, kept.etag)
    page = citizen.status_page(get_session(), token, now=now())
    if page is None:
        blocked = throttle().check("miss", _client())
        return _limited(blocked, "qr") if blocked else _not_found("qr")
    _log("qr", "found", getattr(page, "code", page.number if hasattr(page, "number") else ""))
    if request.args or not isinstance(page, citizen.DossierPage):
        return _render(page, token)
    body = _render(page, token)[0]
    etag = hashlib.sha256(body.encode("utf-8")).hexdigest()[:40]
    status_pages.keep(get_session(), token, page, body, etag, now=now())
    return _status_response(body, etag)


def _status_response(body: str, etag: str) -> Response:
    """A dossier's status page: kept by the phone that asked, asked for again at each view (304 if the same)."""
    response = Response(body, mimetype="text/html")
    response.set_etag(etag)
    response.headers["Cache-Control"] = STATUS_PAGE_CACHE_CONTROL
    return response.make_conditional(request)


def _render(page, token: str, *, errors: dict[str, str] | None = None, answers=None, status: int = 200):  # type: ignore[no-untyped-def]
    template = "public/status.html" if isinstance(page, citizen.DossierPage) else "public/turned_away.html"
    return render_template(
        template, page=page, token=token, criteria=CRITERIA, asked=ASKED, criterion=criterion,
        errors=errors or {}, answers=answers or {}, comment_max=COMMENT_MAX,
        rated=request.args.get("da-danh-gia") == "1",
    ), status


@bp.route("/tra-cuu", methods=["GET", "POST"])
def lookup():  # type: ignore[no-untyped-def]
    """Find a dossier by its code and the last 4 digits of an ID number or phone."""
    if request.method == "GET":
        return render_template("public/lookup.html", not_found=False, code="", errors={})
    code = citizen.normalize_code(request.form.get("ma_ho_so", ""))
    digits = request.form.get("so_cuoi", "").strip()
    errors = {}
    if not code:
        errors["ma_ho_so"] = "Vui lòng nhập mã hồ sơ in trên Giấy tiếp nhận."
    if not digits:
        errors["so_cuoi"] = "Vui lòng nhập 4 chữ số cuối."
    elif len(digits) != 4 or not digits.isdigit():
        errors["so_cuoi"] = "Nhập đúng 4 chữ số cuối (ví dụ 4567)."
    if errors:
        return render_template("public/lookup.html", not_found=False, code=code, errors=errors), 400
    gate = throttle()
    blocked = gate.hit("public", _client()) or gate.check("miss", _client()) or gate.check("code_miss", code)
    if blocked:
        return _limited(blocked, "code")
    token = citizen.lookup_token(get_session(), code, digits)
    if token is None:
        return _not_found("code", code)
    _log("code", "found", code)
    return redirect(url_for("public.status", token=token), 303)


@bp.post("/tra-cuu/<token>/danh-gia")
def rate(token: str):  # type: ignore[no-untyped-def]
    """The citizen's evaluation after the result was returned."""
    blocked = throttle().hit("public", _client())
    if blocked:
        return _limited(blocked, "rating")
    session = get_session()
    answers = {item.key: request.form.get(item.key, "") for item in ASKED}
    comment = request.form.get("gop_y", "")
    try:
        citizen.rate(session, token, answers, comment, now=now())
    except NotFound:
        blocked = throttle().check("miss", _client())
        return _limited(blocked, "rating") if blocked else _not_found("rating")
    except ValidationFailed as error:
        session.rollback()
        page = citizen.status_page(session, token, now=now())
        return _render(page, token, errors=error.errors, answers={**answers, "gop_y": comment}, status=400)
    except Conflict:
        session.rollback()
        return redirect(url_for("public.status", token=token, _anchor="danh-gia"), 303)
    session.commit()
    _log("rating", "saved")
    return redirect(url_for("public.status", token=token, **{"da-danh-gia": "1"}, _anchor="danh-gia"), 303)
