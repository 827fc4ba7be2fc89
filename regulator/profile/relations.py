"""The relationship view of the internal profile: a panel, and the JSON of the two-hop neighbourhood it draws."""

from __future__ import annotations

from flask import jsonify, url_for
from flask_login import current_user
from sqlalchemy import select

from models import ClusterMember, MarketEntity, RiskCluster, Role

from ..access import EntityAccess, get_entity_or_404, role_required
from ..extensions import db
from ..graph import service as graph_service
from ..graph.neighbourhood import neighbourhood
from ..panels import Panel, register_panel
from ..services import audit
from . import bp
from .routes import STAFF_AND_ENTERPRISE


@bp.route("/<int:entity_id>/graph.json")
@role_required(*STAFF_AND_ENTERPRISE)
def graph_json(entity_id: int):
    """Nodes and edges of the entity's two-hop neighbourhood; personal nodes masked for this viewer; audited."""
    entity = get_entity_or_404(entity_id, EntityAccess.AGENCY)
    data = neighbourhood(entity, current_user)
    audit.record("profile.graph", entity_id=entity.id, object_type="market_entity", object_id=entity.id,
                 nodes=len(data["nodes"]))
    db.session.commit()
    return jsonify(data)


def _cluster_of(entity_id: int) -> RiskCluster | None:
    """The entity's risk cluster in the latest build (one statement), for those who act on clusters."""
    if getattr(current_user, "role", None) not in (Role.ADMIN, Role.COORDINATOR):
        return None
    latest = (select(RiskCluster.build).where(RiskCluster.build.not_like(f"%{graph_service.KEPT_SUFFIX}"))
              .order_by(RiskCluster.created_at.desc(), RiskCluster.id.desc()).limit(1).scalar_subquery())
    return db.session.scalar(select(RiskCluster).join(ClusterMember, ClusterMember.cluster_id == RiskCluster.id)
                             .where(ClusterMember.entity_id == entity_id, RiskCluster.build == latest).limit(1))


def _context(entity: MarketEntity, _access: EntityAccess) -> dict:
    return {"graph_url": url_for("profile.graph_json", entity_id=entity.id), "cluster": _cluster_of(entity.id)}


register_panel(Panel(name="relations", template="graph/_panel.html", order=60, min_access=EntityAccess.AGENCY,
                     context=_context))
