"""Recording a visit's result over JSON: what the inspector's result form does, for agencies' field systems.

An inspector records their agency's part of a task they are drawn for; an agency system holding an
inspector token records its agency's part of any visible task the agency takes part in. The result becomes
an inspection (with its violations and enforcement action) on the entity's profile, exactly as from the
web form (``regulator.services.task_results``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from models import InspectionResult, InspectionTask, PenaltyType, Role, Severity

from ...access import role_required
from ...extensions import db
from ...inspector.tasks import VISIBLE, own_task_or_404
from ...services import task_results as service
from ...services.working_days import local_day
from ..blueprint import Blueprint
from ..guards import before_body
from ..schemas import UtcDateTime

bp = Blueprint("api_task_results", __name__, description="Inspectors' results of the visits they are drawn for")
TEXT = validate.Length(max=4000)
#: whole yuan below what an enforcement action holds (a number the OpenAPI document can state exactly)
MAX_AMOUNT = int(service.MAX_AMOUNT) - 1


class FoundViolationSchema(Schema):
    """One violation found on the visit."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    severity = fields.Enum(Severity, by_value=True, load_default=Severity.MINOR)
    description = fields.String(load_default="", validate=TEXT)


class ResultInSchema(Schema):
    """The agency's result of the visit, as the inspector's result form takes it."""

    result = fields.Enum(InspectionResult, by_value=True, required=True)
    inspection_date = fields.Date(required=True, metadata={"description": "the day of the visit, not after today"})
    violations = fields.List(fields.Nested(FoundViolationSchema), load_default=list,
                             validate=validate.Length(max=200))
    penalty_type = fields.Enum(PenaltyType, by_value=True, load_default=None, allow_none=True)
    # the range is checked below: a Range validator on a Decimal puts its bounds in the spec as strings
    penalty_amount = fields.Decimal(allow_nan=False, load_default=None, allow_none=True,
                                    metadata={"description": "yuan", "minimum": 0, "maximum": MAX_AMOUNT})
    penalty_description = fields.String(load_default="", validate=TEXT)
    decision_no = fields.String(load_default="", validate=validate.Length(max=200))
    notes = fields.String(load_default="", validate=TEXT, metadata={"description": "shared with the visit's agencies"})
    internal_notes = fields.String(load_default="", validate=TEXT, metadata={"description": "own agency only"})

    @validates_schema
    def _action_named(self, data: dict[str, Any], **_kw: Any) -> None:
        if data.get("penalty_type") is None and (data.get("penalty_amount") is not None or data.get("decision_no")
                                                 or data.get("penalty_description")):
            raise ValidationError("give the penalty_type that the amount, decision number or description is about",
                                  "penalty_type")

    @validates("penalty_amount")
    def _amount_in_range(self, value: Decimal | None, **_kw: Any) -> None:
        if value is not None and not 0 <= value <= MAX_AMOUNT:
            raise ValidationError(f"must be between 0 and {MAX_AMOUNT}")

    @validates("inspection_date")
    def _not_in_future(self, value: date, **_kw: Any) -> None:
        if value > local_day():
            raise ValidationError("a visit cannot be dated in the future")


class RecordedSchema(Schema):
    """The inspection the result became."""

    inspection_id = fields.Integer(required=True)
    task_id = fields.Integer(required=True)
    entity_id = fields.Integer(required=True)
    agency_id = fields.Integer(required=True)
    result = fields.String(required=True)
    inspection_date = fields.Date(required=True)
    violation_count = fields.Integer(required=True)
    task_status = fields.String(required=True, metadata={"description": "done once every agency has recorded"})
    recorded_at = UtcDateTime(required=True)


def _task_or_404(task_id: int) -> InspectionTask:
    """A task of a published campaign that the caller may record for: drawn for it (an inspector, as on the
    task page), or its agency takes part (an agency system's inspector token)."""
    if current_user.id is not None:
        return own_task_or_404(task_id)
    task = db.session.get(InspectionTask, task_id)
    if task is None or task.campaign.status not in VISIBLE or service.part_for(task, current_user.agency_id) is None:
        abort(404, message="no such task")
    return task


@bp.route("/tasks/<int:task_id>/results", methods=["POST"])
@role_required(Role.INSPECTOR)
@before_body(_task_or_404)
@bp.arguments(ResultInSchema)
@bp.response(201, RecordedSchema)
def record_result(data: dict, task_id: int):
    """Record the caller's agency's result of the visit; 409 when it is recorded already or the task is
    cancelled, 422 naming the field for a value refused (as the schema's own checks do)."""
    task = _task_or_404(task_id)
    violations = [service.FoundViolation(code=v["code"], severity=v["severity"], description=v["description"])
                  for v in data["violations"]]
    amount = data["penalty_amount"]
    result = service.ResultInput(
        result=data["result"], inspection_date=data["inspection_date"], violations=violations,
        penalty_type=data["penalty_type"], penalty_amount=str(amount) if amount is not None else None,
        penalty_description=data["penalty_description"], decision_no=data["decision_no"], notes=data["notes"],
        internal_notes=data["internal_notes"])
    try:
        inspection = service.record_result(task, current_user.agency_id, result, user=current_user)
    except service.ResultError as exc:
        db.session.rollback()
        if exc.field:  # a value refused (a date before the campaign, a decision number taken), named as the schema's
            abort(422, message=str(exc), errors={exc.field: [str(exc)]})
        abort(409, message=str(exc))
    db.session.commit()
    return {"inspection_id": inspection.id, "task_id": task.id, "entity_id": inspection.entity_id,
            "agency_id": inspection.agency_id, "result": inspection.result.value,
            "inspection_date": inspection.inspection_date, "violation_count": inspection.violation_count,
            "task_status": task.status.value, "recorded_at": inspection.created_at}
