"""Campaign planning without Flask: the verifiable stratified draw, the joint plan (MILP), inspector draws."""

from .draw import (
    CANDIDATE_COLUMNS,
    CLASS_PRIOR,
    CLASSES,
    DEFAULT_RANDOM_SHARE,
    DEFAULT_RATIOS,
    DrawSettings,
    Verification,
    commitment,
    draw,
    fingerprint,
    new_seed,
    validate_candidates,
    verify,
)
from .inspectors import Assignment, assign_inspectors
from .plan import JointPlan, plan_joint, separate_plans
from .public import build_document, describe, public_pool, verify_document

__all__ = [
    "CANDIDATE_COLUMNS", "CLASS_PRIOR", "CLASSES", "DEFAULT_RANDOM_SHARE", "DEFAULT_RATIOS", "Assignment",
    "DrawSettings", "JointPlan",
    "Verification", "assign_inspectors", "commitment", "draw", "fingerprint", "new_seed", "plan_joint",
    "separate_plans", "validate_candidates", "verify", "build_document", "describe", "public_pool",
    "verify_document",
]
