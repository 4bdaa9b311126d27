"""The citizen's pages: no login, the status behind the QR, the lookup by code, the rating."""

from app.web.public.views import bp

__all__ = ["bp"]
