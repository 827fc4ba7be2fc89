"""Views of the internal profile: the entity page, one record with its history, one source row."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import joinedload

from models import Agency, Attachment, MarketEntity, Objection, RecordRevision, Role, SourceRecord

from ..access import EntityAccess, can_see_personal_data, entity_access, entity_and_access, role_required
from ..extensions import db
from ..panels import panels_for
from ..record_kinds import KINDS, form_value
from ..request_guards import page_arg
from ..services import attachments, audit
from ..services.objections import history, readable_by
from . import bp
from .context import build_profile, may_see_source, visible_agencies
from .source_masking import shown_source

STAFF_AND_ENTERPRISE = (Role.ADMIN, Role.COORDINATOR, Role.INSPECTOR, Role.ENTERPRISE)
#: the entity with its registered address, built once (session.get builds its statement for every call)
_ENTITY = (select(MarketEntity).options(joinedload(MarketEntity.address))
           .where(MarketEntity.id == bindparam("entity_id", type_=Integer)))


@bp.route("/<int:entity_id>")
@role_required(*STAFF_AND_ENTERPRISE)
def entity(entity_id: int):
    """One entity's internal profile: identity, class and why, licences, timeline, panels; audited."""
    entity, access = entity_and_access(db.session.scalar(_ENTITY, {"entity_id": entity_id}), EntityAccess.AGENCY)
    # the user itself, not the proxy: each read through current_user looks the user up on g again
    user = current_user._get_current_object()
    audit.record("profile.view", entity_id=entity.id, object_type="market_entity", object_id=entity.id,
                 user=user, access=access.name, page=page_arg())
    context = build_profile(entity, user, access, request)
    page = render_template("profile/entity.html", panels=panels_for(entity, access), **context)
    # the view is committed before the page leaves (no page without its audit row); committing last
    # spares re-loading the user and the entity that a commit would expire
    db.session.commit()
    return page


def get_record_or_404(entity_id: int, kind_key: str, record_id: int) -> tuple[Any, Any, EntityAccess]:
    """A record of the entity the viewer may see (AGENCY level: only their agency's); 404 otherwise."""
    entity, access = entity_and_access(db.session.get(MarketEntity, entity_id), EntityAccess.AGENCY)
    kind = KINDS.get(kind_key)
    record = db.session.get(kind.model, record_id) if kind else None
    if record is None or record.entity_id != entity.id:
        abort(404)
    agencies = visible_agencies(current_user, access)
    if agencies is not None and record.agency_id not in agencies:
        abort(404)
    return entity, record, access


@bp.route("/<int:entity_id>/records/<kind>/<int:record_id>")
@role_required(*STAFF_AND_ENTERPRISE)
def record(entity_id: int, kind: str, record_id: int):
    """One record: every field, its corrections and withdrawal with before/after, objections on it."""
    entity, row, access = get_record_or_404(entity_id, kind, record_id)
    audit.record("record.view", entity_id=entity.id, object_type=kind, object_id=record_id, access=access.name)
    db.session.commit()
    spec = KINDS[kind]
    revisions = db.session.scalars(select(RecordRevision).where(RecordRevision.record_type == kind,
                                                                RecordRevision.record_id == record_id)
                                   .order_by(RecordRevision.id)).all()
    # that an objection exists and its state show to all who see the record (as on the timeline); its reason
    # and steps only to the enterprise, the deciding agency's coordinators and administrators
    found = db.session.execute(select(Objection, readable_by(Objection, current_user)).where(
        Objection.record_type == kind, Objection.record_id == record_id).order_by(Objection.id)).all()
    objections = [o for o, _readable in found]
    readable = {o.id for o, may in found if may}
    return render_template("profile/record.html", entity=entity, record=row, kind=spec, revisions=revisions,
                           agency=db.session.get(Agency, row.agency_id),
                           objections=objections, history={o.id: history("objection", o.id) for o in objections
                                                           if o.id in readable},
                           fields=[(f, form_value(f, row)) for f in spec.fields],
                           specs={f.name: f for f in spec.fields},
                           internals=row.agency_id is not None and may_see_source(current_user, row.agency_id),
                           source_visible=may_see_source(current_user, row.agency_id),
                           owner=current_user.role == Role.ENTERPRISE and current_user.entity_id == entity.id)


@bp.route("/sources/<int:source_id>")
@role_required(Role.ADMIN, Role.COORDINATOR, Role.INSPECTOR)
def source_record(source_id: int):
    """A source row as the agency sent it: raw values, file, batch, row, link method; owning agency only."""
    source = db.session.get(SourceRecord, source_id)
    if source is None:
        abort(404)
    if not may_see_source(current_user, source.agency_id):
        abort(403)
    if source.entity_id is not None and entity_access(current_user, source.entity_id) < EntityAccess.AGENCY:
        abort(403)
    replaced_by = (db.session.get(SourceRecord, source.resubmitted_as_id) if source.resubmitted_as_id else None)
    personal = current_user.role in (Role.ADMIN, Role.COORDINATOR) \
        or can_see_personal_data(current_user, source.entity_id)
    raw, canonical = shown_source(source.raw, source.canonical, personal)
    audit.record("source_record.view", entity_id=source.entity_id, object_type="source_record",
                 object_id=source.id)
    db.session.commit()
    return render_template("profile/source_record.html", source=source, replaced_by=replaced_by, raw=raw,
                           canonical=canonical)


@bp.route("/attachments/<int:attachment_id>")
@role_required(Role.ADMIN, Role.COORDINATOR, Role.ENTERPRISE)
def attachment(attachment_id: int):
    """A document sent with an objection or an application: to its enterprise, the deciding agency, admins."""
    document = db.session.get(Attachment, attachment_id)
    if document is None or not attachments.may_read(current_user, document):
        abort(404)
    return attachments.download(document)
