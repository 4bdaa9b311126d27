"""X-Forwarded-* from the proxies we run, and from nobody else."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
             "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")


def networks(spec: str | Iterable[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    items = spec.split(",") if isinstance(spec, str) else spec
    return [ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip()]


class TrustedProxies:
    """Werkzeug's ProxyFix for requests whose peer is a trusted proxy; the forwarded headers of any other
    request are removed, so the address the app counts is the socket's."""

    def __init__(self, app: Callable[..., Any], count: int, trusted: str | Iterable[str]) -> None:
        self.app = app
        self.fixed = ProxyFix(app, x_for=count, x_proto=count, x_host=count)
        self.trusted = networks(trusted)

    def _is_trusted(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self.trusted)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self._is_trusted(environ.get("REMOTE_ADDR", "")):
            return self.fixed(environ, start_response)
        for key in FORWARDED:
            environ.pop(key, None)
        return self.app(environ, start_response)
