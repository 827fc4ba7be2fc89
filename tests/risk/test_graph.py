"""Graph features, clusters and their explanations on a small hand-built graph with known answers.

Entities 1-7. Person 100 represents 1 and 2; address 200 hosts 2 and 3; person 101 holds shares in 3
(from 2024-01-01) and 4; 4 invests in 5; 5 and 6 share phone 300; person 102 directed 1 and 7 until
2023-06-30; 6 was registered on 2023-06-01. On 2024-06-01 the entity graph is the chain 1-2-3-4-5-6
and 7 stands alone; on 2023-01-01 it is 7-1-2-3 and 4-5 (6 does not exist yet).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from risk.graph import (
    ClusterSettings,
    FeatureSettings,
    GraphInputError,
    build_graph,
    explain_clusters,
    feature_names,
    find_clusters,
    graph_features,
    personalised_pagerank,
    score_clusters,
)

ENTITIES = pd.DataFrame({"entity_id": [1, 2, 3, 4, 5, 6, 7],
                         "registration_date": [None, None, None, None, None, "2023-06-01", None]})
EDGES = pd.DataFrame([
    (1, "person", 100, "legal_representative", None, None, None),
    (2, "person", 100, "legal_representative", None, None, None),
    (2, "address", 200, "registered_address", None, None, None),
    (3, "address", 200, "registered_address", None, None, None),
    (3, "person", 101, "shareholder", 0.4, "2024-01-01", None),
    (4, "person", 101, "shareholder", 0.6, None, None),
    (4, "entity", 5, "investment", 0.3, None, None),
    (5, "phone", 300, "phone", None, None, None),
    (6, "phone", 300, "phone", None, None, None),
    (1, "person", 102, "director", None, None, "2023-06-30"),
    (7, "person", 102, "director", None, None, "2023-06-30"),
], columns=["entity_id", "target_kind", "target_id", "relation", "share", "start", "end"])
EVENTS = pd.DataFrame({"entity_id": [3, 4, 6], "date": ["2024-03-01", "2022-01-15", "2024-05-01"],
                       "serious": [False, True, True]})


@pytest.fixture(scope="module")
def graph():
    return build_graph(ENTITIES, EDGES)


@pytest.fixture(scope="module")
def june(graph) -> pd.DataFrame:
    return graph_features(graph, EVENTS, "2024-06-01")


def test_nodes_and_edges_are_indexed(graph) -> None:
    """Seven entities, three persons, one address, one phone; every edge kept."""
    assert graph.n_entities == 7
    assert graph.n_nodes == 12
    assert len(graph.src) == len(EDGES)
    assert graph.entity_index([5, 99]).tolist() == [4, -1]


def test_related_entities_by_hop(june) -> None:
    """Distinct entities one and two hops away along the chain 1-2-3-4-5-6."""
    assert june["related_entities"].tolist() == [1, 2, 2, 2, 2, 1, 0]
    assert june["related_entities_hop2"].tolist() == [1, 1, 2, 2, 1, 1, 0]


def test_flagged_neighbours_by_hop_and_window(june) -> None:
    """3 and 6 flagged in the last 12 months; 4 too in the last 36; counted per hop."""
    assert june["flagged_any_hop1_12m"].tolist() == [0, 1, 0, 1, 1, 0, 0]
    assert june["flagged_any_hop1_36m"].tolist() == [0, 1, 1, 1, 2, 0, 0]
    assert june["flagged_any_hop2_12m"].tolist() == [1, 0, 0, 1, 1, 0, 0]
    assert june["flagged_any_hop2_36m"].tolist() == [1, 1, 0, 1, 1, 1, 0]


def test_flagged_neighbours_through_persons_and_addresses_separately(june) -> None:
    """Through persons only 1-2 and 3-4 are related; through addresses only 2-3."""
    assert june["flagged_person_hop1_36m"].tolist() == [0, 0, 1, 1, 0, 0, 0]
    assert june["flagged_person_hop2_36m"].tolist() == [0] * 7
    assert june["flagged_address_hop1_36m"].tolist() == [0, 1, 0, 0, 0, 0, 0]
    assert june["flagged_address_hop1_12m"].tolist() == [0, 1, 0, 0, 0, 0, 0]


def test_cluster_size(june) -> None:
    """Six entities in one component; 7 alone."""
    assert june["cluster_size"].tolist() == [6, 6, 6, 6, 6, 6, 1]


def test_columns_follow_feature_names(june) -> None:
    """The frame's columns are feature_names(), indexed by entity id."""
    assert list(june.columns) == feature_names()
    assert june.index.tolist() == [1, 2, 3, 4, 5, 6, 7]


def test_point_in_time(graph) -> None:
    """On 2023-01-01: later events, the later shareholding, and unregistered entity 6 do not count;
    the directorship that ended in June 2023 still does."""
    early = graph_features(graph, EVENTS, "2023-01-01")
    assert early["related_entities"].tolist() == [2, 2, 1, 1, 1, 0, 1]
    assert early["flagged_any_hop1_12m"].tolist() == [0, 0, 0, 0, 1, 0, 0]
    assert early["flagged_any_hop1_36m"].sum() == 1
    assert early["cluster_size"].tolist() == [4, 4, 4, 2, 2, 1, 4]
    assert early.loc[6].sum() == pytest.approx(early.loc[6, "cluster_size"])


