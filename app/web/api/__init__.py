"""The JSON API for integrations (/api/v1/), described by its OpenAPI document."""

from app.web.api.views import bp

__all__ = ["bp"]
