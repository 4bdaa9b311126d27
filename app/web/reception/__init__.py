"""The reception desk: receive dossiers, turn requests away, print the legal forms, the logbook."""

from app.web.reception.views import bp
from app.web.reception import online  # noqa: F401  (its routes join bp)

__all__ = ["bp"]
