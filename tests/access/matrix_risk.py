"""Access rules of the risk model registry pages (admin only)."""

from __future__ import annotations

from models import ModelVersion

from .rules import ADMIN_ONLY, Route
from .world import World, extend_world

RULES = {
    "admin.risk_models": Route("/admin/models", ADMIN_ONLY),
    "admin.risk_model_report": Route("/admin/models/{model_version}/report", ADMIN_ONLY),
    "admin.risk_model_activate": Route("/admin/models/{model_version}/activate", ADMIN_ONLY, method="POST"),
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
