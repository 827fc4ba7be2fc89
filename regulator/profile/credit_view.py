"""The credit class as the profile explains it: each rule's plain-words reason, its weight and legal basis.

risk.credit returns rule codes; the words live here so that they are translated.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from models import MarketEntity
from risk.credit import CLASS_CUTS, MODEL_CUTS, class_of_points, class_of_probability

from ..services.credit import latest_assessment

RULE_TEXT = {
    "inspection_passed": _l("Inspections passed in the last three years"),
    "inspection_failed": _l("Inspections failed in the last three years"),
    "inspection_unreachable": _l("Visits where inspectors could not get in or find the entity, last three years"),
    "violation_minor": _l("Minor violations found in the last three years"),
    "violation_serious": _l("Serious violations found in the last three years"),
    "violation_critical": _l("Critical violations found in the last three years"),
    "penalty_warning": _l("Warnings in the last three years, not ended by credit repair"),
    "penalty_fine": _l("Fines or confiscations in the last three years, not ended by credit repair"),
    "penalty_severe": _l("Suspensions, licence revocations or detentions in the last three years, "
                         "not ended by credit repair"),
    "complaint_substantiated": _l("Complaints found to be substantiated in the last year"),
    "abnormal_operations": _l("On the abnormal operations list"),
    "serious_illegal": _l("On the serious illegal and dishonest list"),
}
OVERRIDE_TEXT = {
    "serious_illegal_list": _l("On the serious illegal and dishonest list: the class is D whatever the points."),
    "abnormal_operations_list": _l("On the abnormal operations list: the class is at least C."),
}


def reason_text(code: str) -> str:
    """The translated words of a rule (the code itself for a rule this version does not know)."""
    text = RULE_TEXT.get(code) or OVERRIDE_TEXT.get(code)
    return str(text) if text is not None else code


def credit_context(entity: MarketEntity) -> dict[str, Any]:
    """The class, points, reasons (largest weight first), model probability and overrides of an entity."""
    assessment = latest_assessment(entity.id)
    if assessment is None:
        return {"assessment": None, "credit_class": entity.credit_class}
    points_class = class_of_points(assessment.points)
    model_class = class_of_probability(assessment.risk_probability)
    reasons = sorted(assessment.reasons or [], key=lambda r: -abs(r.get("points", 0)))
    return {
        "assessment": assessment,
        "credit_class": assessment.credit_class.value,
        "points": assessment.points,
        "points_class": points_class,
        "model_class": model_class,
        "probability": assessment.risk_probability,
        "reasons": [dict(r, text=reason_text(r["rule"])) for r in reasons],
        "overrides": [dict(o, text=reason_text(o["rule"])) for o in assessment.overrides or []],
        "class_cuts": CLASS_CUTS,
        "model_cuts": MODEL_CUTS,
    }


def credit_payload(entity: MarketEntity) -> dict[str, Any]:
    """The credit context as JSON for the API."""
    ctx = credit_context(entity)
    if ctx["assessment"] is None:
        return {"credit_class": getattr(entity.credit_class, "value", None), "reasons": []}
    return {"credit_class": ctx["credit_class"], "points": ctx["points"], "points_class": ctx["points_class"],
            "model_class": ctx["model_class"], "probability": ctx["probability"],
            "assessed_at": ctx["assessment"].created_at,
            "reasons": [{k: r[k] for k in ("rule", "text", "count", "points", "basis")} for r in ctx["reasons"]],
            "overrides": [{k: o[k] for k in ("rule", "text", "floor", "from", "to", "basis")}
                          for o in ctx["overrides"]]}
