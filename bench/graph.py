"""Graph benchmark: build the relationship graph and every feature for a demo world, timed and measured.

    python bench/graph.py --entities 1000000             # generate (cached under /tmp), then measure
    python bench/graph.py --entities 1000000 --clusters  # also time find_clusters + explain_clusters

The demo world (`regulator.demo.generate_world`, seed 7) gives the roles, addresses, phones,
investments, branches and the violations/penalties; they are turned into the graph's edge and event
frames and cached as Parquet. The measurement runs in a fresh process that only reads those files, so
its peak memory (ru_maxrss) is that of the graph work plus the frames, not of the world generator.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROLE_RELATIONS = {"legal_representative", "shareholder", "director", "manager", "supervisor", "owner"}


def world_frames(n_entities: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    """The graph's entity, edge and event frames from a generated demo world."""
    from regulator.demo import generate_world

    w = generate_world(n_entities=n_entities, seed=seed)
    entities = pd.DataFrame({"entity_id": w.entities["entity_key"].astype(np.int64),
                             "registration_date": w.entities["registration_date"]})
    roles = w.roles[w.roles["role"].isin(ROLE_RELATIONS)]
    phone_ids = pd.factorize(w.phones["phone"])[0] + 1
    branches = w.entities[w.entities["parent_key"].notna() & (w.entities["entity_type"] == "branch")]
    parts = [
        pd.DataFrame({"entity_id": roles["entity_key"], "target_kind": "person", "target_id": roles["person_key"],
                      "relation": roles["role"], "share": roles["share"]}),
        pd.DataFrame({"entity_id": w.entity_addresses["entity_key"], "target_kind": "address",
                      "target_id": w.entity_addresses["address_key"],
                      "relation": w.entity_addresses["kind"] + "_address"}),
        pd.DataFrame({"entity_id": w.phones["entity_key"], "target_kind": "phone", "target_id": phone_ids,
                      "relation": "phone"}),
        pd.DataFrame({"entity_id": w.investments["investor_key"], "target_kind": "entity",
                      "target_id": w.investments["investee_key"], "relation": "investment",
                      "share": w.investments["share"]}),
        pd.DataFrame({"entity_id": branches["entity_key"], "target_kind": "entity",
                      "target_id": branches["parent_key"].astype(np.int64), "relation": "branch"}),
    ]
    edges = pd.concat(parts, ignore_index=True)
    edges["target_id"] = edges["target_id"].astype(np.int64)
    edges["start"] = pd.NaT
    edges["end"] = pd.NaT
    events = pd.concat([
        pd.DataFrame({"entity_id": w.violations["entity_key"], "date": w.violations["inspection_date"],
                      "serious": w.violations["severity"].isin(["serious", "critical"])}),
        pd.DataFrame({"entity_id": w.enforcement["entity_key"], "date": w.enforcement["decision_date"],
                      "serious": w.enforcement["severity"].isin(["serious", "critical"])}),
        pd.DataFrame({"entity_id": w.list_entries["entity_key"], "date": w.list_entries["added_date"],
                      "serious": w.list_entries["list_type"] == "serious_illegal"}),
    ], ignore_index=True)
    events["date"] = pd.to_datetime(events["date"])
    return {"entities": entities, "edges": edges, "events": events, "end": pd.DataFrame({"end": [w.end]})}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(folder: Path, clusters: bool) -> dict[str, object]:
    """Read the cached frames, then time build_graph and graph_features (and clusters on request)."""
    from risk.graph import build_graph, explain_clusters, find_clusters, graph_features

    started = time.perf_counter()
    frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in ("entities", "edges", "events", "end")}
    as_of = pd.Timestamp(frames["end"]["end"].iloc[0])
    out: dict[str, object] = {"load_s": round(time.perf_counter() - started, 1),
                              "entities": len(frames["entities"]), "edges": len(frames["edges"]),
                              "events": len(frames["events"]), "as_of": str(as_of.date())}
    started = time.perf_counter()
    graph = build_graph(frames["entities"], frames["edges"])
    out["build_s"] = round(time.perf_counter() - started, 1)
    out["nodes"] = graph.n_nodes
    started = time.perf_counter()
    features = graph_features(graph, frames["events"], as_of)
    out["features_s"] = round(time.perf_counter() - started, 1)
    out["build_plus_features_s"] = round(out["build_s"] + out["features_s"], 1)  # type: ignore[operator]
    out["peak_mib_after_features"] = round(_peak_mib())
    out["feature_means"] = {k: round(float(v), 3) for k, v in features.mean().items()}
    if clusters:
        started = time.perf_counter()
        membership = find_clusters(graph, as_of)
        why = explain_clusters(graph, membership, as_of)
        out["clusters_s"] = round(time.perf_counter() - started, 1)
        out["clusters"] = int(membership["cluster"].nunique()) if len(membership) else 0
        out["clustered_entities"] = len(membership)
        out["reasons"] = len(why)
        out["peak_mib"] = round(_peak_mib())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clusters", action="store_true", help="also time find_clusters + explain_clusters")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "regulator_bench_graph")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.stdout.write(json.dumps(measure(args.measure, args.clusters)) + "\n")
        return 0
    folder = args.cache / f"{args.entities}-{args.seed}"
    if not (folder / "end.parquet").exists():
        started = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in world_frames(args.entities, args.seed).items():
            frame.to_parquet(folder / f"{name}.parquet")
        sys.stdout.write(f"world generated and cached in {time.perf_counter() - started:.0f}s: {folder}\n")
    command = [sys.executable, __file__, "--measure", str(folder)] + (["--clusters"] if args.clusters else [])
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    sys.stdout.write(json.dumps(json.loads(result.stdout), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
