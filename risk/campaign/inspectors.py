"""Inspectors drawn at random for each visit: from each joining agency's pool, conflicts and last visitors
excluded, at least ``per_visit`` per visit, the least loaded first so that workloads stay balanced.

Inputs are frames: ``visits`` (task, entity_id, agency: one row per agency joining a task; an optional
``visit`` column groups the tasks visited together, such as a relationship cluster's entities, absent or
NaN where the task is its own visit), ``pool`` (user_id, agency), ``conflicts`` (user_id, entity_id:
declared conflicts of interest) and ``last`` (user_id, entity_id: who inspected the entity last time).
A visit of several tasks gets one team, drawn once. Visits are handled in a seeded random order and ties in
workload are broken at random, so the same inputs and seed give the same assignment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_PER_VISIT = 2


@dataclass
class Assignment:
    """Who goes where, and the visits that could not be staffed (with why)."""

    #: task, user_id, agency
    assigned: pd.DataFrame
    #: task, agency, needed, available
    shortfalls: pd.DataFrame
    #: user_id -> number of visits
    workload: dict[int, int]


def _rng(seed: str) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(hashlib.sha256(f"{seed}|inspectors".encode()).digest()[:16], "big"))


def _pairs(frame: pd.DataFrame | None) -> set[tuple[int, int]]:
    if frame is None or frame.empty:
        return set()
    return {(int(u), int(e)) for u, e in zip(frame["user_id"], frame["entity_id"], strict=True)}


def _visit_keys(visits: pd.DataFrame) -> list[tuple[str, object]]:
    if "visit" not in visits.columns:
        return [("task", t) for t in visits["task"].tolist()]
    return [("task", t) if pd.isna(v) else ("visit", v)
            for t, v in zip(visits["task"].tolist(), visits["visit"].tolist(), strict=True)]


def assign_inspectors(visits: pd.DataFrame, pool: pd.DataFrame, seed: str,
                      conflicts: pd.DataFrame | None = None, last: pd.DataFrame | None = None,
                      per_visit: int = MIN_PER_VISIT, existing_load: dict[int, int] | None = None) -> Assignment:
    """Draw one team for every visit; one from each joining agency, the lead agency tops up to ``per_visit``.

    The lead agency of a visit is the first of its rows. An inspector is never drawn for a visit to an entity
    they declared a conflict with, nor to one they inspected last time; for a visit of several tasks, to any
    of its entities. Each task of a visit gets the team's members of the agencies joining that task (so the
    lead's top-ups go where the lead agency checks); a shortfall is reported once per visit and agency, on the
    visit's first task, and the workload counts visits, not tasks.
    """
    if per_visit < 1:
        raise ValueError("per_visit must be at least 1")
    required = (("visits", visits, ("task", "entity_id", "agency")), ("pool", pool, ("user_id", "agency")))
    for name, frame, cols in required:
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} frame lacks columns {missing}")
    barred = _pairs(conflicts) | _pairs(last)
    rng = _rng(seed)
    load: dict[int, int] = {int(u): 0 for u in pool["user_id"]}
    for user, n in (existing_load or {}).items():
        if user in load:
            load[user] += int(n)
    by_agency = {a: sorted(int(u) for u in g["user_id"]) for a, g in pool.groupby("agency")}
    keys = _visit_keys(visits)
    rows_of: dict[tuple[str, object], list[tuple[object, int, str]]] = {}
    for key, task, entity, agency in zip(keys, visits["task"].tolist(), visits["entity_id"].tolist(),
                                        visits["agency"].tolist(), strict=True):
        rows_of.setdefault(key, []).append((task, int(entity), agency))
    order = rng.permutation(len(rows_of))
    targets = list(rows_of)
    rows, short = [], []
    for i in order:
        mine = rows_of[targets[i]]
        tasks = list(dict.fromkeys(task for task, _e, _a in mine))
        entities = {entity for _t, entity, _a in mine}
        agencies = list(dict.fromkeys(agency for _t, _e, agency in mine))
        joins = {task: {agency for t, _e, agency in mine if t == task} for task in tasks}
        chosen: list[int] = []
        team: list[tuple[int, str]] = []
        wants = {a: 1 for a in agencies}
        wants[agencies[0]] += max(per_visit - len(agencies), 0)
        for agency in agencies:
            eligible = [u for u in by_agency.get(agency, [])
                        if u not in chosen and not any((u, e) in barred for e in entities)]
            need = wants[agency]
            if len(eligible) < need:
                short.append({"task": tasks[0], "agency": agency, "needed": need, "available": len(eligible)})
            noise = rng.random(len(eligible))
            ranked = sorted(zip(eligible, noise, strict=True), key=lambda t: (load[t[0]], t[1]))
            for user, _ in ranked[:need]:
                chosen.append(user)
                load[user] += 1
                team.append((user, agency))
        for task in tasks:
            rows += [{"task": task, "user_id": user, "agency": agency} for user, agency in team
                     if agency in joins[task]]
    assigned = pd.DataFrame(rows, columns=["task", "user_id", "agency"])
    shortfalls = pd.DataFrame(short, columns=["task", "agency", "needed", "available"])
    return Assignment(assigned=assigned, shortfalls=shortfalls, workload=load)
