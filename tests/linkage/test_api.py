"""The match review queue over JSON: the caller's agency's reviews, one with its evidence, deciding it."""

from __future__ import annotations

from models import MatchReview, Role, SourceRecord
from models.enums import ReviewStatus
from regulator.extensions import db


def _review(make, agency, probability):  # noqa: ANN001, ANN201
    candidate, provisional = make.entity(), make.entity(uscc=None)
    inspection = make.inspection(provisional, agency)
    source = db.session.get(SourceRecord, inspection.source_record_id)
    source.canonical = {"name": "华盛达商行", "legal_rep": "张三明", "phone": "13812345678", "internal": "x"}
    review = MatchReview(source_record_id=source.id, candidate_entity_id=candidate.id,
                         provisional_entity_id=provisional.id, probability=probability,
                         match_weights={"prior": -12.0, "name": {"level": "Same name", "weight": 9.0},
                                        "phone": {"level": "All other comparisons", "weight": -3.0}})
    db.session.add(review)
    db.session.flush()
    return review


def test_queue_detail_and_decision(client, auth, make) -> None:  # noqa: ANN001
    """A coordinator lists, reads and confirms their agency's reviews; another agency's stay invisible."""
    samr, mee = make.agency("SAMR"), make.agency("MEE", domain="environment")
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    mine, middle, theirs = _review(make, samr, 0.8), _review(make, samr, 0.6), _review(make, mee, 0.9)
    db.session.commit()
    auth.login("coord")
    listed = client.get("/api/v1/match-reviews").get_json()
    assert [r["id"] for r in listed["items"]] == [mine.id, middle.id] and listed["total"] == 2
    assert [r["id"] for r in client.get("/api/v1/match-reviews?band=middle").get_json()["items"]] == [middle.id]
    assert client.get("/api/v1/match-reviews?band=huge").status_code == 422
    detail = client.get(f"/api/v1/match-reviews/{mine.id}").get_json()
    assert detail["record"] == {"name": "华盛达商行", "legal_rep": "张三明", "phone": "13812345678"}
    assert detail["evidence"][0] == {"comparison": "name", "level": "Same name", "weight": 9.0,
                                     "strength": "strong_for", "factor": 512.0}
    assert detail["evidence"][1]["strength"] == "against" and detail["runner_up"] is None
    middle.match_weights = {**middle.match_weights, "_runner_up": {"entity_id": mine.candidate_entity_id,
                                                                   "weight": 8.8, "best_weight": 9.0}}
    db.session.commit()
    ambiguous = client.get(f"/api/v1/match-reviews/{middle.id}").get_json()
    assert ambiguous["runner_up"] == {"entity_id": mine.candidate_entity_id, "weight": 8.8, "best_weight": 9.0}
    assert [e["comparison"] for e in ambiguous["evidence"]] == ["name", "phone"]
    assert client.get(f"/api/v1/match-reviews/{theirs.id}").status_code == 404
    decided = client.post(f"/api/v1/match-reviews/{mine.id}/decision", json={"decision": "confirm", "note": "ok"})
    assert decided.status_code == 200 and decided.get_json()["status"] == "confirmed"
    assert db.session.get(SourceRecord, mine.source_record_id).entity_id == mine.candidate_entity_id
    again = client.post(f"/api/v1/match-reviews/{mine.id}/decision", json={"decision": "reject"},
                        headers={"Accept-Language": "en"})
    assert again.status_code == 409
    assert again.get_json()["message"] == f"Match review {mine.id} was already decided (“Confirmed”)."
    again = client.post(f"/api/v1/match-reviews/{mine.id}/decision", json={"decision": "reject"},
                        headers={"Accept-Language": "zh-CN"})
    assert again.status_code == 409 and again.get_json()["message"] == f"匹配审核 {mine.id} 已有结论（“已确认”）。"
    assert client.post(f"/api/v1/match-reviews/{theirs.id}/decision", json={"decision": "reject"}).status_code == 404
    assert db.session.get(MatchReview, theirs.id).status == ReviewStatus.PENDING
    assert client.post(f"/api/v1/match-reviews/{middle.id}/decision", json={"decision": "maybe"}).status_code == 422
