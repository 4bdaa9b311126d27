"""ISO 9001 pages: nonconformities, quality objectives, documented-information registers, the record pack, the review."""

from app.web.quality.views import bp

__all__ = ["bp"]
