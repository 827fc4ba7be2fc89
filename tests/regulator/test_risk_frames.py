"""The database loader gives risk.features the same frames a hand-made test would."""

from __future__ import annotations

from datetime import date

import pandas as pd

from models import Severity
from regulator.services.risk_frames import load_frames
from risk.features import build_features


def test_frames_from_the_database_feed_point_in_time_features(app, make) -> None:  # noqa: ANN001
    samr, health = make.agency("SAMR"), make.agency("HEALTH", domain="health")
    shop, other = make.entity(industry_code="food"), make.entity()
    make.inspection(shop, samr, inspection_date=date(2024, 1, 5), serious_violation=True, violation_count=2)
    make.violation(shop, samr, found_date=date(2024, 1, 5), severity=Severity.CRITICAL)
    make.violation(shop, health, found_date=date(2024, 2, 5))
    make.violation(shop, health, found_date=date(2024, 9, 1))  # after the query day
    make.enforcement(shop, samr, decision_date=date(2024, 3, 1), amount=2000)
    make.complaint(other, samr, received_date=date(2024, 4, 1))
    frames = load_frames()
    assert set(frames.entities["entity_id"]) == {shop.id, other.id}
    assert frames.inspections["selection_reason"].tolist() == ["random_draw"]
    queries = pd.DataFrame({"entity_id": [shop.id, other.id], "as_of": [date(2024, 6, 1)] * 2})
    features = build_features(frames, queries)
    assert features["viol_12m"].tolist() == [2.0, 0.0]
    assert features["viol_agencies_12m"].tolist() == [2.0, 0.0]
    assert features["enf_amount"].tolist() == [2000.0, 0.0]
    assert features["complaints_12m"].tolist() == [0.0, 1.0]
    assert features["insp_serious"].tolist() == [1.0, 0.0]
    assert str(features["industry"].iloc[0]) == "food"
