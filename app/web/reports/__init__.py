"""Leadership dashboard, statutory reports and their exports (/thong-ke)."""

from app.web.reports.views import bp

__all__ = ["bp"]
