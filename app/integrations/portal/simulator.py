"""A stand-in for the provincial platform: a real HTTP server for the demo and the tests.

``flask portal simulate --port N`` serves it. It takes the messages Một Cửa
sends (``POST /api/dong-bo-ho-so``, an envelope of ``goi-tin.schema.json``: a
dossier, or the unit's answer on a dossier filed online), validates each
against the JSON Schemas and refuses what does not conform, keeps one copy
per message id (a resend is acknowledged again, not stored again), refuses a
message out of its dossier's order, and answers the lookups the
reconciliation uses (``GET /api/tra-cuu-ho-so?MaHoSo=…``, and ``GET
/api/danh-sach-ho-so?MaDonVi=…&TuNgay=yyyyMMdd&DenNgay=yyyyMMdd``: the
dossiers received in those days). ``PUT``/``DELETE /_sim/dossiers/<code>``
plant the platform's own view of a dossier (a mismatch for the
reconciliation to find). On request it injects faults into the next
messages (``POST /_sim/faults``):

- ``error500``: answer 500, keep nothing;
- ``lost_ack``: keep the message, answer 500 (the acknowledgement was lost: the resend is a duplicate);
- ``slow:S``: wait S seconds, then behave normally (past the sender's timeout);
- ``reject``: answer 400 naming a field, keep nothing (the platform refused a value).

``GET /_sim/messages`` lists what was kept, in arrival order; ``POST /_sim/reset`` forgets everything.
``POST /_sim/nop-truc-tuyen`` plays the citizen filing online: the body (a
HoSoTrucTuyen, validated) is handed over to Một Cửa (``motcua_url``, with the
integration token ``motcua_token``) and Một Cửa's answer is passed back.
State lives in the process: one simulator is one platform.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, jsonify, request

from app.integrations.portal.client import hand_over
from app.integrations.portal.messages import DOSSIER, ENVELOPE, ONLINE, problems

FAULTS = ("error500", "lost_ack", "slow", "reject")


@dataclass
class PlatformState:
    """What the stand-in platform has received."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    kept: list[dict[str, Any]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    last_sequence: dict[str, int] = field(default_factory=dict)
    dossiers: dict[str, dict[str, Any]] = field(default_factory=dict)
    answers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by the portal's code
    faults: deque[str] = field(default_factory=deque)
    received: int = 0  # every POST, faults and duplicates included


