"""Deciding suggested matches: a coordinator confirms or rejects a ``MatchReview``.

Ingest writes a review for each record whose best candidate lies between the two thresholds; meanwhile the
record sits on a provisional entity (a new one) or on none. Confirming moves the record and every row that
came from it to the candidate (the whole provisional entity, merged, when nothing else is on it);
rejecting leaves it where it is, or gives it a new entity of its own. Both keep history (``EntityEvent``,
audit log) and send ``records_changed``. Services flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from models import EntityEvent, MatchReview, SourceRecord
from models.enums import LinkMethod, ReviewStatus

from ..extensions import db
from ..i18n import label
from ..services import audit
from ..signals import notify_records_changed
from .merge import (
    LINK,
    LINK_BEFORE,
    REVIEWS_DECIDED,
    EntityChangeError,
    _event,
    merge,
    move_records,
    new_entity_for,
    resolve,
)

#: probability bands of the review queue: name -> [low, high)
BANDS: dict[str, tuple[float, float]] = {"high": (0.7, 1.01), "middle": (0.5, 0.7), "low": (0.0, 0.5)}


def queue(*, status: ReviewStatus | None = ReviewStatus.PENDING, agency_id: int | None = None,
          band: str | None = None) -> Select:
    """Reviews (with their source record) by status, agency of the record and probability band; likeliest first."""
    stmt = select(MatchReview, SourceRecord).join(SourceRecord, SourceRecord.id == MatchReview.source_record_id)
    if status is not None:
        stmt = stmt.where(MatchReview.status == status)
    if agency_id is not None:
        stmt = stmt.where(SourceRecord.agency_id == agency_id)
    if band:
        if band not in BANDS:
            raise ValueError(f"unknown probability band {band!r}; known: {', '.join(BANDS)}")
        low, high = BANDS[band]
        stmt = stmt.where(MatchReview.probability >= low, MatchReview.probability < high)
    return stmt.order_by(MatchReview.probability.desc(), MatchReview.id)


@dataclass(frozen=True)
class Stats:
    """Counts of the review queue."""

    by_status: dict[str, int]
    pending_by_band: dict[str, int]
    pending_by_agency: dict[int, int]


def stats() -> Stats:
    """How many reviews are pending, confirmed and rejected; pending ones by band and by agency."""
    by_status = {str(s): n for s, n in db.session.execute(
        select(MatchReview.status, func.count(MatchReview.id)).group_by(MatchReview.status))}
    bands = {name: db.session.scalar(queue(band=name).with_only_columns(func.count(MatchReview.id))
                                     .order_by(None)) or 0 for name in BANDS}
    agencies = dict(db.session.execute(
        select(SourceRecord.agency_id, func.count(MatchReview.id))
        .join(SourceRecord, SourceRecord.id == MatchReview.source_record_id)
        .where(MatchReview.status == ReviewStatus.PENDING).group_by(SourceRecord.agency_id)).all())
    return Stats(by_status, bands, agencies)


def _pending(review_id: int) -> MatchReview:
    review = db.session.get(MatchReview, int(review_id))
    if review is None:
        raise EntityChangeError(_("Match review %(id)s does not exist.", id=review_id))
    if review.status != ReviewStatus.PENDING:
        raise EntityChangeError(_("Match review %(id)s was already decided (“%(status)s”).", id=review.id,
                                  status=label(review.status)))
    return review


def _decided(review: MatchReview, status: ReviewStatus, user: Any, note: str | None) -> None:
    review.decide(status, getattr(user, "id", None), note)


def _claim(review: MatchReview, status: ReviewStatus) -> None:
    """Take the decision in one conditional UPDATE before anything moves: of two decisions read on one pending
    review at once (a button pressed twice, two coordinators in two tabs) only the first is taken; the second
    raises, and its caller rolls back."""
    taken = db.session.execute(update(MatchReview).where(MatchReview.id == review.id,
                                                         MatchReview.status == ReviewStatus.PENDING)
                               .values(status=status).execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        db.session.refresh(review)
        raise EntityChangeError(_("Match review %(id)s was already decided (“%(status)s”).", id=review.id,
                                  status=label(review.status)))
    set_committed_value(review, "status", status)


def confirm(review_id: int, *, user: Any = None, note: str | None = None) -> EntityEvent | None:
    """The record is the candidate's: move it (and its rows) there; returns the event that moved them.

    A candidate merged since is resolved to its survivor. When the record's provisional entity holds no
    other record, the provisional entity itself is merged into the candidate (its names become former
    names). Other pending suggestions for the same record are rejected.
    """
    review = _pending(review_id)
    _claim(review, ReviewStatus.CONFIRMED)
    record = db.session.get(SourceRecord, review.source_record_id)
    before = [str(record.link_method) if record.link_method else None, record.link_probability]
    candidate = resolve(review.candidate_entity_id)
    current = record.entity_id
    reason = f"match review {review.id} confirmed" + (f": {note}" if note else "")
    event: EntityEvent | None = None
    if current is None:
        record.entity_id = candidate.id
        db.session.flush()
        event = _event(LINK, None, candidate.id, {"source_record.entity_id": [record.id]}, user=user, reason=reason)
        notify_records_changed("review", [candidate.id])
    elif current != candidate.id:
        others = db.session.scalar(select(SourceRecord.id).where(SourceRecord.entity_id == current,
                                                                  SourceRecord.id != record.id).limit(1))
        if others is None:
            event = merge(current, candidate.id, user=user, reason=reason)
        else:
            event = move_records(current, candidate.id, [record.id], user=user, reason=reason)
    record = db.session.get(SourceRecord, review.source_record_id)
    record.link_method, record.link_probability = LinkMethod.REVIEW, review.probability
    record.linked_at = datetime.now(UTC).replace(tzinfo=None)
    _decided(review, ReviewStatus.CONFIRMED, user, note)
    decided = [review.id]
    for other in db.session.scalars(select(MatchReview).where(MatchReview.source_record_id == record.id,
                                                              MatchReview.status == ReviewStatus.PENDING,
                                                              MatchReview.id != review.id)):
        _decided(other, ReviewStatus.REJECTED, user, f"match review {review.id} confirmed instead")
        decided.append(other.id)
    if event is not None:  # undoing the event opens these reviews again and gives the record its link back
        event.moved = {**(event.moved or {}), REVIEWS_DECIDED: decided, LINK_BEFORE: {str(record.id): before}}
    audit.record("match_review.confirm", entity_id=candidate.id, object_type="match_review", object_id=review.id,
                 user=user, source_record=record.id, event=event.id if event else None, note=note)
    db.session.flush()
    return event


def reject(review_id: int, *, user: Any = None, note: str | None = None) -> EntityEvent | None:
    """Not the candidate: the record stays on its provisional entity, or gets a new entity if it has none."""
    review = _pending(review_id)
    _claim(review, ReviewStatus.REJECTED)
    record = db.session.get(SourceRecord, review.source_record_id)
    event = None
    if record.entity_id is None:
        entity = new_entity_for(record)
        record.entity_id, record.link_method = entity.id, LinkMethod.NEW
        record.linked_at = datetime.now(UTC).replace(tzinfo=None)
        db.session.flush()
        event = _event(LINK, None, entity.id, {"source_record.entity_id": [record.id], "created": True}, user=user,
                       reason=f"match review {review.id} rejected")
        notify_records_changed("review", [entity.id])
    _decided(review, ReviewStatus.REJECTED, user, note)
    audit.record("match_review.reject", entity_id=record.entity_id, object_type="match_review", object_id=review.id,
                 user=user, source_record=record.id, candidate=review.candidate_entity_id, note=note)
    db.session.flush()
    return event
