"""The campaign draw, the joint plan and the inspector draw (risk.campaign), on small seeded frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from risk.campaign import (
    DrawSettings,
    assign_inspectors,
    commitment,
    draw,
    fingerprint,
    plan_joint,
    separate_plans,
    verify,
)


def population(n: int = 1000, agencies: tuple[str, ...] = ("SAMR", "MEE"), seed: int = 1) -> pd.DataFrame:
    """n entities with classes A-D (25% each) and a probability that rises with the class, per agency."""
    rng = np.random.default_rng(seed)
    classes = np.array(["A", "B", "C", "D"])[np.arange(n) % 4]
    base = pd.Series(classes).map({"A": 0.05, "B": 0.15, "C": 0.35, "D": 0.6}).to_numpy()
    frames = [pd.DataFrame({"entity_id": np.arange(1, n + 1), "agency": a, "credit_class": classes,
                            "probability": np.clip(base + rng.normal(0, 0.05, n), 0, 1)}) for a in agencies]
    return pd.concat(frames, ignore_index=True)


def test_same_seed_same_list_whatever_the_row_order() -> None:
    """Re-running with the published inputs and seed gives the same pairs, even with the rows shuffled."""
    cands = population()
    first = draw(cands, {"SAMR": 60, "MEE": 40}, "abc123")
    again = draw(cands.sample(frac=1.0, random_state=3), {"MEE": 40, "SAMR": 60}, "abc123")
    pd.testing.assert_frame_equal(first, again)
    other = draw(cands, {"SAMR": 60, "MEE": 40}, "another-seed")
    assert set(zip(first.entity_id, first.agency, strict=True)) != set(zip(other.entity_id, other.agency, strict=True))


def test_capacity_reasons_and_class_a_never_drawn() -> None:
    """Each agency gets exactly its capacity; random share first; A never; risk pairs are the riskiest left."""
    cands = population()
    out = draw(cands, {"SAMR": 200, "MEE": 50}, "s", DrawSettings(random_share=0.2))
    assert out.groupby("agency").size().to_dict() == {"MEE": 50, "SAMR": 200}
    assert not out["credit_class"].eq("A").any()
    samr = out.loc[out.agency == "SAMR"]
    assert (samr["stratum"] == "random").sum() == 40
    assert (samr["reason"] == "risk_ranking").sum() > 40
    assert set(samr["reason"]) <= {"random_draw", "risk_ranking"}
    assert samr.loc[samr.reason == "risk_ranking", "selection_probability"].eq(1.0).all()
    assert samr.loc[samr.reason == "random_draw", "selection_probability"].between(0, 1, inclusive="neither").all()
    risk = samr.loc[samr.reason == "risk_ranking", "risk_probability"]
    rest = cands.loc[(cands.agency == "SAMR") & ~cands.entity_id.isin(samr.entity_id) & (cands.credit_class != "A")]
    assert risk.min() >= rest["probability"].max()
    assert sorted(samr["rank"]) == list(range(1, 201))


def test_stratification_within_sampling_error() -> None:
    """Over many draws, each class is sampled at its ratio (mean within 4 standard errors)."""
    cands = population(n=2000, agencies=("SAMR",))
    settings = DrawSettings(class_ratios={"A": 0.0, "B": 0.02, "C": 0.05, "D": 0.15}, random_share=0.0)
    n_draws = 300
    counts = {c: [] for c in "BCD"}
    for i in range(n_draws):
        out = draw(cands, {"SAMR": 2000}, f"seed-{i}", settings)
        strat = out.loc[out["stratum"].isin(list("BCD"))]
        for c in "BCD":
            counts[c].append(int((strat["stratum"] == c).sum()))
    for c, ratio in (("B", 0.02), ("C", 0.05), ("D", 0.15)):
        size = 500
        observed = np.mean(counts[c]) / size
        se = np.sqrt(ratio * (1 - ratio) / size / n_draws)
        assert abs(observed - ratio) < 4 * se + 1e-9, (c, observed, ratio)
    # with capacity below the strata's wants, the strata shrink in proportion and never exceed capacity
    small = draw(cands, {"SAMR": 20}, "tight", settings)
    assert len(small) == 20
    assert small["stratum"].value_counts().get("D", 0) > small["stratum"].value_counts().get("B", 0)


def test_verify_checks_commitment_and_selection() -> None:
    """A published draw verifies with its seed; a wrong seed, changed inputs or doctored list fail."""
    cands = population(200)
    caps, settings, seed = {"SAMR": 30, "MEE": 20}, DrawSettings(), "published-seed"
    out = draw(cands, caps, seed, settings)
    fp = fingerprint(cands, caps, settings)
    assert verify(cands, caps, settings, seed, commitment(seed), out, fp).ok
    assert not verify(cands, caps, settings, "other", commitment(seed), out, fp).commitment_ok
    doctored = out.copy()
    doctored.loc[0, "entity_id"] = 99999
    result = verify(cands, caps, settings, seed, commitment(seed), doctored, fp)
    assert not result.ok and result.extra == [(99999, doctored.loc[0, "agency"])]
    changed = cands.assign(probability=cands["probability"] * 0.5)
    assert verify(changed, caps, settings, seed, commitment(seed), out, fp).fingerprint_ok is False


def test_bad_input_names_the_row() -> None:
    """Unknown class, out-of-range probability, duplicate pair: the error names the row."""
    cands = population(10)
    bad = cands.copy()
    bad.loc[3, "credit_class"] = "E"
    with pytest.raises(ValueError, match="row 3: credit_class 'E'"):
        draw(bad, {"SAMR": 2}, "s")
    bad = cands.copy()
    bad.loc[4, "probability"] = 1.5
    with pytest.raises(ValueError, match="probability 1.5"):
        draw(bad, {"SAMR": 2}, "s")
    with pytest.raises(ValueError, match="appears twice"):
        draw(pd.concat([cands, cands.head(1)]), {"SAMR": 2}, "s")
    with pytest.raises(ValueError, match="must lie between 0 and 1"):
        DrawSettings(random_share=1.5)


def test_missing_probability_falls_back_to_the_class_prior() -> None:
    """Without model scores the ranking follows the credit class."""
    cands = population(40).assign(probability=np.nan)
    out = draw(cands, {"SAMR": 10}, "s", DrawSettings(random_share=0.0, class_ratios={"B": 0.0, "C": 0.0,
                                                                                      "D": 0.01}))
    risk = out.loc[out.reason == "risk_ranking"]
    assert set(risk["credit_class"]) == {"D"}


def random_instance(rng: np.random.Generator, n: int = 60) -> tuple[pd.DataFrame, dict[str, int]]:
    agencies = ["SAMR", "MEE", "FIRE"]
    rows = [{"entity_id": e, "agency": a, "credit_class": "B", "probability": float(rng.beta(1.2, 4))}
            for e in range(1, n + 1) for a in agencies if rng.random() < 0.7]
    return pd.DataFrame(rows), {a: int(rng.integers(3, 15)) for a in agencies}


@pytest.mark.parametrize("seed", range(8))
def test_joint_plan_within_capacity_and_never_worse_than_alone(seed: int) -> None:
    """The MILP plan respects every capacity, keeps fixed pairs, and beats (or ties) agencies alone."""
    rng = np.random.default_rng(seed)
    cands, caps = random_instance(rng)
    fixed = cands.groupby("agency").head(2)[["entity_id", "agency"]]
    cost = 0.25
    plan = plan_joint(cands, caps, cost, fixed=fixed)
    per_agency = plan.pairs.groupby("agency").size()
    for agency, cap in caps.items():
        assert per_agency.get(agency, 0) <= cap
    chosen = set(zip(plan.pairs.entity_id, plan.pairs.agency, strict=True))
    assert set(zip(fixed.entity_id, fixed.agency, strict=True)) <= chosen
    alone = separate_plans(cands, caps, cost, fixed)
    alone_value = alone["probability"].sum() - cost * len(alone)
    joint_value = plan.pairs["probability"].sum() - cost * len(plan.visits)
    assert joint_value >= alone_value - 1e-9
    assert plan.summary["objective"] == pytest.approx(joint_value, abs=1e-3)
    assert plan.summary["visits_saved"] == len(plan.pairs) - len(plan.visits)
    assert plan.summary["visits"] == plan.pairs["visit"].nunique()
    # each agency alone: the fixed pairs (all of them, as in the joint plan), then only pairs worth a visit
    assert plan.summary["alone_pairs"] == len(alone) and plan.summary["alone_fixed"] == len(fixed)
    assert (alone.loc[~alone["fixed"], "probability"] > cost).all()


def test_joint_visits_merge_pairs_on_one_entity() -> None:
    """Three agencies with marginal pairs on one entity: alone none is worth a visit, together they are."""
    cands = pd.DataFrame({"entity_id": [1, 1, 1, 2], "agency": ["SAMR", "MEE", "FIRE", "SAMR"],
                          "credit_class": "C", "probability": [0.2, 0.2, 0.2, 0.1]})
    caps = {"SAMR": 1, "MEE": 1, "FIRE": 1}
    plan = plan_joint(cands, caps, cost_per_visit=0.3)
    assert len(plan.visits) == 1 and plan.visits.loc[0, "agencies"] == ["FIRE", "MEE", "SAMR"]
    assert plan.summary["alone_visits"] == 0 and plan.summary["visits_saved"] == 2
    assert plan.summary["objective"] == pytest.approx(0.3)


def test_cluster_is_one_target() -> None:
    """Entities of one cluster share one visit cost."""
    cands = pd.DataFrame({"entity_id": [1, 2], "agency": ["SAMR", "SAMR"], "credit_class": "C",
                          "probability": [0.2, 0.2]})
    assert len(plan_joint(cands, {"SAMR": 2}, 0.3).pairs) == 0
    plan = plan_joint(cands, {"SAMR": 2}, 0.3, clusters={1: 7, 2: 7})
    assert len(plan.pairs) == 2 and plan.visits["visit"].tolist() == ["c7"]
    # two entities (a task each) in one visit of one agency: the visit saved is the cluster's, not a joint visit's
    figures = {k: plan.summary[k] for k in ("pairs", "tasks", "visits", "joint_visits", "cluster_visits",
                                            "visits_saved", "saved_by_agencies", "saved_by_clusters")}
    assert figures == {"pairs": 2, "tasks": 2, "visits": 1, "joint_visits": 0, "cluster_visits": 1,
                       "visits_saved": 1, "saved_by_agencies": 0, "saved_by_clusters": 1}


def test_visits_saved_split_between_agencies_and_clusters() -> None:
    """Checks >= tasks (one per entity) >= visits (a cluster is one): the saving splits into the two steps."""
    cands = pd.DataFrame({"entity_id": [1, 1, 2, 3], "agency": ["SAMR", "MEE", "SAMR", "SAMR"],
                          "credit_class": "C", "probability": [0.6, 0.6, 0.6, 0.6]})
    plan = plan_joint(cands, {"SAMR": 3, "MEE": 1}, 0.3, clusters={1: 7, 2: 7})
    s = plan.summary
    assert (s["pairs"], s["tasks"], s["visits"]) == (4, 3, 2)
    assert (s["visits_saved"], s["saved_by_agencies"], s["saved_by_clusters"]) == (2, 1, 1)
    assert (s["joint_visits"], s["cluster_visits"]) == (1, 1)


def test_fixed_pairs_beyond_capacity_are_refused() -> None:
    cands = population(20, agencies=("SAMR",))
    with pytest.raises(ValueError, match="exceed its capacity"):
        plan_joint(cands, {"SAMR": 1}, 0.3, fixed=cands.head(3))


def test_inspectors_conflicts_last_visit_and_balance() -> None:
    """Never a conflicted or last inspector; two per visit; workloads differ by at most one; reproducible."""
    visits = pd.DataFrame({"task": list(range(1, 31)), "entity_id": list(range(101, 131)), "agency": "SAMR"})
    visits = pd.concat([visits, pd.DataFrame({"task": [1, 2], "entity_id": [101, 102], "agency": "MEE"})])
    pool = pd.DataFrame({"user_id": list(range(1, 7)) + [11, 12], "agency": ["SAMR"] * 6 + ["MEE"] * 2})
    conflicts = pd.DataFrame({"user_id": [1, 2, 3, 4, 5] * 2, "entity_id": [101] * 5 + [130] * 5})
    last = pd.DataFrame({"user_id": [11], "entity_id": [101]})
    result = assign_inspectors(visits, pool, "seed", conflicts=conflicts, last=last)
    a = result.assigned
    # task 30 needs two SAMR inspectors but five declared a conflict: reported, not silently understaffed
    assert result.shortfalls.to_dict("records") == [{"task": 30, "agency": "SAMR", "needed": 2, "available": 1}]
    assert set(a.loc[a.task == 1, "user_id"]) == {6, 12}
    per_task = a.groupby("task").size()
    assert per_task.drop(30).ge(2).all()
    barred = {(u, e) for u in range(1, 6) for e in (101, 130)} | {(11, 101)}
    entity_of = dict(zip(visits.task, visits.entity_id, strict=False))
    assert not any((u, entity_of[t]) in barred for t, u in zip(a.task, a.user_id, strict=True))
    samr_load = a.loc[a.agency == "SAMR"].groupby("user_id").size()
    assert samr_load.max() - samr_load.min() <= 1
    again = assign_inspectors(visits, pool, "seed", conflicts=conflicts, last=last)
    pd.testing.assert_frame_equal(a, again.assigned)
