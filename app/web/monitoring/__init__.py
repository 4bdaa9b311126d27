"""Pages of the overdue watch: the "Sắp đến hạn" list, the expected-delay marks, the notifications."""

from app.web.monitoring.views import bp

__all__ = ["bp"]
