"""The HTTP client of the provincial platform: posts one envelope, says what came back (never raises)."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PATH = "/api/dong-bo-ho-so"


@dataclass(frozen=True)
class Answer:
    """What the platform answered: an HTTP status (0: no answer at all) and its JSON body."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def poster(base_url: str, token: str = "", *, timeout: float = 10.0) -> Callable[[dict[str, Any]], Answer]:
    """A function posting an envelope to ``base_url`` (the platform's root) with the bearer ``token``."""
    url = base_url.rstrip("/") + PATH
    headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"

    def post(message: dict[str, Any]) -> Answer:
        data = json.dumps(message, ensure_ascii=False).encode("utf-8")
        return _call(urllib.request.Request(url, data=data, headers=headers, method="POST"), timeout)

    return post


def _call(request: urllib.request.Request, timeout: float) -> Answer:
    """Send ``request``; whatever happens, an Answer (status 0 and the error when nothing came back)."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured URL)
            return Answer(response.status, _json(response.read()))
    except urllib.error.HTTPError as error:
        return Answer(error.code, _json(error.read()))
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as error:
        return Answer(0, {}, f"{type(error).__name__}: {getattr(error, 'reason', error)}")


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {"ThongBao": raw[:200].decode("utf-8", "replace")}
    return value if isinstance(value, dict) else {}


LISTING = "/api/danh-sach-ho-so"


def lister(base_url: str, token: str = "", *, timeout: float = 30.0) -> Callable[[str, str, str], Answer]:
    """A function asking the platform for a unit's dossiers received between two days (``yyyyMMdd``)."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"

    def listing(unit_code: str, first: str, last: str) -> Answer:
        query = urllib.parse.urlencode({"MaDonVi": unit_code, "TuNgay": first, "DenNgay": last})
        return _call(urllib.request.Request(f"{base_url.rstrip('/')}{LISTING}?{query}", headers=headers), timeout)

    return listing


def hand_over(motcua_url: str, token: str, filing: dict[str, Any], *, timeout: float = 10.0) -> Answer:
    """What the platform does with a dossier filed online: POST it to Một Cửa's /api/v1/online-dossiers."""
    data = json.dumps(filing, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
               "Authorization": f"Bearer {token}"}
    url = motcua_url.rstrip("/") + "/api/v1/online-dossiers"
    return _call(urllib.request.Request(url, data=data, headers=headers, method="POST"), timeout)


def configured_listing(config: Any) -> Callable[[str, str, str], Answer] | None:
    """The listing of the platform a configuration names (PORTAL_SYNC_URL, …), or None when none is."""
    url = config.get("PORTAL_SYNC_URL")
    if not url:
        return None
    return lister(url, config.get("PORTAL_SYNC_TOKEN") or "", timeout=float(config.get("PORTAL_SYNC_TIMEOUT", 10)) * 3)

