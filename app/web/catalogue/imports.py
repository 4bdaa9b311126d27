"""Admin › Danh mục thủ tục › Nhập từ tệp: the catalogue file with a preview before anything is written (issue 21)."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import flash, redirect, render_template, request, url_for

from app.domain.localtime import local_date
from app.domain.roles import Role
from app.services import catalogue_import
from app.services.access import get_manageable_unit, manageable_unit_ids
from app.services.errors import ValidationFailed
from app.web.catalogue.views import bp
from app.web.context import actor, get_session, now, role_required
from app.web.forms import query_int
from models import Unit

_KEY = re.compile(r"^[0-9a-f]{64}$")
# The previewed file travels back with the apply form (base64), not in one server's folder: with several app
# servers the apply may reach another one. It must fit that request (MAX_CONTENT_LENGTH, base64 adds a third).
PAGE_LIMIT = 1_400_000


def _targets(scope: str, unit_id: int | None) -> tuple[Unit, list[Unit]]:
    """The unit chosen, and the units the file goes into: that unit, or every commune below it."""
    session, user = get_session(), actor()
    unit = get_manageable_unit(session, user, unit_id or user.unit_id)
    if scope != "below":
        return unit, [unit]
    allowed = manageable_unit_ids(session, user)
    below = [u for u in catalogue_import.target_units(session) if u.id in allowed and u.id != unit.id]
    return unit, below or [unit]


@bp.route("/nhap", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_file():  # type: ignore[no-untyped-def]
    """Upload (POST): the difference the file would make, and a button to apply it."""
    unit_id = (request.form if request.method == "POST" else request.args).get("unit", type=query_int)
    scope = request.form.get("scope", "unit")
    unit, targets = _targets(scope, unit_id)
    if request.method == "GET":
        return render_template("catalogue/import.html", unit=unit, preview=None)
    upload = request.files.get("file")
    content = upload.read() if upload else b""
    if not content:
        raise ValidationFailed({"file": "Chọn tệp danh mục (.xlsx hoặc .json)."})
    if len(content) > PAGE_LIMIT:
        raise ValidationFailed({"file": "Tệp lớn hơn 1,4 MB: hãy nhập bằng lệnh flask catalogue import trên máy chủ."})
    tables = catalogue_import.read_file(upload.filename or "tệp", content)
    key = hashlib.sha256(content).hexdigest()  # applied only if the same bytes come back: what was previewed
    preview = catalogue_import.plan(get_session(), tables, targets, today=local_date(now()))
    return render_template("catalogue/import.html", unit=unit, preview=preview, key=key, scope=scope,
                           content=base64.b64encode(content).decode(), filename=upload.filename), \
        400 if preview.problems else 200


@bp.post("/nhap/ap-dung")
@role_required(Role.ADMIN)
def apply_import():  # type: ignore[no-untyped-def]
    key = request.form.get("key", "")
    try:
        content = base64.b64decode(request.form.get("content", ""), validate=True)
    except ValueError:
        content = b""
    if not _KEY.match(key) or not content or hashlib.sha256(content).hexdigest() != key:
        raise ValidationFailed({"file": "Tệp đã xem trước bị thay đổi; vui lòng tải lên lại."})
    unit, targets = _targets(request.form.get("scope", "unit"), request.form.get("unit", type=query_int))
    session = get_session()
    result = catalogue_import.apply(session, catalogue_import.read_file("tệp", content), targets, actor=actor(),
                                    now=now())
    session.commit()
    flash(f"Đã nhập danh mục: {result.changes} thay đổi ở {len(result.units)} đơn vị.", "success")
    return redirect(url_for("catalogue.index", unit=unit.id))
