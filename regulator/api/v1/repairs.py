"""Credit repair applications over JSON: their states and histories, for the enterprise and the deciding agency."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields, validate

from models import CreditRepair, RepairStatus, Role

from ...access import role_required
from ...record_kinds import REPAIR_TARGETS
from ...services import repairs as service
from ..blueprint import Blueprint
from ..pagination import IdArg, PageArgs, apply_filters, envelope, page_schema, paginate
from ..schemas import UtcDateTime
from . import requests

bp = Blueprint("api_repairs", __name__, url_prefix="/repairs",
               description="Credit repair applications: states and histories (enterprise: own; agency: its own "
                           "records)")


class RepairArgs(PageArgs):
    """Filters of the application list."""

    status = fields.Enum(RepairStatus, by_value=True, metadata={"description": "state"})
    entity_id = IdArg(metadata={"description": "market entity (staff only; enterprises see their own)"})
    target_type = fields.String(validate=validate.OneOf(sorted(REPAIR_TARGETS)),
                                metadata={"description": "what the application would repair"})


class RepairSchema(Schema):
    """An application and its current state."""

    id = fields.Integer(required=True)
    entity_id = fields.Integer(required=True)
    agency_id = fields.Integer(required=True)
    target_type = fields.String(required=True, metadata={"description": "enforcement_action or list_entry"})
    target_id = fields.Integer(required=True)
    status = fields.Enum(RepairStatus, by_value=True, required=True)
    decision_reason = fields.String(allow_none=True)
    submitted_at = UtcDateTime(attribute="created_at", required=True)
    decided_at = UtcDateTime(allow_none=True)
    decide_by = requests.DecideBy()


class RepairDetailSchema(RepairSchema):
    """An application with its reasons, every step so far and its documents."""

    reason = fields.String(required=True)
    evidence_text = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(requests.StepSchema), required=True)
    documents = fields.List(fields.Nested(requests.DocumentSchema), required=True)


@bp.route("")
@role_required(*requests.ROLES)
@bp.arguments(RepairArgs, location="query")
@bp.response(200, page_schema(RepairSchema))
def repairs(args: dict):
    """Applications the caller may see, newest first (filters ``status``, ``entity_id``, ``target_type``)."""
    stmt = apply_filters(requests.visible(CreditRepair), args, {
        "status": CreditRepair.status, "entity_id": CreditRepair.entity_id,
        "target_type": CreditRepair.target_type})
    return envelope(paginate(stmt.order_by(CreditRepair.id.desc()), args))


class RepairableSchema(Schema):
    """A record of the enterprise's entity that credit repair concerns."""

    target_type = fields.String(required=True, metadata={"description": "enforcement_action or list_entry"})
    target_id = fields.Integer(required=True)
    agency_id = fields.Integer(required=True)
    date = fields.Date(required=True, metadata={"description": "decision day of a penalty, listing day of an entry"})
    kind = fields.String(required=True, metadata={"description": "the penalty type or the list"})
    can_apply = fields.Boolean(required=True, metadata={"description": "an application may be sent now"})
    opens_on = fields.Date(allow_none=True, metadata={"description": "the first day an application may be sent"})


@bp.route("/repairable")
@role_required(Role.ENTERPRISE)
@bp.response(200, RepairableSchema(many=True))
def repairable():
    """The own entity's published penalties and current listings that may be repaired now or from a later day
    (records under an open application left out), newest first."""
    return [{"target_type": item.target_type, "target_id": item.record.id, "agency_id": item.record.agency_id,
             "date": item.day, "kind": item.kind.value, "can_apply": item.verdict.allowed,
             "opens_on": item.verdict.opens_on} for item in service.repairable(current_user.entity_id)]


@bp.route("/<int:repair_id>")
@role_required(*requests.ROLES)
@bp.response(200, RepairDetailSchema)
def repair(repair_id: int):
    """One application with its history; 404 for applications the caller may not see."""
    return requests.detail(requests.one(CreditRepair, repair_id, "credit repair application"), service.SUBJECT, (
        "id", "entity_id", "agency_id", "target_type", "target_id", "status", "decision_reason", "created_at",
        "decided_at", "reason", "evidence_text"))


@bp.route("/<int:repair_id>/documents/<int:document_id>")
@role_required(*requests.ROLES)
@bp.response(200, requests.DOCUMENT_RESPONSE, content_type="application/octet-stream",
             description="the document as sent (PDF, JPEG or PNG)")
def document(repair_id: int, document_id: int):
    """One document of an application the caller may see; 404 for any other."""
    return requests.document(CreditRepair, service.SUBJECT, repair_id, document_id)
