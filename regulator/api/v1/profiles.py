"""Entity profiles over JSON: the internal profile and its timeline (audited), public search and profile."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import redirect, request, url_for
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from models import MarketEntity, Role

from ...access import EntityAccess, can_see_personal_data, entity_and_access, public, role_required
from ...extensions import db
from ...linkage import merge as merging
from ...profile.context import may_see_source, visible_agencies
from ...profile.credit_view import credit_payload
from ...profile.identity import licences_payload, load_identity
from ...profile.timeline import TimelineFilter, load_page
from ...public.profile import public_payload
from ...public.search import search_entities
from ...record_kinds import KINDS, snapshot
from ...request_guards import page_arg
from ...services import audit
from ..blueprint import Blueprint
from ..pagination import IdArg, Page, PageArgs, envelope, page_schema

bp = Blueprint("api_profiles", __name__, description="Entity profiles: internal (audited) and public")
STAFF_AND_ENTERPRISE = (Role.ADMIN, Role.COORDINATOR, Role.INSPECTOR, Role.ENTERPRISE)


def plain(value: Any) -> Any:
    """Dates as ISO strings (timestamps with their offset: naive ones are UTC, as stored), decimals as floats,
    enums as their values, recursively."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


@bp.route("/entities/<int:entity_id>")
@role_required(*STAFF_AND_ENTERPRISE)
@bp.response(200)
def entity(entity_id: int):
    """The internal profile: identity (personal data masked as the caller's role requires), class and why;
    ``merged_into_id``: the entity this one was merged into (its records and class are there), else null."""
    entity, access = entity_and_access(db.session.get(MarketEntity, entity_id), EntityAccess.AGENCY)
    audit.record("profile.view", entity_id=entity.id, object_type="market_entity", object_id=entity.id,
                 access=access.name, channel="api")
    db.session.commit()
    identity = load_identity(entity, can_see_personal_data(current_user, entity_id, access),
                             visible_agencies(current_user, access))
    rep = identity.representative
    return plain({
        "id": entity.id, "uscc": entity.uscc, "name": entity.name, "entity_type": entity.entity_type,
        "industry_code": entity.industry_code, "industry": entity.industry, "status": entity.status,
        "district": entity.district, "registration_date": entity.registration_date,
        "address": entity.address.text if entity.address else None, "access": access.name,
        "merged_into_id": merging.resolve(entity.id).id if entity.merged_into_id is not None else None,
        "names": [{"name": n.name, "kind": n.kind, "valid_from": n.valid_from, "valid_to": n.valid_to}
                  for n in identity.names],
        "legal_representative": None if rep is None else {"name": rep.name, "id_masked": rep.id_masked},
        "phones": identity.phones, "licences": licences_payload(identity.licences),
        "credit": credit_payload(entity),
    })


class RecordArgs(PageArgs):
    """Timeline filters."""

    kind = fields.String(validate=validate.OneOf(sorted(KINDS)), metadata={"description": "record kind"})
    agency = IdArg(metadata={"description": "agency id"})


class RecordItemSchema(Schema):
    """One record of the timeline; ``fields`` are the kind's own fields."""

    kind = fields.String(required=True)
    id = fields.Integer(required=True)
    date = fields.String(allow_none=True)
    agency_id = fields.Integer(allow_none=True)
    agency = fields.String(allow_none=True)
    fields_ = fields.Dict(data_key="fields", required=True)
    under_objection = fields.Boolean(required=True)
    revisions = fields.Integer(required=True)


class RecordPageSchema(page_schema(RecordItemSchema)):
    """A page of the timeline, with the count of each kind over the whole timeline."""

    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class SearchArgs(PageArgs):
    """Public search: the text and the page."""

    q = fields.String(required=True, validate=validate.Length(min=1, max=200),
                      metadata={"description": "name, former name or USCC (or its start)"})


class SearchHitSchema(Schema):
    """One public search result."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    uscc = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    matched_name = fields.String(allow_none=True)
    score = fields.Float(required=True)


@bp.route("/entities/<int:entity_id>/records")
@role_required(*STAFF_AND_ENTERPRISE)
@bp.arguments(RecordArgs, location="query", as_kwargs=True)
@bp.response(200, RecordPageSchema)
def records(entity_id: int, page: int, per_page: int, kind: str | None = None, agency: int | None = None):
    """One page of the timeline (filters ``kind``, ``agency``), newest first; audited."""
    entity, access = entity_and_access(db.session.get(MarketEntity, entity_id), EntityAccess.AGENCY)
    audit.record("profile.records", entity_id=entity.id, object_type="market_entity", object_id=entity.id,
                 access=access.name, channel="api", page=page)
    db.session.commit()
    loaded = load_page(TimelineFilter(entity.id, visible_agencies(current_user, access), kind, agency),
                       page, per_page)
    items = []
    for item in loaded.items:
        fields_ = snapshot(KINDS[item.kind], item.record)
        if not may_see_source(current_user, item.record.agency_id):
            fields_.pop("source_record_id")
        items.append({"kind": item.kind, "id": item.record.id, "date": item.day, "agency_id": item.record.agency_id,
                      "agency": item.agency.name if item.agency else None, "fields_": fields_,
                      "under_objection": item.objection is not None, "revisions": len(item.revisions)})
    body = envelope(Page(items, loaded.total, loaded.page, per_page))
    body["counts"] = loaded.counts
    return plain(body)


@bp.route("/public/entities")
@public
@bp.arguments(SearchArgs, location="query", as_kwargs=True)
@bp.response(200, page_schema(SearchHitSchema))
def public_search(q: str, page: int, per_page: int):
    """Search by name, former name or USCC, best first."""
    query = q.strip()
    if not query:
        abort(422, message="q must not be blank", errors={"q": ["must not be blank"]})
    result = search_entities(query, page=page, page_size=per_page)
    # plain values already (the schema writes the status enum as its value): no ``plain`` walk over the page
    return envelope(Page([
        {"id": h.entity.id, "name": h.entity.name, "uscc": h.entity.uscc, "district": h.entity.district,
         "status": h.entity.status, "matched_name": h.matched_name, "score": round(h.score, 3)}
        for h in result.items], result.total, page, per_page))


@bp.route("/public/entities/<int:entity_id>")
@public
@bp.response(200)
def public_entity(entity_id: int):
    """What the law makes public about an entity; no class, no personal data beyond a masked name. An entity merged
    into another redirects to the one it is now, as the public page does (an id kept from before still leads)."""
    try:
        entity = merging.resolve(entity_id)
    except merging.EntityChangeError:
        abort(404)
    if entity.id != entity_id:
        return redirect(url_for(".public_entity", entity_id=entity.id, **request.args))
    return plain(public_payload(entity, page_arg()))
