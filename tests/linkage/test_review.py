"""Confirming and rejecting suggested matches: records move to the candidate or stay, history kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import AuditLog, EntityEvent, Inspection, MarketEntity, MatchReview, SourceRecord
from models.enums import EntityStatus, LinkMethod, ReviewStatus
from regulator.extensions import db
from regulator.linkage import review as reviews
from regulator.linkage.merge import EntityChangeError, merge


def _suggest(make, agency, candidate, provisional, probability=0.8, **record):  # noqa: ANN001, ANN201
    """An inspection on the provisional entity (or none) and a pending review suggesting the candidate."""
    if provisional is not None:
        fact = make.inspection(provisional, agency)
        source = db.session.get(SourceRecord, fact.source_record_id)
    else:
        source = make.source_record(agency, canonical={"name": "华盛达商行", "district": "福田区"}, **record)
    row = MatchReview(source_record_id=source.id, candidate_entity_id=candidate.id,
                      provisional_entity_id=provisional.id if provisional else None, probability=probability,
                      match_weights={"prior": -10.0, "name": {"level": "Same name", "weight": 12.0}})
    db.session.add(row)
    db.session.flush()
    return row, source


def test_confirm_merges_a_provisional_entity_that_holds_only_this_record(make) -> None:  # noqa: ANN001
    """The provisional entity is merged into the candidate; the record is marked as linked by review."""
    samr = make.agency("SAMR")
    candidate, provisional = make.entity("华盛达贸易有限公司"), make.entity("华盛达商贸", uscc=None)
    review, source = _suggest(make, samr, candidate, provisional)
    user = make.user("coord", "coordinator", agency_id=samr.id)
    event = reviews.confirm(review.id, user=user, note="same phone")
    db.session.commit()
    assert event.kind == "merge" and event.to_entity_id == candidate.id and event.user_id == user.id
    record = db.session.get(SourceRecord, source.id)
    assert record.entity_id == candidate.id and record.link_method == LinkMethod.REVIEW
    assert record.link_probability == pytest.approx(0.8)
    assert db.session.scalar(select(Inspection.entity_id).where(Inspection.source_record_id == source.id)) \
        == candidate.id
    assert db.session.get(MarketEntity, provisional.id).status == EntityStatus.MERGED
    decided = db.session.get(MatchReview, review.id)
    assert decided.status == ReviewStatus.CONFIRMED and decided.decided_by_id == user.id
    assert decided.note == "same phone" and decided.decided_at is not None
    assert db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "match_review")).all() \
        == ["match_review.confirm"]
    with pytest.raises(EntityChangeError, match="already decided"):
        reviews.confirm(review.id)


def test_confirm_moves_only_the_record_when_the_provisional_entity_has_others(make) -> None:  # noqa: ANN001
    """Another record stays on the provisional entity; the confirmed one and its facts move (a link event)."""
    samr = make.agency("SAMR")
    candidate, provisional = make.entity("甲"), make.entity("乙", uscc=None)
    stay = make.inspection(provisional, samr)
    review, source = _suggest(make, samr, candidate, provisional)
    other = MatchReview(source_record_id=source.id, candidate_entity_id=make.entity("丙").id, probability=0.6)
    db.session.add(other)
    event = reviews.confirm(review.id)
    assert event.kind == "link" and event.moved["source_record.entity_id"] == [source.id]
    assert db.session.get(Inspection, stay.id).entity_id == provisional.id
    assert db.session.get(MarketEntity, provisional.id).merged_into_id is None
    assert db.session.get(MatchReview, other.id).status == ReviewStatus.REJECTED


def test_confirm_follows_a_candidate_merged_since(make) -> None:  # noqa: ANN001
    """The candidate was merged into another entity meanwhile: the record goes to the survivor."""
    samr = make.agency("SAMR")
    candidate, survivor = make.entity("甲", uscc=None), make.entity("甲公司")
    review, source = _suggest(make, samr, candidate, None)
    merge(candidate.id, survivor.id)
    reviews.confirm(review.id)
    assert db.session.get(SourceRecord, source.id).entity_id == survivor.id


def test_reject_leaves_the_record_or_gives_it_a_new_entity(make) -> None:  # noqa: ANN001
    """With a provisional entity nothing moves; without one, a new entity named from the record is made."""
    samr = make.agency("SAMR")
    candidate, provisional = make.entity("甲"), make.entity("乙", uscc=None)
    kept, kept_source = _suggest(make, samr, candidate, provisional)
    assert reviews.reject(kept.id, note="different owner") is None
    assert db.session.get(SourceRecord, kept_source.id).entity_id == provisional.id
    assert db.session.get(MatchReview, kept.id).status == ReviewStatus.REJECTED
    orphan, orphan_source = _suggest(make, samr, candidate, None)
    event = reviews.reject(orphan.id)
    record = db.session.get(SourceRecord, orphan_source.id)
    new = db.session.get(MarketEntity, record.entity_id)
    assert new.name == "华盛达商行" and new.district == "福田区" and record.link_method == LinkMethod.NEW
    assert event.to_entity_id == new.id and event.moved["created"] is True
    assert db.session.scalar(select(func.count()).select_from(EntityEvent)) == 1


def test_queue_filters_by_agency_and_band_and_stats_count(make) -> None:  # noqa: ANN001
    """The queue filters by the record's agency and by probability band; stats count by status and band."""
    samr, health = make.agency("SAMR"), make.agency("HEALTH", domain="health")
    candidate = make.entity("甲")
    high, _ = _suggest(make, samr, candidate, make.entity("乙", uscc=None), probability=0.85)
    low, _ = _suggest(make, health, candidate, make.entity("丙", uscc=None), probability=0.35)
    middle, _ = _suggest(make, health, candidate, make.entity("丁", uscc=None), probability=0.6)
    ids = lambda stmt: [r.id for r, _ in db.session.execute(stmt)]  # noqa: E731
    assert ids(reviews.queue()) == [high.id, middle.id, low.id]
    assert ids(reviews.queue(agency_id=health.id)) == [middle.id, low.id]
    assert ids(reviews.queue(band="low")) == [low.id]
    with pytest.raises(ValueError, match="unknown probability band"):
        reviews.queue(band="medium")
    reviews.reject(low.id)
    stats = reviews.stats()
    assert stats.by_status == {"pending": 2, "rejected": 1}
    assert stats.pending_by_band == {"high": 1, "middle": 1, "low": 0}
    assert stats.pending_by_agency == {samr.id: 1, health.id: 1}


