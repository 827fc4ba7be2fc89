"""One team per visit: the tasks of a relationship cluster visited as one share the inspectors drawn for it, who
are barred for every entity of the visit and carry the visit once in their workload; campaigns without such
visits are staffed exactly as before."""

from __future__ import annotations

import pandas as pd

from risk.campaign.inspectors import assign_inspectors


def _no_cluster_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows = []
    for t in range(1, 13):
        rows.append({"task": t, "entity_id": 100 + t, "agency": "SAMR" if t % 3 else "MEE"})
        if t % 2 == 0:
            rows.append({"task": t, "entity_id": 100 + t, "agency": "MEE" if t % 3 else "SAMR"})
        if t % 4 == 0:
            rows.append({"task": t, "entity_id": 100 + t, "agency": "NHC"})
    pool = pd.DataFrame({"user_id": [1, 2, 3, 4, 5, 11, 12, 13, 21], "agency": ["SAMR"] * 5 + ["MEE"] * 3 + ["NHC"]})
    conflicts = pd.DataFrame({"user_id": [1, 2, 11, 12, 13], "entity_id": [104, 104, 103, 103, 103]})
    last = pd.DataFrame({"user_id": [21, 3], "entity_id": [108, 101]})
    return pd.DataFrame(rows), pool, conflicts, last


#: what the draw per task gave for the inputs above (seed "fixed-seed", per_visit 3, existing load {1: 2, 11: 1})
BEFORE_ASSIGNED = [
    (2, 5, "SAMR"), (2, 4, "SAMR"), (2, 12, "MEE"), (1, 2, "SAMR"), (1, 5, "SAMR"), (1, 4, "SAMR"), (9, 13, "MEE"),
    (9, 12, "MEE"), (9, 11, "MEE"), (11, 3, "SAMR"), (11, 2, "SAMR"), (11, 4, "SAMR"), (8, 3, "SAMR"),
    (8, 13, "MEE"), (12, 13, "MEE"), (12, 3, "SAMR"), (12, 21, "NHC"), (10, 2, "SAMR"), (10, 1, "SAMR"),
    (10, 11, "MEE"), (7, 5, "SAMR"), (7, 4, "SAMR"), (7, 2, "SAMR"), (6, 12, "MEE"), (6, 13, "MEE"), (6, 5, "SAMR"),
    (5, 1, "SAMR"), (5, 3, "SAMR"), (5, 2, "SAMR"), (4, 4, "SAMR"), (4, 12, "MEE"), (4, 21, "NHC")]
BEFORE_SHORTFALLS = [{"task": 8, "agency": "NHC", "needed": 1, "available": 0},
                     {"task": 3, "agency": "MEE", "needed": 3, "available": 0}]
BEFORE_WORKLOAD = {1: 4, 2: 5, 3: 4, 4: 5, 5: 4, 11: 3, 12: 4, 13: 4, 21: 2}


def test_without_clusters_the_draw_is_unchanged() -> None:
    """No visit column, or one left empty: the same seed gives the very assignment the per-task draw gave."""
    visits, pool, conflicts, last = _no_cluster_inputs()
    for frame in (visits, visits.assign(visit=None), visits.assign(visit=float("nan"))):
        result = assign_inspectors(frame, pool, "fixed-seed", conflicts=conflicts, last=last, per_visit=3,
                                   existing_load={1: 2, 11: 1})
        assert [tuple(r) for r in result.assigned.itertuples(index=False)] == BEFORE_ASSIGNED
        assert result.shortfalls.to_dict("records") == BEFORE_SHORTFALLS
        assert result.workload == BEFORE_WORKLOAD


def _cluster_visit() -> pd.DataFrame:
    """Visit "c7": tasks 1 (SAMR, MEE), 2 (SAMR) and 3 (MEE) of one relationship cluster; task 4 on its own."""
    return pd.DataFrame({"task": [1, 1, 2, 3, 4], "entity_id": [101, 101, 102, 103, 104],
                         "agency": ["SAMR", "MEE", "SAMR", "MEE", "SAMR"],
                         "visit": ["c7", "c7", "c7", "c7", None]})


