"""The match review queue over JSON: suggested matches of the caller's agency's records, and deciding them."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from models import MatchReview, ReviewStatus, Role, SourceRecord

from ...access import can_see_personal_data, role_required
from ...extensions import db
from ...linkage import merge as merging
from ...linkage import review as reviews
from ...linkage.explain import RUNNER_UP, evidence
from ...linkage.recheck import last_recheck
from ...privacy import mask_name, mask_phone
from ...services import audit
from ..blueprint import Blueprint
from ..guards import before_body
from ..pagination import IdArg, PageArgs, envelope, paginate
from ..pagination import page_schema as page_of
from ..schemas import UtcDateTime

bp = Blueprint("api_match_reviews", __name__, url_prefix="/match-reviews",
               description="Suggested matches between the two thresholds: coordinators decide their agency's")
ROLES = (Role.ADMIN, Role.COORDINATOR)


class ReviewArgs(PageArgs):
    """Filters of the queue."""

    status = fields.Enum(ReviewStatus, by_value=True, load_default=ReviewStatus.PENDING,
                         metadata={"description": "state (default: pending)"})
    band = fields.String(validate=validate.OneOf(sorted(reviews.BANDS)),
                         metadata={"description": "probability band: high >= 0.7, middle 0.5-0.7, low < 0.5"})
    agency = IdArg(metadata={"description": "agency of the record (administrators; coordinators see their own)"})


class ReviewSchema(Schema):
    """A suggested match."""

    id = fields.Integer(required=True)
    source_record_id = fields.Integer(required=True)
    agency_id = fields.Integer(required=True)
    candidate_entity_id = fields.Integer(required=True)
    provisional_entity_id = fields.Integer(allow_none=True)
    probability = fields.Float(required=True, metadata={
        "description": "the match probability of the suggested entity: at import, or at the last recheck that "
                       "found it the best (see rechecked)"})
    status = fields.Enum(ReviewStatus, by_value=True, required=True)
    created_at = UtcDateTime(required=True)
    decided_at = UtcDateTime(allow_none=True)
    note = fields.String(allow_none=True)


class EvidenceSchema(Schema):
    """One comparison behind the probability."""

    comparison = fields.String(required=True)
    level = fields.String(allow_none=True)
    weight = fields.Float(required=True, metadata={"description": "log2 Bayes factor: +1 doubles the odds"})
    strength = fields.String(required=True)
    factor = fields.Float(required=True)


class RunnerUpSchema(Schema):
    """The other entity of an ambiguous match."""

    entity_id = fields.Integer(required=True)
    weight = fields.Float(required=True, metadata={"description": "its match weight"})
    best_weight = fields.Float(required=True, metadata={"description": "the suggested entity's match weight"})


class RecheckedSchema(Schema):
    """What the record matched best when the review was last matched again (``flask linkage recheck``)."""

    on = fields.Date(required=True, metadata={"description": "the day of the recheck"})
    entity_id = fields.Integer(required=True, metadata={
        "description": "the best entity then: the suggested one, or another"})
    probability = fields.Float(required=True)
    linked = fields.Boolean(required=True, metadata={
        "description": "at or above the upper threshold: ingest would link the record to that entity (when it "
                       "is not the suggested one, the two may be one business recorded twice)"})
    at_import = fields.Float(required=True, allow_none=True, data_key="probability_at_import", metadata={
        "description": "the review's probability when its record was imported: where the recheck's best is "
                       "the suggested entity, the review's probability and evidence are now the recheck's"})


class ReviewDetailSchema(ReviewSchema):
    """A suggested match with the record's identity fields (masked as on the page) and the evidence."""

    record = fields.Dict(required=True)
    evidence = fields.List(fields.Nested(EvidenceSchema), required=True)
    runner_up = fields.Nested(RunnerUpSchema, allow_none=True, required=True, metadata={
        "description": "a strong match sent to review because this other entity matched almost as well (the two "
                       "may be one business recorded twice); null otherwise"})
    rechecked = fields.Nested(RecheckedSchema, allow_none=True, required=True, metadata={
        "description": "a pending review matched again after later imports: what its record matched best then; "
                       "null otherwise"})


class DecisionSchema(Schema):
    """Confirm or reject."""

    decision = fields.String(required=True, validate=validate.OneOf(["confirm", "reject"]))
    note = fields.String(validate=validate.Length(max=4000), load_default=None)


def _item(review: MatchReview) -> dict[str, Any]:
    source = db.session.get(SourceRecord, review.source_record_id)
    return {**{k: getattr(review, k) for k in ("id", "source_record_id", "candidate_entity_id",
                                               "provisional_entity_id", "probability", "status", "created_at",
                                               "decided_at", "note")}, "agency_id": source.agency_id}


def _visible_or_404(review_id: int) -> MatchReview:
    review = db.session.get(MatchReview, review_id)
    source = db.session.get(SourceRecord, review.source_record_id) if review else None
    if source is None or (current_user.role != Role.ADMIN and source.agency_id != current_user.agency_id):
        abort(404, message="no such match review")
    return review


@bp.route("")
@role_required(*ROLES)
@bp.arguments(ReviewArgs, location="query")
@bp.response(200, page_of(ReviewSchema))
def match_reviews(args: dict):
    """The queue, likeliest first: the caller's agency's records (administrators: any, or ``agency``)."""
    agency = args.get("agency") if current_user.role == Role.ADMIN else (current_user.agency_id or -1)
    stmt = reviews.queue(status=args["status"], agency_id=agency, band=args.get("band"))
    page = paginate(stmt.with_only_columns(MatchReview), args)
    return envelope(page, [_item(r) for r in page.items])


@bp.route("/<int:review_id>")
@role_required(*ROLES)
@bp.response(200, ReviewDetailSchema)
def match_review(review_id: int):
    """One suggested match: the record's identity fields and the evidence behind the probability."""
    review = _visible_or_404(review_id)
    source = db.session.get(SourceRecord, review.source_record_id)
    record = {k: v for k, v in (source.canonical or {}).items()
              if k in ("name", "address", "district", "legal_rep", "phone", "uscc")}
    if not can_see_personal_data(current_user, source.entity_id):
        record["legal_rep"] = mask_name(record.get("legal_rep")) or None
        record["phone"] = mask_phone(str(record["phone"])) if record.get("phone") else None
    audit.record("match_review.view", entity_id=review.candidate_entity_id, object_type="match_review",
                 object_id=review.id, channel="api")
    db.session.commit()
    runner_up = (review.match_weights or {}).get(RUNNER_UP)
    return {**_item(review), "record": record, "evidence": evidence(review.match_weights),
            "runner_up": runner_up if isinstance(runner_up, dict) else None,
            "rechecked": last_recheck(review)}


@bp.route("/<int:review_id>/decision", methods=["POST"])
@role_required(*ROLES)
@before_body(_visible_or_404)
@bp.arguments(DecisionSchema)
@bp.response(200, ReviewSchema)
def decide(data: dict, review_id: int):
    """Confirm (the record moves to the candidate) or reject; 409 when it was already decided."""
    review = _visible_or_404(review_id)
    decide_with = reviews.confirm if data["decision"] == "confirm" else reviews.reject
    try:
        decide_with(review.id, user=current_user, note=data.get("note"))
    except merging.EntityChangeError as exc:
        db.session.rollback()
        abort(409, message=str(exc))
    db.session.commit()
    return _item(db.session.scalar(select(MatchReview).where(MatchReview.id == review_id)))
