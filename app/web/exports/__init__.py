"""Pages of the long exports: what one asked for, its progress, and the download."""

from app.web.exports.views import bp

__all__ = ["bp"]
