"""Security headers on every response.

The content security policy allows scripts and styles from this site only
(no inline scripts, no CDN); inline ``style`` attributes are tolerated for
the few computed indents. Pages cannot be framed. Over HTTPS, browsers are
told to keep using HTTPS. Nothing but the static files may be kept by a
browser's or a proxy's cache: staff pages, exports and API answers show
citizens' personal data (a shared desk computer, the back button after
logging out).
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), microphone=(), payment=()",
}


def register(app: Flask) -> None:
    """Install the headers on ``app``; a header a view set itself is kept."""

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}  # one pass, not one search per header
        for name, value in HEADERS.items():
            if name.lower() not in present:
                headers.add(name, value)
        if request.endpoint != "static" and "cache-control" not in present:
            headers.add("Cache-Control", "no-store")
        if request.is_secure and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", "max-age=31536000")
        return response
