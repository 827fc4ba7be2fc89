"""Entity resolution for coordinators: the review queue, merging, splitting, an entity's history and undo.

Coordinators decide the suggested matches of their own agency's records; administrators those of every
agency. Merges, splits and undo change entities every agency shares: coordinators and administrators.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import bindparam, false, func, or_, select

from models import (
    Address,
    Agency,
    EntityAddress,
    EntityEvent,
    EntityName,
    EntityPhone,
    EntityRole,
    MarketEntity,
    MatchReview,
    Person,
    PersonRole,
    ReviewStatus,
    Role,
    SourceRecord,
    User,
)

from ..access import EntityAccess, can_see_personal_data, get_entity_or_404, same_agency_or_admin
from ..extensions import db
from ..linkage import merge as merging
from ..linkage import review as reviews
from ..linkage.explain import RUNNER_UP
from ..linkage.recheck import Rechecked, last_recheck
from ..nav import nav_item
from ..paging import page_of
from ..panels import Panel, register_panel
from ..privacy import mask_name, mask_phone
from ..profile.identity_rows import AddressLine
from ..profile.places import places
from ..public.search import search_entities
from ..request_guards import MAX_ID, choice_filter, id_arg, id_filter, parse_id
from ..text import normalise_name
from . import bp
from .linkage_forms import MergeForm, ReviewDecisionForm, SplitForm, UndoForm
from .match_words import event_reason, in_words, review_note

nav_item("coordinator.reviews_queue", _l("Match reviews"), "coordinator", "admin", order=32, menu=_l("Data"))
PAGE_SIZE = 50
#: entities offered when the other side of a merge is sought by name
MERGE_CANDIDATES = 10
IDENTITY = (("name", _l("Name")), ("uscc", _l("Unified social credit code")), ("address", _l("Address")),
            ("district", _l("District")), ("legal_rep", _l("Legal representative")), ("phone", _l("Phone")))
BAND_LABELS = {"high": _l("High (70% and above)"), "middle": _l("Middle (50-70%)"), "low": _l("Low (below 50%)")}


def _own_agency() -> int | None:
    """The agency whose reviews the user decides (None: administrators, every agency)."""
    return None if current_user.role == Role.ADMIN else current_user.agency_id


@bp.route("/reviews")
def reviews_queue():
    """Suggested matches to decide, likeliest first; by agency (administrators) and probability band."""
    state, state_note = choice_filter("state", _("State"), ("pending", "confirmed", "rejected", "all"), "pending")
    status = {"pending": ReviewStatus.PENDING, "confirmed": ReviewStatus.CONFIRMED,
              "rejected": ReviewStatus.REJECTED}.get(state)
    band, band_note = choice_filter("band", _("Match probability"), reviews.BANDS)
    agency_id, refused = _own_agency(), None
    if current_user.role == Role.ADMIN:
        agency_id, refused = id_filter("agency", _("Agency of the record"))
    notes = [n for n in (state_note, band_note, refused) if n]
    stmt = reviews.queue(status=status, agency_id=agency_id, band=band)
    if current_user.role != Role.ADMIN and agency_id is None:
        stmt = stmt.where(false())  # a coordinator without an agency decides nothing
    rows, page, pages, total = page_of(stmt, PAGE_SIZE, rows=True)
    entity_ids = {r.candidate_entity_id for r, _s in rows} | {r.provisional_entity_id for r, _s in rows}
    names = dict(db.session.execute(select(MarketEntity.id, MarketEntity.name)
                                    .where(MarketEntity.id.in_([i for i in entity_ids if i]))).all()) if rows else {}
    agencies = db.session.scalars(select(Agency).order_by(Agency.code)).all()
    again = {}  # review id -> (what changed, a probability): "at_import" (the one shown is the recheck's), "now"
    # (the recheck's, of the suggested entity) or "elsewhere" (of another entity); only where it changed
    for r, _s in rows:
        if (found := last_recheck(r)) is not None:
            same = found.entity_id == r.candidate_entity_id or found.entity_id == merging.resolve(
                r.candidate_entity_id).id  # resolved only where they differ: a merge since
            if not same:
                again[r.id] = ("elsewhere", found.probability)
            elif found.is_evidence_of(r):
                if found.moved:
                    again[r.id] = ("at_import", found.at_import)
            elif round(found.probability * 100) != round(r.probability * 100):  # a note from before ``at_import``
                again[r.id] = ("now", found.probability)
    return render_template("coordinator/linkage/reviews.html", rows=rows, names=names, state=state, band=band,
                           again=again,
                           agency_id=agency_id, agencies=agencies, bands=BAND_LABELS, page=page, notes=notes,
                           pages=pages, total=total,
                           agency_codes={a.id: a.code for a in agencies})


def agency_review_or_404(review_id: int) -> tuple[MatchReview, SourceRecord]:
    """A review of a record of the coordinator's agency (any, for administrators); 404 otherwise."""
    review = db.session.get(MatchReview, review_id)
    if review is None:
        abort(404)
    source = db.session.get(SourceRecord, review.source_record_id)
    if source is None or not same_agency_or_admin(source.agency_id):
        abort(404)
    return review, source


