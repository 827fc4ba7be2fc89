"""The relationship view of the internal profile: a panel, and the JSON of the two-hop neighbourhood it draws."""

from __future__ import annotations

from flask import jsonify, url_for
from flask_login import current_user

from ..access import EntityAccess, get_entity_or_404, role_required
from ..extensions import db
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


register_panel(Panel(name="relations", template="graph/_panel.html", order=60, min_access=EntityAccess.AGENCY,
                     context=lambda entity, _access: {"graph_url": url_for("profile.graph_json",
                                                                           entity_id=entity.id)}))
