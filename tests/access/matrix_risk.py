"""Access rules of the risk model registry pages (admin only)."""

from __future__ import annotations

from datetime import date

from models import CreditClass, ModelVersion, RiskScore

from .rules import ADMIN_ONLY, Route, roles
from .world import World, extend_world

RULES = {
    "admin.risk_models": Route("/admin/models", ADMIN_ONLY),
    "admin.risk_model_report": Route("/admin/models/{model_version}/report", ADMIN_ONLY),
    "admin.risk_model_activate": Route("/admin/models/{model_version}/activate", ADMIN_ONLY, method="POST"),
    # staff only, like the profile's risk panel (enterprises and the public never get the model's score)
    "api_risk.entity_risk": Route("/api/v1/entities/{entity}/risk",
                                  roles(admin="both", coordinator="both", inspector="own"), json=True),
}


@extend_world
def risk_models(make, world: World) -> None:  # noqa: ANN001
    """A stored model version on each side (versions belong to nobody: admins may act on both)."""
    from regulator.extensions import db

    for side in ("own", "other"):
        row = ModelVersion(version=f"risk-{side}", features=[], params={}, metrics={}, evaluation={})
        db.session.add(row)
        db.session.flush()
        getattr(world, side)["model_version"] = row.version
        if side == "own":
            row.active = True
            for entity_id in (world.own["entity"], world.other["entity"]):
                db.session.add(RiskScore(entity_id=entity_id, model_version_id=row.id, as_of=date(2024, 6, 1),
                                         probability=0.42, risk_class=CreditClass.C, reasons=[]))
            db.session.flush()
