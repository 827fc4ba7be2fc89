"""In a browser (CSRF on): a coordinator opens the review queue, reads the evidence and confirms a match."""

from __future__ import annotations

from models import MatchReview, Role, SourceRecord
from models.enums import ReviewStatus

from .conftest import sign_in


def test_coordinator_confirms_a_suggested_match(live_server, page) -> None:  # noqa: ANN001
    """Queue -> review -> confirm: the record lands on the candidate, the review is marked confirmed."""
    from regulator.extensions import db

    make = live_server.make
    samr = make.agency("SAMR")
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    candidate, provisional = make.entity("深圳市华盛达贸易有限公司"), make.entity("华盛达商行", uscc=None)
    other = make.inspection(provisional, samr)  # keeps the provisional entity alive: only the record moves
    inspection = make.inspection(provisional, samr)
    db.session.get(SourceRecord, inspection.source_record_id).canonical = {"name": "华盛达商行"}
    review = MatchReview(source_record_id=inspection.source_record_id, candidate_entity_id=candidate.id,
                         provisional_entity_id=provisional.id, probability=0.77,
                         match_weights={"name": {"level": "Same name", "weight": 9.5}})
    db.session.add(review)
    live_server.commit()
    sign_in(page, live_server, "coord")
    page.goto(live_server.url + "/coordinator/reviews")
    page.click(f'#reviews tr[data-id="{review.id}"] a')
    assert "Company name: the same name" in page.inner_text("#evidence")
    page.check("input[name=decision][value=confirm]")
    page.click("#decision-form [type=submit]")
    page.wait_for_url("**/coordinator/reviews**")
    assert "Match confirmed." in page.content()
    db.session.expire_all()
    assert db.session.get(MatchReview, review.id).status == ReviewStatus.CONFIRMED
    assert db.session.get(SourceRecord, inspection.source_record_id).entity_id == candidate.id
    assert db.session.get(SourceRecord, other.source_record_id).entity_id == provisional.id
