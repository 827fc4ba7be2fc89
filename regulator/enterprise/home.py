"""The enterprise user's home: its own entity and the records every agency holds on it."""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from models import Agency, Complaint, EnforcementAction, Inspection, Licence, ListEntry, Violation

from ..access import EntityAccess, get_entity_or_404
from ..extensions import db
from ..nav import nav_item
from . import bp

nav_item("enterprise.index", _l("My enterprise"), "enterprise", order=30)
RECORD_MODELS = {"inspection": Inspection, "violation": Violation, "enforcement": EnforcementAction,
                 "list_entry": ListEntry, "licence": Licence, "complaint": Complaint}


@bp.route("/")
def index():
    """Own entity's identity, class and record counts per agency."""
    if current_user.entity_id is None:
        abort(403)
    entity = get_entity_or_404(current_user.entity_id, EntityAccess.FULL)
    counts: dict[str, dict[str, int]] = {}
    for kind, model in RECORD_MODELS.items():
        for code, n in db.session.execute(
                select(Agency.code, func.count(model.id)).join(Agency, Agency.id == model.agency_id)
                .where(model.entity_id == entity.id).group_by(Agency.code)).all():
            counts.setdefault(code, {})[kind] = n
    return render_template("enterprise/index.html", entity=entity, counts=counts, kinds=list(RECORD_MODELS))
