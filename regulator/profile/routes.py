"""Views of the internal profile."""

from __future__ import annotations

from flask import render_template

from models import Role

from ..access import EntityAccess, can_see_personal_data, entity_access, get_entity_or_404, role_required
from ..extensions import db
from ..panels import panels_for
from ..services import audit
from . import bp


@bp.route("/<int:entity_id>")
@role_required(Role.ADMIN, Role.COORDINATOR, Role.INSPECTOR, Role.ENTERPRISE)
def entity(entity_id: int):
    """One entity's internal profile: identity and every panel the viewer may see; the view is audited."""
    from flask_login import current_user

    entity = get_entity_or_404(entity_id, EntityAccess.AGENCY)
    access = entity_access(current_user, entity_id)
    audit.record("profile.view", entity_id=entity.id, object_type="market_entity", object_id=entity.id,
                 access=access.name)
    db.session.commit()
    return render_template("profile/entity.html", entity=entity, access=access,
                           personal=can_see_personal_data(current_user, entity_id),
                           panels=panels_for(entity, access))
