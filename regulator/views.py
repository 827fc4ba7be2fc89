"""Registers every blueprint (one per user area) and the navigation."""

from __future__ import annotations

from flask import Flask

from . import nav


def init_app(app: Flask) -> None:
    """Attach the user areas to the app."""
    from .admin import bp as admin_bp
    from .api import init_app as init_api
    from .auth import bp as auth_bp
    from .coordinator import bp as coordinator_bp
    from .enterprise import bp as enterprise_bp
    from .inspector import bp as inspector_bp
    from .profile import bp as profile_bp
    from .public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(coordinator_bp, url_prefix="/coordinator")
    app.register_blueprint(inspector_bp, url_prefix="/inspector")
    app.register_blueprint(enterprise_bp, url_prefix="/enterprise")
    app.register_blueprint(profile_bp, url_prefix="/entities")
    init_api(app)
    nav.init_app(app)
