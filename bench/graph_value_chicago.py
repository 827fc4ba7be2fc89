"""What the graph features add on real data: Chicago food inspections, licences linked by owner and address.

    python bench/graph_value_chicago.py            # reads ../shared/data/chicago

Entities are licence numbers; ACCOUNT_NUMBER (the owner) is a shared "person"-kind node and the street
address (unit suffix dropped) a shared address node, each edge in force from the licence's first term.
Events: inspections that found a critical or serious violation (critical = serious event). Target: a
canvass inspection finds a critical violation (the city's target). Features at the first day of the
inspection's month: own history (inspections and critical/serious findings in the 12/36 months
before, risk level, facility type), then plus ``risk.graph.graph_features``. Trained on inspections
before 2014, evaluated on 2014 (to 2014-08-31): ROC AUC and average precision.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import lightgbm as lgb
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.graph_value import _own_history  # noqa: E402
from risk.graph import build_graph, feature_names, graph_features  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "chicago"
_UNIT = re.compile(r"\s+(?:\d+[A-Z]?|[A-Z]|#\s*\S+|STE\s+\S+|UNIT\s+\S+|FL\s+\S+)$")


def street(address: str) -> str:
    """``3352 N BROADWAY   1`` -> ``3352 N BROADWAY``: the building, not the unit."""
    text = re.sub(r"\s+", " ", str(address).upper()).strip()
    return _UNIT.sub("", text)


def frames(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Entities, edges, events and canvass samples from the licence and inspection files."""
    lic = pd.read_csv(folder / "business_licenses.csv.gz", low_memory=False,
                      usecols=["LICENSE_NUMBER", "ACCOUNT_NUMBER", "ADDRESS", "LICENSE_TERM_START_DATE"])
    lic = lic.dropna(subset=["LICENSE_NUMBER"])
    lic["LICENSE_NUMBER"] = lic["LICENSE_NUMBER"].astype("int64")
    lic["start"] = pd.to_datetime(lic["LICENSE_TERM_START_DATE"], errors="coerce")
    food = pd.read_csv(folder / "food_inspections.csv.gz", low_memory=False)
    food = food.dropna(subset=["License"])
    food["License"] = food["License"].astype("int64")
    food["Inspection_Date"] = pd.to_datetime(food["Inspection_Date"])
    entities = pd.DataFrame({"entity_id": sorted(set(lic["LICENSE_NUMBER"]) | set(food["License"]))})
    owners = lic.dropna(subset=["ACCOUNT_NUMBER"]).groupby(["LICENSE_NUMBER", "ACCOUNT_NUMBER"])["start"].min()
    owners = owners.reset_index()
    lic["street"] = lic["ADDRESS"].map(street)
    addresses = lic.groupby(["LICENSE_NUMBER", "street"])["start"].min().reset_index()
    addresses["address_id"] = pd.factorize(addresses["street"])[0] + 1
    edges = pd.concat([
        pd.DataFrame({"entity_id": owners["LICENSE_NUMBER"], "target_kind": "person",
                      "target_id": owners["ACCOUNT_NUMBER"].astype("int64"), "relation": "owner",
                      "start": owners["start"]}),
        pd.DataFrame({"entity_id": addresses["LICENSE_NUMBER"], "target_kind": "address",
                      "target_id": addresses["address_id"], "relation": "registered_address",
                      "start": addresses["start"]}),
    ], ignore_index=True)
    found = food[(food["critical_count"] > 0) | (food["serious_count"] > 0)]
    events = pd.DataFrame({"entity_id": found["License"], "date": found["Inspection_Date"],
                           "serious": found["critical_count"] > 0})
    return entities, edges, events, food


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not (args.data / "food_inspections.csv.gz").exists():
        sys.stderr.write(f"{args.data} has no Chicago files (see ../shared/data/README.md)\n")
        return 1
    started = time.perf_counter()
    entities, edges, events, food = frames(args.data)
    graph = build_graph(entities, edges)
    canvass = food[food["Inspection_Type"].str.lower().str.startswith("canvass", na=False)].copy()
    samples = pd.DataFrame({"entity_id": canvass["License"].to_numpy(),
                            "day": canvass["Inspection_Date"].dt.to_period("M").dt.to_timestamp().to_numpy(),
                            "y": (canvass["critical_count"] > 0).astype(int).to_numpy(),
                            "risk": canvass["Risk"].astype("category").cat.codes.to_numpy(),
                            "facility": canvass["Facility_Type"].astype("category").cat.codes.to_numpy()})
    insp = food.rename(columns={"License": "entity_id", "Results": "result", "Inspection_Date": "inspection_date"})
    insp["result"] = insp["result"].str.lower()
    own = _own_history(events, insp, samples)
    per_month = [graph_features(graph, events, day).assign(day=day).reset_index()
                 for day in sorted(samples["day"].unique())]
    data = samples.join(own).merge(pd.concat(per_month, ignore_index=True), on=["entity_id", "day"], how="left")
    base_cols = ["risk", "facility", *own.columns]
    train, test = data[data["day"] < "2014-01-01"], data[data["day"] >= "2014-01-01"]
    result: dict[str, object] = {"licences": len(entities), "edges": len(edges), "owners_shared": int(
        (edges[edges["target_kind"] == "person"].groupby("target_id").size() > 1).sum()),
        "samples_train": len(train), "samples_test": len(test),
        "test_positive_rate": round(float(test["y"].mean()), 3),
        "related_share": round(float((data["related_entities"] > 0).mean()), 3)}
    for name, cols in (("own_history", base_cols), ("own_history_plus_graph", base_cols + feature_names())):
        model = lgb.LGBMClassifier(n_estimators=300, learning_rate=0.03, num_leaves=15, min_child_samples=50,
                                   subsample=0.8, subsample_freq=1, colsample_bytree=0.8, random_state=args.seed,
                                   verbose=-1)
        model.fit(train[cols], train["y"])
        p = model.predict_proba(test[cols])[:, 1]
        result[name] = {"auc": round(float(roc_auc_score(test["y"], p)), 4),
                        "average_precision": round(float(average_precision_score(test["y"], p)), 4)}
    result["total_s"] = round(time.perf_counter() - started, 1)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
