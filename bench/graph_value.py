"""What the graph features add to a risk model on the demo world: LightGBM with and without them.

    python bench/graph_value.py --entities 50000

Target: a random-draw inspection finds a violation (random draws are the unbiased sample). Features are
point-in-time at the first day of the inspection's month: the entity's own history (violations,
penalties, inspections and failures in the 12/36 months before, age, type, industry) and, for the
second model, ``risk.graph.graph_features`` as of that day. Trained on inspections before the split
year, evaluated on random draws from it on: ROC AUC and average precision.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.graph import world_frames  # noqa: E402
from risk.graph import build_graph, feature_names, graph_features  # noqa: E402


def _own_history(events: pd.DataFrame, inspections: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    """Counts of the entity's own events before each sample's day, in 12 and 36 months."""
    out = pd.DataFrame(index=samples.index)
    for name, frame, date_col in (("events", events, "date"), ("inspections", inspections, "inspection_date"),
                                  ("failures", inspections[inspections["result"] == "fail"], "inspection_date")):
        by_entity = {e: np.sort(g[date_col].to_numpy()) for e, g in frame.groupby("entity_id")}
        for months in (12, 36):
            counts = np.zeros(len(samples))
            for i, (entity, day) in enumerate(zip(samples["entity_id"], samples["day"], strict=True)):
                dates = by_entity.get(entity)
                if dates is not None:
                    lo = np.datetime64(day - pd.DateOffset(months=months))
                    counts[i] = np.searchsorted(dates, np.datetime64(day)) - np.searchsorted(dates, lo)
            out[f"own_{name}_{months}m"] = counts
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--split-year", type=int, default=2024)
    args = parser.parse_args()
    started = time.perf_counter()
    from regulator.demo import generate_world

    world = generate_world(n_entities=args.entities, seed=args.seed)
    frames = world_frames(args.entities, args.seed)
    insp = world.inspections.rename(columns={"entity_key": "entity_id"})
    insp["inspection_date"] = pd.to_datetime(insp["inspection_date"])
    samples = insp[["entity_id", "inspection_date", "selection_reason"]].copy()
    samples["day"] = samples["inspection_date"].dt.to_period("M").dt.to_timestamp()
    samples["y"] = (insp["n_violations"] > 0).astype(int).to_numpy()
    ents = world.entities.set_index("entity_key")
    samples["age_years"] = ((samples["day"] - pd.to_datetime(ents.loc[samples["entity_id"], "registration_date"])
                             .to_numpy()).dt.days / 365.25).to_numpy()
    samples["entity_type"] = ents.loc[samples["entity_id"], "entity_type"].astype("category").cat.codes.to_numpy()
    samples["industry"] = ents.loc[samples["entity_id"], "industry_key"].astype("category").cat.codes.to_numpy()
    own = _own_history(frames["events"], insp, samples)
    graph = build_graph(frames["entities"], frames["edges"])
    graph_started = time.perf_counter()
    per_month = []
    for day in sorted(samples["day"].unique()):
        feats = graph_features(graph, frames["events"], day)
        per_month.append(feats.assign(day=day).reset_index())
    graph_s = time.perf_counter() - graph_started
    gf = pd.concat(per_month, ignore_index=True)
    data = samples.join(own).merge(gf, on=["entity_id", "day"], how="left")
    base_cols = ["age_years", "entity_type", "industry", *own.columns]
    train = data[data["day"].dt.year < args.split_year]
    test = data[(data["day"].dt.year >= args.split_year) & (data["selection_reason"] == "random_draw")]
    result: dict[str, object] = {"entities": args.entities, "samples_train": len(train), "samples_test": len(test),
                                 "test_positive_rate": round(float(test["y"].mean()), 3),
                                 "graph_features_months": len(per_month), "graph_features_s": round(graph_s, 1)}
    for name, cols in (("own_history", base_cols), ("own_history_plus_graph", base_cols + feature_names())):
        model = lgb.LGBMClassifier(n_estimators=300, learning_rate=0.05, num_leaves=31, min_child_samples=50,
                                   subsample=0.8, subsample_freq=1, colsample_bytree=0.8, random_state=args.seed,
                                   verbose=-1)
        model.fit(train[cols], train["y"])
        p = model.predict_proba(test[cols])[:, 1]
        result[name] = {"auc": round(float(roc_auc_score(test["y"], p)), 4),
                        "average_precision": round(float(average_precision_score(test["y"], p)), 4)}
        if name.endswith("graph"):
            gain = pd.Series(model.booster_.feature_importance("gain"), index=cols)
            result["top_graph_features_by_gain"] = (gain[feature_names()].sort_values(ascending=False)
                                                    .head(5).round(0).to_dict())
    result["total_s"] = round(time.perf_counter() - started, 1)
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
