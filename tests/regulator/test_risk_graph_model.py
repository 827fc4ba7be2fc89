"""The risk model with the relationship-graph features: trained, recorded, scored, explained, point-in-time."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
from click.testing import Result

from models import EntityRole, Person, PersonRole, RiskScore, Severity
from regulator.extensions import db
from regulator.services import risk_models
from regulator.services.risk_frames import load_frames
from risk.graph import feature_names
from risk.training import training_set

from .graph_world import add


def _pairs_world(make) -> list[tuple]:  # noqa: ANN001
    """40 pairs of entities sharing a legal representative. In half the pairs the partner keeps breaking
    rules, and then the entity's own inspections find serious violations too: only the graph tells."""
    rng = random.Random(7)
    samr = make.agency("SAMR")
    pairs = []
    for i in range(40):
        entity, partner = make.entity(), make.entity()
        person = add(Person(name=f"代表{i}", name_norm=f"代表{i}"))
        for e in (entity, partner):
            add(EntityRole(entity_id=e.id, person_id=person.id, role=PersonRole.LEGAL_REPRESENTATIVE))
        bad = i % 2 == 0
        day = date(2021, 1, 1) + timedelta(days=rng.randint(0, 30))
        while day < date(2024, 6, 1):
            if bad:
                make.violation(partner, samr, found_date=day - timedelta(days=40), severity=Severity.SERIOUS)
            found = rng.random() < (0.8 if bad else 0.1)
            make.inspection(entity, samr, inspection_date=day, serious_violation=found,
                            violation_count=1 if found else 0)
            day += timedelta(days=rng.randint(50, 90))
        pairs.append((entity, partner, bad))
    return pairs


def test_model_with_graph_features_records_and_scores_them(app, make, runner) -> None:  # noqa: ANN001
    pairs = _pairs_world(make)
    row = risk_models.train(params={"n_estimators": 80, "min_child_samples": 5})
    assert set(feature_names()) <= set(row.features) and row.params["graph"] is True
    assert risk_models.uses_graph(row)
    risk_models.activate(row.version)
    report = risk_models.score_all(as_of=date(2024, 6, 2))
    db.session.commit()
    assert report.entities == 80
    scores = {s.entity_id: s for s in db.session.query(RiskScore).all()}
    bad = [scores[e.id].probability for e, _, b in pairs if b]
    good = [scores[e.id].probability for e, _, b in pairs if not b]
    assert sum(bad) / len(bad) > sum(good) / len(good)
    graph_reasons = [r for e, _, b in pairs if b for r in scores[e.id].reasons
                     if r["feature"] in feature_names()]
    # each entity has one partner: "1 related company through a shared person ..."
    assert graph_reasons and "1 related company through a shared person" in " ".join(r["text"] for r in graph_reasons)
    plain = risk_models.train(params={"n_estimators": 80, "min_child_samples": 5}, graph=False)
    assert not set(feature_names()) & set(plain.features) and not risk_models.uses_graph(plain)
    db.session.commit()
    result: Result = runner.invoke(args=["risk", "train", "--no-graph"])
    assert result.exit_code == 0, result.output
    assert "without graph features" in result.output and "ap=" in result.output


def test_graph_features_are_point_in_time(app, make) -> None:  # noqa: ANN001
    pairs = _pairs_world(make)
    db.session.commit()
    frames = load_frames(graph=True)
    X, _, dates = training_set(frames, frames.inspections)
    assert (X["flagged_person_hop1_12m"] > 0).any()
    # records dated after every inspection, on every partner: no training row may change
    samr = make.agency("SAMR")
    last = dates.max().date()
    for entity, partner, _ in pairs:
        make.violation(partner, samr, found_date=last + timedelta(days=1), severity=Severity.CRITICAL)
        make.violation(entity, samr, found_date=last + timedelta(days=1), severity=Severity.CRITICAL)
    db.session.commit()
    later = load_frames(graph=True)
    X2, _, _ = training_set(later, later.inspections)
    names = feature_names()
    pd.testing.assert_frame_equal(X[names], X2[names])
    # and a partner's violation counts only from the month after it was found
    first_bad = pairs[0]
    queries = pd.DataFrame({"entity_id": [first_bad[0].id] * 2,
                            "as_of": [pd.Timestamp("2020-06-01"), pd.Timestamp("2024-06-01")]})
    from risk.features import build_features
    Xq = build_features(later, queries)
    assert Xq["flagged_person_hop1_36m"].tolist()[0] == 0 and Xq["flagged_person_hop1_36m"].tolist()[1] == 1
