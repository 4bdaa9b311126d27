"""Logging in and out, and changing one's own password."""

from app.web.auth.views import bp

__all__ = ["bp"]
