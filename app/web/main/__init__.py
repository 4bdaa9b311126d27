"""Home page: what the logged-in user can do, by role."""

from app.web.main.views import bp

__all__ = ["bp"]