#: other premises of an entity that the side-by-side view lists
OTHER_ADDRESSES = 10


def _entity_identity(entity: MarketEntity | None) -> dict[str, Any]:
    """An entity's identity fields for the side-by-side view (people and phones masked where required)."""
    if entity is None:
        return {}
    personal = can_see_personal_data(current_user, entity.id)
    reps = db.session.scalars(select(Person.name).join(EntityRole, EntityRole.person_id == Person.id).where(
        EntityRole.entity_id == entity.id, EntityRole.role == PersonRole.LEGAL_REPRESENTATIVE)).all()
    phones = db.session.scalars(select(EntityPhone).where(EntityPhone.entity_id == entity.id)).all()
    address = entity.address.text if entity.address else None
    # the entity's other premises (each place once): a record may have matched one of them, not the registered one
    lines = [AddressLine(address_id, kind, text) for address_id, kind, text in db.session.execute(
        select(EntityAddress.address_id, EntityAddress.kind, Address.text).join(
            Address, Address.id == EntityAddress.address_id).where(EntityAddress.entity_id == entity.id)
        .order_by(EntityAddress.id).limit(OTHER_ADDRESSES * 4))]
    return {
        "name": entity.name, "uscc": entity.uscc, "district": entity.district, "address": address,
        "legal_rep": ", ".join(sorted({r if personal else mask_name(r) for r in reps})) or None,
        "phone": ", ".join(sorted({p.phone.number if personal else p.phone.masked for p in phones})) or None,
        "other_names": list(dict.fromkeys(db.session.scalars(select(EntityName.name).where(
            EntityName.entity_id == entity.id, EntityName.name != entity.name)).all())),
        "other_addresses": [p.text for p in places(address, lines)[1]][:OTHER_ADDRESSES],
    }


def _record_identity(source: SourceRecord, entity_id: int | None) -> dict[str, Any]:
    canonical = dict(source.canonical or {})
    canonical.setdefault("uscc", source.uscc_raw)
    if not can_see_personal_data(current_user, entity_id):
        canonical["legal_rep"] = mask_name(canonical.get("legal_rep")) or None
        canonical["phone"] = mask_phone(str(canonical["phone"])) if canonical.get("phone") else None
    return canonical


@bp.route("/reviews/<int:review_id>", methods=["GET", "POST"])
def review(review_id: int):
    """The record and the suggested entity side by side, the evidence in words; confirm or reject."""
    review, source = agency_review_or_404(review_id)
    form = ReviewDecisionForm()
    if form.validate_on_submit():
        decide = reviews.confirm if form.data["decision"] == "confirm" else reviews.reject
        try:
            event = decide(review.id, user=current_user, note=form.data["note"] or None)
        except merging.EntityChangeError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Match confirmed.") if form.data["decision"] == "confirm" else _("Match rejected."), "success")
            if event is not None:
                _flash_consequences(event)
            following = db.session.execute(reviews.queue(agency_id=_own_agency()).limit(1)).first()
            if following is not None:
                return redirect(url_for("coordinator.review", review_id=following[0].id))
            return redirect(url_for("coordinator.reviews_queue"))
    candidate = db.session.get(MarketEntity, review.candidate_entity_id)
    survivor = merging.resolve(candidate.id) if candidate.merged_into_id else candidate
    now_on = db.session.get(MarketEntity, source.entity_id) if source.entity_id else None
    decider = db.session.get(User, review.decided_by_id) if review.decided_by_id else None
    runner_up = (review.match_weights or {}).get(RUNNER_UP)
    other = None
    if isinstance(runner_up, dict) and isinstance(runner_up.get("entity_id"), int):
        found = db.session.get(MarketEntity, runner_up["entity_id"])
        found = merging.resolve(found.id) if found is not None and found.merged_into_id else found
        other = found if found is not None and found.id != survivor.id else None
    rechecked, best_now = _rechecked(review)
    return render_template("coordinator/linkage/review.html", review=review, source=source, form=form,
                           other=other, runner_up=runner_up, rechecked=rechecked, best_now=best_now,
                           agency=db.session.get(Agency, source.agency_id), candidate=candidate, survivor=survivor,
                           now_on=now_on, fields=IDENTITY, record=_record_identity(source, source.entity_id),
                           entity=_entity_identity(survivor), evidence=in_words(review.match_weights),
                           review_note=review_note,
                           decider=decider)


