"""WSGI entry point: ``gunicorn wsgi:application`` (or any WSGI server)."""

from app import create_app

application = app = create_app()
