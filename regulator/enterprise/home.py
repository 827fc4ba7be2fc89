"""The enterprise user's home: its own full profile, every agency's records on it, its class and why."""

from __future__ import annotations

from typing import TypeVar

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, func, or_, select

from models import (
    Agency,
    Complaint,
    CreditRepair,
    EnforcementAction,
    Inspection,
    Licence,
    ListEntry,
    Objection,
    StatusEvent,
    Violation,
)

from ..access import EntityAccess, entity_access, get_entity_or_404
from ..extensions import db
from ..i18n import agency_name_column
from ..nav import nav_item
from ..profile.context import build_profile
from ..services import audit
from . import bp

T = TypeVar("T")

nav_item("enterprise.index", _l("My enterprise"), "enterprise", order=30)
RECORD_MODELS = {"inspection": Inspection, "violation": Violation, "enforcement": EnforcementAction,
                 "list_entry": ListEntry, "licence": Licence, "complaint": Complaint}


def own_entity_id() -> int:
    """The signed-in enterprise user's entity (403 for an account bound to none)."""
    if current_user.entity_id is None:
        abort(403)
    return current_user.entity_id


def own_or_404(model: type[T], row_id: int) -> T:
    """A row of ``model`` that belongs to the signed-in enterprise's entity; 404 for any other."""
    row = db.session.get(model, row_id)
    if row is None or row.entity_id != own_entity_id():
        abort(404)
    return row


def own_rows(model: type[T]) -> list[T]:
    """Every row of ``model`` on the signed-in enterprise's entity, newest first."""
    return list(db.session.scalars(select(model).where(model.entity_id == own_entity_id()).order_by(model.id.desc())))


@bp.route("/")
def index():
    """Own entity's full profile, with record counts per agency and the actions open to the enterprise."""
    entity = get_entity_or_404(own_entity_id(), EntityAccess.FULL)
    audit.record("profile.view", entity_id=entity.id, object_type="market_entity", object_id=entity.id,
                 access="FULL", channel="enterprise")
    db.session.commit()  # before loading the page: a commit expires every loaded row
    counts: dict[str, dict[str, int]] = {}
    named = agency_name_column()
    for kind, model in RECORD_MODELS.items():
        for name, n in db.session.execute(
                select(named, func.count(model.id)).join(Agency, Agency.id == model.agency_id)
                .where(model.entity_id == entity.id).group_by(named)).all():
            counts.setdefault(name, {})[kind] = n
    context = build_profile(entity, current_user, entity_access(current_user, entity.id), request)
    return render_template("enterprise/index.html", counts=counts, kinds=list(RECORD_MODELS),
                           news=latest_steps(entity.id), **context)


#: the agency's latest steps on the enterprise's requests, shown at the top of its home page
NEWS = 5


def latest_steps(entity_id: int) -> list[StatusEvent]:
    """The newest steps others took on the entity's objections and credit repair applications."""
    mine = or_(and_(StatusEvent.subject_type == "objection",
                    StatusEvent.subject_id.in_(select(Objection.id).where(Objection.entity_id == entity_id))),
               and_(StatusEvent.subject_type == "credit_repair",
                    StatusEvent.subject_id.in_(select(CreditRepair.id).where(CreditRepair.entity_id == entity_id))))
    others = or_(StatusEvent.actor_id.is_(None), StatusEvent.actor_id != current_user.id)
    return list(db.session.scalars(select(StatusEvent).where(mine, others)
                                   .order_by(StatusEvent.id.desc()).limit(NEWS)))