def _rechecked(review: MatchReview) -> tuple[Rechecked | None, MarketEntity | None]:
    """What the last recheck found for a pending review, and the entity its record matched best."""
    found = last_recheck(review)
    return (found, db.session.get(MarketEntity, found.entity_id)) if found else (None, None)


@bp.route("/entities/<int:entity_id>/merge", methods=["GET", "POST"])
def merge(entity_id: int):
    """Merge another entity into this one (or this one into it): both side by side first, then a reason."""
    entity = get_entity_or_404(entity_id, EntityAccess.FULL)
    form = MergeForm()
    candidates = []
    if request.method == "GET" and (asked := id_arg("other")):
        form.other.data = asked
    elif request.method == "GET" and (query := request.args.get("q", "").strip()):
        # the other entity by its name or credit code: one hit is taken, several are offered to choose from
        found = [h.entity for h in search_entities(query, page_size=MERGE_CANDIDATES).items
                 if h.entity_id != entity.id]
        exact = [e for e in found if normalise_name(e.name) == normalise_name(query) or e.uscc == query.upper()]
        if len(found) == 1 or len(exact) == 1:
            form.other.data = (exact or found)[0].id
        candidates = found
    other = db.session.get(MarketEntity, form.other.data) if form.other.data and 0 < form.other.data <= MAX_ID else None
    if form.validate_on_submit():
        if other is None:
            flash(_("Entity %(id)s does not exist.", id=form.other.data), "danger")
        else:
            source, target = (other, entity) if form.data["direction"] == "into_this" else (entity, other)
            try:
                event = merging.merge(source.id, target.id, user=current_user, reason=form.data["reason"])
            except merging.EntityChangeError as exc:
                db.session.rollback()
                flash(str(exc), "danger")
            else:
                db.session.commit()
                flash(_("Merged: %(rows)s rows moved.", rows=merging.row_count(event.moved)), "success")
                if settled := len(event.moved.get("reviews_settled") or []):
                    flash(ngettext("%(num)s match review waiting on these entities was confirmed by the merge.",
                                   "%(num)s match reviews waiting on these entities were confirmed by the merge.",
                                   settled), "info")
                _flash_consequences(event)
                return redirect(url_for("coordinator.entity_history", entity_id=target.id))
    merged_away = [(e, merging.resolve(e.id)) for e in (entity, other) if e is not None and e.merged_into_id]
    return render_template("coordinator/linkage/merge.html", entity=entity, other=other, form=form, fields=IDENTITY,
                           merged_away=merged_away,
                           candidates=candidates, query=request.args.get("q", ""),
                           this_identity=_entity_identity(entity), other_identity=_entity_identity(other))


def _flash_consequences(event: EntityEvent) -> None:
    """What a merge leaves for the coordinator to do: two open visits of one campaign to the survivor, rows
    that stayed on the merged entity because the survivor had them already."""
    for campaign_id, tasks in (event.moved.get(merging.DOUBLE_VISITS) or {}).items():
        flash(_("Campaign %(campaign)s now has %(num)s open visits to entity %(entity)s (tasks %(tasks)s): the "
                "business is one, so one visit can serve them all, each task's result recorded from it, or the "
                "visits not needed can be cancelled on their task pages.",
                campaign=campaign_id, num=len(tasks), entity=event.to_entity_id,
                tasks=", ".join(f"#{t}" for t in tasks)), "warning")
    if kept := merging.row_count(event.moved.get("kept") or {}):
        flash(ngettext("%(num)s row stayed on the merged entity because the entity that stays has it already "
                       "(the same campaign selection, for one): see the history.",
                       "%(num)s rows stayed on the merged entity because the entity that stays has them already "
                       "(the same campaign selection, for one): see the history.", kept), "warning")