def test_a_merge_settles_the_reviews_waiting_on_the_two_entities_and_undo_opens_them_again(make) -> None:  # noqa: ANN001
    """Records of one business wait on an entity of their own for the business's entity to be confirmed; the
    coordinator merges the two: those reviews are answered (confirmed by the merging user), a review suggesting
    a third entity is not, and undoing the merge opens them again."""
    from regulator.linkage.merge import undo

    samr = make.agency("SAMR")
    business, waiting = make.entity("华盛达贸易有限公司"), make.entity("华盛达商贸", uscc=None)
    third = make.entity("丙")
    first, _ = _suggest(make, samr, business, waiting)
    second, _ = _suggest(make, samr, business, waiting)
    elsewhere, _ = _suggest(make, samr, third, waiting)
    user = make.user("coord", "coordinator", agency_id=samr.id)
    event = merge(waiting.id, business.id, user=user, reason="同一家")
    db.session.commit()
    assert event.moved["reviews_settled"] == [first.id, second.id]
    for review in (first, second):
        settled = db.session.get(MatchReview, review.id)
        assert settled.status == ReviewStatus.CONFIRMED and settled.decided_by_id == user.id
        assert settled.note == f"settled by the merge of entity {waiting.id} into entity {business.id}"
    assert db.session.get(MatchReview, elsewhere.id).status == ReviewStatus.PENDING
    undo(event.id, user=user)
    db.session.commit()
    for review in (first, second):
        reopened = db.session.get(MatchReview, review.id)
        assert reopened.status == ReviewStatus.PENDING and reopened.note is None and reopened.decided_by_id is None
    assert db.session.get(SourceRecord, first.source_record_id).entity_id == waiting.id
