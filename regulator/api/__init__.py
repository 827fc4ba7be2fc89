"""The versioned JSON API (/api/v1) for agency systems, with an OpenAPI 3 document generated from the code.

Authentication: a per-agency token (``Authorization: Bearer ...``) or the browser session. Session
callers must send the CSRF token (``X-CSRFToken``) on unsafe methods; token callers need not.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_smorest import Api

from ..access import PUBLIC, blueprint_roles
from ..extensions import csrf


class RegulatorApi(Api):
    """flask-smorest's Api, leaving error pages to regulator.errors (JSON under /api, HTML elsewhere)."""

    def _register_error_handlers(self) -> None:
        pass


api = RegulatorApi()


def _csrf_for_session_callers() -> None:
    """Session (cookie) callers of the API must prove same-origin; token callers carry no cookie."""
    if not request.path.startswith("/api/") or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("Authorization") or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    csrf.protect()


def init_app(app: Flask) -> None:
    """Register the API and its blueprints."""
    app.config.setdefault("API_TITLE", "Regulator API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", "/static/vendor/swagger-ui-dist/")
    api.init_app(app, spec_kwargs={"info": {"description": __doc__}})
    api.spec.components.security_scheme(
        "agencyToken", {"type": "http", "scheme": "bearer", "description": "per-agency API token (rgt_...)"})
    api.spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "session", "description": "browser session"})
    api.spec.options["security"] = [{"agencyToken": []}, {"session": []}]
    blueprint_roles("api-docs", PUBLIC)

    from .v1 import BLUEPRINTS

    app.before_request(_csrf_for_session_callers)
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix="/api/v1" + (blueprint.url_prefix or ""))