def _chosen_records() -> list[int]:
    return [i for i in map(parse_id, request.form.getlist("records")) if i is not None]


@bp.route("/entities/<int:entity_id>/split", methods=["GET", "POST"])
def split(entity_id: int):
    """Choose source records of the entity to move, with every fact from them, to a new entity."""
    entity = get_entity_or_404(entity_id, EntityAccess.FULL)
    form = SplitForm()
    if form.validate_on_submit():
        chosen = _chosen_records()
        try:
            event = merging.split(entity.id, chosen, name=form.data["name"] or None, user=current_user,
                                  reason=form.data["reason"])
        except merging.EntityChangeError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Split off to a new entity: %(rows)s rows moved.", rows=merging.row_count(event.moved)), "success")
            return redirect(url_for("coordinator.entity_history", entity_id=event.to_entity_id))
    records = db.session.execute(select(SourceRecord, Agency.code).join(Agency, Agency.id == SourceRecord.agency_id)
                                 .where(SourceRecord.entity_id == entity.id).order_by(SourceRecord.id)).all()
    return render_template("coordinator/linkage/split.html", entity=entity, form=form, records=records,
                           chosen=set(_chosen_records()))


@bp.route("/entities/<int:entity_id>/history")
def entity_history(entity_id: int):
    """Every merge, split, link and undo that touched the entity, newest first, with undo where possible."""
    entity = get_entity_or_404(entity_id, EntityAccess.FULL)
    events = db.session.scalars(select(EntityEvent).where(or_(EntityEvent.from_entity_id == entity.id,
                                                              EntityEvent.to_entity_id == entity.id))
                                .order_by(EntityEvent.id.desc())).all()
    ids = {e.from_entity_id for e in events} | {e.to_entity_id for e in events}
    names = dict(db.session.execute(select(MarketEntity.id, MarketEntity.name)
                                    .where(MarketEntity.id.in_([i for i in ids if i]))).all()) if events else {}
    user_ids = [e.user_id for e in events if e.user_id]
    users = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
    undone = {e.moved.get("undoes") for e in events if e.kind == merging.UNDO}
    return render_template("coordinator/linkage/history.html", entity=entity, events=events, names=names,
                           users=users, undone=undone, form=UndoForm(), row_count=merging.row_count,
                           event_reason=event_reason,
                           survivor=merging.resolve(entity.id) if entity.merged_into_id else None)


@bp.route("/events/<int:event_id>/undo", methods=["POST"])
def undo(event_id: int):
    """Undo a merge, split or link; back to the history of the entity it was about."""
    event = db.session.get(EntityEvent, event_id)
    if event is None:
        abort(404)
    form = UndoForm()
    back_to = event.from_entity_id or event.to_entity_id
    if not form.validate_on_submit():
        flash(_("The form expired: please try again."), "danger")
        return redirect(url_for("coordinator.entity_history", entity_id=back_to))
    try:
        done = merging.undo(event.id, user=current_user, reason=form.data["reason"] or None)
    except merging.EntityChangeError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Undone."), "success")
        if stayed := merging.row_count(done.moved.get("kept") or {}):
            flash(ngettext("%(num)s row was moved again after this change and stayed where it is now: undo the "
                           "later change first to bring it back too.",
                           "%(num)s rows were moved again after this change and stayed where they are now: undo the "
                           "later changes first to bring them back too.", stayed), "warning")
    return redirect(url_for("coordinator.entity_history", entity_id=back_to))


#: built once, the entity a parameter (every coordinator's profile page asks)
_PENDING_REVIEWS = select(func.count(MatchReview.id)).where(
    MatchReview.status == ReviewStatus.PENDING,
    or_(MatchReview.candidate_entity_id == bindparam("entity_id"),
        MatchReview.provisional_entity_id == bindparam("entity_id")))


def _panel_context(entity: MarketEntity, access: EntityAccess) -> dict[str, Any] | None:
    """Links to merge, split and history for coordinators and administrators; pending reviews of the entity."""
    if not current_user.is_authenticated or current_user.role not in (Role.COORDINATOR, Role.ADMIN):
        return None
    pending = db.session.connection().execute(_PENDING_REVIEWS, {"entity_id": entity.id}).scalar() or 0
    survivor = merging.resolve(entity.id) if entity.merged_into_id else None
    return {"entity": entity, "pending": pending, "survivor": survivor}


register_panel(Panel("linkage", "coordinator/linkage/_panel.html", _panel_context, order=90,
                     min_access=EntityAccess.FULL))
