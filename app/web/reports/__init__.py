"""Leadership dashboard, statutory reports and their exports (/thong-ke)."""

from app.web.reports.views import bp
from app.web.reports import reconcile  # noqa: F401  (its routes join bp)

__all__ = ["bp"]
