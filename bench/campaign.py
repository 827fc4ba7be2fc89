"""Campaign simulation on the demo world: violations found per visit and visits needed, by strategy.

    python bench/campaign.py --entities 2000 --draws 5

The generator's hidden compliance gives each (entity, agency) pair its true expected number of violations
(``regulator.demo.outcomes.expected_findings``). The platform does not see it: it sees the credit class that
``risk.credit`` assigns from the world's records (inspections, violations, penalties, lists, complaints up
to the world's end), and ranks by the class prior (no trained model is needed). Each agency inspects the
entities its plan covers, with the same capacity (``--capacity`` share of its pool) in every strategy:

- pure random: simple random sample of each agency's pool, one visit per check;
- each agency alone: the campaign draw (random share, class strata, highest risk), one visit per check;
- joint plan: the same random pairs fixed, the rest chosen by the MILP, pairs on one entity share a visit.

Reported per strategy (mean over ``--draws`` seeds): checks, visits, true expected violations found, found
per visit, and the visits needed to find as many violations as pure random does.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regulator.demo import generate_world  # noqa: E402
from regulator.demo.catalogue import PLANS  # noqa: E402
from regulator.demo.outcomes import expected_findings  # noqa: E402
from risk.campaign import CLASS_PRIOR, DrawSettings, draw, plan_joint  # noqa: E402
from risk.credit import assess  # noqa: E402


def events_of(world) -> pd.DataFrame:  # noqa: ANN001
    """The world's records as risk.credit events."""
    w = world
    nat = pd.NaT
    frames = [
        pd.DataFrame({"entity_id": w.inspections.entity_key, "kind": "inspection", "detail": w.inspections.result,
                      "date": w.inspections.inspection_date, "ended": nat}),
        pd.DataFrame({"entity_id": w.violations.entity_key, "kind": "violation", "detail": w.violations.severity,
                      "date": w.violations.inspection_date, "ended": nat}),
        pd.DataFrame({"entity_id": w.enforcement.entity_key, "kind": "enforcement",
                      "detail": w.enforcement.penalty_type, "date": w.enforcement.decision_date, "ended": nat}),
        pd.DataFrame({"entity_id": w.list_entries.entity_key, "kind": "list_entry", "detail": w.list_entries.list_type,
                      "date": w.list_entries.added_date, "ended": w.list_entries.removed_date}),
    ]
    c = w.complaints.loc[w.complaints.entity_key.notna()]
    frames.append(pd.DataFrame({"entity_id": c.entity_key, "kind": "complaint",
                                "detail": np.where(c.substantiated.fillna(False).astype(bool), "substantiated",
                                                   "closed"), "date": c.received_date, "ended": nat}))
    events = pd.concat(frames, ignore_index=True)
    events["entity_id"] = events["entity_id"].astype("int64")
    return events


def pairs_of(world, classes: pd.Series) -> pd.DataFrame:  # noqa: ANN001
    """Every (active entity, agency) pair an agency's plan covers, with class, prior and true expectation."""
    ents = world.entities.loc[world.entities.status.eq("active")]
    parts = []
    for code, plan in PLANS.items():
        ok = ents.entity_type.isin(plan.entity_types)
        if plan.industries is not None:
            ok &= ents.industry_key.isin(plan.industries)
        mine = ents.loc[ok]
        parts.append(pd.DataFrame({"entity_id": mine.entity_key.to_numpy(), "agency": code,
                                   "credit_class": classes.reindex(mine.entity_key).to_numpy(),
                                   "truth": expected_findings(mine.compliance.to_numpy(),
                                                              np.full(len(mine), code), np.ones(len(mine)))}))
    out = pd.concat(parts, ignore_index=True)
    out["probability"] = out["credit_class"].map(CLASS_PRIOR)
    return out


def measure(chosen: pd.DataFrame, truth: pd.Series, visits: int) -> dict[str, float]:
    found = float(truth.reindex(list(zip(chosen.entity_id, chosen.agency, strict=True))).sum())
    return {"checks": len(chosen), "visits": visits, "found": found, "per_visit": found / max(visits, 1)}


def run(entities: int, draws: int, capacity_share: float, cost: float, seed: int) -> pd.DataFrame:
    t0 = time.perf_counter()
    world = generate_world(entities, seed)
    ids = world.entities.entity_key.astype("int64")
    classes = assess(events_of(world), ids, world.end).classes["credit_class"]
    pairs = pairs_of(world, classes)
    truth = pairs.set_index(["entity_id", "agency"])["truth"]
    caps = {a: max(int(round(capacity_share * n)), 1) for a, n in pairs.groupby("agency").size().items()}
    print(f"world of {entities} entities (seed {seed}) in {time.perf_counter() - t0:.1f}s; "
          f"classes {classes.value_counts().sort_index().to_dict()}; capacities {caps}", flush=True)
    cands = pairs[["entity_id", "agency", "credit_class", "probability"]]
    rows = []
    for i in range(draws):
        rng = np.random.default_rng(1000 + i)
        random_pick = pd.concat([g.iloc[rng.choice(len(g), size=caps[a], replace=False)]
                                 for a, g in pairs.groupby("agency")])
        rows.append({"strategy": "pure random", **measure(random_pick, truth, len(random_pick))})
        drawn = draw(cands, caps, f"bench-{i}", DrawSettings())
        rows.append({"strategy": "each agency alone (risk + random)", **measure(drawn, truth, len(drawn))})
        started = time.perf_counter()
        fixed = drawn.loc[drawn.reason == "random_draw", ["entity_id", "agency"]]
        plan = plan_joint(cands, caps, cost, fixed=fixed)
        rows.append({"strategy": "joint plan (risk + random)", **measure(plan.pairs, truth, len(plan.visits)),
                     "solve_s": time.perf_counter() - started})
    table = pd.DataFrame(rows).groupby("strategy", sort=False).mean()
    base = table.loc["pure random", "found"]
    table["visits_for_random_total"] = [math.ceil(base / v) if v else float("nan") for v in table["per_visit"]]
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=2000)
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--capacity", type=float, default=0.05, help="capacity as a share of each agency's pool")
    parser.add_argument("--cost", type=float, default=0.3, help="cost of a visit, in expected findings")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    table = run(args.entities, args.draws, args.capacity, args.cost, args.seed)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.round(3).to_string())


if __name__ == "__main__":
    main()
