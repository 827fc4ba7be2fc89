"""Request ids and structured logs: every log line of a request carries its id, every response returns it."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import inspect as sa_inspect

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
access_log = logging.getLogger("regulator.access")


class RequestContextFilter(logging.Filter):
    """Adds request_id (and the user) to every record logged while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = getattr(g, "request_id", "-")
            record.path = request.path
        else:
            record.request_id = "-"
        return True


def configure_logging(fmt: str, level: str = "INFO") -> None:
    """JSON lines (production) or readable text on stderr, with request ids."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                                           rename_fields={"asctime": "time", "levelname": "level"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def _start() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _user_id() -> str | None:
    """The caller already loaded for this request, without touching the database (it may be down)."""
    user = g.get("_login_user")
    token_id = getattr(user, "token_id", None)
    if token_id is not None:
        return f"token:{token_id}"
    state = sa_inspect(user, raiseerr=False) if user is not None else None
    return str(state.identity[0]) if state is not None and state.identity else None


def _finish(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    started = g.get("request_started")
    if started is not None:
        user = _user_id()
        access_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
            "method": request.method, "status": response.status_code, "user_id": user,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2), "remote": request.remote_addr})
    return response


def init_app(app: Flask) -> None:
    """Request ids on every request; structured logs when LOG_FORMAT is set (production sets json)."""
    fmt = app.config.get("LOG_FORMAT")
    if fmt:
        configure_logging(fmt, app.config.get("LOG_LEVEL", "INFO"))
    app.before_request(_start)
    app.after_request(_finish)
