"""The web layer: blueprints by actor, thin views, Vietnamese pages."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    """Register blueprints, error handlers, template filters and globals."""
    from app.web import errors, filters, guards, headers
    from app.web.session_cookie import SessionInterface
    from app.extensions import csrf
    from app.web.admin import bp as admin_bp
    from app.web.api import bp as api_bp
    from app.web.auth import bp as auth_bp
    from app.web.calendar import bp as calendar_bp
    from app.web.catalogue import bp as catalogue_bp
    from app.web.exports import bp as exports_bp
    from app.web.main import bp as main_bp
    from app.web.monitoring import bp as monitoring_bp
    from app.web.processing import bp as processing_bp
    from app.web.public import bp as public_bp
    from app.web.quality import bp as quality_bp
    from app.web.reception import bp as reception_bp
    from app.web.reports import bp as reports_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(reception_bp)
    app.register_blueprint(processing_bp)
    app.register_blueprint(monitoring_bp)
    app.register_blueprint(quality_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # bearer tokens, never cookies
    app.register_blueprint(public_bp)
    csrf.exempt(public_bp)  # no session: the secret token in the address is the key
    app.session_interface = SessionInterface()
    errors.register(app)
    guards.register(app)
    filters.register(app)
    headers.register(app)
