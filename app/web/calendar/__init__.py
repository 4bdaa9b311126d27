"""A unit's working calendar: month grids, overrides and the due-date try-out box."""

from app.web.calendar.views import bp

__all__ = ["bp"]
