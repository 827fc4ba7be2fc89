"""The joint plan: one visit, many checks, chosen by mixed-integer programming (SciPy's HiGHS).

Variables: ``x[p]`` = 1 when pair p (entity, agency) is checked, ``y[v]`` = 1 when visit target v (an entity,
or a whole cluster of related entities planned as one target) is visited. Maximise::

    sum_p probability[p] * x[p]  -  cost_per_visit * sum_v y[v]

subject to ``x[p] <= y[visit of p]``, each agency's pairs ``<= capacity``, and the pairs the random draw
fixed (``x = 1``, so the unbiased sample is never traded away). Every agency's own best plan (its top pairs
with probability above the cost, one visit each) is a feasible point of this programme with no more
visits, so the joint optimum is never worse than the agencies planning alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from .draw import validate_candidates

#: candidates kept per agency beyond its fixed pairs: this many times its free capacity (keeps the MILP small)
CANDIDATE_FACTOR = 4


@dataclass
class JointPlan:
    """The chosen pairs (with their visit), the visits, and the comparison with agencies alone."""

    #: entity_id, agency, probability, fixed (bool), visit (the target key)
    pairs: pd.DataFrame
    #: visit, entities (list), agencies (list), expected_findings
    visits: pd.DataFrame
    #: counts: ``pairs`` (checks), ``tasks`` (entities visited: one task each), ``visits`` (targets visited: an
    #: entity, or a cluster's entities together), ``joint_visits`` (visits with several agencies),
    #: ``cluster_visits`` (visits to several entities), ``visits_saved`` = pairs - visits, split into
    #: ``saved_by_agencies`` (pairs - tasks) and ``saved_by_clusters`` (tasks - visits); the same for each
    #: agency alone (``alone_*``: its own best plan, ``separate_plans``: one task and one visit per check, so
    #: other checks than the joint plan's: ``alone_fixed`` of them fixed by the draw, the rest worth a visit
    #: of their own), expected findings, objective, ``per_agency``
    summary: dict


def separate_plans(candidates: pd.DataFrame, capacities: Mapping[str, int], cost_per_visit: float,
                   fixed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each agency alone: its fixed pairs plus its best other pairs worth a visit, up to capacity."""
    frame = validate_candidates(candidates)
    fixed_keys = _keys(fixed)
    parts = []
    for agency, capacity in sorted(capacities.items()):
        pool = frame.loc[frame["agency"] == agency]
        is_fixed = np.array([(int(e), agency) in fixed_keys for e in pool["entity_id"]], dtype=bool)
        must, rest = pool.loc[is_fixed], pool.loc[~is_fixed]
        free = max(int(capacity) - len(must), 0)
        rest = rest.loc[rest["probability"] > cost_per_visit]
        rest = rest.sort_values(["probability", "entity_id"], ascending=[False, True]).head(free)
        parts.append(pd.concat([must.assign(fixed=True), rest.assign(fixed=False)]))
    if not parts:
        return frame.head(0).assign(fixed=False)
    return pd.concat(parts, ignore_index=True)


def _keys(frame: pd.DataFrame | None) -> set[tuple[int, str]]:
    if frame is None or frame.empty:
        return set()
    return {(int(e), str(a)) for e, a in zip(frame["entity_id"], frame["agency"], strict=True)}


def _visit_keys(entity_ids: pd.Series, clusters: Mapping[int, int] | None) -> pd.Series:
    if not clusters:
        return "e" + entity_ids.astype(str)
    mapped = entity_ids.map(lambda e: f"c{clusters[int(e)]}" if int(e) in clusters else f"e{int(e)}")
    return mapped.astype(str)


def _shortlist(frame: pd.DataFrame, capacities: Mapping[str, int], fixed_keys: set[tuple[int, str]],
               cost: float) -> pd.DataFrame:
    """Fixed pairs, pairs on targets that are visited anyway, and each agency's best others."""
    frame = frame.loc[frame["agency"].isin(list(capacities))].copy()
    frame["fixed"] = [(int(e), a) in fixed_keys for e, a in zip(frame["entity_id"], frame["agency"], strict=True)]
    fixed_visits = set(frame.loc[frame["fixed"], "visit"])
    keep = frame["fixed"] | frame["visit"].isin(fixed_visits)
    for agency, capacity in capacities.items():
        mine = frame.loc[(frame["agency"] == agency) & ~frame["fixed"]]
        free = max(int(capacity) - int((frame["fixed"] & (frame["agency"] == agency)).sum()), 0)
        best = mine.sort_values(["probability", "entity_id"], ascending=[False, True]).head(CANDIDATE_FACTOR * free)
        keep.loc[best.index] = True
    return frame.loc[keep & (frame["fixed"] | (frame["probability"] > 0))].reset_index(drop=True)


