"""Schemas shared by every API resource: the error body."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorSchema(Schema):
    """Every API error: a stable machine code, a message for people, and field errors when input was bad."""

    code = fields.String(required=True, metadata={"description": "machine-readable, e.g. not_found, "
                                                                 "unprocessable_content, too_many_requests"})
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), metadata={"description": "field name -> list of problems"})
    request_id = fields.String(metadata={"description": "the X-Request-ID of the failed request, for support"})
