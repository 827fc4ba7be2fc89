"""Error pages for browsers and JSON errors with a stable shape for API callers."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template
from werkzeug.exceptions import HTTPException

from .access import wants_json

log = logging.getLogger(__name__)


def _handle_http(exc: HTTPException):  # noqa: ANN202 - a Flask response
    if wants_json():
        data = getattr(exc, "data", None) or {}
        body = {"code": exc.name.lower().replace(" ", "_"), "message": data.get("message") or exc.description}
        # webargs puts field errors under "messages" ({location: {field: [..]}}); flatten the location away
        field_errors = data.get("errors") or data.get("messages")
        if isinstance(field_errors, dict) and set(field_errors) <= {"json", "query", "form", "files", "view_args"}:
            field_errors = {k: v for location in field_errors.values() for k, v in location.items()}
        if field_errors:
            body["errors"] = field_errors
        return jsonify(body), exc.code
    return render_template("errors/error.html", error=exc), exc.code


def _handle_unexpected(exc: Exception):  # noqa: ANN202 - a Flask response
    log.exception("unhandled error")
    if wants_json():
        return jsonify(code="internal_server_error", message="internal server error"), 500
    return render_template("errors/error.html", error=None), 500


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, _handle_http)
    if not app.config.get("TESTING"):
        app.register_error_handler(Exception, _handle_unexpected)
