"""The procedure catalogue: read by every role, kept by admins."""

from app.web.catalogue.views import bp
from app.web.catalogue import imports  # noqa: F401  (its routes join bp)

__all__ = ["bp"]
