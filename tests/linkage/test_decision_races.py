"""Two decisions read at once (a button pressed twice, two coordinators in two tabs): only the first is taken;
undoing a confirmed review's change opens the review again; the history gives the platform's reasons in words."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select, update

from models import (
    AuditLog,
    CreditRepair,
    EntityEvent,
    MarketEntity,
    MatchReview,
    ModelVersion,
    Notification,
    Objection,
    PenaltyType,
    RiskScore,
    SourceRecord,
    Violation,
)
from models.enums import LinkMethod, ReviewStatus, TaskStatus
from regulator.extensions import db
from regulator.linkage import review as reviews
from regulator.linkage.merge import EntityChangeError, merge, split, undo
from regulator.services import credit, objections


def _suggest(make, agency, candidate, provisional, probability=0.8):  # noqa: ANN001, ANN202
    source = db.session.get(SourceRecord, make.inspection(provisional, agency).source_record_id)
    row = MatchReview(source_record_id=source.id, candidate_entity_id=candidate.id,
                      provisional_entity_id=provisional.id, probability=probability,
                      match_weights={"prior": -10.0, "name": {"level": "Same name", "weight": 12.0}})
    db.session.add(row)
    db.session.flush()
    return row, source


def _elsewhere(model, row_id: int, **values) -> None:  # noqa: ANN001
    """Another request's write, made while this one still holds the row as it read it."""
    db.session.execute(update(model).where(model.id == row_id).values(**values)
                       .execution_options(synchronize_session=False))


@pytest.mark.parametrize("decide", ["confirm", "reject"])
def test_a_review_decided_by_another_coordinator_meanwhile_is_not_decided_again(make, decide) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    candidate, provisional = make.entity("华盛达贸易有限公司"), make.entity("华盛达商贸", uscc=None)
    review, source = _suggest(make, samr, candidate, provisional)
    db.session.commit()
    assert review.status == ReviewStatus.PENDING  # read pending, as by the second of two presses
    _elsewhere(MatchReview, review.id, status=ReviewStatus.REJECTED)
    with pytest.raises(EntityChangeError, match="already decided"):
        getattr(reviews, decide)(review.id, note="second press")
    db.session.rollback()
    assert db.session.get(SourceRecord, source.id).entity_id == provisional.id
    assert db.session.get(MarketEntity, provisional.id).merged_into_id is None
    assert db.session.scalar(select(func.count()).select_from(EntityEvent)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.object_type == "match_review")) == 0


def test_a_merge_read_before_another_merged_the_entity_is_refused(make) -> None:  # noqa: ANN001
    a, b, c = make.entity("甲"), make.entity("乙", uscc=None), make.entity("丙", uscc=None)
    db.session.commit()
    assert b.merged_into_id is None
    _elsewhere(MarketEntity, b.id, merged_into_id=a.id)  # B into A in the other tab, A into B in this one
    with pytest.raises(EntityChangeError, match=f"already merged into entity {a.id}"):
        merge(a.id, b.id)
    db.session.rollback()
    assert db.session.get(MarketEntity, a.id).merged_into_id is None
    _elsewhere(MarketEntity, c.id, merged_into_id=b.id)  # the same merge pressed twice
    with pytest.raises(EntityChangeError, match="already merged"):
        merge(c.id, b.id)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(EntityEvent)) == 0


@pytest.mark.parametrize("shared", [False, True])
def test_undoing_a_confirmed_review_opens_it_again(make, shared) -> None:  # noqa: ANN001
    """Merge (the provisional entity held only the record) or link (it holds another): either way the record goes
    back and the review, with the suggestion the confirm rejected for it, waits again instead of reading
    "confirmed" while the record is no longer on the candidate."""
    samr = make.agency("SAMR")
    candidate, provisional = make.entity("华盛达贸易有限公司"), make.entity("华盛达商贸", uscc=None)
    if shared:
        make.inspection(provisional, samr)
    review, source = _suggest(make, samr, candidate, provisional)
    source.link_method, source.link_probability = LinkMethod.PROBABILISTIC, 0.8
    other = MatchReview(source_record_id=source.id, candidate_entity_id=make.entity("丙").id, probability=0.6)
    db.session.add(other)
    user = make.user("coord", "coordinator", agency_id=samr.id)
    event = reviews.confirm(review.id, user=user)
    db.session.commit()
    assert event.kind == ("link" if shared else "merge")
    assert db.session.get(MatchReview, other.id).status == ReviewStatus.REJECTED
    undo(event.id, user=user)
    db.session.commit()
    record = db.session.get(SourceRecord, source.id)
    assert record.entity_id == provisional.id
    assert (record.link_method, record.link_probability) == (LinkMethod.PROBABILISTIC, 0.8)  # not "review"
    for row in (review, other):
        reopened = db.session.get(MatchReview, row.id)
        assert reopened.status == ReviewStatus.PENDING and reopened.decided_by_id is None
    reviews.confirm(review.id, user=user)  # and can be decided again
    db.session.commit()
    assert db.session.get(SourceRecord, source.id).entity_id == candidate.id


