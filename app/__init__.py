"""Một Cửa: one-stop-shop dossier tracking for Vietnamese communes.

This module stays nearly empty on purpose: importing ``app.domain`` must not
pull Flask in (see docs/architecture.md). The factory lives in ``app.factory``.
"""


def create_app(config=None):
    """Build the Flask application (see ``app.factory.create_app``)."""
    from app.factory import create_app as _create_app

    return _create_app(config)
