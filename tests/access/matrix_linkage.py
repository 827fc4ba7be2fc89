"""Access rules of entity resolution: the review queue (own agency's records), merge, split, history, undo."""

from __future__ import annotations

from .rules import COORDINATION, Route, roles
from .world import World, extend_world

RULES = {
    "coordinator.reviews_queue": Route("/coordinator/reviews", COORDINATION),
    "coordinator.review": Route("/coordinator/reviews/{review}", roles(admin="both", coordinator="own")),
    "coordinator.merge": Route("/coordinator/entities/{entity}/merge", COORDINATION),
    "coordinator.split": Route("/coordinator/entities/{entity}/split", COORDINATION),
    "coordinator.entity_history": Route("/coordinator/entities/{entity}/history", COORDINATION),
    "coordinator.undo": Route("/coordinator/events/{event}/undo", COORDINATION, method="POST"),
    "api_match_reviews.match_reviews": Route("/api/v1/match-reviews", COORDINATION, json=True),
    "api_match_reviews.match_review": Route("/api/v1/match-reviews/{review}", roles(admin="both", coordinator="own"),
                                            json=True),
    "api_match_reviews.decide": Route("/api/v1/match-reviews/{review}/decision",
                                      roles(admin="both", coordinator="own"), method="POST", json=True,
                                      data={"decision": "reject"}),
}


@extend_world
def linkage_objects(make, world: World) -> None:  # noqa: ANN001
    """A pending review of a record of each agency (own: SAMR's) and a merge event on each side."""
    from models import MatchReview
    from regulator.extensions import db
    from regulator.linkage.merge import merge

    for side, code in (("own", "SAMR"), ("other", "MEE")):
        agency = make.agency(code)
        provisional = make.entity(f"{side}临时商行", uscc=None)
        inspection = make.inspection(provisional, agency)
        review = MatchReview(source_record_id=inspection.source_record_id,
                             candidate_entity_id=getattr(world, side)["entity"],
                             provisional_entity_id=provisional.id, probability=0.8,
                             match_weights={"name": {"level": "Same name", "weight": 9.0}})
        db.session.add(review)
        duplicate = make.entity(f"{side}重复商行", uscc=None)
        event = merge(duplicate.id, make.entity(f"{side}存续商行", uscc=None).id)
        db.session.flush()
        getattr(world, side).update(review=review.id, event=event.id)
