"""Processing dossiers: the actions of the workflow, handover by scanning, the work queues."""

from app.web.processing.views import bp

__all__ = ["bp"]
