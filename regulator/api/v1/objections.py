"""Objections over JSON: their states and histories, for the enterprise that raised them and the deciding agency."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields
from sqlalchemy import select

from models import Attachment, Objection, ObjectionStatus, Role

from ...access import role_required
from ...extensions import db
from ...services import attachments
from ...services import objections as service
from ..pagination import IdArg, PageArgs, apply_filters, envelope, page_schema, paginate
from ..schemas import UtcDateTime

bp = Blueprint("api_objections", __name__, url_prefix="/objections",
               description="Objections to records: states and histories (enterprise: own; agency: its own records)")
ROLES = (Role.ADMIN, Role.COORDINATOR, Role.ENTERPRISE)


class ObjectionArgs(PageArgs):
    """Filters of the objection list."""

    status = fields.Enum(ObjectionStatus, by_value=True, metadata={"description": "state"})
    entity_id = IdArg(metadata={"description": "market entity (staff only; enterprises see their own)"})


class StepSchema(Schema):
    """One step of an objection's history."""

    status = fields.String(required=True)
    at = UtcDateTime(required=True)
    note = fields.String(allow_none=True)


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


class DocumentSchema(Schema):
    """A document the enterprise sent with the objection (its bytes at ``.../documents/<id>``)."""

    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    sha256 = fields.String(required=True)


class ObjectionDetailSchema(ObjectionSchema):
    """An objection with every step so far and its documents."""

    reason = fields.String(required=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)
    documents = fields.List(fields.Nested(DocumentSchema), required=True)


def _visible():  # noqa: ANN202 - a select
    """Objections the caller may see: the enterprise its own entity's, agency staff their agency's."""
    stmt = select(Objection)
    if current_user.role == Role.ENTERPRISE:
        return stmt.where(Objection.entity_id == current_user.entity_id)
    if current_user.role != Role.ADMIN:
        return stmt.where(Objection.agency_id == current_user.agency_id)
    return stmt


@bp.route("")
@role_required(*ROLES)
@bp.arguments(ObjectionArgs, location="query")
@bp.response(200, page_schema(ObjectionSchema))
def objections(args: dict):
    """Objections the caller may see, newest first (filters ``status``, ``entity_id``)."""
    stmt = apply_filters(_visible(), args, {"status": Objection.status, "entity_id": Objection.entity_id})
    return envelope(paginate(stmt.order_by(Objection.id.desc()), args))


@bp.route("/<int:objection_id>")
@role_required(*ROLES)
@bp.response(200, ObjectionDetailSchema)
def objection(objection_id: int):
    """One objection with its history; 404 for objections the caller may not see."""
    found = db.session.scalar(_visible().where(Objection.id == objection_id))
    if found is None:
        abort(404, message="no such objection")
    steps = [{"status": e.status, "at": e.created_at, "note": e.note}
             for e in service.history(service.SUBJECT, found.id)]
    data = {name: getattr(found, name) for name in (
        "id", "entity_id", "agency_id", "record_type", "record_id", "status", "resolution", "decision_reason",
        "created_at", "decided_at", "reason")}
    return {**data, "steps": steps, "documents": attachments.of(service.SUBJECT, found.id)}


@bp.route("/<int:objection_id>/documents/<int:document_id>")
@role_required(*ROLES)
@bp.response(200, {"format": "binary", "type": "string"}, content_type="application/octet-stream",
             description="the document as sent (PDF, JPEG or PNG)")
def document(objection_id: int, document_id: int):
    """One document of an objection the caller may see; 404 for any other."""
    found = db.session.scalar(_visible().where(Objection.id == objection_id))
    doc = db.session.get(Attachment, document_id)
    if found is None or doc is None or (doc.subject_type, doc.subject_id) != (service.SUBJECT, found.id) \
            or not attachments.may_read(current_user, doc):
        abort(404, message="no such document")
    return attachments.download(doc)
