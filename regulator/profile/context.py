"""Everything the internal profile page shows, assembled once for the staff page and the enterprise portal.

What a viewer sees follows ``entity_access``: at AGENCY level (an inspector whose agency holds records
on the entity) the timeline and licences hold only that agency's records besides the registration
facts; at FULL (coordinators, administrators, inspectors on a joint task, the enterprise itself)
everything. Internal notes and source rows only to the owning agency's staff and administrators.
"""

from __future__ import annotations

from typing import Any

from flask import Request, url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, select

from models import CreditRepair, MarketEntity, Objection, Role

from ..access import EntityAccess, can_see_personal_data, entity_access, may_see_agency_internals
from ..extensions import db
from ..i18n import agency_name
from ..request_guards import choice_filter, id_filter, page_arg
from ..services import objections as objection_service
from ..services import repairs as repair_service
from .credit_view import credit_context
from .identity import load_identity
from .timeline import AGENCY_LINES, TIMELINE_KINDS, AgencyLine, TimelineFilter, load_page


def visible_agencies(user: Any, access: EntityAccess) -> set[int] | None:
    """None when the viewer sees every agency's records; else the agencies whose records they see."""
    if access >= EntityAccess.FULL:
        return None
    return {user.agency_id} if getattr(user, "agency_id", None) else set()


def may_see_source(user: Any, agency_id: int) -> bool:
    """Source rows (raw, unmasked) only to the owning agency's staff and administrators."""
    return may_see_agency_internals(user, agency_id)


REQUESTS_SHOWN = 100
_HAS_OBJECTIONS = exists().where(Objection.entity_id == bindparam("entity_id")).label("has_objections")
_HAS_REPAIRS = exists().where(CreditRepair.entity_id == bindparam("entity_id")).label("has_repairs")
_HAS_REQUESTS = select(_HAS_OBJECTIONS, _HAS_REPAIRS)
#: the agencies, each row also saying whether the entity has objections and repair applications
_AGENCIES_AND_REQUESTS = AGENCY_LINES.add_columns(_HAS_OBJECTIONS, _HAS_REPAIRS)


def agencies_and_requests(entity_id: int) -> tuple[list[AgencyLine], list[Objection], list[CreditRepair]]:
    """Every agency, and the entity's objections and repair applications (``requests_of``), in as few
    statements as the entity needs: one for most entities, which have neither."""
    rows = db.session.connection().execute(_AGENCIES_AND_REQUESTS, {"entity_id": entity_id}).all()
    if not rows:
        return [], *requests_of(entity_id)
    agencies = [AgencyLine(agency_id, code, name, name_en) for agency_id, code, name, name_en, _o, _r in rows]
    return agencies, *requests_of(entity_id, (rows[0][4], rows[0][5]))


def requests_of(entity_id: int, flags: tuple[bool, bool] | None = None) -> tuple[list[Objection], list[CreditRepair]]:
    """The entity's objections and repair applications, newest first.

    Most entities have neither: one statement asks whether each exists (unless the caller knows, ``flags``),
    and only those that do are loaded.
    """
    has_objections, has_repairs = flags or db.session.execute(_HAS_REQUESTS, {"entity_id": entity_id}).one()
    objections: list[Objection] = []
    repairs: list[CreditRepair] = []
    if has_objections:
        objections = list(db.session.scalars(select(Objection).where(Objection.entity_id == entity_id)
                                             .order_by(Objection.id.desc()).limit(REQUESTS_SHOWN)))
    if has_repairs:
        repairs = list(db.session.scalars(select(CreditRepair).where(CreditRepair.entity_id == entity_id)
                                          .order_by(CreditRepair.id.desc()).limit(REQUESTS_SHOWN)))
    return objections, repairs


def _open_requests(objections: list[Objection], repairs: list[CreditRepair]) -> tuple[dict, dict] | None:
    """The open ones by record, as the timeline wants them, when the lists hold all (else None: it asks)."""
    if len(objections) >= REQUESTS_SHOWN or len(repairs) >= REQUESTS_SHOWN:
        return None
    return ({(o.record_type, o.record_id): o for o in reversed(objections) if o.status in objection_service.OPEN},
            {(r.target_type, r.target_id): r for r in reversed(repairs) if r.status in repair_service.OPEN})


def entity_url(user: Any, entity_id: int) -> str:
    """Where a link to another entity takes this viewer: its staff profile where they may open it, else its
    public profile (an inspector's or an enterprise's link to a parent company they hold nothing of)."""
    if entity_access(user, entity_id) >= EntityAccess.AGENCY:
        return url_for("profile.entity", entity_id=entity_id)
    return url_for("public.entity", entity_id=entity_id)


def build_profile(entity: MarketEntity, user: Any, access: EntityAccess, request: Request) -> dict[str, Any]:
    """The template context of the profile page."""
    agencies = visible_agencies(user, access)
    personal = can_see_personal_data(user, entity.id, access)
    kind, kind_note = choice_filter("kind", _("Kind of record"), TIMELINE_KINDS)
    agency, refused = id_filter("agency", _("Agency"))
    notes = [n for n in (kind_note, refused) if n]
    all_agencies, objections, repairs = agencies_and_requests(entity.id)
    timeline = load_page(TimelineFilter(entity.id, agencies, kind, agency), page_arg(),
                         agencies={a.id: a for a in all_agencies}, open_requests=_open_requests(objections, repairs))
    if access < EntityAccess.FULL:  # the timeline marks the open ones; the lists are for full access
        objections, repairs = [], []
    owner = getattr(user, "role", None) == Role.ENTERPRISE and user.entity_id == entity.id
    page_agencies = {item.record.agency_id for item in timeline.items}
    internals = {a: may_see_agency_internals(user, a) for a in page_agencies}
    repairable = {}
    if owner:
        for item in timeline.items:
            if item.kind in ("enforcement", "list_entry") and item.repair is None:
                target = "enforcement_action" if item.kind == "enforcement" else "list_entry"
                repairable[(item.kind, item.record.id)] = repair_service.eligibility(target, item.record)
    identity = load_identity(entity, personal, agencies)
    return {
        "entity": entity,
        "access": access,
        "personal": personal,
        "identity": identity,
        "parent_url": entity_url(user, identity.parent.id) if identity.parent else None,
        "timeline": timeline,
        "filter_kind": kind,
        "filter_agency": agency,
        "timeline_notes": notes,
        "internals": internals,
        "sources": {a: may_see_source(user, a) for a in page_agencies},
        "credit": credit_context(entity),
        "owner": owner,
        "repairable": repairable,
        "objections": objections,
        "repairs": repairs,
        "limited": agencies is not None,
        "agency_names": {a.id: agency_name(a) for a in all_agencies},
        "agency_choices": [(a.id, agency_name(a)) for a in all_agencies if agencies is None or a.id in agencies],
    }
