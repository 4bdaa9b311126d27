"""The reception desk: receive dossiers, turn requests away, print the legal forms, the logbook."""

from app.web.reception.views import bp

__all__ = ["bp"]