def test_the_tasks_of_a_cluster_visit_share_one_team() -> None:
    """Each agency's inspector is the same on every task of the visit it joins, whatever the seed; workloads
    count the visit once."""
    visits = _cluster_visit()
    pool = pd.DataFrame({"user_id": [1, 2, 3, 4, 11, 12, 13], "agency": ["SAMR"] * 4 + ["MEE"] * 3})
    for seed in ("a", "b", "c", "d", "e", "f"):
        a = assign_inspectors(visits, pool, seed).assigned
        team = a.loc[a.task.isin([1, 2, 3])]
        assert team.groupby("agency")["user_id"].nunique().to_dict() == {"MEE": 1, "SAMR": 1}, seed
        samr, mee = (int(team.loc[team.agency == code, "user_id"].iloc[0]) for code in ("SAMR", "MEE"))
        assert sorted(a.loc[a.task == 1, "user_id"]) == sorted([samr, mee])
        assert a.loc[a.task == 2, "user_id"].tolist() == [samr]
        assert a.loc[a.task == 3, "user_id"].tolist() == [mee]
        assert len(a.loc[a.task == 4]) == 2  # the single task is staffed as before: two of the lead agency
        result = assign_inspectors(visits, pool, seed)
        assert result.workload[mee] == 1 and result.workload[samr] == 1 + (samr in set(a.loc[a.task == 4, "user_id"]))
        pd.testing.assert_frame_equal(a, result.assigned)


def test_one_agency_cluster_visit_tops_up_on_every_task() -> None:
    """A cluster only the lead agency checks: the same two inspectors on each of its tasks, the least loaded."""
    visits = pd.DataFrame({"task": [5, 6, 7], "entity_id": [201, 202, 203], "agency": "SAMR", "visit": "c9"})
    pool = pd.DataFrame({"user_id": [1, 2, 3, 4], "agency": "SAMR"})
    result = assign_inspectors(visits, pool, "seed", existing_load={1: 3, 2: 3})
    a = result.assigned
    assert {t: sorted(g) for t, g in a.groupby("task")["user_id"]} == {5: [3, 4], 6: [3, 4], 7: [3, 4]}
    assert result.workload == {1: 3, 2: 3, 3: 1, 4: 1}


def test_barred_for_any_entity_of_the_visit() -> None:
    """Inspector 1 declared a conflict with entity 103 (only MEE checks it) and 2 inspected 102 last: neither
    goes on the cluster's visit, though both are the least loaded and free for entity 101."""
    visits = _cluster_visit().iloc[:4].assign(agency=["SAMR", "SAMR", "SAMR", "SAMR"])
    pool = pd.DataFrame({"user_id": [1, 2, 3, 4, 5], "agency": "SAMR"})
    conflicts = pd.DataFrame({"user_id": [1], "entity_id": [103]})
    last = pd.DataFrame({"user_id": [2], "entity_id": [102]})
    result = assign_inspectors(visits, pool, "seed", conflicts=conflicts, last=last, existing_load={3: 4, 4: 4, 5: 4})
    a = result.assigned
    assert set(a["user_id"]).isdisjoint({1, 2})
    assert {t: len(g) for t, g in a.groupby("task")["user_id"]} == {1: 2, 2: 2, 3: 2}
    assert a.groupby("task")["user_id"].apply(frozenset).nunique() == 1


def test_a_visit_short_of_inspectors_is_reported_once() -> None:
    """MEE's only inspector declared a conflict with one entity of the visit: one shortfall, on the visit's
    first task, not one per task; the tasks MEE joins go without."""
    visits = _cluster_visit()
    pool = pd.DataFrame({"user_id": [1, 2, 11], "agency": ["SAMR", "SAMR", "MEE"]})
    conflicts = pd.DataFrame({"user_id": [11], "entity_id": [102]})
    result = assign_inspectors(visits, pool, "seed", conflicts=conflicts)
    assert result.shortfalls.to_dict("records") == [{"task": 1, "agency": "MEE", "needed": 1, "available": 0}]
    assert 11 not in set(result.assigned["user_id"])
    assert result.assigned.loc[result.assigned.task == 3].empty
