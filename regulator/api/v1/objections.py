"""Objections over JSON: their states and histories, for the enterprise that raised them and the deciding agency."""

from __future__ import annotations

from marshmallow import Schema, fields

from models import Objection, ObjectionStatus

from ...access import role_required
from ...services import objections as service
from ..blueprint import Blueprint
from ..pagination import IdArg, PageArgs, apply_filters, envelope, page_schema, paginate
from ..schemas import UtcDateTime
from . import requests

bp = Blueprint("api_objections", __name__, url_prefix="/objections",
               description="Objections to records: states and histories (enterprise: own; agency: its own records)")


class ObjectionArgs(PageArgs):
    """Filters of the objection list."""

    status = fields.Enum(ObjectionStatus, by_value=True, metadata={"description": "state"})
    entity_id = IdArg(metadata={"description": "market entity (staff only; enterprises see their own)"})


class ObjectionSchema(Schema):
    """An objection and its current state."""

    id = fields.Integer(required=True)
    entity_id = fields.Integer(required=True)
    agency_id = fields.Integer(required=True)
    record_type = fields.String(required=True)
    record_id = fields.Integer(required=True)
    status = fields.Enum(ObjectionStatus, by_value=True, required=True)
    resolution = fields.String(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    submitted_at = UtcDateTime(attribute="created_at", required=True)
    decided_at = UtcDateTime(allow_none=True)
    decide_by = requests.DecideBy()


class ObjectionDetailSchema(ObjectionSchema):
    """An objection with every step so far and its documents."""

    reason = fields.String(required=True)
    steps = fields.List(fields.Nested(requests.StepSchema), required=True)
    documents = fields.List(fields.Nested(requests.DocumentSchema), required=True)


@bp.route("")
@role_required(*requests.ROLES)
@bp.arguments(ObjectionArgs, location="query")
@bp.response(200, page_schema(ObjectionSchema))
def objections(args: dict):
    """Objections the caller may see, newest first (filters ``status``, ``entity_id``)."""
    stmt = apply_filters(requests.visible(Objection), args,
                         {"status": Objection.status, "entity_id": Objection.entity_id})
    return envelope(paginate(stmt.order_by(Objection.id.desc()), args))


@bp.route("/<int:objection_id>")
@role_required(*requests.ROLES)
@bp.response(200, ObjectionDetailSchema)
def objection(objection_id: int):
    """One objection with its history; 404 for objections the caller may not see."""
    return requests.detail(requests.one(Objection, objection_id, "objection"), service.SUBJECT, (
        "id", "entity_id", "agency_id", "record_type", "record_id", "status", "resolution", "decision_reason",
        "created_at", "decided_at", "reason"))


@bp.route("/<int:objection_id>/documents/<int:document_id>")
@role_required(*requests.ROLES)
@bp.response(200, requests.DOCUMENT_RESPONSE, content_type="application/octet-stream",
             description="the document as sent (PDF, JPEG or PNG)")
def document(objection_id: int, document_id: int):
    """One document of an objection the caller may see; 404 for any other."""
    return requests.document(Objection, service.SUBJECT, objection_id, document_id)
