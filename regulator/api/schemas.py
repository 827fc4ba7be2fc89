"""Schemas shared by every API resource: the error body."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields


class ErrorSchema(Schema):
    """Every API error: a stable machine code, a message for people, and field errors when input was bad."""

    code = fields.String(required=True, metadata={"description": "machine-readable, e.g. not_found, "
                                                                 "unprocessable_entity, too_many_requests"})
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), metadata={"description": "field name -> list of problems"})
    request_id = fields.String(metadata={"description": "the X-Request-ID of the failed request, for support"})


class UtcDateTime(fields.AwareDateTime):
    """A timestamp with its offset: naive values (stored as UTC) are sent as ``...+00:00`` (RFC 3339)."""

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(default_timezone=UTC, **kwargs)

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
