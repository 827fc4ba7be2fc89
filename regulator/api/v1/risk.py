"""The risk score of an entity over JSON: the active model's probability, class, version and reasons.

Staff only, as the profile's risk panel: enterprises and the public never see the model's score.
Reasons are sentences in the request's language (``Accept-Language`` or the caller's choice).
"""

from __future__ import annotations

from flask_smorest import abort
from marshmallow import Schema, fields

from models import Role

from ...access import EntityAccess, get_entity_or_404, role_required
from ...risk_text import reason_text
from ...services.risk_models import latest_score_and_version
from ..blueprint import Blueprint
from ..schemas import UtcDateTime

bp = Blueprint("api_risk", __name__, description="Risk scores of the active model (staff only)")


class ReasonSchema(Schema):
    """One reason raising the risk, in words."""

    feature = fields.String(required=True)
    text = fields.String(required=True)
    contribution = fields.Float(required=True)


class RiskSchema(Schema):
    """The entity's latest entity-wide score from the active model."""

    entity_id = fields.Integer(required=True)
    probability = fields.Float(required=True)
    risk_class = fields.String(required=True, metadata={"description": "credit/risk class the probability falls in"})
    model_version = fields.String(required=True)
    as_of = fields.Date(required=True)
    computed_at = UtcDateTime(required=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)


@bp.route("/entities/<int:entity_id>/risk")
@role_required(Role.ADMIN, Role.COORDINATOR, Role.INSPECTOR)
@bp.response(200, RiskSchema)
def entity_risk(entity_id: int):
    """The active model's latest score of the entity; 404 when it has none yet."""
    entity = get_entity_or_404(entity_id, EntityAccess.AGENCY)
    found = latest_score_and_version(entity.id)
    if found is None:
        abort(404, message="no risk score for this entity yet")
    row, version = found
    return {"entity_id": entity.id, "probability": row.probability, "risk_class": getattr(row.risk_class, "value",
                                                                                            row.risk_class),
            "model_version": version, "as_of": row.as_of, "computed_at": row.created_at,
            "reasons": [{"feature": r.get("feature", ""), "text": reason_text(r),
                         "contribution": float(r.get("contribution", 0.0))} for r in row.reasons or []]}