def test_history_gives_the_platforms_reasons_in_the_readers_language(app) -> None:  # noqa: ANN001
    from regulator.coordinator.match_words import event_reason

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert event_reason("match review 12 confirmed: same phone") == "Match review 12 confirmed: same phone"
        assert event_reason("match review 12 rejected") == "Match review 12 rejected."
        assert event_reason("同一家") == "同一家"
        assert event_reason("match review 77 confirmed: rechecked: match probability now 99%") == (
            "Match review 77 confirmed: Decided by the platform when the record was matched again against what it "
            "knew later: match probability 99%.")


def test_a_merge_that_leaves_two_visits_of_one_campaign_says_so(client, auth, make) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    keep, dup = make.entity("华盛达贸易有限公司"), make.entity("华盛达商贸", uscc=None)
    first = make.task(keep, [samr])
    second = make.task(dup, [samr], campaign=first.campaign)
    done = make.task(dup, [samr], status=TaskStatus.DONE)  # another campaign's: nothing to do
    make.user("coord", "coordinator", agency_id=samr.id)
    db.session.commit()
    auth.login("coord")
    client.get("/?lang=en")
    response = client.post(f"/coordinator/entities/{keep.id}/merge", data={
        "other": dup.id, "direction": "into_this", "reason": "同一企业"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert (f"Campaign {first.campaign_id} now has 2 open visits to entity {keep.id} (tasks #{first.id}, "
            f"#{second.id})") in page
    event = db.session.scalars(select(EntityEvent)).one()
    assert event.moved["double_visits"] == {str(first.campaign_id): [first.id, second.id]}
    assert str(done.campaign_id) not in event.moved["double_visits"]


def test_split_takes_the_open_objection_and_repair_application_of_a_record_with_it(make) -> None:  # noqa: ANN001
    """The penalty goes to the new entity: the objection and the credit repair application about it go too, not
    left on the entity the penalty no longer belongs to; undo brings them back."""
    samr = make.agency("SAMR")
    entity = make.entity("深圳市华盛达贸易有限公司")
    stay = make.inspection(entity, samr)
    penalty = make.enforcement(entity, samr, penalty_type=PenaltyType.WARNING)
    ent = make.user("ent", "enterprise", entity_id=entity.id)
    objection = objections.submit(ent, "enforcement", penalty.id, "不是我们")
    other = objections.submit(ent, "inspection", stay.id, "日期有误")
    repair = CreditRepair(entity_id=entity.id, agency_id=samr.id, target_type="enforcement_action",
                          target_id=penalty.id, applicant_id=ent.id, reason="已整改")
    db.session.add(repair)
    db.session.commit()
    event = split(entity.id, [penalty.source_record_id], name="华盛达餐饮店", reason="另一家")
    db.session.commit()
    new = event.to_entity_id
    assert db.session.get(Objection, objection.id).entity_id == new
    assert db.session.get(CreditRepair, repair.id).entity_id == new
    assert db.session.get(Objection, other.id).entity_id == entity.id
    assert event.moved["objection.entity_id"] == [objection.id]
    undo(event.id)
    db.session.commit()
    assert db.session.get(Objection, objection.id).entity_id == entity.id
    assert db.session.get(CreditRepair, repair.id).entity_id == entity.id


def test_merge_page_of_a_merged_entity_and_undo_that_leaves_rows_say_so(client, auth, make) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    keep, dup = make.entity("华盛达贸易有限公司"), make.entity("华盛达商贸", uscc=None)
    make.inspection(keep, samr)
    moved_on = make.inspection(dup, samr)
    make.inspection(dup, samr)
    make.user("coord", "coordinator", agency_id=samr.id)
    event = merge(dup.id, keep.id)
    db.session.commit()
    auth.login("coord")
    client.get("/?lang=en")
    page = client.get(f"/coordinator/entities/{dup.id}/merge").get_data(as_text=True)
    assert f"Entity #{dup.id} was merged into entity #{keep.id}: merge with that one instead." in page
    split(keep.id, [moved_on.source_record_id], name="另一家")  # a row the merge moved, moved on since
    db.session.commit()
    response = client.post(f"/coordinator/events/{event.id}/undo", data={"reason": "误合并"}, follow_redirects=True)
    assert ("2 rows were moved again after this change and stayed where they are now: undo the later changes "
            "first to bring them back too.") in response.get_data(as_text=True)  # the record and its inspection


def test_two_undos_of_one_change_at_once_write_one(app, make) -> None:  # noqa: ANN001
    """The first undo holds its transaction open while a second one (another tab) starts: the second waits and
    is refused, instead of reading the change as not undone and writing a second undo."""
    samr = make.agency("SAMR")
    keep, dup = make.entity("华盛达贸易有限公司"), make.entity("华盛达商贸", uscc=None)
    make.inspection(dup, samr)
    event_id = merge(dup.id, keep.id).id
    db.session.commit()
    undo(event_id, reason="first tab")  # flushed, not committed: the row locks are held
    outcome: list[str] = []

    def second_tab() -> None:
        with app.app_context():
            try:
                undo(event_id, reason="second tab")
                db.session.commit()
                outcome.append("undone again")
            except EntityChangeError as exc:
                db.session.rollback()
                outcome.append(str(exc))
            finally:
                db.session.remove()

    other = threading.Thread(target=second_tab)
    other.start()
    time.sleep(0.5)  # the second tab has read the change and waits for the lock
    db.session.commit()
    other.join(timeout=30)
    assert outcome and "already undone" in outcome[0]
    assert db.session.scalar(select(func.count()).select_from(EntityEvent).where(EntityEvent.kind == "undo")) == 1


def test_undo_tells_rows_deleted_since_from_rows_moved_again(make) -> None:  # noqa: ANN001
    """A row the merge moved and something deleted since (a derived row rebuilt) is not "moved again": the undo
    lists it as gone, so the page does not send the coordinator looking for a later change to undo."""
    samr = make.agency("SAMR")
    keep, dup = make.entity("华盛达贸易有限公司"), make.entity("华盛达商贸", uscc=None)
    make.inspection(dup, samr)
    violation = make.violation(dup, samr)
    event = merge(dup.id, keep.id)
    db.session.commit()
    db.session.delete(db.session.get(Violation, violation.id))
    db.session.commit()
    back = undo(event.id)
    assert back.moved.get("gone") == {"violation.entity_id": [violation.id]}
    assert "kept" not in back.moved


def test_the_survivor_keeps_its_own_risk_score(make) -> None:  # noqa: ANN001
    """Both entities scored on one day: after the merge the survivor's class and profile use its own score, not
    the merged entity's because that one was written later; undo of an older merge that moved scores still works."""
    keep, dup = make.entity("华盛达贸易有限公司"), make.entity("华盛达商贸", uscc=None)
    model = ModelVersion(version="m", active=True)
    db.session.add(model)
    db.session.flush()
    for entity, p in ((keep, 0.05), (dup, 0.9)):
        db.session.add(RiskScore(entity_id=entity.id, model_version_id=model.id, as_of=date(2026, 12, 1),
                                 probability=p, risk_class="A" if p < 0.5 else "D"))
    db.session.commit()
    event = merge(dup.id, keep.id)
    db.session.commit()
    assert "risk_score.entity_id" not in event.moved
    probabilities, _model = credit.load_probabilities([keep.id])
    assert probabilities[keep.id] == pytest.approx(0.05)
    assert db.session.scalar(select(RiskScore.probability).where(RiskScore.entity_id == dup.id)) == pytest.approx(0.9)
    undo(event.id)
    db.session.commit()


def test_the_enterprise_account_of_a_merged_entity_is_told_where_it_now_belongs(app, make) -> None:  # noqa: ANN001
    from regulator.notification_words import text

    keep, dup = make.entity("深圳市华盛达贸易有限公司"), make.entity("华盛达商贸", uscc=None)
    ent = make.user("ent-dup", "enterprise", entity_id=dup.id)
    make.user("ent-keep", "enterprise", entity_id=keep.id)
    db.session.commit()
    event = merge(dup.id, keep.id)
    db.session.commit()
    undo(event.id)
    db.session.commit()
    notes = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(n.user_id, n.kind) for n in notes] == [(ent.id, "entity.merged"), (ent.id, "entity.merge_undone")]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert text(notes[0], "深圳市华盛达贸易有限公司") == (
            "The agencies found that 华盛达商贸 and 深圳市华盛达贸易有限公司 are one business and combined their "
            "records: your account now belongs to 深圳市华盛达贸易有限公司. If they are two businesses, tell the "
            "agency.")
        assert text(notes[1], "华盛达商贸") == ("The combining of 华盛达商贸 with 深圳市华盛达贸易有限公司 was undone: "
                                           "your account belongs to 华盛达商贸 again.")
