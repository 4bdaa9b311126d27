"""The procedure catalogue: read by every role, kept by admins."""

from app.web.catalogue.views import bp

__all__ = ["bp"]
