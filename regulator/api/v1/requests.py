"""What the objection and credit-repair resources share: who sees a request, its steps and its documents."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields
from sqlalchemy import Select, select

from models import Attachment, Role

from ...extensions import db
from ...services import attachments, working_days
from ...services.objections import history, readable_by
from ..schemas import UtcDateTime

#: who may read requests over the API (inspectors neither decide nor raise them)
ROLES = (Role.ADMIN, Role.COORDINATOR, Role.ENTERPRISE)
DOCUMENT_RESPONSE = {"format": "binary", "type": "string"}


class DueSchema(Schema):
    """When an open request is to be decided (working days on the platform's calendar)."""

    day = fields.Date(required=True)
    overdue = fields.Boolean(required=True, metadata={"description": "the day has passed"})
    working_days = fields.Integer(required=True, metadata={"description": "working days allowed from submission"})


class DecideBy(fields.Nested):
    """The request's ``DueSchema``, worked out from the request (null once it is decided or withdrawn)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(DueSchema, allow_none=True, dump_only=True, **kwargs)

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return obj["decide_by"] if isinstance(obj, dict) else working_days.decide_by(obj)


class StepSchema(Schema):
    """One step of a request's history."""

    status = fields.String(required=True)
    at = UtcDateTime(required=True)
    note = fields.String(allow_none=True)


class DocumentSchema(Schema):
    """A document the enterprise sent with the request (its bytes at ``.../documents/<id>``)."""

    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    sha256 = fields.String(required=True)


def visible(model: Any) -> Select:
    """Requests the caller may see (``objections.readable_by``)."""
    return select(model).where(readable_by(model, current_user))


def one(model: Any, request_id: int, what: str) -> Any:
    """A request the caller may see, or a 404 that does not say whether it exists."""
    found = db.session.scalar(visible(model).where(model.id == request_id))
    if found is None:
        abort(404, message=f"no such {what}")
    return found


def detail(found: Any, subject: str, names: tuple[str, ...]) -> dict[str, Any]:
    """A request's fields, every step so far and its documents."""
    steps = [{"status": e.status, "at": e.created_at, "note": e.note} for e in history(subject, found.id)]
    return {**{name: getattr(found, name) for name in names}, "steps": steps,
            "documents": attachments.of(subject, found.id), "decide_by": working_days.decide_by(found)}


def document(model: Any, subject: str, request_id: int, document_id: int) -> Response:
    """One document of a request the caller may see, as a download; 404 for any other."""
    found = db.session.scalar(visible(model).where(model.id == request_id))
    doc = db.session.get(Attachment, document_id)
    if found is None or doc is None or (doc.subject_type, doc.subject_id) != (subject, found.id) \
            or not attachments.may_read(current_user, doc):
        abort(404, message="no such document")
    return attachments.download(doc)