def plan_joint(candidates: pd.DataFrame, capacities: Mapping[str, int], cost_per_visit: float,
               fixed: pd.DataFrame | None = None, clusters: Mapping[int, int] | None = None,
               time_limit: float = 60.0) -> JointPlan:
    """Solve the joint plan; ``fixed`` pairs (entity_id, agency) are always in it."""
    if cost_per_visit < 0:
        raise ValueError(f"cost_per_visit = {cost_per_visit}: must not be negative")
    frame = validate_candidates(candidates)
    fixed_keys = _keys(fixed)
    known = _keys(frame)
    unknown = sorted(fixed_keys - known)
    if unknown:
        raise ValueError(f"fixed pairs not among the candidates: {unknown[:5]}")
    frame["visit"] = _visit_keys(frame["entity_id"], clusters)
    short = _shortlist(frame, capacities, fixed_keys, cost_per_visit)
    for agency, capacity in capacities.items():
        n_fixed = int((short["fixed"] & (short["agency"] == agency)).sum())
        if n_fixed > int(capacity):
            raise ValueError(f"{agency}: {n_fixed} fixed pairs exceed its capacity {capacity}")
    chosen = _solve(short, capacities, cost_per_visit, time_limit) if len(short) else short.assign(chosen=[])
    pairs = short.loc[chosen].reset_index(drop=True)
    return _report(pairs, frame, capacities, cost_per_visit, fixed)


def _solve(short: pd.DataFrame, capacities: Mapping[str, int], cost: float, time_limit: float) -> np.ndarray:
    n_pairs = len(short)
    visit_codes, visits = pd.factorize(short["visit"], sort=True)
    n_visits = len(visits)
    c = np.concatenate([-short["probability"].to_numpy(), np.full(n_visits, cost)])
    # x_p - y_v <= 0
    rows = np.repeat(np.arange(n_pairs), 2)
    cols = np.column_stack([np.arange(n_pairs), n_pairs + visit_codes]).ravel()
    vals = np.tile([1.0, -1.0], n_pairs)
    link = LinearConstraint(coo_matrix((vals, (rows, cols)), shape=(n_pairs, n_pairs + n_visits)), -np.inf, 0.0)
    agencies = sorted(capacities)
    agency_codes = short["agency"].map({a: i for i, a in enumerate(agencies)}).to_numpy()
    cap = LinearConstraint(coo_matrix((np.ones(n_pairs), (agency_codes, np.arange(n_pairs))),
                                      shape=(len(agencies), n_pairs + n_visits)),
                           -np.inf, np.array([float(capacities[a]) for a in agencies]))
    lower = np.concatenate([short["fixed"].to_numpy(dtype=float), np.zeros(n_visits)])
    result = milp(c, constraints=[link, cap], integrality=np.ones(n_pairs + n_visits),
                  bounds=Bounds(lower, np.ones(n_pairs + n_visits)),
                  options={"time_limit": time_limit, "mip_rel_gap": 1e-6})
    if result.x is None:
        raise RuntimeError(f"the joint plan could not be solved: {result.message}")
    return result.x[:n_pairs] > 0.5


def _report(pairs: pd.DataFrame, frame: pd.DataFrame, capacities: Mapping[str, int], cost: float,
            fixed: pd.DataFrame | None) -> JointPlan:
    visits = (pairs.groupby("visit", sort=True)
              .agg(entities=("entity_id", lambda s: sorted({int(v) for v in s})),
                   agencies=("agency", lambda s: sorted(set(s))), expected_findings=("probability", "sum"))
              .reset_index())
    alone = separate_plans(frame, capacities, cost, fixed)
    joint_value = float(pairs["probability"].sum()) - cost * len(visits)
    alone_value = float(alone["probability"].sum()) - cost * len(alone)
    per_agency = {}
    for agency in sorted(capacities):
        mine, theirs = pairs.loc[pairs["agency"] == agency], alone.loc[alone["agency"] == agency]
        per_agency[agency] = {
            "capacity": int(capacities[agency]), "pairs": len(mine),
            "expected_findings": round(float(mine["probability"].sum()), 4),
            "alone_pairs": len(theirs), "alone_expected_findings": round(float(theirs["probability"].sum()), 4),
            "shared_visits": int(pairs.loc[pairs["visit"].isin(set(mine["visit"]))]
                                 .groupby("visit")["agency"].nunique().gt(1).sum()),
        }
    # a task is one entity's part of a visit (one per entity, whatever the agencies); a cluster target is one
    # visit to several entities, so it has several tasks: checks >= tasks >= visits
    tasks = int(pairs["entity_id"].nunique())
    summary = {
        "pairs": len(pairs), "tasks": tasks, "visits": len(visits),
        "joint_visits": int((visits["agencies"].map(len) > 1).sum()),
        "cluster_visits": int((visits["entities"].map(len) > 1).sum()),
        "expected_findings": round(float(pairs["probability"].sum()), 4),
        "objective": round(joint_value, 4), "cost_per_visit": cost,
        "alone_pairs": len(alone), "alone_visits": len(alone), "alone_fixed": int(alone["fixed"].sum()),
        "alone_expected_findings": round(float(alone["probability"].sum()), 4),
        "alone_objective": round(alone_value, 4),
        "visits_saved": len(pairs) - len(visits), "saved_by_agencies": len(pairs) - tasks,
        "saved_by_clusters": tasks - len(visits), "per_agency": per_agency,
    }
    return JointPlan(pairs=pairs[["entity_id", "agency", "probability", "fixed", "visit"]], visits=visits,
                     summary=summary)
