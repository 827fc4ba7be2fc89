"""The API's Blueprint: flask-smorest's, whose JSON bodies are read as RFC 8259 has them and refused saying why.

webargs reads a body of any other type as no body at all (the caller is told that every field it did send is
missing), and a body in GBK or with a byte order mark as "Invalid JSON body". The checks run where the body is
read, after the view's own object checks (``guards.before_body``), so a caller learns nothing about an object it
may not see from the answer about its body.
"""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Request, current_app
from flask_smorest import abort
from marshmallow import Schema
from webargs.flaskparser import FlaskParser, is_json_request

BOM = b"\xef\xbb\xbf"


class JsonBodyParser(FlaskParser):
    """FlaskParser whose JSON location refuses other types (415) and bytes that are not UTF-8 (400)."""

    def load_json(self, req: Request, schema: Schema) -> Any:
        limit = current_app.config["API_JSON_MAX_BYTES"]
        if (req.content_length or 0) > limit:  # refused before its bytes are read and parsed into memory
            abort(413, message=_too_large(limit))
        body = req.get_data(cache=True)
        if len(body) > limit:  # sent in chunks, without a length
            abort(413, message=_too_large(limit))
        if not is_json_request(req):
            # a form's body is read (into request.form) before any view runs, so its length tells, not its bytes
            if body or req.content_length or req.headers.get("Transfer-Encoding"):
                abort(415, message=f"send the body as JSON (Content-Type: application/json), not {req.mimetype}"
                      if req.mimetype else "send the body as JSON, with Content-Type: application/json")
            return super().load_json(req, schema)
        if body.startswith(BOM):
            abort(400, message="the body starts with a byte order mark: send UTF-8 JSON without one")
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            abort(400, message=f"the body is not UTF-8 (byte {exc.start}): JSON is sent in UTF-8, whatever "
                               f"charset the Content-Type names")
        return super().load_json(req, schema)


def _too_large(limit: int) -> str:
    return (f"the JSON body is larger than {limit // (1024 * 1024)} MiB: send the rows in several requests, or the "
            f"file through the import page or flask ingest")


class Blueprint(flask_smorest.Blueprint):
    """A resource of the API (every module of ``regulator/api/v1`` makes one)."""

    ARGUMENTS_PARSER = JsonBodyParser()