def create_simulator(*, token: str = "", motcua_url: str = "", motcua_token: str = "") -> Flask:
    """The simulator's app; ``token``: the bearer token it requires ("" requires none); ``motcua_url`` and
    ``motcua_token``: where and with what it hands over dossiers filed online."""
    app = Flask("portal_simulator")
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    state = PlatformState()
    app.extensions["portal_state"] = state

    def refuse(status: int, message: str, **extra: Any):  # type: ignore[no-untyped-def]
        return jsonify(KetQua="TuChoi", ThongBao=message, **extra), status

    @app.before_request
    def authenticate():  # type: ignore[no-untyped-def]
        if token and request.path.startswith("/api/") and request.headers.get("Authorization") != f"Bearer {token}":
            return refuse(401, "Sai hoặc thiếu khoá truy cập.")
        return None

    @app.post("/api/dong-bo-ho-so")
    def receive():  # type: ignore[no-untyped-def]
        with state.lock:
            state.received += 1
            fault = state.faults.popleft() if state.faults else ""
        if fault.startswith("slow"):
            time.sleep(float(fault.partition(":")[2] or 5))
        if fault == "error500":
            return refuse(500, "Lỗi hệ thống (mô phỏng).")
        message = request.get_json(silent=True)
        wrong = problems(ENVELOPE, message)
        if wrong:
            return refuse(400, "Gói tin không đúng đặc tả.", Loi=wrong[:20])
        if fault == "reject":
            return refuse(400, "Giá trị không được chấp nhận (mô phỏng).", Loi=["HoSo/MaTTHC: không có trong danh mục"])
        dossier = message.get("HoSo")
        code = dossier["MaHoSo"] if dossier else "tt:" + message["PhanHoi"]["MaHoSo"]
        sequence = message["ThuTu"]
        with state.lock:
            if message["MaGoiTin"] in state.ids:
                return jsonify(KetQua="DaNhan", TrungLap=True)
            expected = state.last_sequence.get(code, 0) + 1
            if sequence != expected:
                return refuse(409, "Gói tin đến không đúng thứ tự.", ThuTuMongDoi=expected)
            state.ids.add(message["MaGoiTin"])
            state.kept.append(message)
            state.last_sequence[code] = sequence
            if dossier:
                state.dossiers[code] = dossier
            else:
                state.answers.setdefault(message["PhanHoi"]["MaHoSo"], []).append(message["PhanHoi"])
        if fault == "lost_ack":
            return refuse(500, "Mất xác nhận (mô phỏng): gói tin đã được ghi.")
        return jsonify(KetQua="DaNhan", TrungLap=False)

    @app.get("/api/tra-cuu-ho-so")
    def lookup():  # type: ignore[no-untyped-def]
        with state.lock:
            dossier = state.dossiers.get(request.args.get("MaHoSo", ""))
        return jsonify(HoSo=dossier) if dossier else refuse(404, "Không có hồ sơ này.")

    @app.get("/api/danh-sach-ho-so")
    def listing():  # type: ignore[no-untyped-def]
        unit, first, last = (request.args.get(k, "") for k in ("MaDonVi", "TuNgay", "DenNgay"))
        if not all(len(day) == 8 and day.isdigit() for day in (first, last)):
            return refuse(400, "TuNgay, DenNgay: yyyyMMdd.")
        with state.lock:
            found = [d for d in state.dossiers.values()
                     if (not unit or d["MaDonVi"] == unit) and first <= d["NgayTiepNhan"][:8] <= last]
        return jsonify(HoSo=sorted(found, key=lambda d: d["MaHoSo"]))

    @app.get("/api/phan-hoi")
    def answers():  # type: ignore[no-untyped-def]
        with state.lock:
            return jsonify(PhanHoi=list(state.answers.get(request.args.get("MaHoSo", ""), [])))

    @app.put("/_sim/dossiers/<code>")
    def plant(code: str):  # type: ignore[no-untyped-def]
        dossier = request.get_json(silent=True)
        wrong = problems(DOSSIER, dossier)
        if wrong or dossier.get("MaHoSo") != code:
            return refuse(400, "Hồ sơ không đúng đặc tả.", Loi=wrong[:20] or ["MaHoSo: khác mã trên đường dẫn"])
        with state.lock:
            state.dossiers[code] = dossier
        return jsonify(KetQua="DaGhi")

    @app.delete("/_sim/dossiers/<code>")
    def forget(code: str):  # type: ignore[no-untyped-def]
        with state.lock:
            found = state.dossiers.pop(code, None)
        return jsonify(KetQua="DaXoa") if found else refuse(404, "Không có hồ sơ này.")

    @app.get("/_sim/messages")
    def messages():  # type: ignore[no-untyped-def]
        with state.lock:
            return jsonify(messages=list(state.kept), received=state.received)

    @app.post("/_sim/faults")
    def faults():  # type: ignore[no-untyped-def]
        asked = (request.get_json(silent=True) or {}).get("faults", [])
        if not isinstance(asked, list) or not all(isinstance(f, str) and f.partition(":")[0] in FAULTS for f in asked):
            return refuse(400, f"Lỗi mô phỏng: một trong {', '.join(FAULTS)} (slow:S giây).")
        with state.lock:
            state.faults.extend(asked)
        return jsonify(faults=list(state.faults))

    @app.post("/_sim/nop-truc-tuyen")
    def file_online():  # type: ignore[no-untyped-def]
        filing = request.get_json(silent=True)
        wrong = problems(ONLINE, filing)
        if wrong:
            return refuse(400, "Hồ sơ trực tuyến không đúng đặc tả.", Loi=wrong[:20])
        if not motcua_url:
            return refuse(409, "Chưa cấu hình địa chỉ Một Cửa (--motcua-url).")
        answer = hand_over(motcua_url, motcua_token, filing)
        return jsonify(TrangThaiHTTP=answer.status, TraLoi=answer.body, Loi=answer.error), 200 if answer.status else 502

    @app.post("/_sim/reset")
    def reset():  # type: ignore[no-untyped-def]
        with state.lock:
            state.kept.clear()
            state.ids.clear()
            state.last_sequence.clear()
            state.dossiers.clear()
            state.answers.clear()
            state.faults.clear()
            state.received = 0
        return jsonify(KetQua="DaXoa")

    return app
