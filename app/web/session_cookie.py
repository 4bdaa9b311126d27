"""Flask's signed-cookie sessions, with the signing serializer made once per key instead of at every request.

Flask builds an itsdangerous serializer for each request, even one without a cookie (every public status
page): a fifth of a bare page's time. The keys (``SECRET_KEY`` and its fallbacks) are the cache's key, so a
key changed at run time still takes effect at once.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._made: tuple[tuple[object, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        made = self._made
        if made is None or made[0] != keys:
            made = self._made = (keys, super().get_signing_serializer(app))
        return made[1]