def test_events_on_the_day_itself_do_not_count(graph) -> None:
    """An event dated as_of is not yet known on as_of."""
    same_day = graph_features(graph, EVENTS, "2024-03-01")
    assert same_day.loc[2, "flagged_address_hop1_12m"] == 0
    assert graph_features(graph, EVENTS, "2024-03-02").loc[2, "flagged_address_hop1_12m"] == 1


def test_personalised_pagerank_matches_networkx(graph) -> None:
    """The SciPy power iteration gives networkx's personalised PageRank on the same graph."""
    adjacency = graph.adjacency("2024-06-01")
    seeds = np.zeros(graph.n_nodes)
    seeds[[3, 5]] = 1.0  # entities 4 and 6
    ours = personalised_pagerank(adjacency, seeds, tol=1e-12, max_iter=1000)
    g = nx.from_scipy_sparse_array(adjacency)
    theirs = nx.pagerank(g, personalization={3: 0.5, 5: 0.5}, tol=1e-13, max_iter=1000, weight=None)
    assert ours == pytest.approx([theirs[i] for i in range(graph.n_nodes)], abs=1e-6)


def test_pagerank_feature_is_seeded_by_serious_events(june) -> None:
    """Seed 4 ranks highest, then 5 between the two seeds, then entities further away; 7 gets nothing."""
    ppr = june["ppr_serious"]
    assert ppr.loc[7] == 0
    assert ppr.loc[4] > ppr.loc[5] > ppr.loc[3] > ppr.loc[1]
    assert ppr.loc[6] > ppr.loc[3]


def test_no_serious_event_gives_zero_pagerank(graph) -> None:
    """Without a seed the personalised PageRank is zero everywhere."""
    quiet = graph_features(graph, EVENTS.assign(serious=False), "2024-06-01")
    assert (quiet["ppr_serious"] == 0).all()


def test_hubs_are_left_out_of_hops_and_clusters(graph) -> None:
    """With hub_limit 1, every shared node is a hub: nothing is related except by the investment."""
    hubless = graph_features(graph, EVENTS, "2024-06-01", FeatureSettings(hub_limit=1))
    assert hubless["related_entities"].tolist() == [0, 0, 0, 1, 1, 0, 0]
    assert hubless["cluster_size"].tolist() == [1, 1, 1, 2, 2, 1, 1]


def test_clusters_and_why(graph) -> None:
    """One cluster of six; it shares persons 100 and 101, address 200, phone 300 and an investment."""
    membership = find_clusters(graph, "2024-06-01")
    assert sorted(membership["entity_id"]) == [1, 2, 3, 4, 5, 6]
    assert membership["cluster"].nunique() == 1
    why = explain_clusters(graph, membership, "2024-06-01")
    assert set(zip(why["kind"], why["ref"], why["members"], strict=True)) == {
        ("shared_person", 100, 2), ("shared_person", 101, 2), ("shared_address", 200, 2),
        ("shared_phone", 300, 2), ("investment", 4, 2)}


def test_large_components_are_split(graph) -> None:
    """A component above max_size is split into communities, each within the size floor."""
    membership = find_clusters(graph, "2024-06-01", ClusterSettings(max_size=3))
    assert membership["cluster"].nunique() >= 2
    assert membership.groupby("cluster").size().min() >= 2
    assert membership["entity_id"].is_unique


def test_cluster_scores(graph) -> None:
    """Scores follow members' risk; the cluster with more high-risk members ranks first."""
    membership = pd.DataFrame({"entity_id": [1, 2, 3, 4], "cluster": [0, 0, 1, 1]})
    scores = score_clusters(membership, pd.Series({1: 0.1, 2: 0.2, 3: 0.9, 4: 0.6}))
    assert scores["cluster"].tolist() == [1, 0]
    assert scores.loc[0, "score"] == pytest.approx(0.75 + 0.5)
    assert scores.loc[1, "high_risk"] == 0


def test_networkx_form(graph) -> None:
    """to_networkx gives labelled nodes and edges with their relation."""
    g = graph.to_networkx("2024-06-01")
    assert g.number_of_edges() == 9
    assert g.nodes["person:100"]["kind"] == "person"
    assert {d["relation"] for _, _, d in g.edges("entity:4", data=True)} == {"shareholder", "investment"}


def test_bad_input_names_the_row_and_column() -> None:
    """Unknown relations and entities are refused with the row and column."""
    bad = EDGES.copy()
    bad.loc[3, "relation"] = "cousin"
    with pytest.raises(GraphInputError, match="row 3: column relation"):
        build_graph(ENTITIES, bad)
    stray = EDGES.copy()
    stray.loc[0, "entity_id"] = 99
    with pytest.raises(GraphInputError, match="entity 99"):
        build_graph(ENTITIES, stray)
    with pytest.raises(GraphInputError, match="serious"):
        graph_features(build_graph(ENTITIES, EDGES), EVENTS.drop(columns="serious"), "2024-01-01")
