"""Error pages for browsers and JSON errors with a stable shape for API callers.

The JSON shape (``regulator.api.schemas.ErrorSchema``): ``{"code", "message", "errors"?, "request_id"}``;
``code`` is the HTTP reason in snake case (``not_found``, ``unprocessable_entity``, ``conflict``,
``too_many_requests`` ...), ``errors`` maps each bad field to its problems.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, jsonify, make_response, render_template
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import Conflict, HTTPException, SecurityError, default_exceptions

from .access import wants_json

log = logging.getLogger(__name__)
_LOCATIONS = {"json", "query", "querystring", "form", "files", "view_args", "headers", "path"}


def error_body(code: str, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body of an API error."""
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    body["request_id"] = g.get("request_id", "")
    return body


def _field_errors(data: dict[str, Any]) -> dict[str, Any] | None:
    # webargs puts field errors under "messages" ({location: {field: [..]}}); flatten the location away
    field_errors = data.get("errors") or data.get("messages")
    if isinstance(field_errors, dict) and field_errors and set(field_errors) <= _LOCATIONS:
        flat: dict[str, Any] = {}
        for location in field_errors.values():
            flat.update(location if isinstance(location, dict) else {"_schema": location})
        field_errors = flat
    return field_errors if isinstance(field_errors, dict) else None


def _handle_http(exc: HTTPException):  # noqa: ANN202 - a Flask response
    if wants_json():
        data = getattr(exc, "data", None) or {}
        code = (exc.name or "error").lower().replace(" ", "_").replace("'", "")
        message = data.get("message") or exc.description or exc.name
        response = jsonify(error_body(code, str(message), _field_errors(data)))
        response.status_code = exc.code or 500
        for name, value in (exc.get_headers() if exc.code == 405 else []):
            if name.lower() == "allow":
                response.headers["Allow"] = value
        if exc.code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="regulator"'
        return response
    return render_template("errors/error.html", error=exc, title=_title(exc), reason=_reason(exc)), exc.code


def _title(exc: HTTPException) -> str:
    """The page's heading after the status code, in the reader's language (werkzeug's name is English only)."""
    titles = {400: _("Bad request"), 401: _("Sign-in required"), 403: _("Forbidden"), 404: _("Page not found"),
              405: _("Method not allowed"), 409: _("Conflict"), 413: _("Too large"), 422: _("Invalid request"),
              429: _("Too many requests")}
    return str(titles.get(exc.code or 0, exc.name))


def _reason(exc: HTTPException) -> str | None:
    """The reason the app gave ``abort(code, description=...)``, for the page to say; None for werkzeug's default
    description and for the English one a library's own exception carries (a CSRF failure, a rate limit)."""
    if type(exc) is not default_exceptions.get(exc.code or 0) or "description" not in vars(exc):
        return None
    return str(exc.description)


def _handle_untrusted_host(exc: SecurityError):  # noqa: ANN202 - a Flask response
    """A ``Host`` outside ``TRUSTED_HOSTS``: 400 with a bare body (no page can be built: its links need a host)."""
    log.warning("refused: %s", exc.description)
    if wants_json():
        response = jsonify(error_body("bad_request", "this host name is not served here"))
    else:
        response = _bare_page(400, _("This host name is not served here."))
    response.status_code = 400
    return response


def _bare_page(status: int, message: str):  # noqa: ANN202 - a Flask response
    """A page without the site's template (which loads the user and the menu, and builds links)."""
    return make_response(f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{status}</title></head>"
                         f"<body><h1>{status}</h1><p>{escape(message)}</p></body></html>")


def _handle_integrity(exc: IntegrityError):  # noqa: ANN202 - a Flask response
    """A write that collides with existing data (a unique key, a reference) is a conflict, not a crash."""
    from .extensions import db

    db.session.rollback()
    log.warning("integrity error: %s", exc.orig)
    return _handle_http(Conflict("the request conflicts with existing data"))


def _handle_database_down(exc: OperationalError):  # noqa: ANN202 - a Flask response
    """The database is unreachable (restarting, failing over): 503 with Retry-After, not a crash report."""
    from .extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001, S110 - the connection is gone; the pool replaces it on next checkout
        pass
    log.error("database unavailable: %s", str(exc.orig or exc).splitlines()[0][:300])
    if wants_json():
        response = jsonify(error_body("service_unavailable", "the database is unavailable; retry shortly"))
    else:
        response = _bare_page(503, _unavailable_message())  # the site's template would need the database
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    return response


def _unavailable_message() -> str:
    """The translated notice; the locale may need the user's preference, which the database holds."""
    try:
        return str(_("The service is briefly unavailable. Please try again in a few seconds."))
    except Exception:  # noqa: BLE001 - the locale lookup may itself need the database
        return "服务暂时不可用，请稍后重试。 The service is briefly unavailable. Please try again in a few seconds."


def _handle_unexpected(exc: Exception):  # noqa: ANN202 - a Flask response
    log.exception("unhandled error")
    if wants_json():
        return jsonify(error_body("internal_server_error", "internal server error")), 500
    return render_template("errors/error.html", error=None), 500


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(SecurityError, _handle_untrusted_host)
    app.register_error_handler(IntegrityError, _handle_integrity)
    app.register_error_handler(OperationalError, _handle_database_down)
    if not app.config.get("TESTING"):
        app.register_error_handler(Exception, _handle_unexpected)
