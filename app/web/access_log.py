"""gunicorn's access log without what must not be kept in logs (docs/security.md, docs/deploy.md).

A status link's path carries the citizen's key (``/tra-cuu/<token>``); a
query string or a referer may carry a clerk's search for a citizen's name.
``PrivateAccessLogger`` (``logger_class`` in gunicorn.conf.py) blanks them in
every atom a log format could use, so no format can leak them by mistake.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

_STATUS_LINK = re.compile(r"^/tra-cuu/[^/?]+")


def private_path(path: str | None) -> str:
    """The path with a status link's token replaced: ``/tra-cuu/abc…/danh-gia`` → ``/tra-cuu/-/danh-gia``."""
    return _STATUS_LINK.sub("/tra-cuu/-", path or "")


class PrivateAccessLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        path = private_path(environ.get("PATH_INFO"))
        atoms["U"] = path
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        atoms["q"] = "-"
        atoms["f"] = "-"
        for key in [k for k in atoms if k in ("{referer}i", "{raw_uri}e", "{query_string}e", "{http_referer}e",
                                                "{path_info}e", "{request_uri}e")]:
            atoms[key] = "-"
        return atoms
