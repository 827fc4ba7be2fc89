"""The versioned JSON API (/api/v1) for agency systems, with an OpenAPI 3 document generated from the code.

Authentication: a per-agency token (``Authorization: Bearer ...``) or the browser session. Session
callers must send the CSRF token (``X-CSRFToken``) on unsafe methods; token callers need not.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask_login import current_user
from flask_smorest import Api

from ..access import PUBLIC, blueprint_roles
from ..extensions import csrf, limiter
from ..services.tokens import TokenPrincipal, scope_for
from .schemas import ErrorSchema


class RegulatorApi(Api):
    """flask-smorest's Api, leaving error pages to regulator.errors (JSON under /api, HTML elsewhere)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        pass


api = RegulatorApi()


def _csrf_for_session_callers() -> None:
    """Session (cookie) callers of the API must prove same-origin; token callers carry no cookie.

    Whether the caller is a token is asked of the signed-in principal, not of the request's headers: a session
    is signed in from its cookie before any ``Authorization`` header is read, so a header alone proves nothing.
    """
    if not request.path.startswith("/api/") or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if isinstance(current_user._get_current_object(), TokenPrincipal) \
            or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    csrf.protect()


def _token_scope() -> None:
    """A token without the scope a method needs is refused (read-only tokens cannot write)."""
    if not request.path.startswith("/api/") or not request.headers.get("Authorization"):
        return
    if isinstance(current_user._get_current_object(), TokenPrincipal) and not current_user.may(
            scope_for(request.method)):
        abort(403, description=f"this token lacks the {scope_for(request.method)!r} scope")


def _caller_key() -> str:
    """Rate limits count per token or signed-in user, else per address."""
    if isinstance(current_user._get_current_object(), TokenPrincipal):
        return f"token:{current_user.token_id}"
    if current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return f"addr:{request.remote_addr}"


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


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
    app.before_request(_token_scope)
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix="/api/v1" + (blueprint.url_prefix or ""))
        limiter.limit(_api_limit, key_func=_caller_key)(blueprint)
